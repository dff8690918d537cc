"""An API key never holds more rights than the person who made it: a manager (who may manage keys but not
create orders) may not make a key acting as admin, a superuser or sales, and says why; a key whose maker
lost rights later, or whose user gained rights the maker lacks, is refused on use (403)."""

import json
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone, translation

from api import services
from api.models import ApiKey
from orders.models import Order
from tests.fixtures.factories import CustomerFactory, ProductFactory, UserFactory

pytestmark = pytest.mark.django_db


def order_body():
    return {"customer": "C-EAST", "requested_date": (timezone.localdate() + timedelta(days=20)).isoformat(),
            "lines": [{"product": "GEAR-1", "quantity": "10"}]}


def post_order(raw):
    return Client(HTTP_AUTHORIZATION=f"Api-Key {raw}").post("/api/v1/orders/", json.dumps(order_body()),
                                                              content_type="application/json")


@pytest.fixture
def catalogue(db):
    CustomerFactory(code="C-EAST")
    ProductFactory(sku="GEAR-1")


@pytest.mark.parametrize("target", ["admin", "sales", "planner", "warehouse"])
def test_a_manager_may_not_make_a_key_for_a_user_with_rights_the_manager_lacks(role_users, target):
    manager = role_users["manager"]
    with pytest.raises(ValidationError) as refused:
        services.create_api_key(actor=manager, name="ERP", user=role_users[target])
    message = refused.value.messages[0]
    assert f"{target} may do what manager may not" in message and "never holds more rights" in message
    assert not ApiKey.objects.exists()


def test_the_refusal_names_the_missing_rights_in_the_readers_language(role_users):
    with translation.override("zh-hans"):
        with pytest.raises(ValidationError) as refused:
            services.create_api_key(actor=role_users["manager"], name="ERP", user=role_users["sales"])
    message = refused.value.messages[0]
    assert "密钥的权限不能超过创建它的人" in message and "新增订单" in message, message


def test_nobody_but_a_superuser_makes_a_key_for_a_superuser(role_users):
    root = UserFactory(username="root", is_superuser=True)
    for actor in (role_users["manager"], role_users["admin"]):
        with pytest.raises(ValidationError) as refused:
            services.create_api_key(actor=actor, name="ERP", user=root)
        assert "root is a superuser" in refused.value.messages[0]
    key, _raw = services.create_api_key(actor=root, name="ERP", user=root)
    assert key.user == root


def test_a_manager_may_make_a_key_for_a_user_with_no_more_rights(role_users):
    key, _raw = services.create_api_key(actor=role_users["manager"], name="Reader", user=role_users["order_desk"])
    assert key.created_by == role_users["manager"]


def test_the_keys_page_says_why_and_makes_nothing(role_users):
    client = Client()
    client.force_login(role_users["manager"])
    response = client.post("/api/keys/", {"name": "ERP", "user": "admin"}, follow=True)
    assert response.status_code == 200
    assert "admin may do what manager may not" in response.content.decode()
    assert not ApiKey.objects.exists()


def test_a_key_made_before_the_rule_that_acts_beyond_its_maker_is_refused_on_use(role_users, catalogue):
    # As a manager could make before: a key acting as admin, made by a manager.
    prefix, raw = ApiKey.new_raw_key()
    from api.models import hash_key
    ApiKey.objects.create(name="old", prefix=prefix, key_hash=hash_key(raw), user=role_users["admin"],
                          created_by=role_users["manager"])
    response = post_order(raw)
    assert response.status_code == 403, response.content
    assert "admin may do what manager may not" in response.json()["errors"][0]["message"]
    assert not Order.objects.exists()


def test_a_key_whose_maker_lost_the_rights_is_refused_on_use(role_users, catalogue):
    admin = UserFactory(username="boss", role="admin")
    _key, raw = services.create_api_key(actor=admin, name="ERP", user=role_users["sales"])
    assert post_order(raw).status_code == 201
    admin.groups.set([Group.objects.get(name="manager")])
    refused = post_order(raw)
    assert refused.status_code == 403
    assert "sales may do what boss may not" in refused.json()["errors"][0]["message"]
    assert Order.objects.count() == 1


def test_a_key_whose_user_gained_rights_is_refused_on_use(role_users, catalogue):
    user = UserFactory(username="reader", role="order_desk")
    _key, raw = services.create_api_key(actor=role_users["manager"], name="Reader", user=user)
    client = Client(HTTP_AUTHORIZATION=f"Api-Key {raw}")
    assert client.get("/api/v1/orders/").status_code == 200
    user.groups.add(Group.objects.get(name="sales"))
    assert client.get("/api/v1/orders/").status_code == 403
    assert post_order(raw).status_code == 403 and not Order.objects.exists()


def test_a_key_whose_maker_was_deactivated_is_refused(role_users):
    boss = UserFactory(username="boss", role="admin")
    _key, raw = services.create_api_key(actor=boss, name="ERP", user=role_users["order_desk"])
    boss.is_active = False
    boss.save()
    response = Client(HTTP_AUTHORIZATION=f"Api-Key {raw}").get("/api/v1/orders/")
    assert response.status_code == 403
    assert "no longer active" in response.json()["errors"][0]["message"]


def test_a_refused_key_hears_nothing_through_its_webhooks(role_users, settings):
    from api import webhooks
    from api.models import WebhookDelivery, WebhookSubscription
    from orders.models import OrderStatus
    from tests.alerts.webhook_server import WebhookServer
    from tests.fixtures.factories import make_order

    settings.WEBHOOK_ALLOWED_NETWORKS = ["127.0.0.1/32"]
    server = WebhookServer()
    try:
        boss = UserFactory(username="boss", role="admin")
        key, _raw = services.create_api_key(actor=boss, name="ERP", user=role_users["sales"])
        WebhookSubscription.objects.create(api_key=key, url=f"{server.url}/hook", secret="s")
        boss.groups.set([Group.objects.get(name="manager")])  # no longer allowed to hand out sales' rights
        make_order(creator=role_users["sales"], status=OrderStatus.SUBMITTED, admin=role_users["admin"])
        delivery = WebhookDelivery.objects.get()
        with pytest.raises(RuntimeError):
            webhooks.deliver(delivery.pk)
        delivery.refresh_from_db()
        assert delivery.status == "failed" and "sales may do what boss may not" in delivery.last_error
        assert server.received() == []
    finally:
        server.close()


def test_a_key_without_a_recorded_maker_is_refused(role_users):
    prefix, raw = ApiKey.new_raw_key()
    from api.models import hash_key
    ApiKey.objects.create(name="legacy", prefix=prefix, key_hash=hash_key(raw), user=role_users["order_desk"])
    response = Client(HTTP_AUTHORIZATION=f"Api-Key {raw}").get("/api/v1/orders/")
    assert response.status_code == 403 and "Nobody is recorded" in response.json()["errors"][0]["message"]
