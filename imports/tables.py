"""Reading an uploaded table: CSV (UTF-8 with or without BOM, or GBK/GB18030 as Chinese Excel writes it;
comma, semicolon or tab) or XLSX (the first sheet). The first row holds the column names; blank rows
are skipped. Cells are kept as the text a person would type; for XLSX, which cells hold a formula or
a spreadsheet error value is kept too (formulas are not data: the row checks refuse them).
"""

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal

from django.utils.translation import gettext as _

MAX_ROWS = 5000
# Columns beyond this are not read (a sheet with formatting on thousands of columns is not data).
MAX_COLUMNS = 60
# Physical rows scanned in a sheet, blank ones included: a sheet formatted down to row 1,048,576
# must not keep the server busy.
MAX_SCANNED_ROWS = 100_000
_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class ImportFileError(Exception):
    """The file as a whole cannot be imported (type, encoding, columns, size); the message says why."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


# --- reading files -----------------------------------------------------------------------------

@dataclass
class TableRow:
    line: int  # the row number a person sees in Excel (the header is row 1)
    cells: list[str]
    formulas: dict[int, str] = field(default_factory=dict)  # column index -> formula text
    error_values: dict[int, str] = field(default_factory=dict)  # column index -> "#DIV/0!" etc.

    @property
    def is_blank(self):
        return not self.formulas and not self.error_values and not any(self.cells)


@dataclass
class Table:
    headers: list[str]
    rows: list[TableRow]  # non-blank rows only


def read_table(data: bytes, filename: str, *, max_rows: int = MAX_ROWS) -> Table:
    """The header and the non-blank rows of an uploaded .csv or .xlsx file (at most `max_rows`)."""
    name = (filename or "").lower()
    if name.endswith(".csv"):
        return _read_csv(data, max_rows)
    if name.endswith(".xlsx"):
        return _read_xlsx(data, max_rows)
    if name.endswith((".xls", ".et")):
        raise ImportFileError(_("Old Excel workbooks (.xls) cannot be read. Save the file as .xlsx or as CSV."))
    raise ImportFileError(_("Upload a .csv or .xlsx file."))


def _decode_csv(data: bytes) -> str:
    if data.startswith(b"PK\x03\x04"):
        raise ImportFileError(_("This file is an Excel workbook with a .csv name. Save it as .xlsx, or export "
                                "it from Excel as CSV."))
    not_text = ImportFileError(_("This file is not a CSV text file. Save it from Excel as “CSV UTF-8 (comma "
                                 "delimited)” or “CSV (comma delimited)”, or upload the .xlsx workbook."))
    if b"\x00" in data:
        raise not_text
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Chinese Excel writes CSV in the ANSI code page (GBK); GB18030 is its superset.
        try:
            text = data.decode("gb18030")
        except UnicodeDecodeError:
            raise not_text from None
    if _CONTROL_CHARS.search(text):
        raise not_text
    return text


def _delimiter(first_line: str) -> str:
    counts = {d: first_line.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def _read_csv(data: bytes, max_rows: int) -> Table:
    text = _decode_csv(data)
    if not text.strip():
        raise ImportFileError(_("The file is empty."))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text.split("\n", 1)[0]))
    headers, rows = None, []
    try:
        for index, record in enumerate(reader, start=1):
            cells = [cell.strip() for cell in record[:MAX_COLUMNS]]
            if headers is None:
                headers = cells
                continue
            row = TableRow(line=index, cells=cells)
            if not row.is_blank:
                rows.append(row)
                _check_row_count(rows, max_rows)
    except csv.Error as exc:
        raise ImportFileError(_("The CSV file cannot be read (%(error)s).") % {"error": exc}) from None
    return _table(headers, rows)


def _check_row_count(rows, max_rows):
    if len(rows) > max_rows:
        raise ImportFileError(_("The file has more than %(max)s rows. Split it into smaller files.")
                              % {"max": f"{max_rows:,}"})


def _table(headers, rows):
    if not headers or not any(headers):
        raise ImportFileError(_("The first row must hold the column names."))
    if not rows:
        raise ImportFileError(_("The file has no data rows below the column names."))
    return Table(headers=headers, rows=rows)


def _cell_text(value) -> str:
    """A spreadsheet value as the text a person would type for it."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        # Excel keeps every number as a float: 14.0 is the whole number 14; repr is the shortest exact text.
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, (date, time)):
        return value.isoformat()
    return str(value).strip()


def _read_xlsx(data: bytes, max_rows: int) -> Table:
    """Read the first sheet twice: with data_only=True for the values (openpyxl then gives the value
    Excel cached for a formula) and without it, to see which cells hold formulas."""
    from openpyxl import load_workbook  # defusedxml is installed: openpyxl parses with it

    not_xlsx = ImportFileError(_("This file is not an Excel workbook (.xlsx) that can be read. Open it in Excel "
                                 "and save it again as .xlsx, or upload a CSV file."))
    if not data.startswith(b"PK\x03\x04"):
        raise not_xlsx
    workbooks = []
    try:
        values_book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        workbooks.append(values_book)
        formulas_book = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
        workbooks.append(formulas_book)
        if not values_book.worksheets:
            raise ImportFileError(_("The workbook has no sheet."))
        values_sheet, formulas_sheet = values_book.worksheets[0], formulas_book.worksheets[0]
        headers, rows = None, []
        pairs = zip(values_sheet.iter_rows(max_col=MAX_COLUMNS), formulas_sheet.iter_rows(max_col=MAX_COLUMNS),
                    strict=False)
        for line, (value_cells, formula_cells) in enumerate(pairs, start=1):
            if line > MAX_SCANNED_ROWS:
                raise ImportFileError(
                    _("The sheet has more than %(max)s rows, counting empty ones. Copy the data to a new sheet.")
                    % {"max": f"{MAX_SCANNED_ROWS:,}"})
            row = TableRow(line=line, cells=[_cell_text(c.value) for c in value_cells])
            for index, cell in enumerate(formula_cells):
                if getattr(cell, "data_type", None) == "f":
                    text = getattr(cell.value, "text", cell.value)  # ArrayFormula keeps its text in .text
                    row.formulas[index] = str(text or "=")
            for index, cell in enumerate(value_cells):
                if getattr(cell, "data_type", None) == "e":
                    row.error_values[index] = _cell_text(cell.value)
            if headers is None:
                headers = row.cells
                continue
            if not row.is_blank:
                rows.append(row)
                _check_row_count(rows, max_rows)
    except ImportFileError:
        raise
    except Exception:  # noqa: BLE001 - any failure to parse an uploaded file means "not a workbook"
        raise not_xlsx from None
    finally:
        for book in workbooks:
            book.close()
    return _table(headers, rows)
