"""Shipments through the real services: partial and full shipments, stock issued by lot, shipped
quantities, the order's transitions, proof of delivery, and every bad input refused with nothing written."""

import uuid
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from documents.models import Document
from inventory.models import LotStatus, MoveKind, StockMove
from inventory.stock_services import set_lot_status
from numbering.models import Counter
from orders.models import Order, OrderEvent, OrderLine, OrderStatus
from orders.services import transition_order
from shipping import deliveries, services
from shipping.models import Shipment, ShipmentEvent, ShipmentStatus
from tests.fixtures.factories import make_order, user_with_role
from tests.inventory.stockdata import balance, ledger_mismatches

from .helpers import deliver, details, fg_location, finished_good, pick, png_upload, produce, qc_passed_order, ship

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup():
    """Order of 10 × P-A and 4 × P-B at qc_passed; 10 P-A in lots A1 (6) and A2 (4), 4 P-B in B1."""
    product_a, item_a = finished_good("P-A")
    product_b, item_b = finished_good("P-B")
    location = fg_location("FG-01")
    order = qc_passed_order([product_a, product_b], [10, 4])
    lots = {
        "A1": produce(order, item_a, location, 6, "A1").moves[0].lot,
        "A2": produce(order, item_a, location, 4, "A2").moves[0].lot,
        "B1": produce(order, item_b, location, 4, "B1").moves[0].lot,
    }
    return {"order": order, "location": location, "lots": lots, "items": {"A": item_a, "B": item_b}}


def shipped(order):
    return {line.line_no: line.shipped_quantity for line in OrderLine.objects.filter(order=order)}


def test_two_partial_shipments_ship_the_order_and_two_deliveries_deliver_it(setup, shipper):
    order, loc, lots = setup["order"], setup["location"], setup["lots"]

    first = ship(shipper, order, [pick(order, 1, lots["A1"], loc, 6, packages=2)])
    assert first.status == ShipmentStatus.SHIPPED and first.number.startswith(f"SH-{timezone.localdate().year}-")
    assert first.actual_ship_date == timezone.localdate() and first.shipped_by == shipper
    assert shipped(order) == {1: Decimal("6"), 2: Decimal("0")}
    assert Order.objects.get(pk=order.pk).status == OrderStatus.QC_PASSED  # partial: stays
    issue = StockMove.objects.get(document_type="shipment", document_id=first.pk)
    assert (issue.kind, issue.quantity, issue.lot, issue.order_id) == (MoveKind.ISSUE, Decimal("-6"), lots["A1"],
                                                                       order.pk)
    assert issue.document_number == first.number and first.move_group == issue.move_group
    assert balance(setup["items"]["A"], loc, lots["A1"]) == 0
    assert OrderEvent.objects.filter(order=order, action="partial_shipment", note_values__number=first.number).exists()
    # Its delivery note was queued (and, eager here, rendered) in the shipper's language.
    assert Document.objects.filter(kind="delivery_note", object_id=first.pk).exists()

    second = ship(shipper, order, [pick(order, 1, lots["A2"], loc, 4), pick(order, 2, lots["B1"], loc, 4, 1)])
    assert shipped(order) == {1: Decimal("10"), 2: Decimal("4")}
    order.refresh_from_db()
    assert order.status == OrderStatus.SHIPPED
    ship_event = OrderEvent.objects.get(order=order, action="ship")
    assert ship_event.actor == shipper and second.number in ship_event.get_note_display()
    assert ledger_mismatches() == []

    deliver(shipper, first)
    assert Order.objects.get(pk=order.pk).status == OrderStatus.SHIPPED  # the second is still on its way
    assert OrderEvent.objects.filter(order=order, action="delivery_recorded").exists()
    delivered = deliver(shipper, second, name="张三")
    assert delivered.status == ShipmentStatus.DELIVERED and delivered.received_by_name == "张三"
    assert delivered.pod_content_type == "image/png" and delivered.pod_file.name.endswith(".png")
    assert Order.objects.get(pk=order.pk).status == OrderStatus.DELIVERED
    assert list(ShipmentEvent.objects.filter(shipment=second).values_list("action", flat=True)) == [
        "created", "shipped", "delivered"]


