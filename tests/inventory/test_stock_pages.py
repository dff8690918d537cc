"""Stock pages as the roles use them: on hand lists with filters, the item ledger with its running
balance, lot traceability, the manual move form, reversal, cycle count, warehouses and locations;
permissions (403) and constant query counts."""

import re
import uuid
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from inventory import reservations, stock_services
from inventory.ledger import DocumentRef
from inventory.models import Location, LotStatus, StockBalance, StockMove, Warehouse
from tests.fixtures.factories import UserFactory, make_order
from tests.inventory.masterdata import make_item
from tests.inventory.stockdata import balance, keeper, ledger_mismatches, make_location, make_warehouse, receive

pytestmark = pytest.mark.django_db

D = Decimal


@pytest.fixture
def warehouse_user(role_users):
    return role_users["warehouse"]


@pytest.fixture
def stocked():
    """Two items in two warehouses, one lot quarantined, one item below its reorder point."""
    from inventory import services

    wh1, wh2 = make_warehouse("WH1"), make_warehouse("WH2")
    a1, b1 = make_location("A-01", warehouse=wh1, pick_sequence=1), make_location("B-01", warehouse=wh2)
    steel = make_item("RM-1", name="Steel", unit="kg")
    paint = make_item("PT-1", name="Paint", unit="l")
    services.update_item(actor=keeper_admin(), item=paint, reorder_point=D("50"))
    receive(steel, a1, "100", lot="L1", expiry=timezone.localdate() + timedelta(days=10))
    receive(steel, b1, "30", lot="L2")
    receive(paint, a1, "20")
    lot2 = steel.lots.get(number="L2")
    stock_services.set_lot_status(actor=keeper(), lot=lot2, status=LotStatus.QUARANTINE, reason="check")
    return {"steel": steel, "paint": paint, "a1": a1, "b1": b1, "wh1": wh1, "wh2": wh2}


def keeper_admin():
    from tests.fixtures.factories import user_with_role

    return user_with_role("admin")


def codes(response, testid="stock-row"):
    return re.findall(rf'data-testid="{testid}" data-code="([^"]+)"', response.content.decode())


# --- on hand -------------------------------------------------------------------------------------

def test_stock_by_item_with_filters(client, warehouse_user, stocked):
    client.force_login(warehouse_user)
    url = reverse("inventory:stock_list")
    response = client.get(url)
    assert codes(response) == ["PT-1", "RM-1"]
    steel = response.context["page"].object_list[1]
    assert (steel.on_hand, steel.usable) == (D("130"), D("100"))  # the quarantined lot is not usable
    assert codes(client.get(url, {"below_reorder_point": "on"})) == ["PT-1"]
    assert codes(client.get(url, {"warehouse": stocked["wh2"].pk})) == ["RM-1"]
    assert codes(client.get(url, {"q": "paint"})) == ["PT-1"]
    assert codes(client.get(url, {"sort": "-on_hand"})) == ["RM-1", "PT-1"]


def test_balances_by_location_and_lot(client, warehouse_user, stocked):
    client.force_login(warehouse_user)
    url = reverse("inventory:balance_list")
    rows = client.get(url, {"sort": "location"}).context["page"].object_list
    assert [(b.item.code, b.location.code, b.lot.number if b.lot else None) for b in rows] == [
        ("PT-1", "A-01", None), ("RM-1", "A-01", "L1"), ("RM-1", "B-01", "L2")]
    quarantined = client.get(url, {"lot_status": "quarantine"}).context["page"].object_list
    assert [b.lot.number for b in quarantined] == ["L2"]
    soon = client.get(url, {"expiry": "soon"}).context["page"].object_list
    assert [b.lot.number for b in soon] == ["L1"]


