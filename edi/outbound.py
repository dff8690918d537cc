"""Outbound EDI: the order response (ORDRSP, with our promised dates) when an order that came by EDI is
approved, and the despatch advice (DESADV, with packages, SSCCs and lots) when it is shipped.

Both are made inside the order's transaction by the order's transition reactions (orders.stage_hooks:
ON_TRANSITION on approve and ship), stored as outbound EdiMessages (generated) for the partner to fetch or
for `manage.py export_edi` to print. No network call is made here: sending is the partner connection's job.
Only orders of a customer with an active trading partner get them.

The order's ship transition is taken when the last goods leave, so the despatch advice is made then, one
per shipment of the order not advised yet (a partial shipment is advised with the one that completes it).
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from numbering.services import next_number
from orders.models import Order
from shipping.models import Shipment, ShipmentStatus

from . import edifact
from .models import Direction, EdiAction, EdiMessage, MessageStatus, MessageType, TradingPartner

SERIES = "EDI"  # our interchange control references: EDI-2026-00001 (14 characters, as UNB allows)
VERSION = "D:96A"
ACCEPTED = "29"  # BGM 1225 / 4343: accepted without amendment
CHANGED = "4"  # changed (a promised date other than the requested one)


def partner_for(order):
    """The partner the order came from (its inbound message), else the customer's active partner."""
    message = (EdiMessage.objects.filter(order=order, direction=Direction.INBOUND, partner__isnull=False)
               .select_related("partner").first())
    if message is not None:
        return message.partner
    return TradingPartner.objects.filter(customer=order.customer, is_active=True).order_by("pk").first()


def on_order_transition(*, actor, order, action, from_status):
    """orders.stage_hooks reaction to approve (ORDRSP) and ship (DESADV of each shipment not advised yet)."""
    partner = partner_for(order)
    if partner is None:
        return
    if action == "approve":
        generate_ordrsp(order=order, partner=partner)
    elif action == "ship":
        advised = set(EdiMessage.objects.filter(order=order, message_type=MessageType.DESADV)
                      .values_list("shipment_id", flat=True))
        for shipment in order.shipments.filter(status__in=_shipped_states()).order_by("pk"):
            if shipment.pk not in advised:
                generate_desadv(shipment=shipment, partner=partner)


def _shipped_states():
    return [s for s in ShipmentStatus.values if s not in (ShipmentStatus.DRAFT, ShipmentStatus.CANCELLED)]


def _parties(partner):
    return ((partner.sender_id, partner.sender_qualifier), (partner.our_id, partner.our_qualifier))


def _store(*, partner, order, shipment, message_type, number, segments):
    control = next_number(SERIES)
    them, us = _parties(partner)
    now = timezone.localtime()
    text = edifact.build_interchange(
        sender=[p for p in us if p], recipient=[p for p in them if p], control_ref=control, message_ref="1",
        message_type=message_type, version=VERSION, segments=segments, timestamp=now)
    message = EdiMessage(direction=Direction.OUTBOUND, message_type=message_type, partner=partner,
                         sender_id=partner.our_id, recipient_id=partner.sender_id, interchange_ref=control,
                         message_ref="1", version=VERSION, document_number=number, payload=text, order=order,
                         shipment=shipment, status=MessageStatus.GENERATED, processed_at=now)
    message.save()
    message.events.record(action=EdiAction.GENERATED, actor=None, to_status=MessageStatus.GENERATED)
    return message


def _header(*, code, number, function, when):
    return [("BGM", code, number, function), ("DTM", ["137", edifact.d(when), "102"])]


def _nad(partner):
    return [("NAD", "BY", [partner.sender_id, "", "9"]), ("NAD", "SU", [partner.our_id, "", "9"])]


def generate_ordrsp(*, order, partner):
    """The order response: each line accepted with our promised date (changed where it is not the
    requested one)."""
    promised = order.promised_date or order.requested_date
    lines = list(order.lines.select_related("product").order_by("line_no"))
    codes = _partner_codes(partner)
    function = ACCEPTED if promised <= order.requested_date else CHANGED
    segments = _header(code="231", number=order.number, function=function, when=timezone.localdate())
    segments += [("DTM", ["69", edifact.d(promised), "102"]), ("RFF", ["ON", order.customer_po])]
    segments += _nad(partner)
    segments += [("CUX", ["2", order.currency, "9"])]
    for line in lines:
        line_promised = max(promised, line.requested_date) if line.requested_date else promised
        action = "5" if line_promised <= (line.requested_date or order.requested_date) else "3"
        segments += _item(line.line_no, line.product.sku, codes, action=action)
        segments += [("QTY", ["21", edifact.number(line.quantity)]),
                     ("DTM", ["69", edifact.d(line_promised), "102"]),
                     ("PRI", ["AAA", edifact.number(line.unit_price)])]
    segments += [("UNS", "S")]
    return _store(partner=partner, order=order, shipment=None, message_type=MessageType.ORDRSP,
                  number=order.number, segments=segments)


