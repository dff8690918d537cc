"""CSV/XLSX import of customers and products: read the file, check every row, write all or nothing.

The flow (see orders.masterdata_views):

1. `preview_import` reads the uploaded bytes (`read_table`), maps the header row to fields by
   name, English or Chinese (`CUSTOMER_IMPORT`, `PRODUCT_IMPORT` list the accepted names), and
   checks every row with the same rules as the forms (orders.masterdata_services). The result says
   per row what is wrong, or whether the row would create a record, update one (matched by code /
   SKU) or leave it unchanged.
2. When no row is bad, the view keeps `preview.stash()` (the rows as the text read from the file)
   in the server-side session; the browser only sends back an opaque token.
3. `apply_import` checks those rows again against the database as it is at that moment, inside
   the transaction that writes them, and writes every row or nothing.

File rules: CSV in UTF-8 (with or without BOM) or GBK/GB18030 (what Chinese Excel writes),
delimited by comma, semicolon or tab; or XLSX (first sheet). The first row holds the column names.
Blank rows are skipped. A cell holding a formula is an error for its row (formulas are not data).
Blank cells mean "not given": a new record gets the default, an existing record keeps its value.
"""

import copy
import csv
import io
import re
import unicodedata
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from functools import cache

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import masterdata_services, rules
from .models import Currency, Customer, PaymentTerms, Product, Unit

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


class ImportRejected(Exception):
    """Confirming found bad rows, or the database changed since the preview: nothing was written.
    `preview` is the fresh check to show again."""

    def __init__(self, message, preview):
        super().__init__(message)
        self.message = message
        self.preview = preview


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


def read_table(data: bytes, filename: str) -> Table:
    """The header and the non-blank rows of an uploaded .csv or .xlsx file."""
    name = (filename or "").lower()
    if name.endswith(".csv"):
        return _read_csv(data)
    if name.endswith(".xlsx"):
        return _read_xlsx(data)
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


def _read_csv(data: bytes) -> Table:
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
                _check_row_count(rows)
    except csv.Error as exc:
        raise ImportFileError(_("The CSV file cannot be read (%(error)s).") % {"error": exc}) from None
    return _table(headers, rows)


def _check_row_count(rows):
    if len(rows) > MAX_ROWS:
        raise ImportFileError(_("The file has more than %(max)s rows. Split it into smaller files.")
                              % {"max": f"{MAX_ROWS:,}"})


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


def _read_xlsx(data: bytes) -> Table:
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
                _check_row_count(rows)
    except ImportFileError:
        raise
    except Exception:  # noqa: BLE001 - any failure to parse an uploaded file means "not a workbook"
        raise not_xlsx from None
    finally:
        for book in workbooks:
            book.close()
    return _table(headers, rows)


# --- columns -----------------------------------------------------------------------------------

def _normalise(text: str) -> str:
    """Header and value matching ignores case, width (全角), spaces, _ - * and colons."""
    text = unicodedata.normalize("NFKC", str(text)).lower().replace("\ufeff", "")
    return re.sub(r"[\s_\-*:]", "", text)


def _parse_text(text, column):
    return text


def _parse_money(text, column):
    return rules.parse_decimal(text, field_label=column.label)


def _parse_days(text, column):
    number = rules.parse_decimal(text, field_label=column.label)
    if number != number.to_integral_value():
        raise ValidationError(_("%(field)s: enter a whole number of days.") % {"field": column.label})
    if abs(number) > 10**9:
        raise ValidationError(_("%(field)s: the number is too large.") % {"field": column.label})
    return int(number)


_TRUE = {"1", "true", "yes", "y", "active", "是", "启用", "有效", "在用", "正常"}
_FALSE = {"0", "false", "no", "n", "inactive", "否", "停用", "无效", "禁用"}


def _parse_bool(text, column):
    value = _normalise(text)
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ValidationError(_("%(field)s: write yes or no (是/否), not “%(value)s”.")
                          % {"field": column.label, "value": text})


# Names people use for choice values, beyond the codes and the labels in each language.
_SYNONYMS = {
    "currency": {"rmb": "CNY", "人民币": "CNY", "元": "CNY", "美元": "USD", "欧元": "EUR", "港币": "HKD",
                 "港元": "HKD", "日元": "JPY"},
    "payment_terms": {"预付": "prepaid", "预付款": "prepaid", "款到发货": "prepaid", "货到付款": "cod",
                      "30天": "net30", "60天": "net60", "90天": "net90", "月结": "monthly"},
    "language": {"zh": "zh-hans", "zhcn": "zh-hans", "cn": "zh-hans", "chinese": "zh-hans", "中文": "zh-hans",
                 "简体中文": "zh-hans", "english": "en", "英文": "en", "英语": "en"},
    "unit": {"pc": "pcs", "piece": "pcs", "个": "pcs", "件": "pcs", "只": "pcs", "套": "set", "箱": "box",
             "千克": "kg", "公斤": "kg", "克": "g", "吨": "t", "升": "l", "米": "m"},
}


