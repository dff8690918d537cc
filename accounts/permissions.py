"""The one permission check of services and views: `require(actor, *perms)`.

Django's `has_perm` already answers False for an inactive user and True for an active superuser; this
adds the one refusal every page and service shows, translated for the reader.
"""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _


def require(actor, *perms, any_of=False, message=None):
    """Raise PermissionDenied unless `actor` holds every one of `perms` (or at least one, with
    `any_of=True`). `message` replaces the usual "Your role may not do this." where a page says more."""
    if not perms:
        raise ValueError("require() needs at least one permission")
    holds = any if any_of else all
    if not holds(actor.has_perm(perm) for perm in perms):
        raise PermissionDenied(message or _("Your role may not do this."))
