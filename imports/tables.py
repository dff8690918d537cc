"""Reading an uploaded table: CSV (UTF-8 with or without BOM, or GBK/GB18030 as Chinese Excel writes it;
comma, semicolon or tab) or XLSX (the first sheet). The first row holds the column names; blank rows
are skipped. Cells are kept as the text a person would type; for XLSX, which cells hold a formula or
a spreadsheet error value is kept too (formulas are not data: the row checks refuse them).
"""

import csv
import io
import re
import time as clock
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal

from defusedxml.ElementTree import fromstring
from django.utils.translation import gettext as _

from inputs.visible import visible_strip

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
            cells = [visible_strip(cell) for cell in record[:MAX_COLUMNS]]
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
    return visible_strip(str(value))


# Limits of what an uploaded workbook may hold, checked while streaming its XML before openpyxl builds
# anything: a 34 KB file can hold one row of a million empty cells, or a million shared strings, and
# openpyxl would materialise all of them. Real order and master-data sheets are far below these.
MAX_CELLS_PER_ROW = 1_000  # formatted-but-empty cells included
MAX_TOTAL_CELLS = 400_000
MAX_SHARED_STRINGS = 200_000
MAX_XML_BYTES = 20 * 1024 * 1024  # uncompressed size of the first sheet or the shared strings
XLSX_TIME_BUDGET = 10.0  # seconds for checking and reading one workbook


def _too_big(message):
    return ImportFileError(message + " " + _("Copy only the data to a new workbook and upload that."))


def _local(tag):
    return tag.rsplit("}", 1)[-1]


def _first_sheet_path(archive):
    """The part name of the workbook's first sheet (as openpyxl will read it)."""
    workbook = fromstring(archive.read("xl/workbook.xml"))
    rels = fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    sheet = next((el for el in workbook.iter() if _local(el.tag) == "sheet"), None)
    if sheet is None:
        raise ImportFileError(_("The workbook has no sheet."))
    rel_id = next((v for k, v in sheet.attrib.items() if _local(k) == "id"), None)
    target = next((el.get("Target") for el in rels.iter() if el.get("Id") == rel_id), None)
    if not target:
        raise ImportFileError(_("The workbook has no sheet."))
    return target.lstrip("/") if target.startswith("/") else f"xl/{target}"


# Opening tags of a row, a cell and a shared string (with or without a namespace prefix). Counting them in
# the raw XML is a C-speed regular-expression scan; an XML parser would spend seconds on a million cells.
_ROW_TAG = re.compile(rb"<(?:\w+:)?row[\s/>]")
_CELL_TAG = re.compile(rb"<(?:\w+:)?c[\s/>]")
_STRING_TAG = re.compile(rb"<(?:\w+:)?si[\s/>]")
_CHUNK = 1024 * 1024


def _chunks(stream, deadline):
    """A streamed XML part in pieces of about a megabyte that never cut a tag's opening (a tail from the last
    "<" is carried into the next piece)."""
    carry = b""
    while True:
        chunk = stream.read(_CHUNK)
        if not chunk:
            if carry:
                yield carry
            return
        text = carry + chunk
        cut = text.rfind(b"<")
        text, carry = (text[:cut], text[cut:]) if cut >= 0 and len(text) - cut < 64 else (text, b"")
        yield text
        if clock.monotonic() > deadline:
            raise _too_big(_("The workbook takes too long to read."))


def _check_xlsx_limits(data: bytes, deadline: float):
    """Stream the first sheet and the shared strings, counting cells (per row and in all) and strings;
    refuse as soon as a limit or the time budget is passed. Memory stays at about one piece of XML."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = set(archive.namelist())
        sheet_path = _first_sheet_path(archive)
        for part in (sheet_path, "xl/sharedStrings.xml"):
            if part in names and archive.getinfo(part).file_size > MAX_XML_BYTES:
                raise _too_big(_("The workbook is too large to read (%(size)s of sheet data).")
                               % {"size": f"{archive.getinfo(part).file_size // (1024 * 1024):,} MB"})
        if sheet_path not in names:
            raise ImportFileError(_("The workbook has no sheet."))
        if "xl/sharedStrings.xml" in names:
            count = 0
            with archive.open("xl/sharedStrings.xml") as stream:
                for text in _chunks(stream, deadline):
                    count += len(_STRING_TAG.findall(text))
                    if count > MAX_SHARED_STRINGS:
                        raise _too_big(_("The workbook holds more than %(max)s different texts.")
                                       % {"max": f"{MAX_SHARED_STRINGS:,}"})
        total = in_row = 0
        with archive.open(sheet_path) as stream:
            for text in _chunks(stream, deadline):
                # The first piece continues the row open at the end of the previous chunk.
                for index, piece in enumerate(_ROW_TAG.split(text)):
                    cells = len(_CELL_TAG.findall(piece))
                    in_row = in_row + cells if index == 0 else cells
                    total += cells
                    if in_row > MAX_CELLS_PER_ROW:
                        raise _too_big(_("A row of the sheet holds more than %(max)s cells.")
                                       % {"max": f"{MAX_CELLS_PER_ROW:,}"})
                if total > MAX_TOTAL_CELLS:
                    raise _too_big(_("The sheet holds more than %(max)s cells.") % {"max": f"{MAX_TOTAL_CELLS:,}"})


def _read_xlsx(data: bytes, max_rows: int) -> Table:
    """Check the workbook's size limits by streaming its XML, then read the first sheet once with openpyxl
    in read-only mode. Formula cells are kept as formulas (the row checks refuse them), so the values
    Excel cached for them are not needed and one pass over the sheet is enough."""
    from openpyxl import load_workbook  # lazy: ~0.2 s; defusedxml is installed: openpyxl parses with it

    not_xlsx = ImportFileError(_("This file is not an Excel workbook (.xlsx) that can be read. Open it in Excel "
                                 "and save it again as .xlsx, or upload a CSV file."))
    if not data.startswith(b"PK\x03\x04"):
        raise not_xlsx
    deadline = clock.monotonic() + XLSX_TIME_BUDGET
    book = None
    try:
        _check_xlsx_limits(data, deadline)
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
        if not book.worksheets:
            raise ImportFileError(_("The workbook has no sheet."))
        headers, rows = None, []
        for line, cells in enumerate(book.worksheets[0].iter_rows(max_col=MAX_COLUMNS), start=1):
            if line > MAX_SCANNED_ROWS:
                raise ImportFileError(
                    _("The sheet has more than %(max)s rows, counting empty ones. Copy the data to a new sheet.")
                    % {"max": f"{MAX_SCANNED_ROWS:,}"})
            if line % 500 == 0 and clock.monotonic() > deadline:
                raise _too_big(_("The workbook takes too long to read."))
            row = TableRow(line=line, cells=[])
            for index, cell in enumerate(cells):
                kind = getattr(cell, "data_type", None)
                if kind == "f":
                    text = getattr(cell.value, "text", cell.value)  # ArrayFormula keeps its text in .text
                    row.formulas[index] = str(text or "=")
                    row.cells.append("")
                    continue
                row.cells.append(_cell_text(cell.value))
                if kind == "e":
                    row.error_values[index] = row.cells[-1]
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
        if book is not None:
            book.close()
    return _table(headers, rows)