def _choices(field_name):
    return {
        "currency": Currency.choices, "payment_terms": PaymentTerms.choices, "unit": Unit.choices,
        "language": settings.LANGUAGES,
    }[field_name]


@cache
def _choice_lookup(field_name) -> dict[str, str]:
    """Every accepted spelling of a choice (code, label in each language, synonym) -> the code."""
    lookup = {}
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            for value, label in _choices(field_name):
                lookup[_normalise(label)] = value
    for value, _label in _choices(field_name):
        lookup[_normalise(value)] = value
    for name, value in _SYNONYMS.get(field_name, {}).items():
        lookup.setdefault(_normalise(name), value)
    return lookup


def _parse_choice(text, column):
    value = _choice_lookup(column.field).get(_normalise(text))
    if value is None:
        allowed = ", ".join(code for code, _label in _choices(column.field))
        raise ValidationError(_("%(field)s: “%(value)s” is not one of %(allowed)s.")
                              % {"field": column.label, "value": text, "allowed": allowed})
    return value


@dataclass(frozen=True)
class Column:
    field: str
    label: object  # lazy translated name
    headers: tuple[str, ...]  # accepted header names; the first is the one in the template file
    parse: Callable = _parse_text
    required: bool = False
    format: object = ""  # lazy description of the accepted values

    @property
    def header_examples(self):
        """The first English and the first Chinese header name, for messages."""
        english = next((h for h in self.headers if h.isascii()), self.headers[0])
        chinese = next((h for h in self.headers if not h.isascii()), "")
        return f"{english} / {chinese}" if chinese else english

    def choice_values(self):
        if self.parse is not _parse_choice:
            return []
        return list(_choices(self.field))


@dataclass(frozen=True)
class ImportSpec:
    kind: str  # "customer" or "product"
    model: type
    key: str  # the field that matches a row to an existing record
    columns: tuple[Column, ...]
    permission: str
    field_errors: Callable  # masterdata_services.customer_errors / product_errors

    def column(self, field_name):
        return next(c for c in self.columns if c.field == field_name)

    @property
    def verbose_name_plural(self):
        return self.model._meta.verbose_name_plural

    def default_display(self, column):
        """What a new record gets when the column is missing or the cell is blank."""
        if column.required:
            return ""
        model_field = self.model._meta.get_field(column.field)
        default = model_field.get_default()
        if isinstance(default, bool):
            return _("yes") if default else _("no")
        return "" if default in (None, "") else str(default)


_MONEY_FORMAT = gettext_lazy("A number with at most 2 decimals, e.g. 50000.00 (1,234.50 is fine, 12,5 is not).")
_BOOL_FORMAT = gettext_lazy("yes / no (是 / 否, 1 / 0).")
_CHOICE_FORMAT = gettext_lazy("The code or its name in English or Chinese.")

CUSTOMER_IMPORT = ImportSpec(
    kind="customer", model=Customer, key="code", permission="orders.import_customer",
    field_errors=masterdata_services.customer_errors,
    columns=(
        Column("code", gettext_lazy("Code"), ("code", "customer code", "编码", "客户编码", "客户代码", "代码"),
               required=True, format=gettext_lazy("Unique, no spaces. An existing code updates that customer.")),
        Column("name", gettext_lazy("Name"), ("name", "customer name", "名称", "客户名称", "公司名称"),
               required=True),
        Column("name_en", gettext_lazy("English name"), ("name_en", "english name", "英文名称", "英文名")),
        Column("contact_name", gettext_lazy("Contact person"),
               ("contact_name", "contact", "contact person", "联系人")),
        Column("contact_phone", gettext_lazy("Phone"),
               ("contact_phone", "phone", "telephone", "tel", "电话", "联系电话", "手机")),
        Column("contact_email", gettext_lazy("E-mail"),
               ("contact_email", "email", "邮箱", "电子邮件", "电子邮箱")),
        Column("billing_address", gettext_lazy("Billing address"),
               ("billing_address", "invoice address", "开票地址", "账单地址")),
        Column("shipping_address", gettext_lazy("Shipping address"),
               ("shipping_address", "delivery address", "收货地址", "送货地址")),
        Column("credit_limit", gettext_lazy("Credit limit"), ("credit_limit", "信用额度"),
               parse=_parse_money, format=_MONEY_FORMAT),
        Column("payment_terms", gettext_lazy("Payment terms"),
               ("payment_terms", "付款条件", "付款方式"), parse=_parse_choice, format=_CHOICE_FORMAT),
        Column("currency", gettext_lazy("Currency"), ("currency", "币种", "货币"), parse=_parse_choice,
               format=_CHOICE_FORMAT),
        Column("language", gettext_lazy("Document language"),
               ("language", "document language", "语言", "单据语言"), parse=_parse_choice, format=_CHOICE_FORMAT),
        Column("is_active", gettext_lazy("Active"), ("active", "is_active", "启用", "是否启用", "状态"),
               parse=_parse_bool, format=_BOOL_FORMAT),
    ),
)

