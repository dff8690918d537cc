"""Reading and writing UN/EDIFACT interchanges with pydifact: the segments of an ORDERS message read into
plain values, and ORDRSP / DESADV messages written from plain values. Nothing here touches the database.

Segments read from an ORDERS message (directories D.96A and D.01B; the segments used are the same):
BGM (document number: the customer's PO), DTM 137 (document date), DTM 2 / 64 / 69 (delivery date: on the
header for the order, after a LIN for that line), CUX (currency), NAD BY/SU/DP, LIN (item number with its
type: SA is our own article number, anything else is the partner's code, mapped by the partner's product
mappings), PIA (further item numbers), QTY 21 (ordered quantity), PRI AAA/AAB (unit price).
"""

import warnings
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext_noop
from pydifact.control.characters import Characters
from pydifact.exceptions import EDISyntaxError, MissingImplementationWarning
from pydifact.segmentcollection import Interchange, Message
from pydifact.segments import Segment

SUPPORTED_DIRECTORIES = {("D", "96A"), ("D", "01B")}
SYNTAX = ("UNOC", 3)
DELIVERY_DATES = ("2", "64", "69")  # delivery requested / earliest / promised for
OUR_ARTICLE = "SA"  # supplier's article number: the buyer already uses our code


class InterchangeError(Exception):
    """The file cannot be read as an interchange at all (no UNB, broken syntax)."""


class MessageError(Exception):
    """One message of the interchange cannot be read; `message` says why (English, for logs and commands)."""

    def __init__(self, text, **values):
        super().__init__(text % values if values else text)
        self.text, self.values = text, values


@dataclass
class ItemLine:
    line_no: str
    codes: list  # [(code, type)] from LIN and PIA, LIN's first
    quantity: Decimal | None = None
    unit_price: Decimal | None = None
    delivery_date: date | None = None


@dataclass
class OrderMessage:
    message_ref: str
    message_type: str
    version: str
    document_number: str = ""
    document_date: date | None = None
    delivery_date: date | None = None
    currency: str = ""
    parties: dict = field(default_factory=dict)
    lines: list = field(default_factory=list)
    segments: list = field(default_factory=list)
    problem: MessageError | None = None


@dataclass
class ReadInterchange:
    sender_id: str
    sender_qualifier: str
    recipient_id: str
    control_ref: str
    messages: list


def _composite(element):
    return element if isinstance(element, list) else [element]


def _part(element, index, default=""):
    parts = _composite(element)
    return parts[index] if len(parts) > index and parts[index] is not None else default


def element(segment, index, part=0, default=""):
    if len(segment.elements) <= index:
        return default
    return _part(segment.elements[index], part, default)


def edi_date(text, fmt="102"):
    try:
        if fmt == "102":
            return datetime.strptime(text, "%Y%m%d").date()
        if fmt == "203":
            return datetime.strptime(text, "%Y%m%d%H%M").date()
    except ValueError:
        pass
    raise MessageError(gettext_noop("date %(value)s is not a valid date in format %(format)s"), value=text, format=fmt)


def edi_decimal(text, invalid):
    """A number of the message; `invalid` is the message (with %(value)s) when it is not one."""
    try:
        value = Decimal(text.replace(",", "."))
    except (InvalidOperation, AttributeError):
        raise MessageError(invalid, value=text) from None
    if not value.is_finite():
        raise MessageError(invalid, value=text)
    return value


def read_interchange(text) -> ReadInterchange:
    """The interchange's header and each message in it, read into OrderMessage values; a message that
    cannot be read carries its `problem` (the others are still read)."""
    if not text.lstrip().startswith(("UNA", "UNB")):
        raise InterchangeError("the file does not start with UNA or UNB: it is not an EDIFACT interchange")
    try:
        with warnings.catch_warnings():  # pydifact ships no segment directories to validate against
            warnings.simplefilter("ignore", MissingImplementationWarning)
            interchange = Interchange.from_str(text.strip())
        unb = interchange.get_header_segment()
        messages = list(_messages(interchange.segments))
    except (EDISyntaxError, AssertionError, IndexError, ValueError, TypeError) as exc:
        raise InterchangeError(str(exc) or type(exc).__name__) from None
    sender = _composite(unb.elements[1])
    return ReadInterchange(sender_id=_part(sender, 0), sender_qualifier=_part(sender, 1),
                           recipient_id=_part(unb.elements[2], 0), control_ref=str(_part(unb.elements[4], 0)),
                           messages=messages)


