"""What a customer contact reads: each notice's subject, e-mail body and SMS text, in the contact's language,
with the order's figures in that language's formats, the tracking link, the satisfaction form (delivery)
and the unsubscribe link. Links are signed (Django signing, salts below): no login, no ids to guess."""

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils import translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from .models import NoticeKind

UNSUBSCRIBE_SALT = "notices.unsubscribe"
FEEDBACK_SALT = "notices.feedback"
FEEDBACK_VALID_DAYS = 90


def unsubscribe_token(contact):
    return signing.dumps({"c": contact.pk}, salt=UNSUBSCRIBE_SALT, compress=True)


def contact_id_for_unsubscribe(token):
    try:
        return signing.loads(token, salt=UNSUBSCRIBE_SALT)["c"]
    except (signing.BadSignature, KeyError, TypeError):
        return None


def feedback_token(order, contact):
    return signing.dumps({"o": order.pk, "c": contact.pk}, salt=FEEDBACK_SALT, compress=True)


def ids_for_feedback(token):
    """(order id, contact id) of a valid, unexpired feedback link, or None."""
    try:
        data = signing.loads(token, salt=FEEDBACK_SALT, max_age=FEEDBACK_VALID_DAYS * 86400)
        return int(data["o"]), int(data["c"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None


def absolute(path):
    return f"{settings.SITE_URL}{path}"


def _date(value):
    return date_format(value, "DATE_FORMAT") if value else "—"


def compose(*, kind, order, contact, values):
    """(subject, e-mail body, SMS text) of notice `kind` for `contact`, in the contact's language.
    `values`: tracking_token, carrier, tracking_number, new_eta, cause (a lazy label), detail, promised_date."""
    with translation.override(contact.language):
        figures = {"order": order.number, "po": order.customer_po or "—", "name": contact.name,
                   "promised": _date(values.get("promised_date") or order.promised_date or order.requested_date),
                   "carrier": values.get("carrier") or "—", "tracking": values.get("tracking_number") or "—",
                   "eta": _date(values.get("new_eta")), "cause": str(values.get("cause") or ""),
                   "detail": values.get("detail") or ""}
        if kind == NoticeKind.CONFIRMED:
            subject = _("Order %(order)s confirmed: delivery on %(promised)s") % figures
            lines = [_("We have confirmed your order %(order)s (your PO %(po)s).") % figures,
                     _("Promised delivery date: %(promised)s.") % figures]
            sms = _("Order %(order)s confirmed, delivery on %(promised)s.") % figures
        elif kind == NoticeKind.PROMISE_CHANGED:
            subject = _("Order %(order)s: new delivery date %(promised)s") % figures
            lines = [_("The delivery date of your order %(order)s (your PO %(po)s) has changed.") % figures,
                     _("New promised delivery date: %(promised)s.") % figures]
            sms = _("Order %(order)s: new delivery date %(promised)s.") % figures
        elif kind == NoticeKind.DISPATCHED:
            subject = _("Order %(order)s dispatched with %(carrier)s") % figures
            lines = [_("Your order %(order)s (your PO %(po)s) has left our factory.") % figures,
                     _("Carrier: %(carrier)s, tracking number: %(tracking)s.") % figures]
            sms = _("Order %(order)s dispatched: %(carrier)s %(tracking)s.") % figures
        elif kind == NoticeKind.DELAYED:
            subject = _("Order %(order)s: delivery delayed to %(eta)s") % figures
            lines = [_("We are sorry: the delivery of your order %(order)s (your PO %(po)s) is delayed.") % figures,
                     _("Cause: %(cause)s. %(detail)s") % figures,
                     _("Carrier: %(carrier)s, tracking number: %(tracking)s.") % figures,
                     _("New expected arrival: %(eta)s.") % figures]
            sms = _("Order %(order)s delayed (%(cause)s), new arrival %(eta)s.") % figures
        else:
            subject = _("Order %(order)s delivered") % figures
            lines = [_("Your order %(order)s (your PO %(po)s) has been delivered. Thank you!") % figures]
            sms = _("Order %(order)s delivered. Thank you!") % figures
        token = values.get("tracking_token")
        if token:
            link = absolute(reverse("tracking:page", args=[token]))
            lines.append(_("Follow your order: %(link)s") % {"link": link})
            sms = f"{sms} {link}"
        if kind == NoticeKind.DELIVERED:
            form = absolute(reverse("notices:feedback", args=[feedback_token(order, contact)]))
            lines.append(_("How did we do? Tell us in one minute: %(link)s") % {"link": form})
        unsubscribe = absolute(reverse("notices:unsubscribe", args=[unsubscribe_token(contact)]))
        body = "\n\n".join([_("Dear %(name)s,") % figures, *lines,
                            _("To stop receiving order updates: %(link)s") % {"link": unsubscribe}])
        return f"[{order.number}] {subject}", body, f"【OrderFlow】{sms}"
