"""Reserving stock for a demand (a work order, a shipment), releasing it, and which stock is taken.

`reserve_stock` allocates from the balance rows whose stock may be issued (no lot, or an available
lot that has not expired; an active location), earliest expiry first (FEFO), then oldest lot first
(FIFO: the lot received first), then along the picking walk. The rows are locked while allocating, so
two reservations at once never promise the same stock. A reservation is consumed by issuing for its
demand (inventory.ledger consumes it in the same posting) and can be released while still active.

Locks are taken balance rows first, then reservations, as the posting engine does (no deadlock).
"""

from datetime import UTC, date, datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.permissions import require
from systemtext.text import stored_fields

from .ledger import ZERO, DocumentRef, clean_reason, issuable_lot_errors, lock_balances, usable_stock
from .models import Lot, Reservation, ReservationStatus, StockBalance
from .stock_services import check_stock_levels, positive_quantity
from .units import format_quantity, to_base_quantity

_LATEST = datetime.max.replace(tzinfo=UTC)


def allocation_order(balance):
    """FEFO, then FIFO, then the picking walk: the sort key of a balance row to take stock from."""
    lot = balance.lot
    expiry = lot.expiry_date if lot is not None else None
    received = lot.created_at if lot is not None else _LATEST
    return (expiry is None, expiry or date.max, received, balance.location.pick_sequence, balance.location.code,
            balance.pk)


def _demand_errors(demand):
    if demand is None or not (demand.type or "").strip():
        return [_("Name the demand the stock is reserved for.")]
    if len(demand.type) > 40 or len(demand.number or "") > 60:
        return [_("The demand reference is too long.")]
    return []


def reserve_stock(*, actor, item, quantity, demand: DocumentRef, unit="", order=None, warehouse=None, location=None,
                  lot=None, partial=False) -> list[Reservation]:
    """Reserve `quantity` (in `unit`, default the item's) of `item` for `demand`, FEFO/FIFO over the
    usable stock (optionally only in `warehouse`, at `location` or of `lot`). Refused when not enough
    is available, unless `partial`, which reserves what there is (maybe nothing)."""
    require(actor, "inventory.add_reservation")
    errors = _demand_errors(demand)
    if errors:
        raise ValidationError(errors)
    base = to_base_quantity(item, positive_quantity(quantity), unit or item.unit, action=_("Reservation"))
    if lot is not None:
        lot = Lot.objects.select_related("item").get(pk=lot.pk)  # its status as stored now
        if lot.item_id != item.pk:
            raise ValidationError(_("Lot %(lot)s belongs to %(other)s, not to %(code)s.")
                                  % {"lot": lot.number, "other": lot.item.code, "code": item.code})
        errors = issuable_lot_errors(item, lot)
        if errors:
            raise ValidationError(errors)
    candidates = StockBalance.objects.filter(usable_stock(), item=item, on_hand__gt=F("reserved"),
                                             location__is_active=True)
    if warehouse is not None:
        candidates = candidates.filter(location__warehouse=warehouse)
    if location is not None:
        candidates = candidates.filter(location=location)
    if lot is not None:
        candidates = candidates.filter(lot=lot)
    with transaction.atomic():
        rows = list(candidates.select_for_update(of=("self",)).select_related("lot", "location").order_by("pk"))
        # Re-read under the lock: the filter above saw the rows before another reservation committed.
        rows = sorted((b for b in rows if b.available > 0), key=allocation_order)
        available = sum((b.available for b in rows), ZERO)
        if available < base and not partial:
            raise ValidationError(_("Only %(available)s of %(code)s can be reserved; %(asked)s asked.")
                                  % {"available": format_quantity(available, item.unit), "code": item.code,
                                     "asked": format_quantity(base, item.unit)})
        now, left, made = timezone.now(), base, []
        for balance in rows:
            if left <= 0:
                break
            take = min(balance.available, left)
            left -= take
            StockBalance.objects.filter(pk=balance.pk).update(reserved=F("reserved") + take, updated_at=now)
            made.append(Reservation(item=item, location=balance.location, lot=balance.lot, quantity=take,
                                    demand_type=demand.type.strip(), demand_id=demand.id,
                                    demand_number=(demand.number or "").strip(), order=order, created_by=actor,
                                    created_at=now))
        Reservation.objects.bulk_create(made)
        check_stock_levels([item])
    return made


def _release(actor, reservation_ids, reason):
    """Release the still-active reservations among `reservation_ids` (locks: balances, then reservations)."""
    keys = Reservation.objects.filter(pk__in=reservation_ids, status=ReservationStatus.ACTIVE).values_list(
        "item_id", "location_id", "lot_id")
    balances = lock_balances(list(keys))
    reservations = list(Reservation.objects.select_for_update().filter(pk__in=reservation_ids,
                                                                         status=ReservationStatus.ACTIVE).order_by("pk"))
    now = timezone.now()
    for reservation in reservations:
        balance = balances[(reservation.item_id, reservation.location_id, reservation.lot_id)]
        balance.reserved -= reservation.quantity - reservation.consumed
        reservation.release()  # active: selected so, under the lock
        reservation.closed_by, reservation.closed_at = actor, now
        for name, value in stored_fields("close_reason", reason).items():  # bulk_update skips the field's save
            setattr(reservation, name, value)
    for balance in balances.values():
        StockBalance.objects.filter(pk=balance.pk).update(reserved=balance.reserved, updated_at=now)
    # One statement for all: the rows are locked above and their status set by the transition.
    Reservation.objects.bulk_update(reservations, ["status", "closed_by", "closed_at", "close_reason",
                                                "close_reason_values"])
    return reservations


def _clean_close_reason(reason):
    return clean_reason(reason, max_length=Reservation._meta.get_field("close_reason").max_length)


def release_reservation(*, actor, reservation: Reservation, reason="") -> Reservation:
    """Give back what is still reserved (the consumed part stays consumed)."""
    require(actor, "inventory.change_reservation")
    reason = _clean_close_reason(reason)
    with transaction.atomic():
        released = _release(actor, [reservation.pk], reason)
        if not released:
            raise ValidationError(_("This reservation is no longer active."))
    return released[0]


def release_demand(*, actor, demand: DocumentRef, reason="") -> list[Reservation]:
    """Release every active reservation of a demand (a cancelled work order or order)."""
    require(actor, "inventory.change_reservation")
    reason = _clean_close_reason(reason)
    with transaction.atomic():
        ids = list(Reservation.objects.filter(demand_type=demand.type, demand_id=demand.id,
                                              status=ReservationStatus.ACTIVE).values_list("pk", flat=True))
        return _release(actor, ids, reason) if ids else []


def release_order_reservations(*, actor, order, reason="") -> list[Reservation]:
    """Release every active reservation made for an order, whatever its demand (the order, its work
    orders), when the order is cancelled. The cancellation's own permission was checked by the order
    services, so the actor (the order desk) needs no reservation permission here."""
    reason = _clean_close_reason(reason)
    with transaction.atomic():
        ids = list(Reservation.objects.filter(order=order, status=ReservationStatus.ACTIVE).values_list("pk",
                                                                                                       flat=True))
        return _release(actor, ids, reason) if ids else []
