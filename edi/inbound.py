"""Inbound EDI: an interchange of ORDERS messages made into orders, one message at a time.

Each message is stored once (sender, interchange reference, message reference: the unique key of
EdiMessage), so a file delivered twice makes its orders once. A message is then processed: its partner
found from the UNB sender, its products mapped, and the order created and submitted through the entry form's
service (orders.services.create_order: validation, rush proposal, credit check, the order desk's review
queue), entered under the partner's salesperson. What goes wrong stays on the message (the EDI inbox), in
the reader's language; the order desk fixes the cause (a product mapping, the partner) and processes the
message again.
"""

import uuid
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from accounts.permissions import require
from audit.changes import record_change, snapshot
from config.transitions import take
from orders.models import Channel, Currency, Product
from orders.services import LineInput, OrderActionRefused, create_order
from systemtext.text import Text

from . import edifact
from .models import (
    PROCESS_PERMISSION,
    Direction,
    EdiAction,
    EdiMessage,
    MessageStatus,
    MessageType,
    ProductMapping,
    TradingPartner,
)

ENTRY_KEYS = uuid.UUID("6f1d0b0e-5f7a-4c55-9a43-4d2f0c1e0d1a")


class InterchangeRefused(Exception):
    """The file is not a readable interchange; nothing was stored."""


@dataclass
class Outcome:
    message: EdiMessage
    created: bool  # an order was made now (False: already processed before, or failed)

    @property
    def line(self):
        """The command's line for it: ORDERS <ref>: created SO-… | error: <reason>."""
        message = self.message
        head = f"{message.message_type} {message.message_ref}"
        if message.status == MessageStatus.PROCESSED and self.created:
            return f"{head}: created {message.order.number}"
        if message.status == MessageStatus.PROCESSED:
            return (f"{head}: error: already processed (interchange {message.interchange_ref}), "
                    f"order {message.order.number}")
        return f"{head}: error: {message.get_error_display()}"


def sender_key(sender_id, qualifier):
    return f"{sender_id}:{qualifier}" if qualifier else sender_id


def find_partner(sender_id, qualifier):
    partners = TradingPartner.objects.filter(sender_id=sender_id, is_active=True)
    return partners.filter(sender_qualifier=qualifier).first() or partners.order_by("pk").first()


def receive_interchange(*, actor, text, file_name="", partner_code=None) -> list[Outcome]:
    """Store the interchange's messages (each once) and process the new and the failed ones. `actor` is
    the person running the import, or None for the drop folder. Raises InterchangeRefused when the text is
    not an interchange."""
    if actor is not None:
        require(actor, PROCESS_PERMISSION)
    try:
        read = edifact.read_interchange(text)
    except edifact.InterchangeError as exc:
        raise InterchangeRefused(str(exc)) from None
    partner = None
    if partner_code:
        partner = TradingPartner.objects.filter(code=partner_code).first()
        if partner is None:
            raise InterchangeRefused(f"no trading partner with code {partner_code}")
    outcomes = []
    for message in read.messages:
        stored, new = _store(read, message, text=text, file_name=file_name, partner=partner)
        if stored.status == MessageStatus.PROCESSED:
            outcomes.append(Outcome(stored, created=False))
            continue
        outcomes.append(Outcome(stored, created=_process(actor=actor, message=stored, read=message,
                                                         partner=partner)))
    return outcomes


def _store(read, message, *, text, file_name, partner):
    key = sender_key(read.sender_id, read.sender_qualifier)
    fields = {"direction": Direction.INBOUND, "sender_id": key, "interchange_ref": read.control_ref,
              "message_ref": message.message_ref}
    existing = EdiMessage.objects.filter(**fields).select_related("order").first()
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            stored = EdiMessage.objects.create(
                **fields, message_type=message.message_type if message.message_type in MessageType.values
                else MessageType.ORDERS, partner=partner or find_partner(read.sender_id, read.sender_qualifier),
                recipient_id=read.recipient_id, version=message.version, document_number=message.document_number,
                file_name=file_name[:200], payload=text)
            stored.events.record(action=EdiAction.RECEIVED, actor=None, to_status=MessageStatus.RECEIVED,
                                 note=Text(gettext_noop("From %(file)s"), file=file_name) if file_name else "")
    except IntegrityError:  # the same message arrived twice at once: the other delivery stored it
        return EdiMessage.objects.filter(**fields).select_related("order").get(), False
    return stored, True


def reprocess_message(*, actor, message) -> bool:
    """The order desk's "process again" for a failed message (after fixing its mapping or partner)."""
    require(actor, PROCESS_PERMISSION)
    if message.status != MessageStatus.FAILED:
        raise ValidationError(_("Only a failed message is processed again."))
    read = edifact.read_interchange(message.payload)
    parsed = next((m for m in read.messages if m.message_ref == message.message_ref), None)
    if parsed is None:
        raise ValidationError(_("The message is no longer in its interchange."))
    if message.partner_id is None:
        message.partner = find_partner(read.sender_id, read.sender_qualifier)
    return _process(actor=actor, message=message, read=parsed, partner=message.partner)