def test_a_draft_is_shipped_later_and_leftover_drafts_are_cancelled_when_all_is_shipped(setup, shipper):
    order, loc, lots = setup["order"], setup["location"], setup["lots"]
    draft = services.create_shipment(actor=shipper, order=order, details=details(),
                                     picks=[pick(order, 1, lots["A1"], loc, 6)])
    spare = services.create_shipment(actor=shipper, order=order, details=details(),
                                     picks=[pick(order, 2, lots["B1"], loc, 1)])
    assert draft.status == ShipmentStatus.DRAFT and not StockMove.objects.filter(document_type="shipment").exists()
    assert shipped(order) == {1: 0, 2: 0}

    services.ship_shipment(actor=shipper, shipment=draft)
    ship(shipper, order, [pick(order, 1, lots["A2"], loc, 4), pick(order, 2, lots["B1"], loc, 4)])
    spare.refresh_from_db()
    assert spare.status == ShipmentStatus.CANCELLED and order.number in spare.get_cancel_reason_display()
    with pytest.raises(ValidationError, match="only a draft can be shipped"):
        services.ship_shipment(actor=shipper, shipment=spare)
    with pytest.raises(ValidationError, match="only a draft can be shipped"):
        services.ship_shipment(actor=shipper, shipment=draft)


def test_the_same_form_submitted_twice_makes_one_shipment(setup, shipper):
    order, loc, lots = setup["order"], setup["location"], setup["lots"]
    key = uuid.uuid4()
    one = ship(shipper, order, [pick(order, 1, lots["A1"], loc, 6)], entry_key=key)
    two = ship(shipper, order, [pick(order, 1, lots["A1"], loc, 6)], entry_key=key)
    assert one.pk == two.pk and Shipment.objects.count() == 1 and shipped(order)[1] == 6


def test_cancel_a_draft_with_a_reason_only(setup, shipper):
    order, loc, lots = setup["order"], setup["location"], setup["lots"]
    draft = services.create_shipment(actor=shipper, order=order, details=details(),
                                     picks=[pick(order, 1, lots["A1"], loc, 6)])
    with pytest.raises(ValidationError, match="Give a reason"):
        services.cancel_shipment(actor=shipper, shipment=draft, reason=" ")
    cancelled = services.cancel_shipment(actor=shipper, shipment=draft, reason="truck full")
    assert cancelled.status == ShipmentStatus.CANCELLED and cancelled.cancel_reason == "truck full"
    with pytest.raises(ValidationError, match="only a draft can be cancelled"):
        services.cancel_shipment(actor=shipper, shipment=draft, reason="again")


def test_tracking_number_changes_are_recorded_until_delivery(setup, shipper):
    order, loc, lots = setup["order"], setup["location"], setup["lots"]
    shipment = ship(shipper, order, [pick(order, 1, lots["A1"], loc, 6)], details=details(tracking_number=""))
    services.update_tracking(actor=shipper, shipment=shipment, carrier="德邦 Deppon", tracking_number="DP-778899")
    shipment.refresh_from_db()
    assert (shipment.carrier, shipment.tracking_number) == ("德邦 Deppon", "DP-778899")
    event = ShipmentEvent.objects.get(shipment=shipment, action="tracking_changed")
    assert event.get_note_display().endswith("DP-778899")
    deliver(shipper, shipment)
    with pytest.raises(ValidationError, match="can no longer be changed"):
        services.update_tracking(actor=shipper, shipment=shipment, carrier="x", tracking_number="y")


def _state(order):
    return (Shipment.objects.count(), StockMove.objects.count(), shipped(order), Order.objects.get(pk=order.pk).status,
            OrderEvent.objects.filter(order=order).count(),
            list(Counter.objects.values_list("series", "last")))


BAD_PICKS = {
    "more than ordered − shipped": (lambda s: [pick(s["order"], 2, s["lots"]["B1"], s["location"], 5)],
                                    "only 4 pcs is left to ship"),
    "zero": (lambda s: [pick(s["order"], 1, s["lots"]["A1"], s["location"], 0)], "more than zero"),
    "negative": (lambda s: [pick(s["order"], 1, s["lots"]["A1"], s["location"], -2)], "more than zero"),
    "fraction of a piece": (lambda s: [pick(s["order"], 1, s["lots"]["A1"], s["location"], "1.5")],
                            "at most 0 decimals"),
    "lot of another item": (lambda s: [pick(s["order"], 1, s["lots"]["B1"], s["location"], 2)],
                            "Lot B1 is of FG-P-B, not of FG-P-A"),
    "more than the lot holds": (lambda s: [pick(s["order"], 1, s["lots"]["A2"], s["location"], 5)],
                                "Lot A2 of FG-P-A holds only 4 pcs made for order"),
    "nothing chosen": (lambda s: [], "Choose at least one lot"),
    "no lot": (lambda s: [pick(s["order"], 1, None, s["location"], 1)], "choose the lot"),
}


