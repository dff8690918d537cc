"""Stock-move reasons, reservation release reasons (and optimisation-run errors) the system writes are stored as
message id + values and read in the reader's language on the item ledger and the lot's traceability; what
people typed stays as typed; rows written before (in English or Chinese) become message ids (systemtext 0002)."""

import importlib
from decimal import Decimal

import pytest
from django.apps import apps
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_noop

from inventory import reservations, stock_services
from inventory.ledger import DocumentRef
from inventory.models import PurchaseRequest, Reservation, StockMove
from inventory.stock_services import CountLine
from planning.models import OptimisationRun
from systemtext.text import Text
from tests.fixtures.factories import user_with_role
from tests.inventory.masterdata import make_item
from tests.inventory.stockdata import keeper, make_location, receive
from tests.test_translations import VisibleText, compiled_catalog  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db

D = Decimal


def page_text(client, user, language, url):
    client.force_login(user)
    client.post(reverse("accounts:switch_language"), {"language": language, "next": "/"})
    response = client.get(url)
    assert response.status_code == 200
    parser = VisibleText()
    parser.feed(response.content.decode())
    return " ".join(parser.parts)


def test_a_move_written_in_english_reads_chinese_for_a_chinese_reader(client, compiled_catalog):  # noqa: F811
    item, location = make_item("RM-TX", unit="kg"), make_location("TX-01")
    with translation.override("en"):  # written by an English-speaking keeper
        posting = receive(item, location, "10", lot="L-TX",
                          reason=Text(gettext_noop("Goods receipt %(number)s"), number="GR-2026-00007"),
                          document=DocumentRef("purchase_order", None, "PO-2026-00003 GR-2026-00007"))
        balance = item.stock_balances.get()
        stock_services.count_stock(actor=keeper(), lines=[CountLine(balance=balance, counted=D("9.5"),
                                                                    expected=D("10"))], reason="复盘")
    receipt = StockMove.objects.get(pk=posting.moves[0].pk)
    assert (receipt.reason, receipt.reason_values) == ("Goods receipt %(number)s", {"number": "GR-2026-00007"})
    count = StockMove.objects.get(document_type="cycle_count")
    assert (count.reason, count.reason_values) == ("cycle count: %(note)s", {"note": "复盘"})

    manager = user_with_role("manager")
    ledger = reverse("inventory:stock_item", args=[item.pk])
    lot = reverse("inventory:lot_detail", args=[receipt.lot_id])
    for url in (ledger, lot):
        chinese = page_text(client, manager, "zh-hans", url)
        assert "收货单 GR-2026-00007" in chinese, chinese
        assert "Goods receipt" not in chinese
    chinese = page_text(client, manager, "zh-hans", ledger)
    assert "循环盘点：复盘" in chinese and "cycle count" not in chinese
    english = page_text(client, manager, "en", ledger)
    assert "Goods receipt GR-2026-00007" in english and "cycle count: 复盘" in english


def test_a_typed_reason_stays_as_typed_and_a_release_reason_is_a_message_id(compiled_catalog):  # noqa: F811
    item, location = make_item("RM-TY", unit="kg"), make_location("TY-01")
    receive(item, location, "10")
    with translation.override("zh-hans"):
        adjusted = stock_services.adjust_stock(actor=keeper(), item=item, location=location, quantity=D("-1"),
                                               reason="  损坏 broken  ")
    move = StockMove.objects.get(pk=adjusted.moves[0].pk)
    assert (move.reason, move.reason_values, move.get_reason_display()) == ("损坏 broken", None, "损坏 broken")
    reserved = reservations.reserve_stock(actor=user_with_role("admin"), item=item, quantity=D("2"),
                                          demand=DocumentRef("work_order", 1, "WO-1"))
    with translation.override("zh-hans"):
        released = reservations.release_reservation(
            actor=user_with_role("admin"), reservation=reserved[0],
            reason=Text(gettext_noop("issued from another lot or bin")))
    row = Reservation.objects.get(pk=released.pk)
    assert (row.close_reason, row.close_reason_values) == ("issued from another lot or bin", {})
    with translation.override("zh-hans"):
        assert row.get_close_reason_display() == translation.gettext("issued from another lot or bin")
        assert row.get_close_reason_display() != "issued from another lot or bin"


def test_reasons_written_before_become_message_ids_where_the_system_wrote_them(compiled_catalog):  # noqa: F811
    migration = importlib.import_module("systemtext.migrations.0002_stock_reasons_of_existing_rows")
    item, location = make_item("RM-OLD", unit="kg"), make_location("OLD-01")
    with translation.override("zh-hans"):
        shipped_text = translation.gettext("Shipment %(number)s") % {"number": "SH-2026-00002"}
    # Rows as the old code wrote them: the text in the writer's language, no values.
    received = receive(item, location, "10", reason="Goods receipt GR-2026-00001",
                       document=DocumentRef("purchase_order", None, "PO-1 GR-2026-00001")).moves[0]
    shipped = stock_services.issue_stock(actor=keeper(), item=item, location=location, quantity=D("1"),
                                         reason=shipped_text, document=DocumentRef("shipment", 5, "SH-2026-00002"))
    demo = receive(item, location, "5", reason="期初库存 opening balance").moves[0]
    typed = stock_services.adjust_stock(actor=keeper(), item=item, location=location, quantity=D("1"),
                                        reason="Shipment damaged in the yard").moves[0]
    again = receive(item, location, "3", reason="Goods receipt GR-2026-00009",
                    document=DocumentRef("purchase_order", None, "PO-1 GR-2026-00009")).moves[0]
    reversal = stock_services.reverse_stock_move(actor=user_with_role("admin"), move=again,
                                                 reason="Goods receipt GR-2026-00009 was typed twice").moves[0]
    reserved = reservations.reserve_stock(actor=user_with_role("admin"), item=item, quantity=D("1"),
                                          demand=DocumentRef("work_order", 2, "WO-2"))[0]
    reservations.release_reservation(actor=user_with_role("admin"), reservation=reserved,
                                     reason="order SO-2026-00004 cancelled")
    assert StockMove.objects.filter(reason_values__isnull=False).count() == 0
    stuck = OptimisationRun.objects.create(requested_by=user_with_role("planner"), status="failed",
                                           error="No worker started the optimisation within 30 minutes; run it again.")

    migration.forwards(apps, None)

    def stored(move):
        row = StockMove.objects.get(pk=move.pk)
        return row.reason, row.reason_values
    assert stored(received) == ("Goods receipt %(number)s", {"number": "GR-2026-00001"})
    assert stored(shipped.moves[0]) == (
        "Shipment %(number)s", {"number": "SH-2026-00002"})
    assert stored(demo) == ("opening balance", {})
    assert stored(typed) == ("Shipment damaged in the yard", None)  # a manual row: typed text
    assert stored(reversal) == ("Goods receipt GR-2026-00009 was typed twice", None)  # a reversal: typed
    row = Reservation.objects.get(pk=reserved.pk)
    assert (row.close_reason, row.close_reason_values) == ("order %(number)s cancelled",
                                                           {"number": "SO-2026-00004"})
    with translation.override("en"):
        assert StockMove.objects.get(pk=shipped.moves[0].pk).get_reason_display() == "Shipment SH-2026-00002"
    assert PurchaseRequest.objects.count() == 0  # (their decision notes go the same way)
    stuck.refresh_from_db()
    assert (stuck.error, stuck.error_values) == (
        "No worker started the optimisation within %(minutes)s minutes; run it again.", {"minutes": "30"})

    migration.backwards(apps, None)
    assert StockMove.objects.filter(reason_values__isnull=False).count() == 0
