"""Checking the rows of an import, the preview of what confirming would do, and writing it all or nothing.

An import is described by a `TabularImport` (its columns, its permission, how rows are checked and
written). The flow is the same for every import:

1. `preview_upload` reads the file (imports.tables), maps the header row to columns by name
   (imports.columns) and checks every row: the cells (formulas and spreadsheet errors are refused,
   required cells, parsing), then the import's own rules (`check_rows`). The result says per row
   what is wrong, or whether it would create, update or leave unchanged. Nothing is written.
2. When no row is bad, the page keeps `preview.stash()` (the rows as the text read from the file) in
   the server-side session; the browser only sends back an opaque token (imports.views).
3. `apply` checks those rows again against the database as it is at that moment, inside the
   transaction that writes them (`write`), and writes every row or nothing.

`ModelImport` is the common case of one record per row, matched to an existing record by a key field
(a code): a new key creates a record, a known one updates it. Blank cells mean "not given": a new
record gets the default, an existing record keeps its value.
"""

import copy
import csv
import io
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from accounts.permissions import require
from audit.changes import record_changes, snapshot
from systemtext.text import Text

from . import tables
from .columns import Column, map_headers, raw_rows

ACTION_LABELS = {"create": gettext_lazy("Create"), "update": gettext_lazy("Update"),
                 "unchanged": gettext_lazy("Unchanged")}
CHANGED_SINCE_PREVIEW = gettext_lazy("The data was changed since the preview, so some rows would now do something "
                                     "else. Nothing was imported; check the preview again.")


def cell_texts(raw_rows, *fields) -> set[str]:
    """The distinct texts of these columns in the file, blank cells left out: what `prepare` looks up."""
    return {raw["values"].get(name, "").strip() for raw in raw_rows for name in fields} - {""}


def named_record(records, column, text, missing, *, placeholder="value"):
    """The record a cell names (`records`, from `prepare`, maps codes, SKUs or names to records), or the
    cell's error: `missing`, a message with %(field)s and %(<placeholder>)s."""
    record = records.get(text.strip())
    if record is None:
        raise ValidationError(missing % {"field": column.label, placeholder: text})
    return record


class ImportRejected(Exception):
    """Confirming found bad rows, or the database changed since the preview: nothing was written.
    `preview` is the fresh check to show again."""

    def __init__(self, message, preview):
        super().__init__(message)
        self.message = message
        self.preview = preview


@dataclass
class RowResult:
    line: int  # the row number a person sees in Excel (the header is row 1)
    values: dict[str, str]  # the text read per field (recognised columns only)
    errors: list[str] = field(default_factory=list)
    bad_fields: set[str] = field(default_factory=set)
    action: str = ""  # "create", "update" or "unchanged" when the row is good
    instance: object = None
    changed_fields: list[str] = field(default_factory=list)
    before: dict | None = None  # the record's change-log snapshot before the row (updates)
    cells: list[dict] = field(default_factory=list)  # for the preview table, in column order
    formulas: dict[str, str] = field(default_factory=dict)
    labels: dict = field(default_factory=lambda: ACTION_LABELS)

    def add_error(self, field_name, message):
        self.bad_fields.add(field_name)
        self.errors.append(message)

    @property
    def action_label(self):
        return self.labels.get(self.action, _("Error"))


@dataclass
class ImportPreview:
    spec: "TabularImport"
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

    @property
    def summary(self):
        """What confirming will do, in the import's own words ("" for the common create/update count)."""
        return self.spec.summary(self)

    def stash(self) -> dict:
        """What the page keeps in the session between preview and confirm: the text read from the
        file, never parsed objects, so that confirming checks everything again."""
        return {
            "kind": self.kind, "filename": self.filename, "fields": [c.field for c in self.columns],
            "ignored": self.ignored_headers, "creates": self.creates(),
            "rows": [{"line": row.line, "values": row.values} for row in self.rows],
        }