@pytest.mark.parametrize("case", BAD_PICKS)
def test_bad_picks_are_refused_and_nothing_is_written(setup, shipper, case):
    make_picks, message = BAD_PICKS[case]
    before = _state(setup["order"])
    for ship_now in (False, True):
        with pytest.raises(ValidationError) as refused:
            services.create_shipment(actor=shipper, order=setup["order"], details=details(),
                                     picks=make_picks(setup), ship_now=ship_now)
        assert any(message in m for m in refused.value.messages), refused.value.messages
    assert _state(setup["order"]) == before


def test_more_than_passed_qc_is_refused(shipper):
    product, item = finished_good()
    location = fg_location()
    order = qc_passed_order([product], [10])
    lot = produce(order, item, location, 7, "LOT-7").moves[0].lot
    # Stock of the same lot not made for this order does not count as passed for it.
    produce(None, item, location, 5, "LOT-7")
    before = _state(order)
    with pytest.raises(ValidationError) as refused:
        ship(shipper, order, [pick(order, 1, lot, location, 8)])
    assert any("only 7 pcs passed QC for order" in m for m in refused.value.messages), refused.value.messages
    assert _state(order) == before
    ship(shipper, order, [pick(order, 1, lot, location, 7)])
    assert shipped(order)[1] == 7


@pytest.mark.parametrize("status", [LotStatus.BLOCKED, LotStatus.QUARANTINE])
def test_a_blocked_or_quarantined_lot_is_not_shipped(setup, shipper, status):
    lot = setup["lots"]["A1"]
    set_lot_status(actor=user_with_role("qc"), lot=lot, status=status, reason="customer complaint on this lot")
    before = _state(setup["order"])
    for ship_now in (False, True):
        with pytest.raises(ValidationError, match=f"Lot A1 of FG-P-A is {status}: it cannot be shipped"):
            services.create_shipment(actor=shipper, order=setup["order"], details=details(), ship_now=ship_now,
                                     picks=[pick(setup["order"], 1, lot, setup["location"], 3)])
    assert _state(setup["order"]) == before


def test_a_lot_blocked_after_the_draft_was_made_is_refused_when_shipping(setup, shipper):
    draft = services.create_shipment(actor=shipper, order=setup["order"], details=details(),
                                     picks=[pick(setup["order"], 1, setup["lots"]["A1"], setup["location"], 3)])
    set_lot_status(actor=user_with_role("qc"), lot=setup["lots"]["A1"], status=LotStatus.BLOCKED, reason="NCR")
    before = _state(setup["order"])
    with pytest.raises(ValidationError, match="is blocked: it cannot be shipped"):
        services.ship_shipment(actor=shipper, shipment=draft)
    assert _state(setup["order"]) == before and Shipment.objects.get(pk=draft.pk).status == ShipmentStatus.DRAFT


def test_a_cancelled_or_held_order_is_not_shipped(setup, shipper):
    product, item = finished_good()
    location = fg_location()
    cancelled = make_order(creator=user_with_role("sales"), status=OrderStatus.CANCELLED, products=[product])
    lot = produce(None, item, location, 10, "C-1").moves[0].lot
    with pytest.raises(ValidationError, match="is cancelled: nothing can be shipped"):
        ship(shipper, cancelled, [pick(cancelled, 1, lot, location, 1)])
    order = setup["order"]
    transition_order(actor=user_with_role("order_desk"), order=order, action="hold", note="customer asks to wait")
    before = _state(order)
    with pytest.raises(ValidationError, match="is on hold: only orders that passed QC are shipped"):
        ship(shipper, order, [pick(order, 1, setup["lots"]["A1"], setup["location"], 1)])
    assert _state(order) == before


