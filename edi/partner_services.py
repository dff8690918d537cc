"""EDI trading partners with their product-code mappings, and channel import profiles: the write use-cases of
their master-data pages (edi.partner_views).

A partner is known by its code and by who it is in the interchange header (UNB sender ID and qualifier):
both are unique, so a second partner with the same code or the same interchange ID is refused (its messages
would belong to two customers). A partner's mappings are the rows its page shows: saving replaces them, one
row per partner product code (the same code twice is refused), each to an active product of ours. A channel
profile's column mapping must name the columns the order import needs (edi.channels.check_profile) and its
date format must read a date. Every change is recorded in the change history (audit): a partner with its
mappings, a profile with its column mapping.
"""

from dataclasses import dataclass
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from accounts.permissions import require
from audit.changes import record_change, snapshot
from orders.masterdata_services import validate_code

from .channels import check_profile
from .models import ChannelKind, ChannelProfile, Delimiter, Encoding, ProductMapping, TradingPartner

ADD_PARTNER = "edi.add_tradingpartner"
CHANGE_PARTNER = "edi.change_tradingpartner"
CHANGE_MAPPING = "edi.change_productmapping"
ADD_MAPPING = "edi.add_productmapping"
ADD_PROFILE = "edi.add_channelprofile"
CHANGE_PROFILE = "edi.change_channelprofile"
MAPPINGS = ["mappings"]
PARTNER_FIELDS = ("name", "customer", "sender_id", "sender_qualifier", "our_id", "our_qualifier", "order_owner")
PROFILE_FIELDS = ("name", "kind", "encoding", "delimiter", "date_format", "columns", "customer", "lead_days")
MAX_LEAD_DAYS = 365


@dataclass(frozen=True)
class MappingInput:
    partner_code: str
    product: object


def _text(record, name, limit, *, required=True):
    value = (getattr(record, name) or "").strip()
    setattr(record, name, value)
    if required and not value:
        return [_("This field is required.")]
    if len(value) > limit:
        return [_("At most %(max)s characters.") % {"max": limit}]
    if any(ch.isspace() for ch in value) and name not in ("name",):
        return [_("No spaces, please.")]
    return []


def _code_errors(record):
    record.code = (record.code or "").strip()
    try:
        validate_code(record.code)
    except ValidationError as exc:
        return exc.messages
    return [_("The code is too long (at most 32 characters).")] if len(record.code) > 32 else []


def _partner_errors(partner):
    errors = {"code": _code_errors(partner), "name": _text(partner, "name", 200),
              "sender_id": _text(partner, "sender_id", 35), "sender_qualifier": _text(partner, "sender_qualifier", 4,
                                                                                      required=False),
              "our_id": _text(partner, "our_id", 35), "our_qualifier": _text(partner, "our_qualifier", 4,
                                                                             required=False)}
    if partner.customer_id is None:
        errors["customer"] = [_("Choose the customer the partner's orders are entered for.")]
    if partner.order_owner_id is None:
        errors["order_owner"] = [_("Choose whose name the partner's orders carry.")]
    elif not partner.order_owner.has_perm("orders.add_order"):
        errors["order_owner"] = [_("%(user)s may not enter orders: choose someone of sales or the order desk.")
                                 % {"user": partner.order_owner.get_username()}]
    errors = {field: messages for field, messages in errors.items() if messages}
    if not errors:
        errors.update(_partner_duplicates(partner))
    return errors


def _partner_duplicates(partner):
    others = TradingPartner.objects.exclude(pk=partner.pk) if partner.pk else TradingPartner.objects.all()
    errors = {}
    same_code = others.filter(code=partner.code).first()
    if same_code is not None:
        errors["code"] = [_("The trading partner %(partner)s already has the code %(code)s.")
                          % {"partner": same_code.name, "code": partner.code}]
    same_sender = others.filter(sender_id=partner.sender_id, sender_qualifier=partner.sender_qualifier).first()
    if same_sender is not None:
        errors["sender_id"] = [_("The trading partner %(partner)s already has the interchange ID %(id)s: one "
                                 "sender's messages belong to one partner.")
                               % {"partner": f"{same_sender.code} {same_sender.name}", "id": partner.sender_id}]
    return errors


def _save_unique(record, errors_of_duplicates):
    """Save under a savepoint; a unique index that a concurrent save beat us to gives the duplicate message."""
    try:
        with transaction.atomic():
            record.save()
    except IntegrityError:
        raise ValidationError(errors_of_duplicates(record) or _("This record already exists.")) from None


def create_partner(*, actor, code, **fields) -> TradingPartner:
    require(actor, ADD_PARTNER)
    partner = TradingPartner(code=code, **{name: fields.get(name) or ("" if name not in ("customer", "order_owner")
                                                                       else None) for name in PARTNER_FIELDS})
    errors = _partner_errors(partner)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        _save_unique(partner, _partner_duplicates)
        record_change(partner, actor=actor, children=MAPPINGS)
    return partner


def update_partner(*, actor, partner, is_active=None, **fields) -> TradingPartner:
    """Change the partner's fields (the code stays) or (de)activate it."""
    require(actor, CHANGE_PARTNER)
    with transaction.atomic():
        current = TradingPartner.objects.select_for_update().get(pk=partner.pk)
        before = snapshot(current, children=MAPPINGS)
        for name in PARTNER_FIELDS:
            if name in fields:
                setattr(current, name, fields[name] if fields[name] is not None or name in (
                    "customer", "order_owner") else "")
        if is_active is not None:
            current.is_active = is_active
        errors = _partner_errors(current)
        if errors:
            raise ValidationError(errors)
        _save_unique(current, _partner_duplicates)
        record_change(current, actor=actor, before=before, children=MAPPINGS)
    return current


