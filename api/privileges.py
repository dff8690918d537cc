"""What a key may hold: never more than the person who made it may do.

A key acts as its user, so a manager who could make a key for `admin` (or for sales, who create orders,
which managers may not) would gain rights through the API that the manager's own role refuses. The rule
is checked when a key is made and again on every request: a key whose maker has since lost the right to
manage keys, or rights its user has, is refused."""

from django.contrib.auth.models import Permission
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, ngettext

MANAGE_KEYS = "api.add_apikey"
# Default model permissions, named in the reader's language with the model's translated name.
_ACTIONS = {"add": gettext_noop("add %(model)s"), "change": gettext_noop("change %(model)s"),
            "delete": gettext_noop("delete %(model)s"), "view": gettext_noop("view %(model)s")}
SHOWN = 5


def permission_label(name):
    """A permission ("orders.add_order") as people read it, in the active language."""
    app_label, _dot, codename = name.partition(".")
    permission = (Permission.objects.select_related("content_type")
                  .filter(content_type__app_label=app_label, codename=codename).first())
    model = permission.content_type.model_class() if permission is not None else None
    if model is None:
        return name
    for custom, label in model._meta.permissions:
        if custom == codename:
            return str(label)
    action, _sep, _model = codename.partition("_")
    if action in _ACTIONS:
        return _(_ACTIONS[action]) % {"model": model._meta.verbose_name}
    return permission.name


def rights_beyond(creator, user):
    """Why `creator` may not hand out a key acting as `user` (a translated sentence), or None."""
    if creator is None:  # keys made before their maker was recorded: nobody vouches for their rights
        return _("Nobody is recorded as having made this key: a manager must make a new one.")
    if not creator.is_active:
        return _("The person who made the key is no longer active.")
    if not creator.has_perm(MANAGE_KEYS):
        return _("%(creator)s may no longer manage API keys.") % {"creator": creator.get_username()}
    if user.is_superuser and not creator.is_superuser:
        return _("%(user)s is a superuser and may do everything; only a superuser may make a key for them.") % {
            "user": user.get_username()}
    missing = sorted(user.get_all_permissions() - creator.get_all_permissions())
    if not missing:
        return None
    labels = [permission_label(name) for name in missing[:SHOWN]]
    more = len(missing) - SHOWN
    listed = "; ".join(labels) + (ngettext(" and %(n)d more", " and %(n)d more", more) % {"n": more}
                                  if more > 0 else "")
    return _("%(user)s may do what %(creator)s may not (%(rights)s): a key never holds more rights than the "
             "person who makes it.") % {"user": user.get_username(), "creator": creator.get_username(),
                                        "rights": listed}