@dataclass
class ImportOutcome:
    created: int
    updated: int
    unchanged: int


@dataclass(frozen=True, kw_only=True, eq=False)
class TabularImport:
    """One kind of import. Subclasses implement `check_rows` and `write`."""

    kind: str  # names the import in URLs and the session ("customer", "bom", ...)
    model: type  # what is imported (its plural name titles the pages)
    columns: tuple[Column, ...]
    permission: str
    rules: tuple = ()  # lazy sentences for the upload page: how rows are matched, what a file replaces
    changed_message: object = CHANGED_SINCE_PREVIEW
    action_labels: dict | None = None

    @property
    def verbose_name_plural(self):
        return self.model._meta.verbose_name_plural

    def column(self, field_name):
        return next(c for c in self.columns if c.field == field_name)

    @property
    def labels(self):
        return {c.field: c.label for c in self.columns}

    def row_limit(self):
        return tables.MAX_ROWS

    def default_display(self, column):
        """What a new record gets when the column is missing or the cell is blank ("" for none)."""
        return ""

    def summary(self, preview):
        return ""

    def check_permission(self, actor):
        require(actor, self.permission)

    # --- checking ---------------------------------------------------------------------------------

    def prepare(self, raw_rows, *, lock) -> dict:
        """Whatever the checks need from the database for all rows at once (records the rows refer
        to), so that checking costs a fixed number of queries whatever the number of rows."""
        return {}

    def parse_cell(self, column, text, context):
        return column.parse(text, column)

    def read_rows(self, raw_rows, columns, *, lock) -> list[tuple[RowResult, dict]]:
        """Every row's cells checked and parsed, with what `prepare` found for all of them at once."""
        context = self.prepare(raw_rows, lock=lock)
        return [self.read_row(raw, columns, context) for raw in raw_rows]

    def read_row(self, raw, columns, context) -> tuple[RowResult, dict]:
        """The row's cells checked and parsed: (row with the cell errors, {field: parsed value})."""
        labels = self.labels
        row = RowResult(line=raw["line"], values=raw["values"], formulas=dict(raw.get("formulas", {})),
                        labels=self.action_labels or ACTION_LABELS)
        for field_name, formula in row.formulas.items():
            row.add_error(field_name, _("%(field)s: the cell holds a formula (%(formula)s); formulas are not "
                                        "imported, enter the value itself.")
                          % {"field": labels[field_name], "formula": formula})
        for field_name, error_value in raw.get("error_values", {}).items():
            if field_name not in row.bad_fields:
                row.add_error(field_name, _("%(field)s: the cell holds the spreadsheet error %(error)s.")
                              % {"field": labels[field_name], "error": error_value})
        parsed = {}
        for column in columns:
            if column.field in row.bad_fields:
                continue
            text = raw["values"].get(column.field, "")
            if not text:
                if column.required:
                    row.add_error(column.field, _("%(field)s is required.") % {"field": column.label})
                continue
            try:
                parsed[column.field] = self.parse_cell(column, text, context)
            except ValidationError as exc:
                row.bad_fields.add(column.field)
                row.errors.extend(exc.messages)
        return row, parsed

    def check_rows(self, columns, raw_rows, *, lock) -> list[RowResult]:
        """Every row checked, with its action decided (errors leave the action empty)."""
        raise NotImplementedError

    def build_preview(self, columns, raw_rows, *, filename, ignored, lock=False) -> ImportPreview:
        rows = self.check_rows(columns, raw_rows, lock=lock)
        for row in rows:
            if row.errors:
                row.action = ""
            row.cells = [{"text": row.formulas.get(c.field) or row.values.get(c.field, ""),
                          "understood": "" if c.field in row.formulas else c.understood(row.values.get(c.field, "")),
                          "bad": c.field in row.bad_fields} for c in columns]
        return ImportPreview(spec=self, filename=filename, columns=list(columns), ignored_headers=list(ignored),
                             rows=rows)

    def preview_upload(self, *, actor, data: bytes, filename: str) -> ImportPreview:
        """Read and check an uploaded file; writes nothing. Raises ImportFileError when the file as a
        whole cannot be used."""
        self.check_permission(actor)
        table = tables.read_table(data, filename, max_rows=self.row_limit())
        mapping, ignored = map_headers(self.columns, table.headers)
        return self.build_preview([column for _index, column in mapping], raw_rows(table, mapping),
                                  filename=filename, ignored=ignored)

    def preview_from_stash(self, stash, *, lock):
        columns = [self.column(name) for name in stash["fields"]]
        rows = [{"line": int(row["line"]), "values": {k: str(v) for k, v in row["values"].items()
                                                      if k in stash["fields"]}}
                for row in stash["rows"]]
        return self.build_preview(columns, rows, filename=stash.get("filename", ""),
                                  ignored=stash.get("ignored", []), lock=lock)

    # --- writing ----------------------------------------------------------------------------------

    def write(self, *, actor, preview) -> ImportOutcome:
        """Write the checked rows (called inside the transaction, after the re-check)."""
        raise NotImplementedError

    def apply(self, *, actor, stash: dict) -> ImportOutcome:
        """Write the rows kept from a preview: checked again, in one transaction, all or nothing.
        Refuses (ImportRejected, nothing written) when a row is bad now, or when a row the preview
        showed as new now matches a record someone else created meanwhile (or the other way round)."""
        self.check_permission(actor)
        if stash.get("kind") != self.kind:
            raise ValueError(f"a {stash.get('kind')!r} preview cannot be applied as {self.kind!r}")
        try:
            with transaction.atomic():
                preview = self.preview_from_stash(stash, lock=True)
                if not preview.is_valid:
                    raise ImportRejected(_("Some rows are no longer valid; nothing was imported."), preview)
                if preview.creates() != sorted(stash.get("creates", [])):
                    raise ImportRejected(str(self.changed_message), preview)
                return self.write(actor=actor, preview=preview)
        except IntegrityError:
            # A record with one of the new keys was committed by someone else after our check.
            raise ImportRejected(str(self.changed_message), self.preview_from_stash(stash, lock=False)) from None

    def template_csv(self) -> bytes:
        """An empty CSV with the column names, for people to fill in (BOM so Excel reads it as UTF-8)."""
        buffer = io.StringIO()
        csv.writer(buffer).writerow([column.headers[0] for column in self.columns])
        return ("\ufeff" + buffer.getvalue()).encode("utf-8")


