"""Template filters for numbers typed by people (orders.quantities): `{{ typed|understood }}` re-shows
a typed number as it was understood, for pages that render their number inputs by hand. (Numbers are
shown with Django's floatformat, which never writes an exponent.)"""

from django import template

from orders.models import Unit
from orders.quantities import understood_text

register = template.Library()


@register.filter
def understood(value):
    return understood_text(value)


@register.filter
def unit_name(code):
    """A unit's name in the reader's language (件, 千克) from its code (pcs, kg), for units kept as codes in
    stored snapshots (rush facts); model fields use get_unit_display. An unknown code is shown as it is."""
    return Unit(code).label if code in Unit.values else code
