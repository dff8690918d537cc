"""Webhooks and alert channels never reach inside the server's own network (server-side request forgery):
loopback in every spelling, the Redis port, a redirect to loopback and a DNS answer that changes between
check and connect are all refused, at registration and again at send time, unless the operator lists the
network in WEBHOOK_ALLOWED_NETWORKS. A removed webhook, or one of a revoked key, sends nothing more.

Every receiver here listens on loopback (127.0.0.1, 127.0.0.2); no other address is ever used."""

import json
import socket

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import translation

from alerts import services as alert_services
from alerts.models import AlertRule, ChannelDelivery, ChannelEndpoint
from api import services, webhooks
from api.models import WebhookDelivery, WebhookSubscription
from orders.models import OrderStatus
from outbound import http as outbound_http
from tests.alerts.webhook_server import WebhookServer
from tests.fixtures.factories import make_order

pytestmark = pytest.mark.django_db

LOOPBACK_SPELLINGS = ["http://127.0.0.1:6379/", "http://localhost:6379/", "http://127.1/hook", "http://[::1]/hook",
                      "http://localhost/hook", "https://[::ffff:127.0.0.1]/hook", "http://0.0.0.0:8000/"]


@pytest.fixture
def server():
    receiver = WebhookServer()
    yield receiver
    receiver.close()


@pytest.fixture
def key(role_users):
    key, raw = services.create_api_key(actor=role_users["admin"], name="ERP", user=role_users["sales"])
    key.raw = raw
    return key


def register(key, url):
    return Client(HTTP_AUTHORIZATION=f"Api-Key {key.raw}").post(
        "/api/v1/webhooks/", json.dumps({"url": url}), content_type="application/json")


@pytest.mark.parametrize("url", LOOPBACK_SPELLINGS)
def test_every_spelling_of_loopback_is_refused(url):
    with pytest.raises(outbound_http.RefusedAddress) as refused:
        outbound_http.check_url(url)
    assert "inside this server's own network" in str(refused.value)


@pytest.mark.parametrize("url", LOOPBACK_SPELLINGS)
def test_registration_refuses_every_spelling_of_loopback(key, url):
    response = register(key, url)
    assert response.status_code == 400, response.content
    assert response.json()["errors"][0]["message"]
    assert not WebhookSubscription.objects.exists()


def test_the_keys_page_refuses_loopback_in_the_readers_language(key, role_users):
    client = Client()
    client.force_login(role_users["manager"])
    client.cookies["django_language"] = "zh-hans"
    page = client.post(f"/api/keys/{key.pk}/webhooks/", {"url": "http://[::1]:6379/"},
                       HTTP_ACCEPT_LANGUAGE="zh-hans", follow=True).content.decode()
    with translation.override("zh-hans"):
        assert "本服务器内部网络" in page, page[-3000:]
    assert not WebhookSubscription.objects.exists()


def test_an_operator_may_allow_a_network_and_only_that_one(key, settings):
    settings.WEBHOOK_ALLOWED_NETWORKS = ["127.0.0.1/32"]
    assert register(key, "http://127.0.0.1:8000/hook").status_code == 201
    assert register(key, "http://[::1]:8000/hook").status_code == 400
    assert list(WebhookSubscription.objects.values_list("url", flat=True)) == ["http://127.0.0.1:8000/hook"]


def deliveries_for(key, role_users):
    make_order(creator=role_users["sales"], status=OrderStatus.SUBMITTED, admin=role_users["admin"])
    return list(WebhookDelivery.objects.filter(subscription__api_key=key))


def test_an_address_is_checked_again_at_send_time(key, role_users, server, settings):
    settings.WEBHOOK_ALLOWED_NETWORKS = ["127.0.0.1/32"]
    WebhookSubscription.objects.create(api_key=key, url=f"{server.url}/hook", secret="s")
    [delivery] = deliveries_for(key, role_users)
    settings.WEBHOOK_ALLOWED_NETWORKS = []  # the operator withdrew the permission
    with pytest.raises(RuntimeError):
        webhooks.deliver(delivery.pk)
    delivery.refresh_from_db()
    assert delivery.status == "failed" and delivery.last_error.startswith("refused:")
    assert server.received() == []


