"""Taking a django-fsm transition from a service, through django-fsm's public API only.

The rules of a document (from which states an action may be taken, its conditions, the role that may
take it) are declared on its model with `@fsm.transition`; a service calls `take()` instead of checking
the status by hand, so the model is the one place that says what is allowed."""

import django_fsm as fsm
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _


def declared_transition(instance, action, field="status"):
    """The transition named `action` of `instance`'s machine that leaves its current state, or None
    (unknown name, or not from this state)."""
    state = getattr(instance, field)
    for transition in instance._meta.get_field(field).get_all_transitions(type(instance)):
        if transition.name == action and transition.source in (state, "*"):
            return transition
    return None


def transition_names(model, field="status"):
    """The names of every transition declared on `model`'s machine."""
    return {transition.name for transition in model._meta.get_field(field).get_all_transitions(model)}


def take(method, *args, actor=None, refused, unmet=None, **kwargs):
    """Run the bound transition `method` (e.g. `sheet.cancel`) and return its result; the caller saves
    the row with the other fields it changes.

    Refuses, changing nothing, in the order a user understands: ValidationError(`refused`) when the
    transition does not leave the current state; PermissionDenied when `actor` may not take it
    (`actor=None`: a step the system takes on its own, such as the status a receipt leads to);
    ValidationError(`unmet` or `refused`) when its conditions are not met."""
    instance, action = method.__self__, method.__name__
    transition = declared_transition(instance, action)
    if transition is None:
        raise ValidationError(refused)
    if actor is not None and not transition.has_perm(instance, actor):
        raise PermissionDenied(_("Your role may not do this."))
    if not fsm.can_proceed(method):
        raise ValidationError(unmet or refused)
    return method(*args, **kwargs)


def _declared(model, name):
    transitions = [t for t in model._meta.get_field("status").get_all_transitions(model) if t.name == name]
    if not transitions:
        raise LookupError(f"{model.__name__} declares no transition {name!r}")
    return transitions


def sources(model, name):
    """The states `model`'s transition `name` may be taken from, as declared on the model."""
    return sorted({t.source for t in _declared(model, name)})


def take_in_update(queryset, name, **values):
    """Take the transition `name` on the rows of `queryset` in one conditional UPDATE, limited to the
    states the model declares for it; the number of rows moved.

    For rows that are claimed rather than locked (documents, alerts, webhook deliveries, optimisation
    runs; docs/locking.md): the claim must be one committed statement, so that two workers can never both
    win it and no row lock is held while the work (a render, an HTTP call) runs. Also for many rows moved
    together under a lock the caller holds (a work order's operations). The transition's conditions and
    permission are not checked here: such transitions declare none."""
    model = queryset.model
    (target,) = {t.target for t in _declared(model, name)}
    return queryset.filter(status__in=sources(model, name)).update(status=target, **values)