def test_list_pages_cost_the_same_queries_for_more_rows(client, warehouse_user, stocked,
                                                        django_assert_max_num_queries):
    client.force_login(warehouse_user)
    urls = [reverse("inventory:stock_list"), reverse("inventory:balance_list"), reverse("inventory:location_list"),
            reverse("inventory:warehouse_list"), reverse("inventory:stock_item", args=[stocked["steel"].pk])]
    counts = {}
    for url in urls:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as before:
            assert client.get(url).status_code == 200
        counts[url] = len(before)
    for n in range(15):
        item = make_item(f"X-{n}", unit="pcs")
        location = make_location(f"X-{n}", warehouse=stocked["wh1"])
        receive(item, location, "5", lot=f"XL{n}")
        receive(stocked["steel"], location, "1", lot="L1")
    for url in urls:
        with django_assert_max_num_queries(counts[url]):
            assert client.get(url).status_code == 200


# --- item ledger -------------------------------------------------------------------------------------

def test_item_ledger_shows_the_running_balance(client, warehouse_user, stocked):
    steel, a1 = stocked["steel"], stocked["a1"]
    lot1 = steel.lots.get(number="L1")
    stock_services.issue_stock(actor=keeper(), item=steel, location=a1, lot=lot1, quantity=D("40"),
                               document=DocumentRef("work_order", 5, "WO-5"))
    client.force_login(warehouse_user)
    url = reverse("inventory:stock_item", args=[steel.pk])
    rows = client.get(url).context["rows"]
    assert [(r.quantity, r.running_balance) for r in rows] == [(D("-40"), D("90")), (D("30"), D("130")),
                                                               (D("100"), D("100"))]
    page2 = client.get(url, {"per_page": 25, "location": a1.code}).context["rows"]
    assert [(r.quantity, r.running_balance) for r in page2] == [(D("-40"), D("60")), (D("100"), D("100"))]
    receipts = client.get(url, {"kind": "receipt"}).context["rows"]  # summed over the rows, not the balances
    assert [(r.quantity, r.running_balance) for r in receipts] == [(D("30"), D("130")), (D("100"), D("100"))]
    assert "WO-5" in client.get(url).content.decode()


def test_reverse_from_the_ledger(client, warehouse_user, stocked):
    steel = stocked["steel"]
    move = StockMove.objects.filter(item=steel, location=stocked["b1"]).get()
    client.force_login(warehouse_user)
    url = reverse("inventory:move_reverse", args=[move.pk])
    response = client.post(url, {"reason": "typed twice"}, follow=True)
    assert "The posting was reversed" in response.content.decode()
    assert balance(steel, stocked["b1"], move.lot) == 0
    response = client.post(url, {"reason": "again"}, follow=True)
    assert "already been reversed" in response.content.decode()
    assert client.post(url, {"reason": ""}).status_code == 302
    assert ledger_mismatches() == []


# --- manual moves ------------------------------------------------------------------------------------

def move_post(**fields):
    data = {"kind": "receipt", "item": "RM-1", "location": "A-01", "quantity": "5", "unit": "", "lot": "",
            "reason": "", "document_number": "", "entry_key": str(uuid.uuid4())}
    data.update(fields)
    return data


def test_receive_issue_transfer_and_adjust_by_hand(client, warehouse_user, stocked):
    steel, a1, b1 = stocked["steel"], stocked["a1"], stocked["b1"]
    client.force_login(warehouse_user)
    url = reverse("inventory:move_create")
    assert client.get(url, {"kind": "transfer"}).status_code == 200
    response = client.post(url, move_post(lot="L9", quantity="2.5", unit="t", expiry_date="2030-01-01",
                                          document_number="DN-77"))
    assert response.status_code == 302
    lot9 = steel.lots.get(number="L9")
    assert (balance(steel, a1, lot9), str(lot9.expiry_date)) == (D("2500"), "2030-01-01")
    assert StockMove.objects.filter(lot=lot9).get().document_number == "DN-77"
    assert client.post(url, move_post(kind="transfer", lot="L9", to_location="B-01", quantity="500")).status_code == 302
    assert (balance(steel, a1, lot9), balance(steel, b1, lot9)) == (D("2000"), D("500"))
    assert client.post(url, move_post(kind="adjustment", lot="L9", direction="remove", quantity="1",
                                      reason="spilt")).status_code == 302
    assert balance(steel, a1, lot9) == D("1999")


