"""Taking a transition of a document's state machine (django-fsm, declared on the model) as a user,
through django-fsm's public API only.

Every status of a document is a protected FSMField whose transitions declare their source and target
states, their conditions and the permission that may take them (DESIGN.md §4). The services lock the row,
then call take_transition(), which refuses, changing nothing, in the order a user understands:
not possible from this state (the service's own message), not for this role, conditions not met.
"""

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


def take_transition(instance, action, *, actor, refused, unmet=None, field="status"):
    """Move `instance` by its transition `action` as `actor` (not saved: the caller saves with the other
    fields it changes). Raises ValidationError(refused) when the transition does not leave the current
    state, PermissionDenied when the actor's role may not take it, and ValidationError(unmet or refused)
    when its conditions are not met. Returns what the transition method returns."""
    transition = declared_transition(instance, action, field)
    if transition is None:
        raise ValidationError(refused)
    if not transition.has_perm(instance, actor):
        raise PermissionDenied(_("Your role may not do this."))
    bound = getattr(instance, action)
    if not fsm.can_proceed(bound):
        raise ValidationError(unmet or refused)
    return bound()
