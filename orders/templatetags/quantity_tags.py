"""Template filters for numbers (orders.quantities): `{{ value|number }}`, `{{ value|number:2 }}`
shows a quantity, amount or measure without exponent in the reader's notation; `{{ typed|understood }}`
re-shows a typed number as it was understood."""

from django import template

from orders.quantities import format_number, understood_text

register = template.Library()


@register.filter
def number(value, places=None):
    if value in (None, ""):
        return ""
    return format_number(value, None if places in (None, "") else int(places))


@register.filter
def understood(value):
    return understood_text(value)
