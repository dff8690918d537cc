"""Shipping pages through the test client: permissions (403), the queue (rush first, constant queries),
the shipment form (lots with what is available; a refused form keeps what was typed and writes
nothing), the shipment page with its timeline and delivery note panel, proof of delivery upload and
its permission-checked download, the order page's panel, and the complaint pages."""

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from inventory.models import StockMove
from orders.models import Order, OrderStatus
from settlement.demo_data import settle_order
from shipping import services
from shipping.models import Shipment, ShipmentStatus
from tests.fixtures.factories import user_with_role

from .helpers import deliver, details, fg_location, finished_good, pick, png_upload, produce, qc_passed_order, ship

pytestmark = pytest.mark.django_db


@pytest.fixture
def ready(shipper):
    product, item = finished_good("WID-1", name="Widget 小部件")
    location = fg_location("FG-A1")
    order = qc_passed_order([product], [10], priority="rush")
    lot = produce(order, item, location, 10, "WID-LOT-1").moves[0].lot
    return {"order": order, "item": item, "location": location, "lot": lot}


def test_pages_need_their_permission(client, ready, shipper):
    nobody = user_with_role(None)
    client.force_login(nobody)
    order = ready["order"]
    shipment = ship(shipper, order, [pick(order, 1, ready["lot"], ready["location"], 4)])
    for url in (reverse("shipping:queue"), reverse("shipping:shipment_list"),
                reverse("shipping:shipment_detail", args=[shipment.pk]), reverse("shipping:complaint_list"),
                reverse("shipping:shipment_create", args=[order.pk]), reverse("shipping:order_panel", args=[order.pk]),
                reverse("shipping:pod_download", args=[shipment.pk])):
        assert client.get(url).status_code == 403, url
    client.force_login(user_with_role("sales"))  # sees shipments, may not ship
    assert client.get(reverse("shipping:shipment_detail", args=[shipment.pk])).status_code == 200
    assert client.post(reverse("shipping:shipment_create", args=[order.pk])).status_code == 403
    assert client.post(reverse("shipping:shipment_ship", args=[shipment.pk])).status_code == 403
    assert client.post(reverse("shipping:order_close", args=[order.pk])).status_code == 403
    assert client.post(reverse("shipping:tracking_link_create", args=[order.pk])).status_code == 403


def test_the_queue_lists_rush_orders_first_with_constant_queries(client, ready, shipper, django_assert_max_num_queries):
    product, item = finished_good()
    normal = qc_passed_order([product], [3])
    client.force_login(shipper)
    url = reverse("shipping:queue")
    client.get(url)  # warm up sessions and permission caches
    with django_assert_max_num_queries(12):
        page = client.get(url).content.decode()
    assert page.index(ready["order"].number) < page.index(normal.number)
    assert "急单" in page
    for _ in range(3):
        qc_passed_order([product], [2])
    with django_assert_max_num_queries(12):
        assert client.get(url).status_code == 200


def test_ship_from_the_form_and_a_refused_form_keeps_what_was_typed(client, ready, shipper):
    order, lot = ready["order"], ready["lot"]
    line = order.lines.get()
    client.force_login(shipper)
    url = reverse("shipping:shipment_create", args=[order.pk])
    page = client.get(url).content.decode()
    assert "WID-LOT-1" in page and "FG-A1" in page and "上海市浦东新区张江路 88 号" in page
    balance_id = lot.balances.get().pk
    form = {"entry_key": "3d8c7a0e-1111-4a4a-8888-123456789abc", "ship_to_name": "客户收货部",
            "ship_to_address": "上海市", "carrier": "SF", "tracking_number": "SF1", "action": "ship",
            f"pick-{line.pk}-{balance_id}": "12", f"pkg-{line.pk}-{balance_id}": "2"}
    refused = client.post(url, form)
    assert refused.status_code == 200
    body = refused.content.decode()
    assert "only 10 pcs is left to ship" in body and 'value="12"' in body
    assert not Shipment.objects.exists() and not StockMove.objects.filter(document_type="shipment").exists()
    form[f"pick-{line.pk}-{balance_id}"] = "1,5"
    assert "use a dot as the decimal separator" in client.post(url, form).content.decode()
    form[f"pick-{line.pk}-{balance_id}"] = "4"
    done = client.post(url, form)
    shipment = Shipment.objects.get()
    assert done.status_code == 302 and done["Location"] == reverse("shipping:shipment_detail", args=[shipment.pk])
    assert shipment.status == ShipmentStatus.SHIPPED and shipment.lines.get().packages == 2
    detail = client.get(done["Location"]).content.decode()
    assert shipment.number in detail and 'data-testid="timeline"' in detail and "documents-delivery_note" in detail


def test_the_form_offers_only_the_orders_own_lots_and_refuses_a_posted_foreign_lot(client, ready, shipper):
    item, location = ready["item"], ready["location"]
    other = qc_passed_order([ready["order"].lines.get().product], [5], priority="rush")
    foreign = produce(other, item, location, 5, "OTHER-RUSH-LOT").moves[0].lot
    produce(None, item, location, 3, "FREE-STOCK-LOT")
    order, line = ready["order"], ready["order"].lines.get()
    client.force_login(shipper)
    url = reverse("shipping:shipment_create", args=[order.pk])
    page = client.get(url).content.decode()
    assert "WID-LOT-1" in page and "OTHER-RUSH-LOT" not in page and "FREE-STOCK-LOT" not in page
    balance_id = foreign.balances.get().pk  # typed into a tampered request
    form = {"entry_key": "3d8c7a0e-2222-4a4a-8888-123456789abc", "ship_to_name": "客户收货部",
            "ship_to_address": "上海市", "action": "ship", f"pick-{line.pk}-{balance_id}": "2"}
    body = client.post(url, form).content.decode()
    assert f"Lot OTHER-RUSH-LOT of {item.code} was not made for order {order.number}" in body
    assert not Shipment.objects.exists() and foreign.balances.get().on_hand == 5