def test_bad_details_are_refused(setup, shipper):
    order, loc, lots = setup["order"], setup["location"], setup["lots"]
    picks = [pick(order, 1, lots["A1"], loc, 1)]
    cases = [
        (details(ship_to_address="  "), "Enter the shipping address"),
        (details(gross_weight_kg=Decimal("-1")), "gross weight must be more than 0 kg"),
        (details(gross_weight_kg=Decimal("10"), net_weight_kg=Decimal("12")), "net weight cannot be more"),
        (details(tracking_number="x" * 101), "tracking number has at most 100"),
    ]
    before = _state(order)
    for bad, message in cases:
        with pytest.raises(ValidationError, match=message):
            services.create_shipment(actor=shipper, order=order, details=bad, picks=picks)
    tomorrow = timezone.localdate() + timezone.timedelta(days=1)
    with pytest.raises(ValidationError, match="ship date cannot be in the future"):
        ship(shipper, order, picks, actual_ship_date=tomorrow)
    assert _state(order) == before


def test_only_the_shipping_role_ships(setup):
    order, loc, lots = setup["order"], setup["location"], setup["lots"]
    for role in ("sales", "warehouse", "order_desk", "qc"):
        with pytest.raises(PermissionDenied):
            ship(user_with_role(role), order, [pick(order, 1, lots["A1"], loc, 1)])
    assert Shipment.objects.count() == 0


# --- proof of delivery -------------------------------------------------------------------------------

@pytest.fixture
def on_its_way(setup, shipper):
    order = setup["order"]
    return ship(shipper, order, [pick(order, 1, setup["lots"]["A1"], setup["location"], 6)])


def _pod_state(shipment):
    current = Shipment.objects.get(pk=shipment.pk)
    return current.status, current.pod_file.name, ShipmentEvent.objects.filter(shipment=shipment).count()


def test_bad_proofs_of_delivery_are_refused_and_leave_no_file(on_its_way, shipper, settings):
    from django.core.files.uploadedfile import SimpleUploadedFile

    now = timezone.now()
    svg = SimpleUploadedFile("note.png", b"<svg xmlns='http://www.w3.org/2000/svg'><script>1</script></svg>",
                             content_type="image/png")
    cases = [
        ({"received_by": "", "upload": png_upload()}, "Enter who signed"),
        ({"upload": None}, "Attach a photo or scan"),
        ({"upload": svg}, "neither a photo"),
        ({"received_at": now + timezone.timedelta(hours=2), "upload": png_upload()}, "cannot be in the future"),
        ({"received_at": now - timezone.timedelta(days=3), "upload": png_upload()}, "before they were shipped"),
    ]
    before = _pod_state(on_its_way)
    for overrides, message in cases:
        kwargs = {"received_by": "李四", "received_at": now, **overrides}
        with pytest.raises(ValidationError) as refused:
            deliveries.record_delivery(actor=shipper, shipment=on_its_way, **kwargs)
        assert any(message in m for m in refused.value.messages), (message, refused.value.messages)
    settings.SHIPPING_POD_MAX_BYTES = 100
    with pytest.raises(ValidationError, match="larger than"):
        deliveries.record_delivery(actor=shipper, shipment=on_its_way, received_by="李四", received_at=now,
                                 upload=png_upload())
    assert _pod_state(on_its_way) == before
    media = settings.MEDIA_ROOT
    assert not media.exists() or not any(p.is_file() for p in media.rglob("*pod*"))


def test_delivery_is_recorded_once_and_only_for_shipped_goods(setup, on_its_way, shipper):
    deliver(shipper, on_its_way)
    with pytest.raises(ValidationError, match="delivery is recorded for shipped goods only"):
        deliver(shipper, on_its_way)
    draft = services.create_shipment(actor=shipper, order=setup["order"], details=details(),
                                     picks=[pick(setup["order"], 2, setup["lots"]["B1"], setup["location"], 1)])
    with pytest.raises(ValidationError, match="is draft: delivery is recorded for shipped goods only"):
        deliver(shipper, draft)


def test_a_pdf_scan_is_accepted(on_its_way, shipper):
    from .helpers import pdf_upload

    done = deliveries.record_delivery(actor=shipper, shipment=on_its_way, received_by="李四",
                                      received_at=timezone.now(), upload=pdf_upload())
    assert done.pod_content_type == "application/pdf" and done.pod_file.name.endswith(".pdf")