def _process(*, actor, message, read, partner) -> bool:
    """Make the order of one stored message; True when it was made, False when the message failed
    (the reason recorded on it)."""
    try:
        with transaction.atomic():
            locked = EdiMessage.objects.select_for_update().get(pk=message.pk)
            if locked.status == MessageStatus.PROCESSED:
                message.refresh_from_db()
                return False
            locked.partner = partner or locked.partner
            order = _create_order(locked, read)
            _move(locked, actor=actor, action=EdiAction.PROCESSED, transition=locked.process,
                  note=Text(gettext_noop("Order %(number)s"), number=order.number), order=order)
    except (ValidationError, OrderActionRefused, PermissionDenied, edifact.MessageError) as exc:
        with transaction.atomic():
            locked = EdiMessage.objects.select_for_update().get(pk=message.pk)
            locked.partner = partner or locked.partner
            _move(locked, actor=actor, action=EdiAction.FAILED, transition=locked.fail, note=_reason(exc))
    message.refresh_from_db()
    return message.status == MessageStatus.PROCESSED


def _reason(exc):
    if isinstance(exc, edifact.MessageError):
        return Text(exc.text, **exc.values)
    # The order services' refusals come in the site's language; kept as the words of that refusal.
    messages = exc.messages if isinstance(exc, ValidationError) else [getattr(exc, "message", str(exc))]
    return Text(gettext_noop("The order was refused: %(reasons)s"), reasons="; ".join(str(m) for m in messages))


def _move(message, *, actor, action, transition, note, order=None):
    before = message.status
    take(transition, actor=actor, refused=_("This message cannot be processed now."))
    message.error = note if action == EdiAction.FAILED else ""
    if order is not None:
        message.order = order
    message.processed_at = timezone.now()
    message.save()
    message.events.record(action=action, actor=actor, from_status=before, to_status=message.status, note=note)


def _create_order(message, read):
    if read.problem is not None:
        raise read.problem
    if read.message_type != MessageType.ORDERS:
        raise edifact.MessageError(gettext_noop("%(type)s messages are not read here; only ORDERS"),
                                   type=read.message_type)
    partner = message.partner
    if partner is None:
        raise edifact.MessageError(gettext_noop("no trading partner has the interchange ID %(sender)s"),
                                   sender=message.sender_id)
    lines = [LineInput(product=product, quantity=line.quantity,
                       unit_price=line.unit_price if line.unit_price is not None else product.list_price,
                       requested_date=line.delivery_date)
             for line, product in zip(read.lines, _products(partner, read.lines), strict=True)]
    requested = read.delivery_date or max((line.delivery_date for line in read.lines if line.delivery_date),
                                          default=None)
    if requested is None:
        raise edifact.MessageError(gettext_noop("the message gives no delivery date (DTM+2)"))
    currency = read.currency or None
    if currency and currency not in Currency.values:
        raise edifact.MessageError(gettext_noop("currency %(currency)s is not one we invoice in"), currency=currency)
    key = uuid.uuid5(ENTRY_KEYS, f"{message.sender_id}/{message.interchange_ref}/{message.message_ref}")
    with translation.override(settings.LANGUAGE_CODE):
        order = create_order(actor=partner.order_owner, customer=partner.customer, requested_date=requested,
                             lines=lines, channel=Channel.EDI, customer_po=read.document_number,
                             currency=currency, entry_key=key, submit=True,
                             note=Text(gettext_noop("EDI %(type)s %(ref)s from %(partner)s"), type=read.message_type,
                                       ref=message.message_ref, partner=partner.code))
    return order


def _products(partner, lines):
    """Our product for each line: SA codes are our SKUs, other codes go through the partner's mappings."""
    codes = {code for line in lines for code, _kind in line.codes}
    mapped = {m.partner_code: m.product for m in ProductMapping.objects.filter(partner=partner, partner_code__in=codes)
              .select_related("product")}
    ours = {p.sku: p for p in Product.objects.filter(sku__in=codes)}
    products = []
    for line in lines:
        found = next((ours.get(code) if kind == edifact.OUR_ARTICLE else mapped.get(code)
                      for code, kind in line.codes
                      if (ours.get(code) if kind == edifact.OUR_ARTICLE else mapped.get(code)) is not None), None)
        if found is None:
            raise edifact.MessageError(
                gettext_noop("line %(line)s: product %(code)s of %(partner)s is not mapped to one of our products"),
                line=line.line_no, code=line.codes[0][0], partner=partner.code)
        products.append(found)
    return products


def unmapped_codes(message):
    """The partner's product codes in a message that have no mapping yet (for the inbox's fix form)."""
    if message.partner_id is None:
        return []
    try:
        read = edifact.read_interchange(message.payload)
    except edifact.InterchangeError:
        return []
    parsed = next((m for m in read.messages if m.message_ref == message.message_ref), None)
    if parsed is None:
        return []
    codes = [code for line in parsed.lines for code, kind in line.codes[:1] if kind != edifact.OUR_ARTICLE]
    known = set(ProductMapping.objects.filter(partner_id=message.partner_id, partner_code__in=codes)
                .values_list("partner_code", flat=True))
    return [code for code in dict.fromkeys(codes) if code not in known]


def map_product(*, actor, partner, partner_code, product) -> ProductMapping:
    """Map one of the partner's product codes to our product (the inbox's fix)."""
    require(actor, PROCESS_PERMISSION)
    partner_code = partner_code.strip()
    if not partner_code:
        raise ValidationError(_("Give the partner's product code."))
    if not product.is_active:
        raise ValidationError(_("Product %(sku)s is inactive.") % {"sku": product.sku})
    with transaction.atomic():
        current = TradingPartner.objects.select_for_update().get(pk=partner.pk)
        before = snapshot(current, children=["mappings"])
        mapping, _created = ProductMapping.objects.update_or_create(
            partner=current, partner_code=partner_code, defaults={"product": product})
        record_change(current, actor=actor, before=before, children=["mappings"])  # the change history (audit)
    return mapping
