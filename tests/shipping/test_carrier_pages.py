"""The carrier and transport mode pages (in-app master data instead of the Django admin): the shipping role
and managers keep them in their language; bad input is refused with a clear message and writes nothing; a
role without the permission is refused; each change is in the change history."""

import pytest
from django.urls import reverse

from accounts.models import UserProfile
from audit.models import ChangeLogEntry
from shipping import carrier_services
from shipping.models import Carrier, TransportMode
from tests.fixtures.factories import user_with_role

pytestmark = [pytest.mark.django_db]


def _zh(user):
    UserProfile.objects.update_or_create(user=user, defaults={"language": "zh-hans"})
    return user


@pytest.fixture
def shipper():
    return _zh(user_with_role("shipping", username="shipper"))


@pytest.fixture
def sf(shipper):
    carrier = carrier_services.create_carrier(actor=shipper, code="SF", name="顺丰速运")
    carrier_services.create_transport_mode(actor=shipper, carrier=carrier, kind="air", transit_days=1)
    return carrier


def test_the_list_and_edit_pages_show_the_saved_values_in_chinese(client, shipper, sf):
    client.force_login(shipper)
    page = client.get(reverse("shipping:carrier_list")).content.decode()
    assert "承运商" in page and "顺丰速运" in page and "空运" in page
    page = client.get(reverse("shipping:carrier_edit", args=[sf.pk])).content.decode()
    assert 'value="顺丰速运"' in page and "运输方式" in page and "变更历史" in page
    mode = sf.modes.get()
    page = client.get(reverse("shipping:transport_mode_edit", args=[mode.pk])).content.decode()
    assert 'value="1"' in page and "运输时间（天）" in page


def test_a_valid_carrier_and_mode_are_saved_with_their_history(client, shipper):
    client.force_login(shipper)
    response = client.post(reverse("shipping:carrier_create"), {"code": "DB", "name": "德邦物流"})
    carrier = Carrier.objects.get(code="DB")
    assert response.status_code == 302 and carrier.name == "德邦物流"
    client.post(reverse("shipping:transport_mode_create", args=[carrier.pk]), {"kind": "road", "transit_days": "4"})
    mode = TransportMode.objects.get(carrier=carrier)
    assert (mode.kind, mode.transit_days) == ("road", 4)
    client.post(reverse("shipping:transport_mode_edit", args=[mode.pk]), {"transit_days": "3"})
    mode.refresh_from_db()
    assert mode.transit_days == 3
    client.post(reverse("shipping:transport_mode_edit", args=[mode.pk]), {"action": "deactivate"})
    mode.refresh_from_db()
    assert not mode.is_active
    assert ChangeLogEntry.objects.filter(object_id=str(mode.pk), object_repr__contains="德邦物流 ·").count() == 3


@pytest.mark.parametrize("data, message", [
    ({"code": "", "name": "德邦"}, "请输入编码"),
    ({"code": "D B", "name": "德邦"}, "编码不能包含空格"),
    ({"code": "SF", "name": "另一个"}, "编码为 SF 的承运商已存在"),
    ({"code": "YT", "name": ""}, "请输入名称"),
])
def test_bad_carrier_input_is_refused_and_writes_nothing(client, shipper, sf, data, message):
    client.force_login(shipper)
    before = (Carrier.objects.count(), ChangeLogEntry.objects.count())
    page = client.post(reverse("shipping:carrier_create"), data).content.decode()
    assert message in page
    assert (Carrier.objects.count(), ChangeLogEntry.objects.count()) == before


@pytest.mark.parametrize("data, message", [
    ({"kind": "air", "transit_days": "2"}, "已有运输方式"),
    ({"kind": "road", "transit_days": "-1"}, "0 到 365"),
    ({"kind": "road", "transit_days": "1.5"}, "请输入整数"),
    ({"kind": "road", "transit_days": ""}, "0 到 365"),
    ({"kind": "boat", "transit_days": "3"}, "选择一个有效的选项"),
])
def test_bad_mode_input_is_refused_and_writes_nothing(client, shipper, sf, data, message):
    client.force_login(shipper)
    before = (TransportMode.objects.count(), ChangeLogEntry.objects.count())
    page = client.post(reverse("shipping:transport_mode_create", args=[sf.pk]), data).content.decode()
    assert message in page
    assert (TransportMode.objects.count(), ChangeLogEntry.objects.count()) == before
    mode = sf.modes.get()
    page = client.post(reverse("shipping:transport_mode_edit", args=[mode.pk]), {"transit_days": "400"})
    assert "0 到 365" in page.content.decode()
    mode.refresh_from_db()
    assert mode.transit_days == 1


def test_a_role_without_the_permission_is_refused(client, sf):
    production = user_with_role("production")
    client.force_login(production)
    assert client.get(reverse("shipping:carrier_list")).status_code == 403
    assert client.post(reverse("shipping:carrier_create"), {"code": "X", "name": "X"}).status_code == 403
    assert not Carrier.objects.filter(code="X").exists()
    desk = user_with_role("order_desk")
    client.force_login(desk)
    page = client.get(reverse("shipping:carrier_edit", args=[sf.pk])).content.decode()
    assert "顺丰速运" in page and 'data-testid="carrier-form"' not in page
    assert client.post(reverse("shipping:carrier_edit", args=[sf.pk]), {"name": "改名"}).status_code == 403
    sf.refresh_from_db()
    assert sf.name == "顺丰速运"
