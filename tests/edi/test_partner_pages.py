"""The trading partner (with its product-code mappings) and channel import profile pages
(edi.partner_views): the manager keeps partners and profiles, the order desk keeps the mappings, sales read;
bad input (a duplicate partner code or interchange ID, a repeated mapping code, a date format that reads no
date, a column mapping without the needed columns) is shown and writes nothing; every change is logged."""

import pytest
from django.urls import reverse

from accounts.services import set_user_language
from audit.models import ChangeLogEntry
from edi import inbound
from edi.models import ChannelProfile, ProductMapping, TradingPartner
from tests.fixtures.factories import CustomerFactory, user_with_role

from .conftest import data

pytestmark = pytest.mark.django_db


@pytest.fixture
def manager(db):
    return user_with_role("manager", username="edi_manager")


def partner_data(owner, **values):
    return {"code": "LD", "name": "联达百货", "customer": "LD01", "sender_id": "4098765000001",
            "sender_qualifier": "14", "our_id": "6901234000004", "our_qualifier": "14", "order_owner": str(owner.pk),
            **values}


def mapping_rows(*rows, extra=0):
    result = {"action": "mappings", "mappings-TOTAL_FORMS": str(len(rows) + extra), "mappings-INITIAL_FORMS": "0"}
    for i, (code, sku) in enumerate(rows):
        result[f"mappings-{i}-partner_code"], result[f"mappings-{i}-product"] = code, sku
    return result


def written():
    return (TradingPartner.objects.count(), ProductMapping.objects.count(), ChannelProfile.objects.count(),
            ChangeLogEntry.objects.count())


def test_the_manager_creates_a_partner_and_its_mappings_are_kept_on_its_page(client, manager, partner, products):
    CustomerFactory(code="LD01", name="联达百货有限公司")
    client.force_login(manager)
    response = client.post(reverse("edi:partner_create"), partner_data(partner.order_owner))
    created = TradingPartner.objects.get(code="LD")
    assert response.status_code == 302 and response["Location"] == reverse("edi:partner_edit", args=[created.pk])
    assert (created.customer.code, created.sender_id, created.order_owner) == ("LD01", "4098765000001",
                                                                              partner.order_owner)
    url = reverse("edi:partner_edit", args=[created.pk])
    response = client.post(url, mapping_rows(("LD-1", "CL-500 — x"), ("LD-2", "CL-750"), extra=2))
    assert response.status_code == 302
    assert sorted(created.mappings.values_list("partner_code", "product__sku")) == [("LD-1", "CL-500"),
                                                                                    ("LD-2", "CL-750")]
    # An emptied row removes its code; a changed product is kept.
    client.post(url, mapping_rows(("LD-1", "CL-750"), ("", "")))
    assert list(created.mappings.values_list("partner_code", "product__sku")) == [("LD-1", "CL-750")]
    entries = ChangeLogEntry.objects.filter(content_type__model="tradingpartner", object_id=str(created.pk))
    assert entries.count() == 3 and all(entry.actor == manager for entry in entries)
    assert "LD-1" in client.get(url).content.decode()


@pytest.mark.parametrize("values, field, message", [
    ({"code": "HX"}, "code", "already has the code HX"),
    ({"sender_id": "4012345000009", "sender_qualifier": "14"}, "sender_id", "already has the interchange ID"),
    ({"customer": "NOBODY"}, "customer", "No customer with this code"),
    ({"code": "L D"}, "code", "cannot contain spaces"),
    ({"name": ""}, "name", "required"),
])
def test_bad_partner_input_is_shown_and_writes_nothing(client, manager, partner, values, field, message):
    CustomerFactory(code="LD01")
    client.force_login(manager)
    before = written()
    response = client.post(reverse("edi:partner_create"), partner_data(partner.order_owner, **values))
    assert response.status_code == 400
    assert message in " ".join(str(e) for e in response.context["form"].errors.get(field, []))
    assert written() == before


def test_an_order_owner_who_may_not_enter_orders_is_refused(client, manager, partner):
    CustomerFactory(code="LD01")
    client.force_login(manager)
    qc = user_with_role("qc")
    before = written()
    response = client.post(reverse("edi:partner_create"), partner_data(qc))
    assert response.status_code == 400 and written() == before


def test_a_repeated_or_inactive_mapping_is_refused_and_changes_nothing(client, partner, products, desk):
    client.force_login(desk)
    url = reverse("edi:partner_edit", args=[partner.pk])
    before = written()
    response = client.post(url, mapping_rows(("HX-9", "CL-500"), ("HX-9", "CL-750")))
    assert response.status_code == 400 and "repeats the code HX-9" in response.content.decode()
    products["CL-750"].is_active = False
    products["CL-750"].save()
    response = client.post(url, mapping_rows(("HX-4711", "CL-750")))
    assert response.status_code == 400 and "inactive" in response.content.decode()
    response = client.post(url, mapping_rows(("HX-4711", "")))
    assert response.status_code == 400
    assert written() == before
    assert ProductMapping.objects.get(partner_code="HX-4711").product == products["CL-500"]