def _mapping_errors(mappings):
    messages, seen = [], {}
    for number, row in enumerate(mappings, start=1):
        code = row.partner_code
        if not code:
            messages.append(_("Row %(row)s: give the partner's product code.") % {"row": number})
        elif len(code) > 35 or any(ch.isspace() for ch in code):
            messages.append(_("Row %(row)s: a product code has at most 35 characters and no spaces.")
                            % {"row": number})
        elif code in seen:
            messages.append(_("Row %(row)s repeats the code %(code)s of row %(first)s: each code maps to one "
                              "product.") % {"row": number, "code": code, "first": seen[code]})
        seen.setdefault(code, number)
        if row.product is not None and not row.product.is_active:
            messages.append(_("Row %(row)s: product %(sku)s is inactive.") % {"row": number, "sku": row.product.sku})
    return messages


def save_mappings(*, actor, partner, mappings) -> TradingPartner:
    """Replace the partner's product-code mappings with `mappings` (MappingInput rows); refused as a whole."""
    require(actor, CHANGE_MAPPING)
    require(actor, ADD_MAPPING)
    mappings = [MappingInput(partner_code=(row.partner_code or "").strip(), product=row.product) for row in mappings]
    messages = _mapping_errors(mappings)
    if messages:
        raise ValidationError(messages)
    with transaction.atomic():
        current = TradingPartner.objects.select_for_update().get(pk=partner.pk)
        before = snapshot(current, children=MAPPINGS)
        wanted = {row.partner_code: row.product for row in mappings}
        existing = {m.partner_code: m for m in current.mappings.all()}
        current.mappings.exclude(partner_code__in=wanted).delete()
        changed = [m for code, m in existing.items() if code in wanted and m.product_id != wanted[code].pk]
        for mapping in changed:
            mapping.product = wanted[mapping.partner_code]
        ProductMapping.objects.bulk_update(changed, ["product"])
        ProductMapping.objects.bulk_create([ProductMapping(partner=current, partner_code=code, product=product)
                                            for code, product in wanted.items() if code not in existing])
        record_change(current, actor=actor, before=before, children=MAPPINGS)
    return current


def _date_format_errors(date_format):
    if not date_format or "%" not in date_format:
        return [_("Give the date format with Python's codes, e.g. %Y-%m-%d.")]
    sample = date(2026, 12, 31)
    try:
        read = datetime.strptime(sample.strftime(date_format), date_format).date()
    except ValueError:
        read = None
    if read != sample:
        return [_("This date format does not read a date back (it needs the year, month and day, e.g. %Y/%m/%d).")]
    return []


def _profile_errors(profile):
    errors = {"code": _code_errors(profile), "name": _text(profile, "name", 200)}
    if profile.kind not in ChannelKind.values:
        errors["kind"] = [_("Choose a channel type from the list.")]
    if profile.encoding not in Encoding.values:
        errors["encoding"] = [_("Choose an encoding from the list.")]
    if profile.delimiter not in Delimiter.values:
        errors["delimiter"] = [_("Choose a column separator from the list.")]
    profile.date_format = (profile.date_format or "").strip()
    errors["date_format"] = _date_format_errors(profile.date_format)
    if profile.lead_days is None or not 0 <= profile.lead_days <= MAX_LEAD_DAYS:
        errors["lead_days"] = [_("Enter a whole number of days from 0 to %(max)s.") % {"max": MAX_LEAD_DAYS}]
    profile.columns = {name: str(column).strip() for name, column in (profile.columns or {}).items()
                       if str(column or "").strip()}
    try:
        check_profile(profile)
    except ValidationError as exc:
        errors["columns"] = exc.messages
    errors = {field: messages for field, messages in errors.items() if messages}
    if not errors:
        errors.update(_profile_duplicates(profile))
    return errors


def _profile_duplicates(profile):
    others = ChannelProfile.objects.exclude(pk=profile.pk) if profile.pk else ChannelProfile.objects.all()
    same = others.filter(code=profile.code).first()
    if same is not None:
        return {"code": [_("The channel %(name)s already has the code %(code)s.")
                         % {"name": same.name, "code": profile.code}]}
    return {}


def create_channel_profile(*, actor, code, **fields) -> ChannelProfile:
    require(actor, ADD_PROFILE)
    profile = ChannelProfile(code=code, **{name: fields[name] for name in PROFILE_FIELDS if name in fields})
    errors = _profile_errors(profile)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        _save_unique(profile, _profile_duplicates)
        record_change(profile, actor=actor)
    return profile


def update_channel_profile(*, actor, profile, is_active=None, **fields) -> ChannelProfile:
    require(actor, CHANGE_PROFILE)
    with transaction.atomic():
        current = ChannelProfile.objects.select_for_update().get(pk=profile.pk)
        before = snapshot(current)
        for name in PROFILE_FIELDS:
            if name in fields:
                setattr(current, name, fields[name])
        if is_active is not None:
            current.is_active = is_active
        errors = _profile_errors(current)
        if errors:
            raise ValidationError(errors)
        _save_unique(current, _profile_duplicates)
        record_change(current, actor=actor, before=before)
    return current