def test_save_a_draft_then_ship_it_from_its_page(client, ready, shipper):
    order, lot = ready["order"], ready["lot"]
    draft = services.create_shipment(actor=shipper, order=order, details=details(),
                                     picks=[pick(order, 1, lot, ready["location"], 10)])
    client.force_login(shipper)
    response = client.post(reverse("shipping:shipment_ship", args=[draft.pk]), {"actual_ship_date": ""})
    assert response.status_code == 302
    assert Shipment.objects.get(pk=draft.pk).status == ShipmentStatus.SHIPPED
    assert Order.objects.get(pk=order.pk).status == OrderStatus.SHIPPED


def test_proof_of_delivery_upload_and_download(client, ready, shipper):
    order = ready["order"]
    shipment = ship(shipper, order, [pick(order, 1, ready["lot"], ready["location"], 10)])
    client.force_login(shipper)
    url = reverse("shipping:delivery_form", args=[shipment.pk])
    assert client.get(url).status_code == 200
    received = timezone.localtime().strftime("%Y-%m-%dT%H:%M")
    bad = client.post(url, {"received_by": "李四", "received_at": received})
    assert "Attach a photo or scan" in bad.content.decode()
    assert Shipment.objects.get(pk=shipment.pk).status == ShipmentStatus.SHIPPED
    done = client.post(url, {"received_by": "李四", "received_at": received, "document": png_upload()})
    assert done.status_code == 302
    assert Order.objects.get(pk=order.pk).status == OrderStatus.DELIVERED
    download = client.get(reverse("shipping:pod_download", args=[shipment.pk]))
    assert download.status_code == 200 and download["Content-Type"] == "image/png"
    assert download["X-Content-Type-Options"] == "nosniff" and "attachment" in download["Content-Disposition"]
    assert b"".join(download.streaming_content).startswith(b"\x89PNG")
    client.logout()
    assert client.get(reverse("shipping:pod_download", args=[shipment.pk])).status_code == 302  # to the login


def test_the_order_panel_makes_and_revokes_tracking_links_and_closes(client, ready, shipper, desk):
    order = ready["order"]
    shipment = ship(shipper, order, [pick(order, 1, ready["lot"], ready["location"], 10)])
    deliver(shipper, shipment)
    client.force_login(desk)
    detail = client.get(reverse("orders:detail", args=[order.pk])).content.decode()
    assert reverse("shipping:order_panel", args=[order.pk]) in detail
    panel = client.get(reverse("shipping:order_panel", args=[order.pk]), HTTP_HX_REQUEST="true").content.decode()
    assert shipment.number in panel and 'data-testid="close-order"' in panel
    made = client.post(reverse("shipping:tracking_link_create", args=[order.pk]),
                       {"language": "zh-hans", "valid_days": "30", "note": "采购部"}, HTTP_HX_REQUEST="true")
    body = made.content.decode()
    assert "/track/" in body and 'data-testid="new-tracking-link"' in body
    link = order.tracking_links.get()
    again = client.get(reverse("shipping:order_panel", args=[order.pk]), HTTP_HX_REQUEST="true").content.decode()
    assert "/track/" not in again  # shown once only
    revoked = client.post(reverse("shipping:tracking_link_revoke", args=[link.pk]), HTTP_HX_REQUEST="true")
    assert revoked.status_code == 200 and order.tracking_links.get().revoked_at is not None
    settle_order(order, finance=user_with_role("finance"))  # an order closes only when settled (settlement)
    closed = client.post(reverse("shipping:order_close", args=[order.pk]), {"expected_status": "delivered"})
    assert closed.status_code == 302 and Order.objects.get(pk=order.pk).status == OrderStatus.CLOSED


def test_shipment_list_searches_filters_and_sorts(client, ready, shipper):
    order = ready["order"]
    first = ship(shipper, order, [pick(order, 1, ready["lot"], ready["location"], 3)],
                 details=details(tracking_number="SF-FIRST"))
    second = services.create_shipment(actor=shipper, order=order, details=details(tracking_number="SF-SECOND"),
                                      picks=[pick(order, 1, ready["lot"], ready["location"], 2)])
    client.force_login(shipper)
    url = reverse("shipping:shipment_list")
    assert second.number not in client.get(url, {"q": "SF-FIRST"}).content.decode()
    drafts = client.get(url, {"status": "draft"}).content.decode()
    assert second.number in drafts and first.number not in drafts
    page = client.get(url, {"sort": "number"}).content.decode()
    assert page.index(first.number) < page.index(second.number)
    page = client.get(url, {"sort": "-number", "rush": "on"}).content.decode()
    assert page.index(second.number) < page.index(first.number)
    assert Decimal("3") == Shipment.objects.get(pk=first.pk).lines.get().quantity
