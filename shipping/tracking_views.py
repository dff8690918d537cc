"""The customer's tracking page: no login, the token in the URL is the only key.

Every failure (tampered, unknown, expired, revoked) gets the same bare 404 page, so a visitor learns
nothing about which tokens exist. The page is rendered without the staff context processors (no
session lookup, no navigation) in the link's language, costs three queries (link with order and
customer, shipments, their lines) and is never cached or indexed; no-referrer keeps the token out of
other sites' logs when the customer follows a carrier link. Each client may open it
settings.TRACKING_RATE_LIMIT times (default 30 a minute); past that a friendly page says when to try
again (429 with Retry-After), in the visitor's browser language.
"""

from django.conf import settings
from django.http import HttpResponse, HttpResponseNotFound
from django.template.loader import render_to_string
from django.utils import dateformat, formats, timezone, translation
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET

from config import rate_limit
from orders.models import Unit
from orders.quantities import format_number

from . import selectors, tracking
from .models import ShipmentStatus


def _private(response):
    response["Cache-Control"] = "private, no-store"
    response["Referrer-Policy"] = "no-referrer"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


@require_GET
def tracking_page(request, token):
    # Counted before the token is looked at: guessing tokens costs the guesser, not the database.
    retry_after = rate_limit.hit("tracking", request, settings.TRACKING_RATE_LIMIT)
    if retry_after is not None:
        response = HttpResponse(render_to_string("shipping/tracking_rate_limited.html", {
            "wait": _try_again_in(retry_after), "language": translation.get_language()}), status=429)
        response["Retry-After"] = str(retry_after)
        return _private(response)
    link = tracking.link_for_token(token)
    if link is None:
        return _private(HttpResponseNotFound(render_to_string("shipping/tracking_not_found.html")))
    order = link.order
    shipments = selectors.tracking_shipments(order)
    step, stage = tracking.customer_stage(order, any_shipped=bool(shipments))
    with translation.override(link.language):
        html = render_to_string("shipping/tracking.html", {
            "order": order, "customer_name": order.customer.name, "stage": stage, "step": step,
            "steps": [label for _key, label, _states in tracking.CUSTOMER_STAGES],
            "shipments": _shipment_rows(shipments), "expires_at": link.expires_at, "language": link.language})
    return _private(HttpResponse(html))


def _try_again_in(seconds):
    if seconds < 120:
        return ngettext("Please try again in %(n)d second.", "Please try again in %(n)d seconds.", seconds) % {
            "n": seconds}
    minutes = (seconds + 59) // 60
    return ngettext("Please try again in %(n)d minute.", "Please try again in %(n)d minutes.", minutes) % {
        "n": minutes}


def _shipment_rows(shipments):
    """The shipments as display rows, formatted once here in the active language: an order shipped in
    many parts has hundreds of lines, and per-line template filters dominated the page time."""
    date_format = formats.get_format("DATE_FORMAT")
    units = {value: str(label) for value, label in Unit.choices}
    tz = timezone.get_current_timezone()
    rows = []
    for shipment in shipments:
        delivered = shipment.status == ShipmentStatus.DELIVERED
        rows.append({
            "number": shipment.number, "status": shipment.status, "delivered": delivered,
            "carrier": shipment.carrier, "tracking_number": shipment.tracking_number,
            "ship_date": dateformat.format(shipment.actual_ship_date, date_format) if shipment.actual_ship_date else "",
            "delivered_on": dateformat.format(shipment.received_at.astimezone(tz), date_format)
            if delivered and shipment.received_at else "",
            "lines": [(f"{line.order_line.product.sku} {line.order_line.product.name}",
                       f"{format_number(line.quantity)} {units.get(line.order_line.product.unit, '')}")
                      for line in shipment.lines.all()],
        })
    return rows
