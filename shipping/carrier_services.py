"""Carriers and their transport modes (shipping.models): the write use-cases of their master-data pages.

The shipment form proposes, for a rush order, the fastest active mode that meets the date
(shipping.carriers), so a mode's transit time is a whole number of calendar days from 0 to 365. A carrier's
code stays once created (shipments and imports name it); deactivating a carrier or a mode takes it out of
the proposals, its history is kept. Every change is recorded in the change history (audit).
"""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from accounts.permissions import require
from audit.changes import record_change, snapshot
from orders.masterdata_services import validate_code

from .models import Carrier, TransportKind, TransportMode

MAX_TRANSIT_DAYS = 365


def _carrier_errors(carrier):
    errors = {}
    carrier.code = (carrier.code or "").strip()
    carrier.name = (carrier.name or "").strip()
    try:
        validate_code(carrier.code)
    except ValidationError as exc:
        errors["code"] = exc.messages
    else:
        if len(carrier.code) > 20:
            errors["code"] = [_("The code is too long (at most 20 characters).")]
    if not carrier.name:
        errors["name"] = [_("Enter a name.")]
    elif len(carrier.name) > 100:
        errors["name"] = [_("The name is too long.")]
    return errors


def create_carrier(*, actor, code, name) -> Carrier:
    require(actor, "shipping.add_carrier")
    carrier = Carrier(code=code, name=name)
    errors = _carrier_errors(carrier)
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            carrier.save()
            record_change(carrier, actor=actor)
    except IntegrityError:
        raise ValidationError({"code": [_("A carrier with code %(code)s already exists.") % {"code": carrier.code}]}) \
            from None
    return carrier


def update_carrier(*, actor, carrier: Carrier, name=None, is_active=None) -> Carrier:
    """Rename or (de)activate a carrier (the code stays)."""
    require(actor, "shipping.change_carrier")
    with transaction.atomic():
        current = Carrier.objects.select_for_update().get(pk=carrier.pk)
        before = snapshot(current)
        if name is not None:
            current.name = name
        errors = _carrier_errors(current)
        if errors:
            raise ValidationError(errors)
        if is_active is not None:
            current.is_active = is_active
        current.save()
        record_change(current, actor=actor, before=before)
    return current


def _transit_errors(transit_days):
    if transit_days is None or not 0 <= transit_days <= MAX_TRANSIT_DAYS:
        return {"transit_days": [_("Enter the transit time as a whole number of days from 0 to %(max)s.")
                                 % {"max": MAX_TRANSIT_DAYS}]}
    return {}


def create_transport_mode(*, actor, carrier: Carrier, kind, transit_days) -> TransportMode:
    require(actor, "shipping.add_transportmode")
    errors = _transit_errors(transit_days)
    if kind not in TransportKind.values:
        errors["kind"] = [_("Choose a transport mode from the list.")]
    if errors:
        raise ValidationError(errors)
    mode = TransportMode(carrier=carrier, kind=kind, transit_days=transit_days)
    try:
        with transaction.atomic():
            mode.save()
            record_change(mode, actor=actor)
    except IntegrityError:
        raise ValidationError({"kind": [_("%(carrier)s already has the mode %(mode)s: edit that one.")
                                        % {"carrier": carrier.name, "mode": TransportKind(kind).label}]}) from None
    return mode


def update_transport_mode(*, actor, mode: TransportMode, transit_days=None, is_active=None) -> TransportMode:
    require(actor, "shipping.change_transportmode")
    with transaction.atomic():
        current = TransportMode.objects.select_for_update().select_related("carrier").get(pk=mode.pk)
        before = snapshot(current)
        if transit_days is not None or is_active is None:
            errors = _transit_errors(transit_days)
            if errors:
                raise ValidationError(errors)
            current.transit_days = transit_days
        if is_active is not None:
            current.is_active = is_active
        current.save()
        record_change(current, actor=actor, before=before)
    return current
