"""How a person is named on a page: `{{ event.actor|person }}`.

The chain `actor.get_full_name|default:actor.username` fails with a server error when the person is missing
(a system event, a request nobody decided yet): Django resolves filter arguments strictly. This filter
takes the person or None."""

from django import template

register = template.Library()


@register.filter
def person(user, missing="—"):
    """The full name, else the user name; `missing` (a dash by default) when nobody."""
    if not user:
        return missing
    return user.get_full_name() or user.username
