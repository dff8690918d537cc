"""Writes on warehouses and locations (master data of the stock pages).

Codes are fixed once created (labels, imports and documents use them). Nothing is deleted: a
warehouse or location no longer used is deactivated, which is refused while stock lies there.
Every change is written to Django's admin log, like the other master data.
"""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from accounts.permissions import require
from audit.changes import record_change, stored_snapshot
from orders.masterdata_services import validate_code

from .models import Location, StockBalance, Warehouse

WAREHOUSE_FIELDS = ("code", "name", "address", "is_active")
LOCATION_FIELDS = ("warehouse", "code", "zone", "bin", "pick_sequence", "is_active")


def _field_errors(record, *, model, check_unique):
    record.code = (record.code or "").strip()
    errors = {}
    try:
        validate_code(record.code)
    except ValidationError as exc:
        errors["code"] = exc.messages
    if check_unique and "code" not in errors and model.objects.filter(code=record.code).exclude(pk=record.pk).exists():
        errors["code"] = [_("The code %(code)s is already used.") % {"code": record.code}]
    try:
        record.full_clean(exclude=sorted(set(errors) | {"created_at", "updated_at"}), validate_unique=False)
    except ValidationError as exc:
        for name, messages in exc.message_dict.items():
            errors.setdefault(name, []).extend(messages)
    return errors


def warehouse_errors(warehouse, *, check_unique=True):
    warehouse.name = (warehouse.name or "").strip()
    return _field_errors(warehouse, model=Warehouse, check_unique=check_unique)


def location_errors(location, *, check_unique=True):
    errors = _field_errors(location, model=Location, check_unique=check_unique)
    warehouse = location.warehouse if location.warehouse_id else None
    if warehouse is not None and not warehouse.is_active and location.is_active:
        errors.setdefault("warehouse", []).append(_("Warehouse %(code)s is inactive.") % {"code": warehouse.code})
    return errors


def _stock_lies_in(filter_kwargs):
    return StockBalance.objects.filter(on_hand__gt=0, **filter_kwargs).exists()


def _save(*, actor, record, fields, errors, added):
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            before = None if added else stored_snapshot(record)
            record.save()
            record_change(record, actor=actor, before=before)
    except IntegrityError:
        raise ValidationError({"code": [_("The code %(code)s is already used.") % {"code": record.code}]}) from None
    return record


def _update(*, actor, model, record, fields, allowed, errors_of, deactivation_check):
    unknown = set(fields) - (set(allowed) - {"code"})
    if unknown:
        raise TypeError(f"fields that cannot be updated: {sorted(unknown)}")
    with transaction.atomic():
        current = model.objects.select_for_update().get(pk=record.pk)
        was_active = current.is_active
        before = {name: getattr(current, name) for name in allowed}
        for name, value in fields.items():
            setattr(current, name, value)
        errors = errors_of(current)
        if was_active and not current.is_active and deactivation_check(current):
            errors.setdefault("is_active", []).append(_("Stock still lies here: move or issue it before "
                                                        "deactivating."))
        changed = [name for name in allowed if getattr(current, name) != before[name]]
        if changed:
            _save(actor=actor, record=current, fields=changed, errors=errors, added=False)
        elif errors:
            raise ValidationError(errors)
    return current


def create_warehouse(*, actor, **fields) -> Warehouse:
    require(actor, "inventory.add_warehouse")
    warehouse = Warehouse(**fields)
    return _save(actor=actor, record=warehouse, fields=None, errors=warehouse_errors(warehouse), added=True)


def update_warehouse(*, actor, warehouse: Warehouse, **fields) -> Warehouse:
    require(actor, "inventory.change_warehouse")
    return _update(actor=actor, model=Warehouse, record=warehouse, fields=fields, allowed=WAREHOUSE_FIELDS,
                   errors_of=warehouse_errors, deactivation_check=lambda w: _stock_lies_in({"location__warehouse": w}))


def create_location(*, actor, **fields) -> Location:
    require(actor, "inventory.add_location")
    location = Location(**fields)
    return _save(actor=actor, record=location, fields=None, errors=location_errors(location), added=True)


def update_location(*, actor, location: Location, **fields) -> Location:
    require(actor, "inventory.change_location")
    return _update(actor=actor, model=Location, record=location, fields=fields, allowed=LOCATION_FIELDS,
                   errors_of=location_errors, deactivation_check=lambda loc: _stock_lies_in({"location": loc}))