PRODUCT_IMPORT = ImportSpec(
    kind="product", model=Product, key="sku", permission="orders.import_product",
    field_errors=masterdata_services.product_errors,
    columns=(
        Column("sku", gettext_lazy("SKU"),
               ("sku", "code", "product code", "item code", "part number", "编码", "产品编码", "物料编码", "料号",
                "品号"),
               required=True, format=gettext_lazy("Unique, no spaces. An existing SKU updates that product.")),
        Column("name", gettext_lazy("Name"), ("name", "product name", "名称", "产品名称", "品名"), required=True),
        Column("specification", gettext_lazy("Specification"),
               ("specification", "spec", "规格", "规格型号", "型号")),
        Column("unit", gettext_lazy("Unit"), ("unit", "uom", "unit of measure", "单位", "计量单位"),
               parse=_parse_choice, format=_CHOICE_FORMAT),
        Column("standard_lead_time_days", gettext_lazy("Standard lead time (days)"),
               ("lead_time_days", "lead time", "lead time (days)", "standard lead time", "standard lead time (days)",
                "standard_lead_time_days", "交期", "交期(天)", "标准交期", "标准交期(天)", "交货期"),
               parse=_parse_days, format=gettext_lazy("A whole number of days, 0 or more.")),
        Column("list_price", gettext_lazy("List price"),
               ("list_price", "price", "unit price", "价格", "单价", "标准单价", "标价"),
               parse=_parse_money, format=_MONEY_FORMAT),
        Column("currency", gettext_lazy("Currency"), ("currency", "币种", "货币"), parse=_parse_choice,
               format=_CHOICE_FORMAT),
        Column("is_active", gettext_lazy("Active"), ("active", "is_active", "启用", "是否启用", "状态"),
               parse=_parse_bool, format=_BOOL_FORMAT),
    ),
)

IMPORTS = {spec.kind: spec for spec in (CUSTOMER_IMPORT, PRODUCT_IMPORT)}


@cache
def _header_lookup(kind) -> dict[str, Column]:
    return {_normalise(header): column for column in IMPORTS[kind].columns for header in column.headers}


def _map_headers(spec, headers):
    """[(column index, Column)] for the recognised headers, and the headers that were ignored."""
    lookup = _header_lookup(spec.kind)
    mapping, seen, ignored = [], {}, []
    for index, header in enumerate(headers):
        if not _normalise(header):
            continue
        column = lookup.get(_normalise(header))
        if column is None:
            ignored.append(header)
            continue
        if column.field in seen:
            raise ImportFileError(_("The columns “%(first)s” and “%(second)s” both mean %(field)s; keep one of them.")
                                  % {"first": seen[column.field], "second": header, "field": column.label})
        seen[column.field] = header
        mapping.append((index, column))
    missing = [c for c in spec.columns if c.required and c.field not in seen]
    if missing:
        raise ImportFileError(
            _("Required columns are missing: %(columns)s. Nothing was imported.")
            % {"columns": "; ".join(f"{c.label} ({c.header_examples})" for c in missing)})
    return mapping, ignored


# --- checking rows -----------------------------------------------------------------------------

@dataclass
class RowResult:
    line: int
    values: dict[str, str]  # the text read per field (recognised columns only)
    errors: list[str] = field(default_factory=list)
    bad_fields: set[str] = field(default_factory=set)
    action: str = ""  # "create", "update" or "unchanged" when the row is good
    instance: object = None
    changed_fields: list[str] = field(default_factory=list)
    cells: list[dict] = field(default_factory=list)  # for the preview table, in column order

    ACTION_LABELS = {"create": gettext_lazy("Create"), "update": gettext_lazy("Update"),
                     "unchanged": gettext_lazy("Unchanged")}

    @property
    def action_label(self):
        return self.ACTION_LABELS.get(self.action, _("Error"))


