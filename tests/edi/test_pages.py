"""The EDI inbox, a message's page with its fix (mapping, re-process) and the channel import page, through
the test client in the order desk's / sales' language: permissions, what people read, bad input writing
nothing."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.services import set_user_language
from edi import inbound
from edi.models import ChannelProfile, EdiMessage, MessageStatus, ProductMapping
from orders.models import Order
from tests.fixtures.factories import CustomerFactory, user_with_role

from .conftest import data
from .test_channels import WEEK_1

pytestmark = pytest.mark.django_db


@pytest.fixture
def failed(partner):
    [outcome] = inbound.receive_interchange(actor=None, text=data("orders_unknown_product.edi"),
                                            file_name="hx-1203.edi")
    return outcome.message


@pytest.fixture
def chinese_desk(desk):
    set_user_language(actor=desk, language="zh-hans")
    return desk


def test_pages_need_their_permission(client, failed):
    client.force_login(user_with_role("planner"))
    for url in (reverse("edi:inbox"), reverse("edi:message_detail", args=[failed.pk]),
                reverse("edi:channel_import")):
        assert client.get(url).status_code == 403
    for url in (reverse("edi:map_product", args=[failed.pk]), reverse("edi:reprocess", args=[failed.pk])):
        assert client.post(url).status_code == 403
    assert EdiMessage.objects.get().status == MessageStatus.FAILED


def test_inbox_in_chinese_shows_the_failed_message_and_why(client, failed, chinese_desk):
    client.force_login(chinese_desk)
    page = client.get(reverse("edi:inbox")).content.decode()
    assert "EDI 收件箱" in page and "1 条报文待处理" in page
    assert "第 1 行:HX 的产品编码 HX-9999 未对应我方产品" in page
    assert "失败" in page
    assert "PO-88004" in page and "汇星超市" in page


def test_bad_mapping_input_is_refused_and_writes_nothing(client, failed, chinese_desk, products):
    client.force_login(chinese_desk)
    url = reverse("edi:map_product", args=[failed.pk])
    for post in ({"partner_code": "HX-9999"}, {"partner_code": "HX-1234", "product": products["CL-500"].pk},
                 {"partner_code": "HX-9999", "product": "999999"}):
        response = client.post(url, post)
        assert response.status_code == 400
    page = response.content.decode()
    assert "请选择一个启用中的产品。" in page
    assert ProductMapping.objects.count() == 2


def test_fix_the_mapping_and_process_again_from_the_page(client, failed, chinese_desk, products):
    client.force_login(chinese_desk)
    detail = client.get(reverse("edi:message_detail", args=[failed.pk])).content.decode()
    assert "把对方产品编码对应到我方产品" in detail and "HX-9999" in detail and "重新处理" in detail
    response = client.post(reverse("edi:map_product", args=[failed.pk]),
                           {"partner_code": "HX-9999", "product": products["CL-750"].pk}, follow=True)
    assert "汇星超市 的 HX-9999 已对应我方 CL-750。" in response.content.decode()
    response = client.post(reverse("edi:reprocess", args=[failed.pk]), follow=True)
    order = Order.objects.get(customer_po="PO-88004")
    page = response.content.decode()
    assert f"已由报文 U1 创建订单 {order.number},等待订单评审。" in page
    assert "已处理" in page
    again = client.post(reverse("edi:reprocess", args=[failed.pk]), follow=True).content.decode()
    assert "只有处理失败的报文才能重新处理。" in again
    assert Order.objects.filter(customer_po="PO-88004").count() == 1


def test_channel_import_page_imports_and_refuses_bad_input(client, products):
    seller = user_with_role("sales")
    set_user_language(actor=seller, language="zh-hans")
    profile = ChannelProfile.objects.create(
        code="TMALL", name="天猫旗舰店", encoding="gbk", date_format="%Y/%m/%d %H:%M:%S",
        customer=CustomerFactory(code="TMALL-C"),
        columns={"reference": "订单编号", "product": "商家编码", "quantity": "购买数量", "unit_price": "单价",
                 "requested_date": "期望到货时间"})
    client.force_login(seller)
    url = reverse("edi:channel_import")
    assert "从渠道导入订单" in client.get(url).content.decode()
    response = client.post(url, {"profile": profile.pk})
    assert response.status_code == 400 and not Order.objects.exists()
    response = client.post(url, {"profile": profile.pk,
                                 "file": SimpleUploadedFile("w.csv", WEEK_1.encode("utf-8"))})
    assert response.status_code == 400 and "文件编码与该渠道的编码" in response.content.decode()
    assert not Order.objects.exists()
    response = client.post(url, {"profile": profile.pk, "file": SimpleUploadedFile("w.csv", WEEK_1.encode("gbk"))})
    page = response.content.decode()
    assert response.status_code == 200 and "已创建 2 个订单" in page and "TB20261201001" in page
    assert Order.objects.count() == 2


def test_inbox_costs_the_same_queries_whatever_the_number_of_messages(client, partner, desk):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(desk)
    inbound.receive_interchange(actor=None, text=data("orders_d96a.edi"))
    with CaptureQueriesContext(connection) as one:
        assert client.get(reverse("edi:inbox")).status_code == 200
    inbound.receive_interchange(actor=None, text=data("orders_d01b.edi"))
    inbound.receive_interchange(actor=None, text=data("orders_unknown_product.edi"))
    with CaptureQueriesContext(connection) as four:
        page = client.get(reverse("edi:inbox")).content.decode()
    assert page.count('data-testid="edi-row"') == 4
    assert len(four.captured_queries) == len(one.captured_queries)