def test_a_redirect_to_loopback_is_never_followed(key, role_users, server, settings):
    settings.WEBHOOK_ALLOWED_NETWORKS = ["127.0.0.1/32"]
    inside = WebhookServer()
    try:
        server.mode, server.location = "redirect", f"{inside.url}/admin"
        WebhookSubscription.objects.create(api_key=key, url=f"{server.url}/hook", secret="s")
        [delivery] = deliveries_for(key, role_users)
        with pytest.raises(RuntimeError):
            webhooks.deliver(delivery.pk)
        delivery.refresh_from_db()
        assert (delivery.status, delivery.last_status_code) == ("failed", 302)
        assert "redirects are not followed" in delivery.last_error
        assert len(server.received("/hook")) == 1 and inside.received() == []  # no signature header leaked
    finally:
        inside.close()


def test_the_connection_goes_to_the_address_that_was_checked(key, role_users, server, settings, monkeypatch):
    """DNS rebinding: the name answers an allowed address when checked and another one a moment later; the
    message must go to the checked one."""
    settings.WEBHOOK_ALLOWED_NETWORKS = ["127.0.0.1/32"]
    other = WebhookServer(host="127.0.0.2", port=server.port)
    real_getaddrinfo = socket.getaddrinfo
    answers = []

    def rebinding(host, *args, **kwargs):
        if host != "rebind.test":
            return real_getaddrinfo(host, *args, **kwargs)
        answers.append(host)
        address = "127.0.0.1" if len(answers) == 1 else "127.0.0.2"
        return real_getaddrinfo(address, *args, **kwargs)

    try:
        WebhookSubscription.objects.create(api_key=key, url=f"http://rebind.test:{server.port}/hook", secret="s")
        [delivery] = deliveries_for(key, role_users)
        monkeypatch.setattr(socket, "getaddrinfo", rebinding)
        assert webhooks.deliver(delivery.pk) is True
        assert len(server.received("/hook")) == 1 and other.received() == []
        assert server.received("/hook")[0]["headers"]["Host"] == f"rebind.test:{server.port}"
        # The next send resolves again, gets the address outside the allowed network and is refused.
        answers.clear()
        answers.append("rebind.test")
        with pytest.raises(outbound_http.RefusedAddress):
            outbound_http.post(f"http://rebind.test:{server.port}/hook", b"{}")
        assert other.received() == []
    finally:
        other.close()


@pytest.mark.parametrize("how", ["removed", "revoked"])
def test_a_removed_webhook_or_a_revoked_key_sends_nothing_more_retries_included(key, role_users, server, settings,
                                                                               how):
    settings.WEBHOOK_ALLOWED_NETWORKS = ["127.0.0.1/32"]
    subscription = WebhookSubscription.objects.create(api_key=key, url=f"{server.url}/hook", secret="s")
    [delivery] = deliveries_for(key, role_users)
    server.mode = "error"
    with pytest.raises(RuntimeError):
        webhooks.deliver(delivery.pk)  # failed once: a retry is due
    if how == "removed":
        client = Client(HTTP_AUTHORIZATION=f"Api-Key {key.raw}")
        assert client.delete(f"/api/v1/webhooks/{subscription.pk}/").status_code == 204
    else:
        services.revoke_api_key(actor=role_users["admin"], key=key)
    server.mode = "ok"
    assert webhooks.deliver(delivery.pk) is False  # the task's retry
    WebhookDelivery.objects.filter(pk=delivery.pk).update(created_at=delivery.created_at.replace(year=2020))
    assert delivery.pk not in webhooks.pending_ids()  # nor the sweep
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("stopped", 1)
    assert len(server.received("/hook")) == 1


def test_a_delivery_whose_webhook_was_switched_off_meanwhile_is_not_sent(key, role_users, server, settings):
    """Switched off behind the service's back (admin): the claim itself checks the subscription."""
    settings.WEBHOOK_ALLOWED_NETWORKS = ["127.0.0.1/32"]
    subscription = WebhookSubscription.objects.create(api_key=key, url=f"{server.url}/hook", secret="s")
    [delivery] = deliveries_for(key, role_users)
    WebhookSubscription.objects.filter(pk=subscription.pk).update(is_active=False)
    assert webhooks.deliver(delivery.pk) is False
    assert WebhookDelivery.objects.get(pk=delivery.pk).status == "stopped" and server.received() == []


