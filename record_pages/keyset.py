"""Keyset pagination: a page is "the rows after (or before) this row in the list's order", so page 500
costs what page 1 costs (an OFFSET walks every row before it), and the total is counted only up to a cap
(a COUNT(*) over a million orders on every request is what made deep lists slow). Used by the order
list and the API (issue 19, item 4).

The list's order comes from the queryset's order_by (fields or annotations that are never NULL); it
must end in a unique key (the id is appended when it does not). The cursor names the boundary row's sort
values, signed so it cannot be forged into another query; a damaged cursor gives the first page and a
message, never an error page."""

from dataclasses import dataclass, field

from django.core import signing
from django.db.models import Q
from django.utils.translation import gettext as _

COUNT_CAP = 1000
SALT = "orderflow.keyset"
FIRST, AFTER, BEFORE, LAST = "first", "after", "before", "last"


class BadCursor(ValueError):
    pass


@dataclass
class KeysetPage:
    rows: list
    has_next: bool
    has_previous: bool
    next_cursor: str = ""
    previous_cursor: str = ""
    count: int = 0
    count_is_capped: bool = False  # more rows than COUNT_CAP: `count` is the cap
    problem: str = ""  # why the requested cursor was not used
    ordering: tuple = field(default=())

    def __iter__(self):
        return iter(self.rows)

    def __len__(self):
        return len(self.rows)


def _ordering(queryset):
    ordering = list(queryset.query.order_by or queryset.model._meta.ordering or ())
    names = [name.lstrip("-") for name in ordering]
    if "id" not in names and "pk" not in names:
        ordering.append("-id" if ordering and ordering[-1].startswith("-") else "id")
    return tuple("id" if o == "pk" else "-id" if o == "-pk" else o for o in ordering)


def _field(queryset, path):
    """The field that reads a cursor value back: a model field along the path, or an annotation's output."""
    if path in queryset.query.annotations:
        return queryset.query.annotations[path].output_field
    model = queryset.model
    parts = path.split("__")
    for part in parts[:-1]:
        model = model._meta.get_field(part).related_model
    return model._meta.get_field(parts[-1])


def _value(row, path):
    for part in path.split("__"):
        row = getattr(row, part)
    return row


def _key(row, ordering):
    return [_value(row, name.lstrip("-")) for name in ordering]


def _encode(direction, row, ordering):
    values = [None if v is None else str(v) for v in _key(row, ordering)]
    return signing.dumps({"d": direction, "k": values, "o": list(ordering)}, salt=SALT, compress=True)


def _decode(cursor, queryset, ordering):
    if cursor in (FIRST, LAST):
        return cursor, None
    try:
        data = signing.loads(cursor, salt=SALT)
        if data["d"] not in (AFTER, BEFORE) or data["o"] != list(ordering) or len(data["k"]) != len(ordering):
            raise BadCursor
        values = [None if v is None else _field(queryset, name.lstrip("-")).to_python(v)
                  for name, v in zip(ordering, data["k"], strict=True)]
    except (signing.BadSignature, KeyError, TypeError, ValueError, Exception) as exc:  # noqa: B014 - any damage
        raise BadCursor from exc
    return data["d"], values


def _beyond(ordering, values):
    """Rows strictly after `values` in `ordering` (a descending field continues with smaller values)."""
    condition = Q()
    equal = Q()
    for name, value in zip(ordering, values, strict=True):
        field_name = name.lstrip("-")
        lookup = "lt" if name.startswith("-") else "gt"
        condition |= equal & Q(**{f"{field_name}__{lookup}": value})
        equal &= Q(**{field_name: value})
    return condition


def _reversed(ordering):
    return tuple(name[1:] if name.startswith("-") else f"-{name}" for name in ordering)


def keyset_page(queryset, *, cursor="", per_page=25) -> KeysetPage:
    """One page of `queryset` at `cursor` ("" or "first": the first page, "last": the last one, or a cursor
    from a previous page's next_cursor/previous_cursor)."""
    ordering = _ordering(queryset)
    problem = ""
    try:
        direction, values = _decode(cursor or FIRST, queryset, ordering)
    except BadCursor:
        direction, values = FIRST, None
        problem = _("That page link is no longer valid (the list's order changed or the link was damaged): "
                    "showing the first page.")
    backwards = direction in (BEFORE, LAST)
    order = _reversed(ordering) if backwards else ordering
    qs = queryset.order_by(*order)
    if values is not None:
        qs = qs.filter(_beyond(order, values))
    rows = list(qs[:per_page + 1])
    more = len(rows) > per_page
    rows = rows[:per_page]
    if backwards:
        rows.reverse()
        has_previous, has_next = more, direction == BEFORE
    else:
        has_previous, has_next = direction == AFTER, more
    counted = queryset.order_by()[:COUNT_CAP + 1].count()
    return KeysetPage(
        rows=rows, has_next=has_next, has_previous=has_previous, problem=problem, ordering=ordering,
        next_cursor=_encode(AFTER, rows[-1], ordering) if has_next and rows else "",
        previous_cursor=_encode(BEFORE, rows[0], ordering) if has_previous and rows else "",
        count=min(counted, COUNT_CAP), count_is_capped=counted > COUNT_CAP)