@dataclass
class ImportPreview:
    spec: ImportSpec
    filename: str
    columns: list[Column]  # the recognised columns, in file order
    ignored_headers: list[str]
    rows: list[RowResult]

    @property
    def kind(self):
        return self.spec.kind

    @property
    def error_rows(self):
        return [row for row in self.rows if row.errors]

    @property
    def is_valid(self):
        return not self.error_rows

    def count(self, action):
        return sum(1 for row in self.rows if row.action == action and not row.errors)

    @property
    def create_count(self):
        return self.count("create")

    @property
    def update_count(self):
        return self.count("update")

    @property
    def unchanged_count(self):
        return self.count("unchanged")

    def creates(self):
        return sorted(row.line for row in self.rows if row.action == "create")

    def stash(self) -> dict:
        """What the view keeps in the session between preview and confirm: the text read from the
        file, never parsed objects, so that confirming checks everything again."""
        return {
            "kind": self.kind, "filename": self.filename, "fields": [c.field for c in self.columns],
            "ignored": self.ignored_headers, "creates": self.creates(),
            "rows": [{"line": row.line, "values": row.values} for row in self.rows],
        }


def _existing(spec, keys, *, lock):
    qs = spec.model.objects.all()
    if lock:
        qs = qs.select_for_update()
    keys = sorted({k for k in keys if k})
    found = {}
    for start in range(0, len(keys), 500):  # stay under the database's limit on query parameters
        found.update((getattr(obj, spec.key), obj) for obj in qs.filter(**{f"{spec.key}__in": keys[start:start + 500]}))
    return found


def _check_rows(spec, columns, raw_rows, *, filename, ignored, lock=False) -> ImportPreview:
    """Check every row (raw_rows: [{"line", "values", "formulas", "error_values"}]) and decide what it
    would do. One query for the existing records, whatever the number of rows."""
    keys = [raw["values"].get(spec.key, "").strip() for raw in raw_rows]
    existing = _existing(spec, keys, lock=lock)
    lines_by_key = defaultdict(list)
    for raw, key in zip(raw_rows, keys, strict=True):
        if key:
            lines_by_key[key].append(raw["line"])
    labels = {c.field: c.label for c in spec.columns}
    results = []
    for raw, key in zip(raw_rows, keys, strict=True):
        row = RowResult(line=raw["line"], values=raw["values"])
        for field_name, formula in raw.get("formulas", {}).items():
            row.bad_fields.add(field_name)
            row.errors.append(_("%(field)s: the cell holds a formula (%(formula)s); formulas are not imported, "
                                "enter the value itself.") % {"field": labels[field_name], "formula": formula})
        for field_name, error_value in raw.get("error_values", {}).items():
            if field_name not in row.bad_fields:
                row.bad_fields.add(field_name)
                row.errors.append(_("%(field)s: the cell holds the spreadsheet error %(error)s.")
                                  % {"field": labels[field_name], "error": error_value})
        parsed = {}
        for column in columns:
            if column.field in row.bad_fields:
                continue
            text = raw["values"].get(column.field, "")
            if not text:
                if column.required:
                    row.bad_fields.add(column.field)
                    row.errors.append(_("%(field)s is required.") % {"field": column.label})
                continue
            try:
                parsed[column.field] = column.parse(text, column)
            except ValidationError as exc:
                row.bad_fields.add(column.field)
                row.errors.extend(exc.messages)
        if len(lines_by_key.get(key, ())) > 1:
            row.bad_fields.add(spec.key)
            row.errors.append(_("%(field)s %(code)s appears more than once in the file (rows %(rows)s).")
                              % {"field": labels[spec.key], "code": key,
                                 "rows": ", ".join(str(n) for n in lines_by_key[key])})
        current = existing.get(key)
        instance = copy.copy(current) if current is not None else spec.model()
        before = {name: getattr(instance, name) for name in parsed}
        for name, value in parsed.items():
            setattr(instance, name, value)
        # Only what the row gives is checked: the rest is the default or the value already saved.
        checked = {spec.key, "name", *parsed}
        for name, messages in spec.field_errors(instance, check_unique=False, fields=checked).items():
            if name in row.bad_fields:
                continue
            row.bad_fields.add(name)
            label = labels.get(name, name)
            row.errors.extend(_("%(field)s: %(message)s") % {"field": label, "message": m} for m in messages)
        row.instance = instance
        if current is None:
            row.action = "create"
        else:
            row.changed_fields = [name for name, value in parsed.items() if before[name] != value]
            row.action = "update" if row.changed_fields else "unchanged"
        if row.errors:
            row.action = ""
        formulas = raw.get("formulas", {})
        row.cells = [{"text": formulas.get(c.field) or raw["values"].get(c.field, ""),
                      "bad": c.field in row.bad_fields} for c in columns]
        results.append(row)
    return ImportPreview(spec=spec, filename=filename, columns=list(columns), ignored_headers=list(ignored),
                         rows=results)