def test_refusals_are_shown_on_the_form_and_write_nothing(client, warehouse_user, stocked):
    client.force_login(warehouse_user)
    url = reverse("inventory:move_create")
    before = StockMove.objects.count()
    for fields, message in [
        ({"kind": "issue", "lot": "L1", "quantity": "101"}, "Only 100.000 kg of RM-1 lot L1 at A-01 available."),
        ({"kind": "issue", "lot": "L2", "location": "B-01", "quantity": "1"}, "Lot L2 of RM-1 is quarantine"),
        ({"kind": "issue", "lot": "NOPE"}, "RM-1 has no lot NOPE."),
        ({"quantity": "0"}, "The quantity must be greater than zero."),
        ({"quantity": "abc"}, "is not a number"),
        ({"unit": "m"}, "m does not convert to kg for RM-1"),
        ({"kind": "adjustment", "direction": "add", "reason": ""}, "Enter a reason."),
        ({"location": "ZZ"}, "No location with this code."),
    ]:
        response = client.post(url, move_post(**fields))
        assert response.status_code == 200, fields
        assert message in response.content.decode(), (fields, message)
    assert StockMove.objects.count() == before


def test_the_same_move_form_sent_three_times_posts_once(client, warehouse_user, stocked):
    steel, a1 = stocked["steel"], stocked["a1"]
    client.force_login(warehouse_user)
    url = reverse("inventory:move_create")
    key = re.search(r'name="entry_key" value="([^"]+)"', client.get(url, {"kind": "issue"}).content.decode()).group(1)
    form = move_post(kind="issue", lot="L1", quantity="10", entry_key=key)
    before = balance(steel, a1, steel.lots.get(number="L1"))
    responses = [client.post(url, form, follow=True) for _ in range(3)]
    assert StockMove.objects.filter(kind="issue").count() == 1
    assert balance(steel, a1, steel.lots.get(number="L1")) == before - 10
    assert "Posted: Issue" in responses[0].content.decode()
    assert all("This entry was already posted; nothing more was posted" in r.content.decode() for r in responses[1:])
    missing = {k: v for k, v in move_post(kind="issue", lot="L1", quantity="1").items() if k != "entry_key"}
    assert "The form has expired" in client.post(url, missing).content.decode()
    assert StockMove.objects.filter(kind="issue").count() == 1


def test_an_over_precise_issue_names_the_issue_and_the_value_typed(client, warehouse_user, stocked):
    """“0.0000001 kg” on an issue: the refusal names the issue and 0.0000001 as typed: no minus the user
    never typed, no exponent, no “入库” (taking in) on an issue, in the reader's language."""
    client.force_login(warehouse_user)
    session = client.session
    session["orderflow_language"] = "zh-hans"
    session.save()
    before = StockMove.objects.count()
    body = client.post(reverse("inventory:move_create"),
                       move_post(kind="issue", lot="L1", quantity="0.0000001")).content.decode()
    message = re.search(r'<div>(发料 0.0000001 kg[^<]*)</div>', body)
    assert message, body[body.find("form-errors") - 200:body.find("form-errors") + 600]
    text = message.group(1)
    assert "-0" not in text and "E-7" not in text and "入库" not in text and "RM-1 以 kg 计量，最多 3 位小数" in text
    assert StockMove.objects.count() == before


# --- lots ----------------------------------------------------------------------------------------------