def _partner_codes(partner):
    """Our SKU → the partner's code (the first mapping of each product)."""
    codes = {}
    for mapping in partner.mappings.select_related("product").order_by("pk"):
        codes.setdefault(mapping.product.sku, mapping.partner_code)
    return codes


def _item(line_no, sku, codes, *, action=""):
    """LIN with the partner's code for our product where they have one (else ours, SA), and PIA with ours."""
    partner_code = codes.get(sku)
    lin = ("LIN", str(line_no), action, [partner_code, "IN"] if partner_code else [sku, "SA"])
    return [lin, ("PIA", "1", [sku, "SA"])]


def sscc(shipment_line):
    """The 18-digit SSCC of a shipment line's pallet: extension 0, our GS1 company prefix, the line's serial,
    and the GS1 mod-10 check digit."""
    prefix = settings.EDI_GS1_COMPANY_PREFIX
    body = f"0{prefix}{shipment_line.pk:0{16 - len(prefix)}d}"[-17:]
    return body + gs1_check_digit(body)


def gs1_check_digit(body):
    """GS1's mod-10 check digit: from the right, digits weighted 3, 1, 3, …"""
    total = sum(int(digit) * (3 if index % 2 == 0 else 1) for index, digit in enumerate(reversed(body)))
    return str((10 - total % 10) % 10)


def generate_desadv(*, shipment, partner):
    """The despatch advice of one shipment: one package level (CPS) per shipment line with its packages and
    SSCC, the line's product, despatched quantity and lot (batch) number."""
    order = shipment.order
    lines = list(shipment.lines.select_related("order_line__product", "lot").order_by("line_no"))
    codes = _partner_codes(partner)
    shipped = shipment.actual_ship_date or timezone.localdate()
    segments = _header(code="351", number=shipment.number, function="9", when=shipped)
    segments += [("DTM", ["11", edifact.d(shipped), "102"]), ("RFF", ["ON", order.customer_po]),
                 ("RFF", ["VN", order.number])]
    segments += _nad(partner)
    segments += [("NAD", "DP", "", "", shipment.ship_to_name)]
    if shipment.carrier or shipment.tracking_number:
        segments += [("TDT", "20", "", "", "", ["", "", "", shipment.carrier]),
                     ("RFF", ["CN", shipment.tracking_number])]
    segments += [("CPS", "1"), ("PAC", str(sum(line.packages for line in lines) or len(lines)))]
    for level, line in enumerate(lines, start=2):
        segments += [("CPS", str(level), "1"), ("PAC", str(line.packages or 1), "", "CT"),
                     ("GIN", "BJ", sscc(line))]
        segments += _item(line.order_line.line_no, line.order_line.product.sku, codes)
        segments += [("QTY", ["12", edifact.number(line.quantity)])]
        if line.lot is not None:
            segments += [("GIN", "BX", line.lot.number)]
    segments += [("CNT", ["2", str(len(lines))])]
    return _store(partner=partner, order=order, shipment=shipment, message_type=MessageType.DESADV,
                  number=shipment.number, segments=segments)


def export_interchanges(*, order_number, message_type) -> list[EdiMessage]:
    """The order's ORDRSP, or the DESADV of each of its shipped shipments, made now when not made yet
    (for `manage.py export_edi`)."""
    order = Order.objects.filter(number=order_number).select_related("customer").first()
    if order is None:
        raise ValidationError(_("There is no order %(number)s.") % {"number": order_number})
    partner = partner_for(order)
    if partner is None:
        raise ValidationError(_("Customer %(customer)s has no EDI trading partner.") % {"customer": order.customer})
    existing = list(EdiMessage.objects.filter(order=order, message_type=message_type, direction=Direction.OUTBOUND)
                    .order_by("pk"))
    if message_type == MessageType.ORDRSP:
        if existing:
            return existing[-1:]
        if order.approved_at is None:
            raise ValidationError(_("Order %(number)s is not approved yet.") % {"number": order.number})
        return [generate_ordrsp(order=order, partner=partner)]
    shipments = list(Shipment.objects.filter(order=order, status__in=_shipped_states()).order_by("pk"))
    if not shipments:
        raise ValidationError(_("Order %(number)s has no shipped shipment.") % {"number": order.number})
    advised = {m.shipment_id: m for m in existing}
    return [advised.get(s.pk) or generate_desadv(shipment=s, partner=partner) for s in shipments]