@dataclass(frozen=True)
class PlannedEntry:
    """What a good row of a versioned-list file will write: one entry (a BOM line, a routing
    operation) of the new version of `parent`'s list."""

    parent: object
    entry: object


@dataclass(frozen=True, kw_only=True, eq=False)
class VersionedListImport(TabularImport):
    """Rows grouped per parent record, each changed group written as a new version of that parent's
    list (a BOM's lines, a routing's operations). `check_rows` sets each row's `instance` to a
    PlannedEntry and its action to create/update/unchanged for the whole group; subclasses give
    `write_version`."""

    def write_version(self, *, actor, parent, entries, note):
        raise NotImplementedError

    def write(self, *, actor, preview):
        groups = defaultdict(list)
        for row in preview.rows:
            groups[row.instance.parent.pk].append(row)
        counts = defaultdict(int)
        for members in groups.values():
            action = members[0].action
            counts[action] += 1
            if action != "unchanged":
                self.write_version(actor=actor, parent=members[0].instance.parent,
                                   entries=[row.instance.entry for row in members],
                                   note=Text(gettext_noop("Imported from %(file)s"), file=preview.filename))
        return ImportOutcome(created=counts["create"], updated=counts["update"], unchanged=counts["unchanged"])


@dataclass(frozen=True, kw_only=True, eq=False)
class ModelImport(TabularImport):
    """One record per row, matched by `key`. `field_errors(instance, check_unique=False, fields=...)`
    returns {field: [messages]} with the same rules as the forms. Every created or changed record is
    written to the change log (audit) with its old and new values, in the import's transaction."""

    key: str
    field_errors: Callable

    def default_display(self, column):
        if column.required:
            return ""
        field = self.model._meta.get_field(column.field)
        default = field.get_default()
        if isinstance(default, bool):
            return _("yes") if default else _("no")
        if field.choices and default not in (None, ""):  # the label (原材料), not the stored code (raw_material)
            return str(dict(field.flatchoices).get(default, default))
        return "" if default in (None, "") else str(default)

    def stored_value(self, instance, name):
        """The value as stored: a foreign key's id (no query, and None on a new record)."""
        model_field = self.model._meta.get_field(name)
        return getattr(instance, model_field.attname if model_field.is_relation else name)

    def existing(self, keys, *, lock):
        qs = self.model.objects.all()
        if lock:
            qs = qs.select_for_update()
        keys = sorted({k for k in keys if k})
        found = {}
        for start in range(0, len(keys), 500):  # stay under the database's limit on query parameters
            chunk = keys[start:start + 500]
            found.update((getattr(obj, self.key), obj) for obj in qs.filter(**{f"{self.key}__in": chunk}))
        return found

    def check_rows(self, columns, raw_rows, *, lock):
        """One query for the existing records (and those of `prepare`), whatever the number of rows."""
        keys = [raw["values"].get(self.key, "").strip() for raw in raw_rows]
        existing = self.existing(keys, lock=lock)
        context = self.prepare(raw_rows, lock=lock)
        lines_by_key = defaultdict(list)
        for raw, key in zip(raw_rows, keys, strict=True):
            if key:
                lines_by_key[key].append(raw["line"])
        labels = self.labels
        results = []
        for raw, key in zip(raw_rows, keys, strict=True):
            row, parsed = self.read_row(raw, columns, context)
            if len(lines_by_key.get(key, ())) > 1:
                row.add_error(self.key, _("%(field)s %(code)s appears more than once in the file (rows %(rows)s).")
                              % {"field": labels[self.key], "code": key,
                                 "rows": ", ".join(str(n) for n in lines_by_key[key])})
            current = existing.get(key)
            instance = copy.copy(current) if current is not None else self.model()
            before = {name: self.stored_value(instance, name) for name in parsed}
            for name, value in parsed.items():
                setattr(instance, name, value)
            # Only what the row gives is checked: the rest is the default or the value already saved.
            checked = {self.key, "name", *parsed}
            for name, messages in self.field_errors(instance, check_unique=False, fields=checked).items():
                if name in row.bad_fields:
                    continue
                label = labels.get(name, name)
                row.bad_fields.add(name)
                row.errors.extend(_("%(field)s: %(message)s") % {"field": label, "message": m} for m in messages)
            row.instance = instance
            if current is None:
                row.action = "create"
            else:
                row.before = snapshot(current)
                row.changed_fields = [name for name in parsed if before[name] != self.stored_value(instance, name)]
                row.action = "update" if row.changed_fields else "unchanged"
            results.append(row)
        return results

    def write(self, *, actor, preview):
        created = [row.instance for row in preview.rows if row.action == "create"]
        updated = [row for row in preview.rows if row.action == "update"]
        self.model.objects.bulk_create(created, batch_size=500)
        stamped = ["updated_at"] if any(f.name == "updated_at" for f in self.model._meta.fields) else []
        # One plain UPDATE per changed row: bulk_update's CASE expressions cost far more with thousands.
        for row in updated:
            row.instance.save(update_fields=[*row.changed_fields, *stamped])
        record_changes([*((instance, None) for instance in created), *((row.instance, row.before) for row in updated)],
                       actor=actor)
        return ImportOutcome(created=len(created), updated=len(updated), unchanged=preview.unchanged_count)
