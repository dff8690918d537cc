"""Orders from other channels (shop platforms, CRM exports) through a saved import profile: the channel's
own column names, date format, encoding and separator, applied to each file so a weekly export imports as
it comes.

The file is translated into the order import's columns and checked and written by that import
(orders.order_importing.ORDER_IMPORT: the entry form's rules, create_order and submit_order): every order
of the file or none. Each order keeps its channel and external reference (ExternalOrder, unique per
channel); rows of a reference the channel already delivered are skipped, so overlapping weekly exports add
nothing twice.
"""

import csv
import io
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.permissions import require
from imports.tables import ImportFileError
from inputs.visible import visible_strip
from orders.models import Channel, Order, OrderStatus
from orders.order_importing import ORDER_IMPORT

from .models import ChannelProfile, ExternalOrder

IMPORT_PERMISSION = "edi.import_channel_orders"
MAX_BYTES = 5 * 1024 * 1024
# Our fields a profile may map (the order import's columns).
FIELDS = tuple(column.field for column in ORDER_IMPORT.columns)
DATE_FIELDS = ("requested_date", "line_date")
REQUIRED = ("reference", "product", "quantity")


@dataclass
class ChannelImportResult:
    created: list = field(default_factory=list)  # orders made
    skipped: list = field(default_factory=list)  # (external reference, order number) imported before
    errors: list = field(default_factory=list)  # texts; nothing was written when there are any


def check_profile(profile: ChannelProfile):
    """The profile's mapping must name the required fields (and the customer, unless the profile has one)."""
    unknown = sorted(set(profile.columns) - set(FIELDS))
    errors = [_("Unknown field in the column mapping: %(fields)s.") % {"fields": ", ".join(unknown)}] if unknown else []
    needed = REQUIRED + (() if profile.customer_id else ("customer",))
    missing = [name for name in needed if not str(profile.columns.get(name, "")).strip()]
    if missing:
        labels = [str(ORDER_IMPORT.column(name).label) for name in missing]
        errors.append(_("The column mapping must name the columns for: %(fields)s.") % {"fields": ", ".join(labels)})
    if errors:
        raise ValidationError(errors)


def _read(profile, data):
    try:
        text = data.decode(profile.encoding)
    except UnicodeDecodeError:
        raise ImportFileError(_("The file is not in the channel's encoding (%(encoding)s).")
                              % {"encoding": profile.get_encoding_display()}) from None
    text = text.lstrip("\ufeff")
    delimiter = profile.delimiter or ","
    records = [[visible_strip(cell) for cell in record]
               for record in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)]
    if not records or not any(records[0]):
        raise ImportFileError(_("The file is empty."))
    return records[0], [(line, record) for line, record in enumerate(records[1:], start=2) if any(record)]


def _parse_date(text, profile):
    try:
        return datetime.strptime(text.strip(), profile.date_format).date()
    except ValueError:
        return None


def read_file(profile, data) -> tuple[list, list]:
    """(raw rows in the order import's shape, errors) of a file read with the profile."""
    headers, records = _read(profile, data)
    where = {name.strip(): index for index, name in enumerate(headers)}
    missing = [their for their in profile.columns.values() if their and their.strip() not in where]
    if missing:
        raise ImportFileError(_("The file has no column %(columns)s; is it an export of %(channel)s?")
                              % {"columns": "、".join(missing), "channel": profile.name})
    rows, errors = [], []
    requested = (timezone.localdate() + timedelta(days=profile.lead_days)).isoformat()
    for line, record in records:
        values = {}
        for ours, theirs in profile.columns.items():
            if not theirs:
                continue
            index = where[theirs.strip()]
            values[ours] = record[index] if index < len(record) else ""
        for name in DATE_FIELDS:
            if values.get(name):
                parsed = _parse_date(values[name], profile)
                if parsed is None:
                    errors.append(_("Row %(line)s: “%(value)s” is not a date in the channel's format %(format)s.")
                                  % {"line": line, "value": values[name], "format": profile.date_format})
                else:
                    values[name] = parsed.isoformat()
        if profile.customer_id and not values.get("customer"):
            values["customer"] = profile.customer.code
        values.setdefault("requested_date", requested)
        if not values["requested_date"]:
            values["requested_date"] = requested
        rows.append({"line": line, "values": values})
    return rows, errors


def import_channel_file(*, actor, profile, data: bytes, filename="") -> ChannelImportResult:
    """Import one export of the channel: new external references become submitted orders (all or none),
    references imported before are skipped. Raises ImportFileError when the file cannot be read."""
    require(actor, IMPORT_PERMISSION)
    ORDER_IMPORT.check_permission(actor)
    check_profile(profile)
    if len(data) > MAX_BYTES:
        raise ImportFileError(_("The file is larger than 5 MB."))
    rows, errors = read_file(profile, data)
    result = ChannelImportResult(errors=errors)
    if errors:
        return result
    with transaction.atomic():
        known = dict(ExternalOrder.objects.select_for_update().filter(
            profile=profile, external_ref__in={row["values"].get("reference", "").strip() for row in rows})
            .values_list("external_ref", "order__number"))
        new_rows = []
        for row in rows:
            reference = row["values"].get("reference", "").strip()
            if reference in known:
                if (reference, known[reference]) not in result.skipped:
                    result.skipped.append((reference, known[reference]))
            else:
                new_rows.append(row)
        if not new_rows:
            return result
        fields = sorted({name for row in new_rows for name in row["values"]}, key=FIELDS.index)
        columns = [ORDER_IMPORT.column(name) for name in fields]
        preview = ORDER_IMPORT.build_preview(columns, new_rows, filename=filename, ignored=[], lock=True)
        if not preview.is_valid:
            result.errors = [_("Row %(line)s: %(errors)s") % {"line": row.line, "errors": " ".join(row.errors)}
                             for row in preview.error_rows]
            return result
        ORDER_IMPORT.write(actor=actor, preview=preview)
        planned = list({id(row.instance): row.instance for row in preview.rows}.values())
        for order_plan in planned:
            order = (Order.objects.filter(customer=order_plan.customer, customer_po=order_plan.reference,
                                          channel=Channel.IMPORT).exclude(status=OrderStatus.CANCELLED)
                     .latest("pk"))
            ExternalOrder.objects.create(profile=profile, external_ref=order_plan.reference, order=order)
            result.created.append(order)
    return result
