"""Workbook "bombs": tiny compressed files that expand to a million cells or shared strings are refused
quickly and within a small memory budget, with a clear message (imports/tables.py). The limits are
functional (a web worker must not be held for a minute or grow by gigabytes), so they are asserted."""

import io
import time
import tracemalloc
import zipfile

import pytest

from imports.tables import ImportFileError, read_table
from tests.orders.test_import import xlsx_bytes

CONTENT_TYPES = ('<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
                 'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
                 'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/'
                 'workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+'
                 'xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-'
                 'officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType='
                 '"application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>')
ROOT_RELS = ('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
             '2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
             'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>')
WORKBOOK = ('<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
            '2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet '
            'name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>')
WORKBOOK_RELS = ('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/'
                 'package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
                 'officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship '
                 'Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" '
                 'Target="sharedStrings.xml"/></Relationships>')
NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'


def workbook(sheet_rows, shared_strings=None):
    """A minimal .xlsx whose sheet XML is written from `sheet_rows` (an iterable of XML text pieces)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("_rels/.rels", ROOT_RELS)
        archive.writestr("xl/workbook.xml", WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        with archive.open("xl/worksheets/sheet1.xml", "w") as sheet:
            sheet.write(f'<?xml version="1.0" encoding="UTF-8"?><worksheet {NS}><sheetData>'.encode())
            for piece in sheet_rows:
                sheet.write(piece.encode())
            sheet.write(b"</sheetData></worksheet>")
        with archive.open("xl/sharedStrings.xml", "w") as strings:
            strings.write(f'<?xml version="1.0" encoding="UTF-8"?><sst {NS}>'.encode())
            for piece in shared_strings or ['<si><t>code</t></si>']:
                strings.write(piece.encode())
            strings.write(b"</sst>")
    return buffer.getvalue()


def one_row_of_a_million_cells():
    yield '<row r="1"><c r="A1" t="s"><v>0</v></c></row><row r="2">'
    chunk = '<c s="1"/>' * 10_000
    for _ in range(100):
        yield chunk
    yield "</row>"


def many_wide_rows():
    row = "".join('<c s="1"/>' for _ in range(900))
    for number in range(1, 2_000):
        yield f'<row r="{number}">{row}</row>'


def a_million_shared_strings():
    chunk = "<si><t>x</t></si>" * 10_000
    for _ in range(100):
        yield chunk


def one_huge_shared_string():
    yield "<si><t>"
    chunk = "x" * 1_000_000
    for _ in range(40):
        yield chunk
    yield "</t></si>"


def refused_quickly(data, fragment):
    """Refused with `fragment` in the message, in under 2 s, with under 100 MB allocated at the peak. Time
    and memory are measured in separate runs (tracemalloc slows allocation-heavy code many times over),
    after a warm-up read so that importing openpyxl is not counted."""
    read_table(xlsx_bytes([["code"], ["C1"]]), "warm-up.xlsx")
    started = time.monotonic()
    with pytest.raises(ImportFileError) as refused:
        read_table(data, "bomb.xlsx")
    elapsed = time.monotonic() - started
    tracemalloc.start()
    try:
        with pytest.raises(ImportFileError):
            read_table(data, "bomb.xlsx")
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert fragment in refused.value.message
    assert elapsed < 2.0, f"took {elapsed:.1f} s"
    assert peak < 100 * 1024 * 1024, f"peak {peak / 1e6:.0f} MB"
    return refused.value.message


def test_one_row_of_a_million_cells_is_refused_in_under_two_seconds():
    data = workbook(one_row_of_a_million_cells())
    assert len(data) < 100_000  # the reported bomb was 34 KB
    message = refused_quickly(data, "A row of the sheet holds more than 1,000 cells.")
    assert "Copy only the data to a new workbook" in message


def test_many_wide_rows_are_refused_by_the_total_cell_limit():
    refused_quickly(workbook(many_wide_rows()), "The sheet holds more than 400,000 cells.")


def test_a_million_shared_strings_are_refused():
    data = workbook(['<row r="1"><c r="A1" t="s"><v>0</v></c></row>'], a_million_shared_strings())
    assert len(data) < 200_000
    refused_quickly(data, "more than 200,000 different texts")


def test_one_huge_shared_string_is_refused_by_the_uncompressed_size():
    data = workbook(['<row r="1"><c r="A1" t="s"><v>0</v></c></row>'], one_huge_shared_string())
    refused_quickly(data, "The workbook is too large to read")


def test_an_ordinary_workbook_still_reads_with_values_formulas_and_errors():
    table = read_table(xlsx_bytes([["code", "name", "limit"], ["C1", "One", 100], ["C2", "Two", "=1+1"]]),
                       "ok.xlsx")
    assert table.headers[:3] == ["code", "name", "limit"]
    assert [row.cells[:3] for row in table.rows] == [["C1", "One", "100"], ["C2", "Two", ""]]
    assert table.rows[1].formulas == {2: "=1+1"}
