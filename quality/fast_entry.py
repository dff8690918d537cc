"""Fast entry of inspection results, for lots with hundreds of samples (320 values for a 1,200-piece lot):

- paste a column (or row) of measured values copied from a spreadsheet or a gauge's export into one
  characteristic, from a starting sample on: values are separated by new lines, tabs or semicolons; a
  single line may also be separated by commas. The decimal separator is a point, or a comma when the
  inspector says the data uses one (European gauge software): "12,503" is then 12.503;
- upload a CSV file of measurements: a header row naming the characteristics (by name or position number),
  an optional "sample" column (else row n is sample n), one row per sample; the same decimal rule;
- for an attribute check, record only the nonconforming units: the listed sample numbers fail, every other
  sample of that characteristic's sample passes.

Each is all or nothing through quality.services.save_values (the same checks and tolerance flags as typing
cell by cell): any bad value is reported with its row and nothing is saved.
"""

import csv
import io
import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from accounts.permissions import require

from .models import Characteristic
from .services import RECORD, sample_sizes, save_values
from .values import parse_attribute, parse_measured

MAX_CSV_BYTES = 1024 * 1024
SAMPLE_HEADERS = {"sample", "sample no", "sample_no", "no", "#", "样本", "样本号", "序号"}
COMMA_DECIMAL = re.compile(r"^([+-]?\d*),(\d+)$")


def _value_text(raw, decimal):
    text = (raw or "").strip()
    if decimal == "," and COMMA_DECIMAL.match(text):
        return text.replace(",", ".")
    return text


def split_pasted(text, decimal="."):
    """The values of a pasted block, in order; blank cells are kept as "" (that sample is left as it is)."""
    text = (text or "").replace("\r\n", "\n").replace("\r", "\n").strip("\n")
    one_line = "\n" not in text and "\t" not in text
    separators = r"[\n\t;]" if decimal == "," or not one_line else r"[\n\t;,]"
    values = [_value_text(part, decimal) for part in re.split(separators, text)]
    while values and not values[-1]:
        values.pop()
    return values


def _sample_size(inspection, characteristic):
    return sample_sizes(inspection).get(characteristic.defect_class, 0)


def _check(characteristic, raw):
    if characteristic.is_measured:
        parse_measured(raw, characteristic.unit)
    else:
        parse_attribute(raw)


def record_pasted_values(*, actor, inspection, characteristic, text, first_sample=1, decimal="."):
    """Record a pasted block of values into `characteristic` from sample `first_sample` on; returns how
    many values were recorded. ValidationError with one message per bad row, nothing saved."""
    require(actor, RECORD)
    values = split_pasted(text, decimal)
    if not any(values):
        raise ValidationError(_("Paste at least one value."))
    size = _sample_size(inspection, characteristic)
    last = first_sample + len(values) - 1
    if first_sample < 1 or last > size:
        raise ValidationError(
            _("%(count)s values from sample %(first)s do not fit: %(name)s has %(size)s samples in this inspection.")
            % {"count": len(values), "first": first_sample, "name": characteristic.name, "size": size})
    errors, entries = [], {}
    for row, raw in enumerate(values, start=1):
        if not raw:
            continue
        sample = first_sample + row - 1
        try:
            _check(characteristic, raw)
        except ValidationError as exc:
            errors.append(_("Row %(row)s (sample %(sample)s): %(problem)s")
                          % {"row": row, "sample": sample, "problem": " ".join(exc.messages)})
        entries[(characteristic, sample)] = raw
    if errors:
        raise ValidationError(errors)
    save_values(actor=actor, inspection=inspection, entries=entries)
    return len(entries)


