"""CSV and XLSX downloads of a table (header + rows), shared by every app that exports a list: the
order list, the reports, the rush report. Cells that a spreadsheet would run as a formula (starting
with = + - @, tab or CR) are prefixed with a quote (OWASP CSV injection)."""

import csv
import io
from decimal import Decimal

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

EXPORT_LIMIT = 100_000
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value):
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def _cell(value):
    if value is None:
        return ""
    if isinstance(value, bool):  # a reader's yes/no, never True/False
        return str(_("Yes") if value else _("No"))
    if isinstance(value, float | Decimal) and "e" in str(value).lower():
        # Plain digits, never an exponent: str() writes 2.3E+3 for a normalized 2300 and 1e-05 for 0.00001.
        # (orders.quantities.plain_digits, inlined: a cross-cutting app imports no stage app)
        text = format((value if isinstance(value, Decimal) else Decimal(repr(value))).normalize(), "f")
        return "0" if text in ("-0", "+0") else text
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
    from openpyxl import Workbook  # lazy: openpyxl (with numpy) loads in ~0.2 s: only an XLSX export pays

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
