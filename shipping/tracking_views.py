"""The customer's tracking page: no login, the token in the URL is the only key.

Every failure (tampered, unknown, expired, revoked) gets the same bare 404 page, so a visitor learns
nothing about which tokens exist. The page is rendered without the staff context processors (no
session lookup, no navigation) in the link's language, costs three queries (link with order and
customer, shipments, their lines) and is never cached or indexed; no-referrer keeps the token out of
other sites' logs when the customer follows a carrier link.
"""

from django.http import HttpResponse, HttpResponseNotFound
from django.template.loader import render_to_string
from django.utils import dateformat, formats, timezone, translation
from django.views.decorators.http import require_GET

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