def _split(segments):
    """(UNH, the segments between, UNT or None) for each message."""
    header, body = None, []
    for segment in segments:
        if segment.tag == "UNH":
            if header is not None:
                yield header, body, None
            header, body = segment, []
        elif segment.tag == "UNT":
            if header is None:
                raise EDISyntaxError("UNT segment without a UNH before it")
            yield header, body, segment
            header, body = None, []
        elif header is not None:
            body.append(segment)
    if header is not None:
        yield header, body, None


def _messages(segments):
    for unh, body, unt in _split(segments):
        identifier = [str(part) for part in _composite(unh.elements[1])]
        read = OrderMessage(message_ref=str(element(unh, 0)), message_type=identifier[0],
                            version=":".join(identifier[1:3]), segments=body)
        try:
            if unt is None:
                raise MessageError(gettext_noop("message %(ref)s is not closed by a UNT segment"), ref=read.message_ref)
            if element(unt, 0) != str(len(body) + 2) or element(unt, 1) != read.message_ref:
                raise MessageError(gettext_noop("UNT says %(count)s segments for message %(unt_ref)s; the message has "
                                   "%(actual)s segments"), count=element(unt, 0), unt_ref=element(unt, 1),
                                   actual=len(body) + 2)
            if len(identifier) < 3 or tuple(identifier[1:3]) not in SUPPORTED_DIRECTORIES:
                raise MessageError(gettext_noop("directory %(version)s is not supported (D:96A or D:01B)"),
                                   version=":".join(identifier[1:3]))
            if read.message_type == "ORDERS":
                _read_orders(read, body)
        except MessageError as exc:
            read.problem = exc
        yield read


def _read_orders(read, segments):
    current = None
    for segment in segments:
        tag = segment.tag
        if tag == "BGM":
            read.document_number = element(segment, 1)
        elif tag == "DTM":
            qualifier, value, fmt = element(segment, 0, 0), element(segment, 0, 1), element(segment, 0, 2, "102")
            if qualifier == "137":
                read.document_date = edi_date(value, fmt)
            elif qualifier in DELIVERY_DATES:
                if current is None:
                    read.delivery_date = edi_date(value, fmt)
                else:
                    current.delivery_date = edi_date(value, fmt)
        elif tag == "CUX":
            read.currency = element(segment, 0, 1)
        elif tag == "NAD":
            read.parties[element(segment, 0)] = element(segment, 1, 0)
        elif tag == "LIN":
            current = ItemLine(line_no=element(segment, 0), codes=[])
            code = element(segment, 2, 0)
            if code:
                current.codes.append((code, element(segment, 2, 1)))
            read.lines.append(current)
        elif tag == "PIA" and current is not None:
            for index in range(1, len(segment.elements)):
                code = element(segment, index, 0)
                if code:
                    current.codes.append((code, element(segment, index, 1)))
        elif tag == "QTY" and current is not None and element(segment, 0, 0) == "21":
            current.quantity = edi_decimal(element(segment, 0, 1), gettext_noop("quantity %(value)s is not a number"))
        elif tag == "PRI" and current is not None and element(segment, 0, 0) in ("AAA", "AAB"):
            current.unit_price = edi_decimal(element(segment, 0, 1), gettext_noop("price %(value)s is not a number"))
    if not read.document_number:
        raise MessageError(gettext_noop("BGM has no document number (the order reference)"))
    if not read.lines:
        raise MessageError(gettext_noop("the message has no LIN line"))
    for line in read.lines:
        if not line.codes:
            raise MessageError(gettext_noop("line %(line)s names no product"), line=line.line_no)
        if line.quantity is None:
            raise MessageError(gettext_noop("line %(line)s has no ordered quantity (QTY+21)"), line=line.line_no)


# --- writing ------------------------------------------------------------------------------------------

def d(value: date) -> str:
    return value.strftime("%Y%m%d")


def number(value: Decimal) -> str:
    """A decimal as EDIFACT writes it: no exponent, no trailing zeros after the point."""
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def build_interchange(*, sender, recipient, control_ref, message_ref, message_type, version, segments,
                      timestamp) -> str:
    """One interchange holding one message; the text with the service string advice, one segment a line."""
    interchange = Interchange(sender=sender, recipient=recipient, control_reference=control_ref,
                              syntax_identifier=SYNTAX, timestamp=timestamp,
                              characters=Characters(decimal_point="."))  # UNA:+.? ' as our partners write
    interchange.has_una_segment = True
    directory, release = version.split(":")
    message = Message(message_ref, [message_type, directory, release, "UN"])
    message.add_segments(Segment(*parts) for parts in segments)
    interchange.add_message(message)
    return interchange.serialize(break_lines=True)
