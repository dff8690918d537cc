"""CSV and XLSX files of a report table. Text cells a spreadsheet would run as a formula are
neutralised the same way as the order export (orders.exports.neutralise)."""

import csv
import io
from decimal import Decimal

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from orders.exports import EXPORT_LIMIT, neutralise
from orders.quantities import plain_digits


def _cell(value):
    if value is None:
        return ""
    if isinstance(value, bool):  # a reader's yes/no, never True/False
        return str(_("Yes") if value else _("No"))
    if isinstance(value, float | Decimal) and "e" in str(value).lower():
        # Plain digits, never an exponent: str() writes 2.3E+3 for a normalized 2300 and 1e-05 for 0.00001.
        return plain_digits(value if isinstance(value, Decimal) else Decimal(repr(value)))
    return value


def table_csv(header, rows) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([str(h) for h in header])
    for n, row in enumerate(rows):
        if n >= EXPORT_LIMIT:
            break
        writer.writerow([neutralise(str(_cell(v))) for v in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")  # BOM: Excel reads the UTF-8 Chinese text


def table_xlsx(header, rows, title) -> bytes:
    from openpyxl import Workbook  # openpyxl (with numpy) loads in ~0.2 s: only an XLSX export pays for it

    wb = Workbook(write_only=True)
    ws = wb.create_sheet(str(title)[:31])
    ws.append([str(h) for h in header])
    for n, row in enumerate(rows):
        if n >= EXPORT_LIMIT:
            break
        ws.append([neutralise(str(v)) if isinstance(v, str) else _cell(v) for v in map(_cell, row)])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def xlsx_response_type():
    return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def export_response(name, header, rows, title, fmt):
    """The table as a CSV or XLSX download named `name`-<time>."""
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    if fmt == "csv":
        response = HttpResponse(table_csv(header, rows), content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse(table_xlsx(header, rows, title), content_type=xlsx_response_type())
    response["Content-Disposition"] = f'attachment; filename="{name}-{stamp}.{fmt}"'
    return response