def test_an_order_ships_only_its_own_lots(shipper):
    """Order A may not take rush order B's passed lot (nor free stock), even with A's own QC-passed
    quantity to spare: checked by the service under the order lock, for drafts and when shipping."""
    product, item = finished_good()
    location = fg_location()
    order_a = qc_passed_order([product], [10])
    rush_b = qc_passed_order([product], [5], priority="rush")
    own = produce(order_a, item, location, 10, "A-OWN").moves[0].lot
    rush_lot = produce(rush_b, item, location, 5, "B-RUSH").moves[0].lot
    free = produce(None, item, location, 8, "FREE").moves[0].lot
    before = _state(order_a)
    for lot, message in ((rush_lot, f"Lot B-RUSH of {item.code} was not made for order {order_a.number}"),
                         (free, f"Lot FREE of {item.code} was not made for order {order_a.number}")):
        for ship_now in (False, True):
            with pytest.raises(ValidationError) as refused:
                services.create_shipment(actor=shipper, order=order_a, details=details(), ship_now=ship_now,
                                         picks=[pick(order_a, 1, lot, location, 3)])
            assert any(message in m for m in refused.value.messages), refused.value.messages
    assert _state(order_a) == before
    # A draft made before the rule (or by a tampered request) is refused when it ships.
    draft = Shipment.objects.create(number="SH-OLD-1", order=order_a, created_by=shipper, ship_to_name="x",
                                    ship_to_address="y")
    draft.lines.create(line_no=1, order_line=order_a.lines.get(), item=item, lot=rush_lot, location=location,
                       quantity=Decimal("3"))
    with pytest.raises(ValidationError, match="was not made for order"):
        services.ship_shipment(actor=shipper, shipment=draft)
    assert balance(item, location, rush_lot) == 5
    ship(shipper, order_a, [pick(order_a, 1, own, location, 10)])
    assert shipped(order_a)[1] == 10 and balance(item, location, rush_lot) == 5


def test_a_shared_lot_ships_only_the_orders_share(shipper):
    product, item = finished_good()
    location = fg_location()
    first, second = qc_passed_order([product], [6]), qc_passed_order([product], [6])
    lot = produce(first, item, location, 4, "SHARED-2").moves[0].lot
    produce(second, item, location, 6, "SHARED-2")
    produce(first, item, location, 2, "FIRST-2")
    with pytest.raises(ValidationError, match="holds only 4 pcs made for order"):
        ship(shipper, first, [pick(first, 1, lot, location, 6)])


def test_a_delivery_before_the_ship_time_is_refused(on_its_way, shipper):
    """Shipped today at its recorded time: a signature an hour earlier the same day is refused with that
    time in the reader's format; a ship date given as an earlier day is checked from its start."""
    shipped_at = timezone.localtime(on_its_way.shipped_at)
    before = _pod_state(on_its_way)
    with pytest.raises(ValidationError) as refused:
        deliveries.record_delivery(actor=shipper, shipment=on_its_way, received_by="李四",
                                 received_at=shipped_at - timezone.timedelta(hours=1), upload=png_upload())
    assert refused.value.messages == [
        f"The goods cannot be received before they were shipped ({shipped_at:%Y-%m-%d %H:%M})."]
    assert _pod_state(on_its_way) == before
    backdated = timezone.localdate() - timezone.timedelta(days=2)
    Shipment.objects.filter(pk=on_its_way.pk).update(actual_ship_date=backdated)
    start = timezone.make_aware(timezone.datetime.combine(backdated, timezone.datetime.min.time()))
    with pytest.raises(ValidationError, match=r"before they were shipped \(\d{4}-\d\d-\d\d\)"):
        deliveries.record_delivery(actor=shipper, shipment=on_its_way, received_by="李四",
                                 received_at=start - timezone.timedelta(minutes=1), upload=png_upload())
    done = deliveries.record_delivery(actor=shipper, shipment=on_its_way, received_by="李四",
                                    received_at=start + timezone.timedelta(hours=9), upload=png_upload())
    assert done.status == ShipmentStatus.DELIVERED


def test_a_ship_date_before_the_goods_went_into_stock_is_refused(setup, shipper):
    order, loc, lots = setup["order"], setup["location"], setup["lots"]
    yesterday = timezone.localdate() - timezone.timedelta(days=1)
    before = _state(order)
    with pytest.raises(ValidationError, match="is before lot A1 was put into stock for order"):
        ship(shipper, order, [pick(order, 1, lots["A1"], loc, 6)], actual_ship_date=yesterday)
    assert _state(order) == before
    assert ship(shipper, order, [pick(order, 1, lots["A1"], loc, 6)]).actual_ship_date == timezone.localdate()
