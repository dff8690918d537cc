"""Columns of an import: which header names mean which field, how a cell's text is parsed, and the
mapping of an uploaded table's header row onto them.

Header names and choice values are matched ignoring case, full/half width (全角), spaces, _ - * and
colons, so "Unit price", "unit_price" and "UNIT PRICE：" are the same column.
"""

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import cached_property

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext as _

from .tables import ImportFileError, Table


def normalise(text: str) -> str:
    """Header and value matching ignores case, width (全角), spaces, _ - * and colons."""
    text = unicodedata.normalize("NFKC", str(text)).lower().replace("\ufeff", "")
    return re.sub(r"[\s_\-*:]", "", text)


def parse_text(text, column):
    return text


_TRUE = {"1", "true", "yes", "y", "active", "是", "启用", "有效", "在用", "正常"}
_FALSE = {"0", "false", "no", "n", "inactive", "否", "停用", "无效", "禁用"}


def parse_bool(text, column):
    value = normalise(text)
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ValidationError(_("%(field)s: write yes or no (是/否), not “%(value)s”.")
                          % {"field": column.label, "value": text})


def parse_choice(text, column):
    value = column.choice_lookup.get(normalise(text))
    if value is None:
        allowed = ", ".join(code for code, _label in column.choices)
        raise ValidationError(_("%(field)s: “%(value)s” is not one of %(allowed)s.")
                              % {"field": column.label, "value": text, "allowed": allowed})
    return value


_DATE = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T]00:00(?::00)?)?$")


def parse_date(text, column):
    """2026-05-01, 2026/5/1 or 2026.05.01 (Excel dates arrive as 2026-05-01 00:00:00)."""
    match = _DATE.match(text.strip())
    try:
        if match:
            return date(*(int(part) for part in match.groups()))
    except ValueError:
        pass
    raise ValidationError(_("%(field)s: “%(value)s” is not a date (write 2026-05-01).")
                          % {"field": column.label, "value": text})


@dataclass(frozen=True)
class Column:
    field: str
    label: object  # lazy translated name
    headers: tuple[str, ...]  # accepted header names; the first is the one in the template file
    parse: Callable = parse_text
    required: bool = False
    format: object = ""  # lazy description of the accepted values
    choices: tuple = ()  # (value, lazy label) pairs, for parse_choice
    synonyms: tuple[tuple[str, str], ...] = ()  # further names people use for a choice: (name, value)

    @property
    def header_examples(self):
        """The first English and the first Chinese header name, for messages."""
        english = next((h for h in self.headers if h.isascii()), self.headers[0])
        chinese = next((h for h in self.headers if not h.isascii()), "")
        return f"{english} / {chinese}" if chinese else english

    def understood(self, text):
        """The number a numeric cell was read as, when reading it meant reinterpreting what the file
        holds (１２ → 12, 1,000 → 1000): the preview shows it before anything is written."""
        text = (text or "").strip()
        if not text or (text.isascii() and text.replace(".", "", 1).lstrip("-").isdigit()):
            return ""  # plain digits: read as written
        try:
            value = self.parse(text, self)
        except ValidationError:
            return ""
        if isinstance(value, bool) or not isinstance(value, Decimal | int):
            return ""
        shown = format(value, "f") if isinstance(value, Decimal) else str(value)
        return "" if shown == text else shown

    def choice_values(self):
        return list(self.choices) if self.parse is parse_choice else []

    @cached_property
    def choice_lookup(self) -> dict[str, str]:
        """Every accepted spelling of a choice (code, label in each language, synonym) -> the code."""
        lookup = {}
        for language, _name in settings.LANGUAGES:
            with translation.override(language):
                for value, label in self.choices:
                    lookup[normalise(label)] = value
        for value, _label in self.choices:
            lookup[normalise(value)] = value
        for name, value in self.synonyms:
            lookup.setdefault(normalise(name), value)
        return lookup


def map_headers(columns, headers):
    """[(column index, Column)] for the recognised headers, and the headers that were ignored.
    Raises ImportFileError when two headers mean the same field or a required column is missing."""
    lookup = {normalise(header): column for column in columns for header in column.headers}
    mapping, seen, ignored = [], {}, []
    for index, header in enumerate(headers):
        if not normalise(header):
            continue
        column = lookup.get(normalise(header))
        if column is None:
            ignored.append(header)
            continue
        if column.field in seen:
            raise ImportFileError(_("The columns “%(first)s” and “%(second)s” both mean %(field)s; keep one of them.")
                                  % {"first": seen[column.field], "second": header, "field": column.label})
        seen[column.field] = header
        mapping.append((index, column))
    missing = [c for c in columns if c.required and c.field not in seen]
    if missing:
        raise ImportFileError(
            _("Required columns are missing: %(columns)s. Nothing was imported.")
            % {"columns": "; ".join(f"{c.label} ({c.header_examples})" for c in missing)})
    return mapping, ignored


def raw_rows(table: Table, mapping) -> list[dict]:
    """Each row as {"line", "values", "formulas", "error_values"}, keyed by field name."""
    rows = []
    for table_row in table.rows:
        cells = table_row.cells
        raw = {"line": table_row.line, "values": {}, "formulas": {}, "error_values": {}}
        for index, column in mapping:
            raw["values"][column.field] = cells[index] if index < len(cells) else ""
            if index in table_row.formulas:
                raw["formulas"][column.field] = table_row.formulas[index]
            elif index in table_row.error_values:
                raw["error_values"][column.field] = table_row.error_values[index]
        rows.append(raw)
    return rows
