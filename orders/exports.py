"""The order list as a CSV or XLSX download (the columns; the file is written by exports.spreadsheets,
which also neutralises spreadsheet formulas)."""

from django.utils import timezone
from django.utils.translation import gettext as _

from exports.spreadsheets import EXPORT_LIMIT, export_response


def _header():
    return [_("Order number"), _("Status"), _("Priority"), _("Rush reason"), _("Customer code"), _("Customer"),
            _("Customer PO"), _("Channel"), _("Requested date"), _("Promised date"), _("Currency"), _("Total"),
            _("Entered at")]


def _rows(orders):
    tz = timezone.get_current_timezone()
    for o in orders.iterator(chunk_size=2000):
        yield [o.number, o.get_status_display(), o.get_priority_display(), o.rush_reason, o.customer.code,
               o.customer.name, o.customer_po, o.get_channel_display(), o.requested_date,
               o.promised_date or "", o.currency, o.total_amount,
               timezone.localtime(o.created_at, tz).strftime("%Y-%m-%d %H:%M")]


def orders_export(orders, fmt):
    """`orders` (a queryset, at most EXPORT_LIMIT of them) as the download orders-<time>.<fmt>."""
    return export_response("orders", _header(), _rows(orders[:EXPORT_LIMIT]), _("Orders"), fmt)
