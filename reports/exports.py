"""CSV and XLSX files of a report table. Text cells a spreadsheet would run as a formula are
neutralised the same way as the order export (orders.exports.neutralise)."""

import csv
import io

from openpyxl import Workbook

from orders.exports import EXPORT_LIMIT, neutralise


def _cell(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
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
