"""The one way a list narrows its records: a django-filter FilterSet used inside the app's selector
(HackSoft's pattern: `order_list(user, filters=request.GET)` returns `OrderFilter(filters, qs).qs`).

Each list already has a filter form that the page renders (labels, widgets, choices, validation);
the FilterSet takes that form as it is (`form_class`) and only declares how each cleaned value narrows
the queryset, so a field is described once. The helpers below are the shapes every list repeats:
a free-text search, an active/inactive/all switch, a status that may name a group, and a sort."""

from collections.abc import Mapping

import django_filters
from django.db.models import Q
from django.http import QueryDict

EMPTY_VALUES = django_filters.constants.EMPTY_VALUES


class FormFilterSet(django_filters.FilterSet):
    """A FilterSet over the list's own filter form. Bad input (unknown choice, bad date, NUL byte) makes
    the form invalid: the page shows the form's message and the list is shown unfiltered in its default
    order, as before. Filters with a default (status, sort) apply it when their field is empty."""

    def __init__(self, data=None, queryset=None, *, user=None, **kwargs):
        if isinstance(data, Mapping) and not isinstance(data, QueryDict):
            data = as_query_dict(data)
        self.user = user  # for filters about the reader ("entered by me")
        super().__init__(data, queryset, **kwargs)

    form_class = None  # the list's filter form (required)

    def get_form_class(self):
        # The form's own fields win over the fields django-filter would derive from the filters.
        return self.form_class

    @property
    def cleaned(self) -> dict:
        """The valid filter values; nothing when any of them is bad."""
        return self.form.cleaned_data if self.is_bound and self.form.is_valid() else {}

    def filter_queryset(self, queryset):
        cleaned = self.cleaned
        for name, filter_ in self.filters.items():
            queryset = filter_.filter(queryset, cleaned.get(name))
        return queryset


def as_query_dict(data: Mapping) -> QueryDict:
    """Selectors are also called with plain dicts of values (services, tests): turn them into what a
    form reads from a request (lists become repeated keys, records their pk, dates ISO)."""
    query = QueryDict(mutable=True)
    for key, value in data.items():
        if value in EMPTY_VALUES or value is False:
            continue
        values = value if isinstance(value, list | tuple | set | frozenset) else [value]
        query.setlist(key, [_as_text(v) for v in values])
    return query


def _as_text(value) -> str:
    if hasattr(value, "pk"):
        return str(value.pk)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return "on" if value is True else str(value)


class SearchFilter(django_filters.Filter):
    """Free text matched against several lookups (any one matching keeps the row). A lookup is a
    field lookup name, or a function of the text returning a Q/expression (subqueries, exact codes)."""

    def __init__(self, *lookups, **kwargs):
        self.lookups = lookups
        super().__init__(**kwargs)

    def filter(self, qs, value):
        text = (value or "").strip()
        if not text:
            return qs
        condition = Q()
        for lookup in self.lookups:
            condition |= lookup(text) if callable(lookup) else Q(**{lookup: text})
        return qs.filter(condition)


class ActiveFilter(django_filters.Filter):
    """The master-data switch: active (the default), inactive, or all records."""

    def __init__(self, default="active", **kwargs):
        self.default = default
        super().__init__(field_name="is_active", **kwargs)

    def filter(self, qs, value):
        status = value or self.default
        if status == "all":
            return qs
        return qs.filter(**{self.field_name: status != "inactive"})


class StatusFilter(django_filters.Filter):
    """One status, or a named group of them (e.g. "open")."""

    def __init__(self, groups=None, **kwargs):
        self.groups = groups or {}
        kwargs.setdefault("field_name", "status")
        super().__init__(**kwargs)

    def filter(self, qs, value):
        if value in EMPTY_VALUES:
            return qs
        if value in self.groups:
            return qs.filter(**{f"{self.field_name}__in": self.groups[value]})
        return qs.filter(**{self.field_name: value})


class SortFilter(django_filters.Filter):
    """The list's order: the chosen sort's fields, else the default's; `then` breaks ties (stable pages)."""

    def __init__(self, sorts, default, then=(), **kwargs):
        self.sorts, self.default, self.then = sorts, default, tuple(then)
        super().__init__(**kwargs)

    def filter(self, qs, value):
        return qs.order_by(*self.sorts.get(value or self.default, self.sorts[self.default]), *self.then)


class FlagFilter(django_filters.Filter):
    """A checkbox: when ticked, keep the rows matching `ticked`; when not, those matching `unticked`.
    A condition is a Q, or a function of the filter set returning one."""

    def __init__(self, ticked=None, *, unticked=None, **kwargs):
        self.ticked, self.unticked = ticked, unticked
        super().__init__(**kwargs)

    def filter(self, qs, value):
        condition = self.ticked if value else self.unticked
        if condition is None:
            return qs
        return qs.filter(condition(self.parent) if callable(condition) else condition)


class WithActiveFilter(django_filters.Filter):
    """"with" / "without" an active related record (a routing, a BOM)."""

    def filter(self, qs, value):
        active = Q(**{f"{self.field_name}__is_active": True})
        if value == "with":
            return qs.filter(active)
        if value == "without":
            return qs.exclude(active)
        return qs