def _read_upload(upload):
    if upload.size > MAX_CSV_BYTES:
        raise ValidationError(_("The file is larger than %(mb)s MB.") % {"mb": MAX_CSV_BYTES // (1024 * 1024)})
    data = upload.read()
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ValidationError(_("The file is not a text (CSV) file."))


def _column_characteristics(header, inspection):
    by_key = {}
    for characteristic in Characteristic.objects.filter(plan_id=inspection.plan_id):
        by_key[str(characteristic.position)] = characteristic
        by_key[characteristic.name.strip().lower()] = characteristic
    columns, sample_column, unknown = {}, None, []
    for index, title in enumerate(header):
        key = title.strip().lower()
        if key in SAMPLE_HEADERS:
            sample_column = index
        elif key in by_key:
            columns[index] = by_key[key]
        elif key:
            unknown.append(title.strip())
    if unknown:
        raise ValidationError(_("Columns that are no characteristic of this inspection: %(names)s. Name each column "
                                "after a characteristic (or its position number), or “sample”.")
                              % {"names": ", ".join(unknown)})
    if not columns:
        raise ValidationError(_("The first row must name the characteristics (or their position numbers)."))
    return columns, sample_column


def record_csv_values(*, actor, inspection, upload, decimal="."):
    """Record the measurements of a CSV file (see the module docstring); returns how many values were
    recorded. ValidationError with one message per bad row and column, nothing saved."""
    require(actor, RECORD)
    text = _read_upload(upload)
    delimiter = ";" if decimal == "," else ","
    if "\t" in text.split("\n", 1)[0]:
        delimiter = "\t"
    rows = [row for row in csv.reader(io.StringIO(text), delimiter=delimiter) if any(cell.strip() for cell in row)]
    if len(rows) < 2:
        raise ValidationError(_("The file has no measurements: a header row and one row per sample are needed."))
    columns, sample_column = _column_characteristics(rows[0], inspection)
    sizes = sample_sizes(inspection)
    errors, entries = [], {}
    for row_no, row in enumerate(rows[1:], start=2):
        sample = row_no - 1
        if sample_column is not None:
            text = row[sample_column].strip() if sample_column < len(row) else ""
            if not text.isdigit():
                errors.append(_("Row %(row)s: “%(value)s” is not a sample number.") % {"row": row_no, "value": text})
                continue
            sample = int(text)
        for index, characteristic in columns.items():
            raw = _value_text(row[index] if index < len(row) else "", decimal)
            if not raw:
                continue
            if sample < 1 or sample > sizes.get(characteristic.defect_class, 0):
                errors.append(_("Row %(row)s, %(name)s: sample %(sample)s is not in this inspection's sample "
                                "(%(size)s samples).") % {"row": row_no, "name": characteristic.name,
                                                          "sample": sample,
                                                          "size": sizes.get(characteristic.defect_class, 0)})
                continue
            try:
                _check(characteristic, raw)
            except ValidationError as exc:
                errors.append(_("Row %(row)s, %(name)s: %(problem)s")
                              % {"row": row_no, "name": characteristic.name, "problem": " ".join(exc.messages)})
                continue
            entries[(characteristic, sample)] = raw
    if errors:
        raise ValidationError(errors)
    if not entries:
        raise ValidationError(_("The file has no measurements: a header row and one row per sample are needed."))
    save_values(actor=actor, inspection=inspection, entries=entries)
    return len(entries)


def parse_sample_numbers(text):
    """Sample numbers typed as "3, 17 42" or one per line; ValidationError names what is not a number."""
    parts = [part for part in re.split(r"[\s,;，、]+", (text or "").strip()) if part]
    bad = [part for part in parts if not part.isdigit()]
    if bad:
        raise ValidationError(_("Not sample numbers: %(values)s.") % {"values": ", ".join(bad[:10])})
    return sorted({int(part) for part in parts})


def record_nonconforming_units(*, actor, inspection, characteristic, samples_text):
    """An attribute check: the listed samples fail, every other sample of the characteristic passes.
    Returns the list of failed sample numbers."""
    require(actor, RECORD)
    if characteristic.is_measured:
        raise ValidationError(_("%(name)s is measured: paste its values instead.") % {"name": characteristic.name})
    failed = parse_sample_numbers(samples_text)
    size = _sample_size(inspection, characteristic)
    outside = [n for n in failed if n < 1 or n > size]
    if outside:
        raise ValidationError(_("Samples %(numbers)s are not in this inspection's sample of %(size)s for %(name)s.")
                              % {"numbers": ", ".join(map(str, outside)), "size": size, "name": characteristic.name})
    entries = {(characteristic, n): ("fail" if n in failed else "pass") for n in range(1, size + 1)}
    save_values(actor=actor, inspection=inspection, entries=entries)
    return failed