def test_the_order_desk_keeps_mappings_but_not_the_partner_and_sales_only_read(client, partner, desk):
    client.force_login(desk)
    url = reverse("edi:partner_edit", args=[partner.pk])
    page = client.get(url).content.decode()
    assert 'data-testid="mapping-form"' in page and 'data-testid="partner-form"' not in page
    before = written()
    assert client.post(url, partner_data(partner.order_owner, name="改名")).status_code == 403
    assert client.post(url, {"action": "deactivate"}).status_code == 403
    assert client.get(reverse("edi:partner_create")).status_code == 403
    sales = user_with_role("sales")
    client.force_login(sales)
    page = client.get(url).content.decode()
    assert 'data-testid="mapping-form"' not in page and "HX-4711" in page
    assert client.post(url, mapping_rows(("X", "CL-500"))).status_code == 403
    client.force_login(user_with_role("planner"))
    assert client.get(reverse("edi:partner_list")).status_code == 403
    assert client.get(url).status_code == 403
    assert written() == before


def test_the_inbox_fix_links_to_the_partners_mappings_and_the_inbox_mapping_is_logged(client, partner, products,
                                                                                   desk):
    [outcome] = inbound.receive_interchange(actor=None, text=data("orders_unknown_product.edi"), file_name="x.edi")
    client.force_login(desk)
    page = client.get(reverse("edi:message_detail", args=[outcome.message.pk])).content.decode()
    assert reverse("edi:partner_edit", args=[partner.pk]) + "#mappings" in page
    [code] = inbound.unmapped_codes(outcome.message)
    inbound.map_product(actor=desk, partner=partner, partner_code=code, product=products["CL-750"])
    entry = ChangeLogEntry.objects.get(content_type__model="tradingpartner", object_id=str(partner.pk))
    assert entry.actor == desk and "mappings" in entry.changes


def profile_data(**values):
    return {"code": "JD", "name": "京东店", "kind": "shop", "encoding": "gbk", "delimiter": ",",
            "date_format": "%Y/%m/%d", "customer": "", "lead_days": "10", "column_reference": "订单号",
            "column_customer": "客户", "column_product": "商品编号", "column_quantity": "数量", **values}


def test_the_manager_creates_and_edits_a_channel_profile(client, manager):
    client.force_login(manager)
    response = client.post(reverse("edi:profile_create"), profile_data())
    profile = ChannelProfile.objects.get(code="JD")
    assert response.status_code == 302
    assert profile.columns == {"reference": "订单号", "customer": "客户", "product": "商品编号", "quantity": "数量"}
    assert (profile.encoding, profile.date_format, profile.lead_days) == ("gbk", "%Y/%m/%d", 10)
    url = reverse("edi:profile_edit", args=[profile.pk])
    assert client.post(url, profile_data(code="", date_format="%d.%m.%Y", column_unit_price="单价")).status_code == 302
    profile.refresh_from_db()
    assert profile.date_format == "%d.%m.%Y" and profile.columns["unit_price"] == "单价"
    assert ChangeLogEntry.objects.filter(content_type__model="channelprofile", object_id=str(profile.pk)).count() == 2


@pytest.mark.parametrize("values, message", [
    ({"date_format": "%Y"}, "does not read a date"),
    ({"date_format": "yyyy-mm-dd"}, "Python"),
    ({"column_product": ""}, "must name the columns"),
    ({"code": "TAKEN"}, "already has the code TAKEN"),
    ({"lead_days": "-3"}, "from 0 to 365"),
])
def test_bad_profile_input_is_shown_and_writes_nothing(client, manager, values, message):
    ChannelProfile.objects.create(code="TAKEN", name="Taken", columns={})
    client.force_login(manager)
    before = written()
    response = client.post(reverse("edi:profile_create"), profile_data(**values))
    assert response.status_code == 400 and message in response.content.decode()
    assert written() == before


def test_sales_read_profiles_but_may_not_change_them(client, manager):
    profile = ChannelProfile.objects.create(code="TM", name="天猫", columns={"reference": "单号"})
    sales = user_with_role("sales")
    client.force_login(sales)
    assert client.get(reverse("edi:profile_list")).status_code == 200
    url = reverse("edi:profile_edit", args=[profile.pk])
    page = client.get(url).content.decode()
    assert "单号" in page and 'data-testid="profile-form"' not in page
    assert client.post(url, profile_data()).status_code == 403
    assert client.get(reverse("edi:profile_create")).status_code == 403
    assert ChannelProfile.objects.get(pk=profile.pk).name == "天猫"


def test_the_lists_show_chinese_text_to_a_chinese_reader(client, manager, partner):
    set_user_language(actor=manager, language="zh-hans")
    client.force_login(manager)
    page = client.get(reverse("edi:partner_list")).content.decode()
    assert "贸易伙伴" in page and "汇星超市" in page
    page = client.get(reverse("edi:profile_list")).content.decode()
    assert "渠道导入方案" in page


def test_the_partner_list_costs_the_same_queries_for_one_partner_or_many(client, manager, partner, products):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(manager)
    url = reverse("edi:partner_list")
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        assert client.get(url).status_code == 200
    for n in range(4):
        TradingPartner.objects.create(code=f"P{n}", name=f"伙伴{n}", customer=partner.customer, sender_id=f"99{n}",
                                      our_id="1", order_owner=partner.order_owner)
    with CaptureQueriesContext(connection) as many:
        page = client.get(url)
    assert len(page.context["page"].object_list) == 5
    assert len(many) == len(one)