def test_lot_traceability_shows_where_it_came_from_and_went(client, warehouse_user, stocked, role_users):
    steel, a1 = stocked["steel"], stocked["a1"]
    lot1 = steel.lots.get(number="L1")
    order = make_order(creator=role_users["sales"], status="approved")
    stock_services.issue_stock(actor=keeper(), item=steel, location=a1, lot=lot1, quantity=D("25"), order=order,
                               document=DocumentRef("work_order", 3, "WO-3"))
    typo = receive(steel, a1, "7", lot=lot1)  # a mistaken receipt, reversed: neither shows as an origin
    stock_services.reverse_stock_move(actor=keeper(), move=typo.moves[0], reason="typo")
    stock_services.transfer_stock(actor=keeper(), item=steel, lot=lot1, from_location=a1, to_location=stocked["b1"],
                                  quantity=D("5"))
    client.force_login(role_users["planner"])
    response = client.get(reverse("inventory:lot_detail", args=[lot1.pk]))
    trace = response.context["trace"]
    assert [m.quantity for m in trace.came_from] == [D("100")]
    assert [(m.quantity, m.document_number, m.order_id) for m in trace.went_to] == [(D("-25"), "WO-3", order.pk)]
    assert order.number in response.content.decode()
    assert "lot-status-form" not in response.content.decode()  # planners read, the warehouse changes
    assert client.post(reverse("inventory:lot_detail", args=[lot1.pk]),
                       {"status": "blocked", "reason": "x"}).status_code == 403
    client.force_login(warehouse_user)
    response = client.post(reverse("inventory:lot_detail", args=[lot1.pk]), {"status": "blocked", "reason": ""})
    assert response.status_code == 200 and "Enter a reason." in response.content.decode()
    client.post(reverse("inventory:lot_detail", args=[lot1.pk]), {"status": "blocked", "reason": "mould"})
    lot1.refresh_from_db()
    assert lot1.status == "blocked"


# --- reservations ----------------------------------------------------------------------------------

def test_release_a_reservation_from_the_item_page(client, warehouse_user, stocked):
    steel = stocked["steel"]
    [reservation] = reservations.reserve_stock(actor=keeper(), item=steel, quantity=D("10"),
                                               demand=DocumentRef("work_order", 9, "WO-9"))
    client.force_login(warehouse_user)
    response = client.get(reverse("inventory:stock_item", args=[steel.pk]))
    assert "WO-9" in response.content.decode()
    client.post(reverse("inventory:reservation_release", args=[reservation.pk]), {"reason": "plan changed"})
    reservation.refresh_from_db()
    assert (reservation.status, reservation.close_reason) == ("released", "plan changed")
    assert StockBalance.objects.get(lot__number="L1").reserved == 0


# --- cycle count -----------------------------------------------------------------------------------

def test_cycle_count_review_then_confirm(client, warehouse_user, stocked):
    client.force_login(warehouse_user)
    url = reverse("inventory:cycle_count") + f"?warehouse={stocked['wh1'].pk}"
    sheet = client.get(url).context["sheet"]
    by_code = {(row["balance"].item.code): row["balance"] for row in sheet}
    assert set(by_code) == {"RM-1", "PT-1"}
    steel_row, paint_row = by_code["RM-1"], by_code["PT-1"]
    data = {"warehouse": stocked["wh1"].pk, f"count-{steel_row.pk}": "98", f"expected-{steel_row.pk}": "100.000",
            f"count-{paint_row.pk}": "20", f"expected-{paint_row.pk}": "20.000", "reason": "aisle A"}
    review = client.post(url, {**data, "step": "review"})
    assert review.context["reviewing"] and [d for _line, d in review.context["review"]] == [D("-2")]
    assert StockMove.objects.filter(kind="adjustment").count() == 0
    response = client.post(url, {**data, "step": "confirm"})
    assert response.status_code == 302
    move = StockMove.objects.get(kind="adjustment")
    assert (move.quantity, move.get_reason_display(), move.document_type) == (D("-2"), "cycle count: aisle A",
                                                                              "cycle_count")
    again = client.post(url, {**data, "step": "confirm"})  # the sheet was for 100; it is 98 now
    assert "changed since the count sheet was shown" in again.content.decode()
    assert StockMove.objects.filter(kind="adjustment").count() == 1


