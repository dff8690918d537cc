"""Carriers and transport modes (master data with transit times): for a rush order the shipment form
proposes the fastest mode that meets the date ("选择最快捷的运输方式"), and says so when none does."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import UserProfile
from shipping import carriers
from shipping.models import Carrier, TransportMode
from tests.fixtures.factories import user_with_role
from tests.shipping.helpers import finished_good, qc_passed_order

pytestmark = [pytest.mark.django_db]


@pytest.fixture
def modes(db):
    sf = Carrier.objects.create(code="SF", name="顺丰速运")
    db_ = Carrier.objects.create(code="DB", name="德邦物流")
    TransportMode.objects.create(carrier=sf, kind="air", transit_days=1)
    TransportMode.objects.create(carrier=db_, kind="road", transit_days=4)
    TransportMode.objects.create(carrier=db_, kind="rail", transit_days=6, is_active=False)


def test_the_fastest_mode_that_meets_the_date_is_proposed_for_a_rush_order(modes):
    product, _item = finished_good("CAR-1", name="Valve")
    today = timezone.localdate()
    rush = qc_passed_order([product], [5], priority="rush", promised=today + timedelta(days=2))
    options = carriers.transport_options(rush, today)
    assert [(str(o.mode), o.arrival, o.meets_date) for o in options] == [
        ("顺丰速运 · Air freight", today + timedelta(days=1), True),
        ("德邦物流 · Road (truck)", today + timedelta(days=4), False)]
    assert str(carriers.proposed_option(rush, options).mode) == "顺丰速运 · Air freight"
    late = qc_passed_order([product], [5], priority="rush", promised=today)
    proposal = carriers.proposed_option(late, carriers.transport_options(late, today))
    assert str(proposal.mode) == "顺丰速运 · Air freight" and not proposal.meets_date
    normal = qc_passed_order([product], [5], promised=today + timedelta(days=9))
    assert carriers.proposed_option(normal, carriers.transport_options(normal, today)) is None


def test_the_shipment_form_shows_the_proposal_in_chinese(client, modes):
    product, _item = finished_good("CAR-2", name="Valve")
    today = timezone.localdate()
    order = qc_passed_order([product], [5], priority="rush", promised=today + timedelta(days=2))
    shipper = user_with_role("shipping")
    UserProfile.objects.update_or_create(user=shipper, defaults={"language": "zh-hans"})
    client.force_login(shipper)
    page = client.get(reverse("shipping:shipment_create", args=[order.pk])).content.decode()
    assert "急单：建议使用 顺丰速运 · 空运" in page
    assert 'value="顺丰速运 · 空运"' in page  # the carrier field is filled with the proposal