def _require(actor, spec):
    if not actor.has_perm(spec.permission):
        raise PermissionDenied(_("Your role may not do this."))


def preview_import(*, actor, kind, data: bytes, filename: str) -> ImportPreview:
    """Read and check an uploaded file; writes nothing. Raises ImportFileError when the file as a
    whole cannot be used."""
    spec = IMPORTS[kind]
    _require(actor, spec)
    table = read_table(data, filename)
    mapping, ignored = _map_headers(spec, table.headers)
    raw_rows = []
    for table_row in table.rows:
        cells = table_row.cells
        raw = {"line": table_row.line, "values": {}, "formulas": {}, "error_values": {}}
        for index, column in mapping:
            raw["values"][column.field] = cells[index] if index < len(cells) else ""
            if index in table_row.formulas:
                raw["formulas"][column.field] = table_row.formulas[index]
            elif index in table_row.error_values:
                raw["error_values"][column.field] = table_row.error_values[index]
        raw_rows.append(raw)
    return _check_rows(spec, [column for _index, column in mapping], raw_rows, filename=filename,
                       ignored=ignored)


@dataclass
class ImportOutcome:
    created: int
    updated: int
    unchanged: int


def _preview_from_stash(stash, *, lock):
    spec = IMPORTS[stash["kind"]]
    columns = [spec.column(name) for name in stash["fields"]]
    raw_rows = [{"line": int(row["line"]), "values": {k: str(v) for k, v in row["values"].items()
                                                      if k in stash["fields"]}}
                for row in stash["rows"]]
    return _check_rows(spec, columns, raw_rows, filename=stash.get("filename", ""), ignored=stash.get("ignored", []),
                       lock=lock)


def apply_import(*, actor, stash: dict) -> ImportOutcome:
    """Write the rows kept from a preview: checked again, in one transaction, all or nothing.
    Refuses (ImportRejected, nothing written) when a row is bad now, or when a row the preview
    showed as new now matches a record someone else created meanwhile (or the other way round)."""
    spec = IMPORTS[stash["kind"]]
    _require(actor, spec)
    try:
        with transaction.atomic():
            preview = _preview_from_stash(stash, lock=True)
            if not preview.is_valid:
                raise ImportRejected(_("Some rows are no longer valid; nothing was imported."), preview)
            if preview.creates() != sorted(stash.get("creates", [])):
                raise ImportRejected(_("Customers or products were added or changed since the preview, so some rows "
                                       "would now do something else. Nothing was imported; check the preview again."),
                                     preview)
            created = [row.instance for row in preview.rows if row.action == "create"]
            updated = [row for row in preview.rows if row.action == "update"]
            spec.model.objects.bulk_create(created, batch_size=500)
            # One plain UPDATE per changed row: bulk_update's CASE expressions cost far more with thousands.
            for row in updated:
                row.instance.save(update_fields=[*row.changed_fields, "updated_at"])
            masterdata_services.log_master_data(actor=actor, objects=created, added=True)
            by_fields = defaultdict(list)  # one bulk insert of log entries per set of changed fields
            for row in updated:
                by_fields[tuple(row.changed_fields)].append(row.instance)
            for fields, objects in by_fields.items():
                masterdata_services.log_master_data(actor=actor, objects=objects, fields=fields)
    except IntegrityError:
        # A record with one of the new codes was committed by someone else after our check.
        raise ImportRejected(_("Customers or products were added or changed since the preview, so some rows would "
                               "now do something else. Nothing was imported; check the preview again."),
                             _preview_from_stash(stash, lock=False)) from None
    return ImportOutcome(created=len(created), updated=len(updated), unchanged=preview.unchanged_count)


def template_csv(kind) -> bytes:
    """An empty CSV with the column names, for people to fill in (BOM so Excel reads it as UTF-8)."""
    buffer = io.StringIO()
    csv.writer(buffer).writerow([column.headers[0] for column in IMPORTS[kind].columns])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")