# --- warehouses and locations --------------------------------------------------------------------

def test_warehouse_and_location_master_data(client, warehouse_user, stocked):
    client.force_login(warehouse_user)
    response = client.post(reverse("inventory:warehouse_create"), {"code": "WH3", "name": "Finished goods"})
    wh3 = Warehouse.objects.get(code="WH3")
    assert response.status_code == 302
    response = client.post(reverse("inventory:location_create"), {"warehouse": wh3.pk, "code": "A-01",
                                                                   "pick_sequence": "1"})
    assert "already used" in response.content.decode()
    client.post(reverse("inventory:location_create"), {"warehouse": wh3.pk, "code": "FG-01", "zone": "FG",
                                                       "pick_sequence": "3"})
    assert Location.objects.get(code="FG-01").warehouse == wh3
    response = client.post(reverse("inventory:location_edit", args=[stocked["a1"].pk]), {"action": "deactivate"},
                           follow=True)
    assert "Stock still lies here" in response.content.decode()
    assert Location.objects.get(code="A-01").is_active
    response = client.get(reverse("inventory:location_edit", args=[stocked["a1"].pk]))
    assert "RM-1" in response.content.decode()
    response = client.post(reverse("inventory:warehouse_edit", args=[wh3.pk]), {"action": "deactivate"}, follow=True)
    assert "Warehouse WH3 was deactivated." in response.content.decode()
    assert not Warehouse.objects.get(code="WH3").is_active


def test_other_roles_read_locations_without_a_form(client, role_users, stocked):
    client.force_login(role_users["planner"])
    page = client.get(reverse("inventory:location_edit", args=[stocked["a1"].pk])).content.decode()
    assert 'data-testid="record-detail"' in page and 'data-testid="record-form"' not in page
    assert client.post(reverse("inventory:location_edit", args=[stocked["a1"].pk]),
                       {"action": "deactivate"}).status_code == 403


# --- permissions -------------------------------------------------------------------------------------

def test_only_the_warehouse_posts_counts_imports_and_reverses(client, role_users, stocked):
    move = StockMove.objects.first()
    write_urls = [reverse("inventory:move_create"), reverse("inventory:cycle_count"),
                  reverse("inventory:opening_balance_import"), reverse("inventory:warehouse_create"),
                  reverse("inventory:location_create")]
    for role in ("sales", "planner", "production", "qc", "shipping", "manager"):
        client.force_login(role_users[role])
        assert client.get(reverse("inventory:stock_list")).status_code == 200, role
        for url in write_urls:
            assert client.get(url).status_code == 403, (role, url)
        assert client.post(reverse("inventory:move_reverse", args=[move.pk]), {"reason": "x"}).status_code == 403
        assert client.post(reverse("inventory:move_create"), move_post()).status_code == 403
    client.force_login(UserFactory())  # no role at all
    for name in ("stock_list", "balance_list", "location_list", "warehouse_list"):
        assert client.get(reverse(f"inventory:{name}")).status_code == 403
    assert client.get(reverse("inventory:stock_item", args=[stocked["steel"].pk])).status_code == 403
    client.force_login(role_users["warehouse"])
    for url in write_urls:
        assert client.get(url).status_code == 200, url


def test_admin_shows_the_ledger_read_only(client, stocked):
    from django.contrib.auth.models import User

    client.force_login(User.objects.create_superuser("root", "root@example.test", "pw-OrderFlow-2026"))
    for model in ("stockmove", "stockbalance", "lot", "reservation", "location", "warehouse", "unitconversion"):
        assert client.get(reverse(f"admin:inventory_{model}_changelist")).status_code == 200, model
    assert client.get(reverse("admin:inventory_stockmove_add")).status_code == 403
    move = StockMove.objects.first()
    assert client.post(reverse("admin:inventory_stockmove_delete", args=[move.pk]), {"post": "yes"}).status_code == 403
