"""Template filters for numbers typed by people (orders.quantities): `{{ typed|understood }}` re-shows
a typed number as it was understood, for pages that render their number inputs by hand. (Numbers are
shown with Django's floatformat, which never writes an exponent.)"""

from django import template

from orders.quantities import understood_text

register = template.Library()


@register.filter
def understood(value):
    return understood_text(value)
