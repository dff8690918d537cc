"""CSV and XLSX export of an order list. Cells that a spreadsheet would run as a formula
(starting with = + - @, tab or CR) are prefixed with a quote (OWASP CSV injection)."""

import csv
import io

from django.utils import timezone
from django.utils.translation import gettext as _

EXPORT_LIMIT = 100_000
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value):
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


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


def orders_csv(orders) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(_header())
    for row in _rows(orders[:EXPORT_LIMIT]):
        writer.writerow([neutralise(str(v)) for v in row])
    # BOM so that Excel opens the UTF-8 file with Chinese text correctly.
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def orders_xlsx(orders) -> bytes:
    from openpyxl import Workbook  # openpyxl (with numpy) loads in ~0.2 s: only an XLSX export pays for it

    wb = Workbook(write_only=True)
    ws = wb.create_sheet(_("Orders"))
    ws.append(_header())
    for row in _rows(orders[:EXPORT_LIMIT]):
        ws.append([neutralise(v) if isinstance(v, str) else v for v in row])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