# --- alert channels (WeCom, DingTalk, the SMS gateway) --------------------------------------------------

@pytest.mark.parametrize("url", LOOPBACK_SPELLINGS)
def test_an_alert_channel_on_loopback_is_refused_when_saved(url):
    endpoint = ChannelEndpoint(name="群", kind="wecom", url=url)
    with pytest.raises(ValidationError) as refused:
        endpoint.full_clean()
    assert refused.value.message_dict["url"]


def test_the_admin_form_shows_why_and_saves_nothing(role_users):
    from django.contrib.auth.models import User

    root = User.objects.create_superuser("root", "root@factory.test", "pw-OrderFlow-2026")
    client = Client()
    client.force_login(root)
    page = client.post("/admin/alerts/channelendpoint/add/", {"name": "车间群", "kind": "wecom",
                                                               "url": "http://127.0.0.1:6379/", "is_active": "on"})
    assert page.status_code == 200 and "inside this server&#x27;s own network" in page.content.decode()
    assert not ChannelEndpoint.objects.exists()


def test_alert_channels_are_checked_at_send_time_and_never_follow_redirects(role_users, server, settings):
    inside = WebhookServer()
    try:
        robot = ChannelEndpoint.objects.create(name="车间群", kind="wecom", url=f"{server.url}/robot")
        AlertRule.objects.create(kind="line_down", name="line down", roles=[]).endpoints.set([robot])
        alert = alert_services.create_alert(kind="line_down", subject="Line %(line)s down", params={"line": "3"})
        with pytest.raises(RuntimeError):
            alert_services.deliver(alert.pk)  # loopback, not allowed
        assert ChannelDelivery.objects.get(alert=alert).last_error.startswith("refused:")
        settings.WEBHOOK_ALLOWED_NETWORKS = ["127.0.0.1/32"]
        server.mode, server.location = "redirect", f"{inside.url}/admin"
        with pytest.raises(RuntimeError):
            alert_services.deliver(alert.pk)
        assert "redirects are not followed" in ChannelDelivery.objects.get(alert=alert).last_error
        assert inside.received() == [] and len(server.received("/robot")) == 1
        server.mode = "ok"
        assert alert_services.deliver(alert.pk).status == "delivered"
        assert ChannelDelivery.objects.get(alert=alert).attempts == 3
    finally:
        inside.close()


def test_the_sms_gateway_address_is_checked_too(role_users, server, settings):
    settings.ALERT_SMS_PROVIDER, settings.ALERT_SMS_HTTP_URL = "http", f"{server.url}/sms"
    phone = ChannelEndpoint.objects.create(name="值班电话", kind="sms", phones="13800000001")
    AlertRule.objects.create(kind="line_down", name="line down", roles=[]).endpoints.set([phone])
    alert = alert_services.create_alert(kind="line_down", subject="Line %(line)s down", params={"line": "3"})
    with pytest.raises(RuntimeError):
        alert_services.deliver(alert.pk)
    assert server.received() == []
    settings.WEBHOOK_ALLOWED_NETWORKS = ["127.0.0.1/32"]
    assert alert_services.deliver(alert.pk).status == "delivered" and len(server.received("/sms")) == 1


def test_a_switched_off_channel_is_not_sent_to(role_users, server, settings):
    settings.WEBHOOK_ALLOWED_NETWORKS = ["127.0.0.1/32"]
    robot = ChannelEndpoint.objects.create(name="车间群", kind="wecom", url=f"{server.url}/robot")
    AlertRule.objects.create(kind="line_down", name="line down", roles=[]).endpoints.set([robot])
    alert = alert_services.create_alert(kind="line_down", subject="Line %(line)s down", params={"line": "3"})
    ChannelEndpoint.objects.filter(pk=robot.pk).update(is_active=False)
    assert alert_services.deliver(alert.pk).status == "delivered"
    assert ChannelDelivery.objects.get(alert=alert).status == "stopped" and server.received() == []
