"""The customer's tracking link: made and revoked by the order desk, only a hash stored, no login to
open it, what it shows and hides, the same bare 404 for tampered, unknown, expired and revoked links,
and a fixed number of queries."""

import hashlib
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from orders.models import Order, OrderEvent, OrderStatus
from orders.services import transition_order
from shipping import tracking
from shipping.models import TrackingLink
from tests.fixtures.factories import CustomerFactory, make_order, user_with_role

from .helpers import deliver, details, fg_location, finished_good, pick, produce, qc_passed_order, ship

pytestmark = pytest.mark.django_db


@pytest.fixture
def shipped_twice(shipper):
    """An order of 10 at 88.50 each, shipped in two parts (one delivered), with an internal note."""
    product, item = finished_good("TRK-1", name="Valve 阀门", list_price=Decimal("88.50"))
    location = fg_location()
    customer = CustomerFactory(name="客户甲有限公司", language="zh-hans")
    order = qc_passed_order([product], [10], customer=customer,
                            promised=timezone.localdate() + timezone.timedelta(days=3))
    Order.objects.filter(pk=order.pk).update(internal_notes="INTERNAL: margin is thin, push the customer")
    lot = produce(order, item, location, 10, "TRK-LOT").moves[0].lot
    first = ship(shipper, order, [pick(order, 1, lot, location, 6)],
                 details=details(carrier="顺丰速运", tracking_number="SF1000001", note="INTERNAL driver cash"))
    second = ship(shipper, order, [pick(order, 1, lot, location, 4)],
                  details=details(carrier="德邦物流", tracking_number="DB2000002"))
    deliver(shipper, first, name="Receiver Chen")
    other = qc_passed_order([product], [5], customer=CustomerFactory(name="OTHER CUSTOMER LTD"))
    return {"order": Order.objects.get(pk=order.pk), "first": first, "second": second, "other": other}


def _url(token):
    return reverse("tracking:page", args=[token])


def test_the_link_shows_the_order_and_its_shipments_without_login(shipped_twice, desk, shipper,
                                                                  django_assert_num_queries):
    order = shipped_twice["order"]
    link, token = tracking.create_tracking_link(actor=desk, order=order, language="en", note="Buyer Ms. Li")
    assert OrderEvent.objects.filter(order=order, action="tracking_link_created").exists()
    client = Client()
    with django_assert_num_queries(3):
        response = client.get(_url(token))
    assert response.status_code == 200
    page = response.content.decode()
    for shown in (order.number, shipped_twice["first"].number, shipped_twice["second"].number, "SF1000001",
                  "DB2000002", "顺丰速运", "德邦物流", "Shipped", "Delivered", "On the way", "TRK-1"):
        assert shown in page, shown
    hidden = ["88.5", "885", order.created_by.username, desk.username, shipper.username, "INTERNAL",
              "Receiver Chen", "Buyer Ms. Li", shipped_twice["other"].number, "OTHER CUSTOMER", "TRK-LOT", "FG-"]
    for secret in hidden:
        assert secret not in page, secret
    assert response["Cache-Control"] == "private, no-store" and response["Referrer-Policy"] == "no-referrer"
    assert "noindex" in response["X-Robots-Tag"]
    assert str(order.pk) not in _url(token).replace(token, "")


def test_only_the_hash_of_the_secret_is_stored(shipped_twice, desk):
    link, token = tracking.create_tracking_link(actor=desk, order=shipped_twice["order"], language="en")
    secret = token.split(":")[0]
    assert link.token_hash == hashlib.sha256(secret.encode()).hexdigest()
    stored = TrackingLink.objects.values_list("token_hash", "note", "language").get(pk=link.pk)
    assert secret not in "".join(stored) and token not in "".join(stored)
    second_link, second_token = tracking.create_tracking_link(actor=desk, order=shipped_twice["order"], language="en")
    assert second_token != token and second_link.token_hash != link.token_hash


def test_tampered_unknown_expired_and_revoked_links_get_the_same_bare_404(shipped_twice, desk,
                                                                         django_assert_num_queries):
    order = shipped_twice["order"]
    _link, good = tracking.create_tracking_link(actor=desk, order=order, language="en")
    client = Client()
    secret, signature = good.split(":")
    flipped = ("A" if secret[0] != "A" else "B") + secret[1:]
    not_found = client.get(_url("nothing-here")).content
    for bad in (f"{flipped}:{signature}", f"{secret}:{signature[:-1]}x", secret, "x" * 90):
        with django_assert_num_queries(0):  # a bad signature is refused before the database
            response = client.get(_url(bad))
        assert response.status_code == 404 and response.content == not_found
        assert order.number.encode() not in response.content

    expired_link, expired = tracking.create_tracking_link(actor=desk, order=order, language="en", valid_days=1)
    TrackingLink.objects.filter(pk=expired_link.pk).update(expires_at=timezone.now() - timezone.timedelta(seconds=1))
    revoked_link, revoked = tracking.create_tracking_link(actor=desk, order=order, language="en")
    tracking.revoke_tracking_link(actor=desk, link=revoked_link)
    assert OrderEvent.objects.filter(order=order, action="tracking_link_revoked").exists()
    for token in (expired, revoked):
        response = client.get(_url(token))
        assert response.status_code == 404 and response.content == not_found
    assert client.get(_url(good)).status_code == 200
    with pytest.raises(ValidationError, match="already revoked"):
        tracking.revoke_tracking_link(actor=desk, link=revoked_link)


def test_the_page_speaks_the_links_language(shipped_twice, desk):
    _link, token = tracking.create_tracking_link(actor=desk, order=shipped_twice["order"], language="zh-hans")
    page = Client().get(_url(token)).content.decode()
    assert '<html lang="zh-hans">' in page


def test_customer_stages(shipper, desk):
    product, item = finished_good()
    location = fg_location()
    sales = user_with_role("sales")
    approved = make_order(creator=sales, status=OrderStatus.APPROVED, products=[product])
    assert tracking.customer_stage(approved, any_shipped=False)[1] == "Order confirmed"
    order = qc_passed_order([product], [4])
    assert tracking.customer_stage(order, any_shipped=False) == (3, "Ready to ship")
    lot = produce(order, item, location, 4, "ST-1").moves[0].lot
    ship(shipper, order, [pick(order, 1, lot, location, 2)])
    assert tracking.customer_stage(order, any_shipped=True)[1] == "Partly shipped"
    held = transition_order(actor=desk, order=order, action="hold", note="credit check")
    # The hold and its reason are internal: the customer sees the stage it was held in.
    assert tracking.customer_stage(held, any_shipped=True)[1] == "Partly shipped"
    assert tracking.customer_stage(make_order(creator=sales, status=OrderStatus.IN_PRODUCTION, products=[product]),
                                   any_shipped=False)[1] == "In production"


def test_who_may_make_links_and_for_which_orders(shipped_twice, desk, shipper):
    order = shipped_twice["order"]
    with pytest.raises(PermissionDenied):
        tracking.create_tracking_link(actor=shipper, order=order, language="en")
    draft = make_order(creator=user_with_role("sales"))
    with pytest.raises(ValidationError, match="nothing for the customer to follow"):
        tracking.create_tracking_link(actor=desk, order=draft, language="en")
    for bad in ({"language": "fr"}, {"language": "en", "valid_days": 0}, {"language": "en", "valid_days": 400}):
        with pytest.raises(ValidationError):
            tracking.create_tracking_link(actor=desk, order=order, **bad)
    assert not TrackingLink.objects.exists()
