"""{% plan_rows center_plan links=True %}: the operation rows of a daily production plan table.

Built as one string in Python rather than as template markup because a busy day has hundreds of rows of
thirteen cells, on the page and in the PDF: through the template engine (or format_html per cell) a row
cost about thirty nodes and made the all-centers page several times slower. Every value is escaped here
(html.escape) before the result is marked safe; numbers are formatted for the active language.
"""

from decimal import Decimal
from html import escape

from django import template
from django.urls import reverse
from django.utils import formats, numberformat
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

register = template.Library()

RUSH_MARK = "RUSH / 急单"  # the same in every language, as on the other documents


def _e(value):
    return escape(str(value), quote=True)


def _number_format():
    """A formatter for the active language: grouped thousands, at most `places` decimals, no trailing zeros
    (what the floatformat filter gives with "-Ng", without its per-call cost)."""
    decimal_sep, thousand_sep = formats.get_format("DECIMAL_SEPARATOR"), formats.get_format("THOUSAND_SEPARATOR")
    grouping = formats.get_format("NUMBER_GROUPING")

    def number(value, places):
        rounded = Decimal(value).quantize(Decimal(1).scaleb(-places))
        digits = 0 if rounded == rounded.to_integral_value() else len(str(rounded.normalize()).partition(".")[2])
        return numberformat.format(rounded, decimal_sep, decimal_pos=digits, grouping=grouping,
                                   thousand_sep=thousand_sep, force_grouping=True)

    return number


def _time(moment, with_date):
    # The day in the reader's format (12-07 / 12月7日) when the time falls on another day than the plan's.
    return f"{formats.date_format(moment, 'MONTH_DAY_FORMAT')} {moment:%H:%M}" if with_date else f"{moment:%H:%M}"


def _row(row, order_url, number, locked_label):
    times = f"{_time(row.start, row.starts_before)}–{_time(row.end, row.ends_after)}"
    lock = f' <span title="{locked_label}">🔒</span>' if row.locked else ""
    order = f'<a href="{_e(order_url(row.order_id))}">{_e(row.order_number)}</a>' if order_url else (
        _e(row.order_number))
    rush = f' <span class="badge badge-rush rush-mark" data-field="rush">{RUSH_MARK}</span>' if row.rush else ""
    batch = f"<br>{_e(row.batch_number)}" if row.batch_number and row.batch_number != row.work_order_number else ""
    css = ' class="rush"' if row.rush else ""
    return (
        f'<tr{css} data-testid="plan-row">'
        f'<td class="nowrap">{times}{lock}</td><td class="num">{row.unit_label}</td>'
        f'<td><span class="nowrap">{order}</span>{rush}</td><td>{_e(row.customer_name)}</td>'
        f'<td class="nowrap">{_e(row.work_order_number)}{batch}</td>'
        f'<td>{_e(row.item_code)}<br>{_e(row.item_name)}</td>'
        f"<td>{row.sequence} {_e(row.description)}</td>"
        f'<td class="num">{number(row.quantity, 3)} {_e(row.item_unit)}</td>'
        f'<td class="num">{number(row.setup_minutes, 1)}</td><td class="num">{number(row.run_minutes, 1)}</td>'
        f'<td>{_e(row.status)}</td><td class="fill"></td><td class="fill"></td></tr>'
    )


@register.simple_tag
def plan_rows(center_plan, links=False):
    urls = {}

    def order_url(pk):
        if pk not in urls:
            urls[pk] = reverse("orders:detail", args=[pk])
        return urls[pk]

    number, locked_label = _number_format(), _e(_("locked"))
    return mark_safe("\n".join(_row(row, order_url if links else None, number, locked_label)  # noqa: S308 - escaped
                               for row in center_plan.rows))
