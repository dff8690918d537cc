"""The customer's tracking page: no login, the token in the URL is the only key.

Every failure (tampered, unknown, expired, revoked) gets the same bare 404 page, so a visitor learns
nothing about which tokens exist. The page is rendered without the staff context processors (no
session lookup, no navigation) in the link's language, costs three queries (link with order and
customer, shipments, their lines) and is never cached or indexed; no-referrer keeps the token out of
other sites' logs when the customer follows a carrier link.
"""

from django.http import HttpResponse, HttpResponseNotFound
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.views.decorators.http import require_GET

from . import selectors, tracking


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
            "shipments": shipments, "expires_at": link.expires_at, "now": timezone.now(),
            "language": link.language})
    return _private(HttpResponse(html))
