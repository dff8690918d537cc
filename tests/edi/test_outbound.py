"""ORDRSP on approval and DESADV on shipment, made by the order's transition reactions, and read back with
pydifact (round trip); `manage.py export_edi` prints them."""

from datetime import date
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from pydifact.segmentcollection import Interchange

from edi import inbound
from edi.models import EdiMessage, MessageType, ProductMapping, TradingPartner
from edi.outbound import gs1_check_digit, sscc
from orders import services
from tests.fixtures.factories import CustomerFactory, user_with_role
from tests.shipping.helpers import fg_location, finished_good, pick, produce, qc_passed_order, ship

from .conftest import data

pytestmark = [pytest.mark.django_db,
              pytest.mark.filterwarnings("ignore::pydifact.exceptions.MissingImplementationWarning")]


def segments(text, tag):
    return [s for s in Interchange.from_str(text).segments if s.tag == tag]


def test_approving_an_edi_order_makes_an_order_response_with_our_promised_dates(partner):
    [outcome] = inbound.receive_interchange(actor=None, text=data("orders_d96a.edi"))
    order = outcome.message.order
    assert not EdiMessage.objects.filter(message_type=MessageType.ORDRSP).exists()
    services.approve_order(actor=user_with_role("order_desk"), order=order, promised_date=date(2030, 12, 22))
    response = EdiMessage.objects.get(message_type=MessageType.ORDRSP)
    assert response.order == order and response.partner == partner and response.status == "generated"
    interchange = Interchange.from_str(response.payload)
    assert interchange.sender == ["6901234000004", "14"] and interchange.recipient == ["4012345000009", "14"]
    [message] = list(interchange.get_messages())
    assert (message.type, message.version, message.reference_number) == ("ORDRSP", "D.96A", "1")
    bgm = next(s for s in message.segments if s.tag == "BGM")
    assert bgm.elements == ["231", order.number, "4"]  # promised later than requested: changed
    assert ["ON", "PO-88001"] in [s.elements[0] for s in message.segments if s.tag == "RFF"]
    lines = [s.elements for s in message.segments if s.tag == "LIN"]
    assert lines == [["1", "3", ["HX-4711", "IN"]], ["2", "3", ["HX-4712", "IN"]]]  # their codes back
    dates = [s.elements[0] for s in message.segments if s.tag == "DTM" and s.elements[0][0] == "69"]
    assert dates == [["69", "20301222", "102"], ["69", "20301222", "102"], ["69", "20301222", "102"]]
    quantities = [s.elements[0] for s in message.segments if s.tag == "QTY"]
    assert quantities == [["21", "500"], ["21", "200"]]
    unt = segments(response.payload, "UNT")[0]
    assert unt.elements == [str(len(message.segments) + 2), "1"]  # the segment count is right


def test_shipping_makes_a_despatch_advice_with_packages_sscc_and_lots(db):
    (product, item), location = finished_good(sku="CL-900"), fg_location()
    customer = CustomerFactory(code="HX02")
    partner = TradingPartner.objects.create(code="HX2", name="汇星二店", customer=customer, sender_id="4012345000016",
                                            our_id="6901234000004", order_owner=user_with_role("sales"))
    ProductMapping.objects.create(partner=partner, partner_code="HX-900", product=product)
    order = qc_passed_order([product], [40], customer=customer)
    produce(order, item, location, 40, "L-20261201")
    lot = item.lots.get(number="L-20261201")
    shipment = ship(user_with_role("shipping"), order, [pick(order, 1, lot, location, 40, packages=4)])
    advice = EdiMessage.objects.get(message_type=MessageType.DESADV)
    assert advice.shipment == shipment and advice.document_number == shipment.number
    [message] = list(Interchange.from_str(advice.payload).get_messages())
    tags = [s.tag for s in message.segments]
    assert tags[:2] == ["BGM", "DTM"] and "CPS" in tags and "UNS" not in tags
    gins = [s.elements for s in message.segments if s.tag == "GIN"]
    line = shipment.lines.get()
    assert gins == [["BJ", sscc(line)], ["BX", "L-20261201"]]
    assert len(sscc(line)) == 18 and sscc(line).isdigit()
    assert ["12", "40"] in [s.elements[0] for s in message.segments if s.tag == "QTY"]
    assert ["4", "", "CT"] in [s.elements for s in message.segments if s.tag == "PAC"]
    assert [s.elements for s in message.segments if s.tag == "LIN"] == [["1", "", ["HX-900", "IN"]]]
    # export_edi prints the same interchange (made once)
    out = StringIO()
    call_command("export_edi", "--order", order.number, "--type", "DESADV", stdout=out)
    assert out.getvalue().strip() == advice.payload.strip()
    assert EdiMessage.objects.filter(message_type=MessageType.DESADV).count() == 1


def test_sscc_check_digit_is_gs1_mod10(settings):
    settings.EDI_GS1_COMPANY_PREFIX = "0614141"

    class Line:
        pk = 123456789

    assert gs1_check_digit("10614141123456789") == "7"  # GS1 example SSCC (00) 106141411234567897
    assert sscc(Line()) == "00614141123456789" + gs1_check_digit("00614141123456789")
    assert gs1_check_digit("00614141123456789") == "0"


def test_export_edi_prints_the_order_response_and_refuses_what_cannot_be_made(partner):
    [outcome] = inbound.receive_interchange(actor=None, text=data("orders_d96a.edi"))
    order = outcome.message.order
    with pytest.raises(CommandError, match="not approved yet"):
        call_command("export_edi", "--order", order.number, "--type", "ORDRSP", stdout=StringIO())
    with pytest.raises(CommandError, match="no shipped shipment"):
        call_command("export_edi", "--order", order.number, "--type", "DESADV", stdout=StringIO())
    with pytest.raises(CommandError, match="There is no order SO-1999-00001"):
        call_command("export_edi", "--order", "SO-1999-00001", "--type", "ORDRSP", stdout=StringIO())
    services.approve_order(actor=user_with_role("order_desk"), order=order, promised_date=date(2030, 12, 15))
    out = StringIO()
    call_command("export_edi", "--order", order.number, "--type", "ORDRSP", stdout=out)
    text = out.getvalue()
    assert text.startswith("UNA:+.? '") and f"BGM+231+{order.number}+29'" in text
    assert EdiMessage.objects.filter(message_type=MessageType.ORDRSP).count() == 1
    assert Decimal(order.lines.get(line_no=1).quantity) == Decimal("500")
