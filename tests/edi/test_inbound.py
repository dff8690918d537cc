"""Inbound ORDERS interchanges written by hand from the standard's segment layout (tests/edi/data/): orders
made through the entry form's service, per-message errors kept on the message, a duplicate interchange
making no second order, and the order desk's fix (mapping) and re-processing."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from edi import inbound
from edi.models import EdiMessage, MessageStatus, ProductMapping
from orders.models import Channel, Order, OrderStatus
from tests.fixtures.factories import user_with_role

from .conftest import data

pytestmark = pytest.mark.django_db


def receive(name, **kwargs):
    return inbound.receive_interchange(actor=None, text=data(name), file_name=name, **kwargs)


def test_d96a_orders_message_makes_a_submitted_order_with_mapped_products(partner, products):
    [outcome] = receive("orders_d96a.edi")
    assert outcome.message.get_error_display() == ""
    order = outcome.message.order
    assert outcome.line == f"ORDERS M1: created {order.number}"
    assert order.status == OrderStatus.SUBMITTED  # in the order desk's review queue
    assert order.customer == partner.customer and order.customer_po == "PO-88001"
    # The channel says where it came from (order page, list filter); the PO is the partner's BGM number.
    assert order.channel == Channel.EDI and order.get_channel_display() == "EDI"
    assert order.created_by == partner.order_owner
    assert order.requested_date == date(2030, 12, 15)
    lines = list(order.lines.order_by("line_no").values_list("product__sku", "quantity", "unit_price",
                                                              "requested_date"))
    # The second line has no PRI: the product's list price, as on the entry form; its own DTM+2 date.
    assert lines == [("CL-500", Decimal("500.000"), Decimal("12.50"), None),
                     ("CL-750", Decimal("200.000"), Decimal("16.00"), date(2030, 12, 20))]
    message = outcome.message
    assert (message.status, message.version, message.interchange_ref, message.sender_id) == (
        MessageStatus.PROCESSED, "D:96A", "1001", "4012345000009:14")
    assert [e.action for e in message.events.all()] == ["received", "processed"]


def test_d01b_interchange_with_two_messages_our_article_numbers_and_pia(partner):
    outcomes = receive("orders_d01b.edi")
    assert [o.message.message_ref for o in outcomes] == ["A1", "A2"]
    first, second = (o.message.order for o in outcomes)
    assert first.lines.get().product.sku == "CL-500"  # LIN …:SA is our own SKU
    assert second.lines.get().product.sku == "CL-750"  # the GTIN is unknown; PIA HX-4712:IN is mapped
    assert second.customer_po == "PO-88003+A"  # the release character ? kept the + as text
    assert {o.message.version for o in outcomes} == {"D:01B"}


def test_the_same_interchange_twice_makes_one_order(partner):
    [first] = receive("orders_d96a.edi")
    [again] = receive("orders_d96a.edi")
    assert again.message.pk == first.message.pk and not again.created
    assert again.line == (f"ORDERS M1: error: already processed (interchange 1001), "
                          f"order {first.message.order.number}")
    assert Order.objects.filter(customer_po="PO-88001").count() == 1
    assert EdiMessage.objects.count() == 1


def test_unknown_partner_product_fails_the_message_and_makes_no_order(partner):
    [outcome] = receive("orders_unknown_product.edi")
    assert not outcome.created
    assert outcome.line == "ORDERS U1: error: line 1: product HX-9999 of HX is not mapped to one of our products"
    assert outcome.message.status == MessageStatus.FAILED and outcome.message.order is None
    assert not Order.objects.filter(customer_po="PO-88004").exists()
    with translation.override("zh-hans"):  # the inbox reads it in the reader's language
        assert "HX-9999" in outcome.message.get_error_display()
        assert "未对应" in outcome.message.get_error_display()


def test_fixing_the_mapping_and_reprocessing_makes_the_order_once(partner, products, desk):
    [outcome] = receive("orders_unknown_product.edi")
    message = outcome.message
    assert inbound.unmapped_codes(message) == ["HX-9999"]
    inbound.map_product(actor=desk, partner=partner, partner_code="HX-9999", product=products["CL-750"])
    assert inbound.reprocess_message(actor=desk, message=message) is True
    message.refresh_from_db()
    assert message.status == MessageStatus.PROCESSED and message.order.lines.get().product.sku == "CL-750"
    assert [(e.action, e.actor) for e in message.events.all()] == [
        ("received", None), ("failed", None), ("processed", desk)]
    with pytest.raises(ValidationError):  # processed: not again
        inbound.reprocess_message(actor=desk, message=message)
    assert Order.objects.filter(customer_po="PO-88004").count() == 1


def test_malformed_messages_fail_each_with_its_reason(partner):
    outcomes = receive("orders_malformed.edi")
    assert [o.line for o in outcomes] == [
        "ORDERS X1: error: UNT says 12 segments for message X1; the message has 7 segments",
        "ORDERS X2: error: date 2030-12-15 is not a valid date in format 102",
    ]
    assert not Order.objects.exists()


def test_a_file_that_is_no_interchange_is_refused_and_stores_nothing(partner):
    with pytest.raises(inbound.InterchangeRefused):
        receive("not_an_interchange.edi")
    assert not EdiMessage.objects.exists()


def test_unknown_sender_is_kept_in_the_inbox_until_a_partner_exists(db, products):
    [outcome] = receive("orders_d96a.edi")
    assert outcome.line == "ORDERS M1: error: no trading partner has the interchange ID 4012345000009:14"
    assert outcome.message.partner is None and outcome.message.status == MessageStatus.FAILED


def test_the_credit_check_of_the_entry_form_applies(partner):
    partner.customer.credit_limit = Decimal("100.00")
    partner.customer.save()
    [outcome] = receive("orders_d96a.edi")
    assert outcome.message.order.credit_warning is True  # over the limit: the desk acknowledges on review


def test_mapping_and_reprocessing_need_the_order_desks_permission(partner, products):
    [outcome] = receive("orders_unknown_product.edi")
    planner = user_with_role("planner")
    with pytest.raises(PermissionDenied):
        inbound.map_product(actor=planner, partner=partner, partner_code="HX-9999", product=products["CL-500"])
    with pytest.raises(PermissionDenied):
        inbound.reprocess_message(actor=planner, message=outcome.message)
    assert not ProductMapping.objects.filter(partner_code="HX-9999").exists()
    assert EdiMessage.objects.get().status == MessageStatus.FAILED


def test_mapping_refuses_a_blank_code_and_writes_nothing(partner, products, desk):
    with pytest.raises(ValidationError):
        inbound.map_product(actor=desk, partner=partner, partner_code="  ", product=products["CL-500"])
    assert ProductMapping.objects.count() == 2


def test_the_order_list_filters_the_edi_orders(client, partner, products, desk):
    [outcome] = receive("orders_d96a.edi")
    edi_order = outcome.message.order
    client.force_login(desk)
    response = client.get("/orders/", {"channel": "edi"})
    assert response.status_code == 200
    numbers = [order.number for order in response.context["page"]]
    assert numbers == [edi_order.number]
    assert client.get("/orders/", {"channel": "browser"}).context["page"].rows == []
    page = client.get(f"/orders/{edi_order.pk}/").content.decode()
    assert "EDI" in page and "PO-88001" in page


def test_edi_is_not_offered_when_typing_an_order_in():
    from orders.forms import OrderForm
    assert "edi" not in dict(OrderForm().fields["channel"].choices)
