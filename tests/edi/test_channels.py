"""Channel import profiles: a shop platform's GBK export read with its saved column names and date format;
orders keep their channel and external reference, and the next week's export (overlapping) adds nothing
twice. Bad files change nothing."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from edi.channels import import_channel_file
from edi.models import ChannelProfile, ExternalOrder
from imports.tables import ImportFileError
from orders.models import Channel, Order, OrderStatus
from tests.fixtures.factories import CustomerFactory, user_with_role

pytestmark = pytest.mark.django_db

HEADER = "订单编号,商家编码,购买数量,单价,期望到货时间,买家留言\n"
WEEK_1 = HEADER + ("TB20261201001,CL-500,100,11.50,2030/12/20 00:00:00,\n"
                   "TB20261201001,CL-750,20,,2030/12/20 00:00:00,\n"
                   "TB20261202007,CL-500,8,12.00,2030/12/28 00:00:00,请尽快发货\n")
WEEK_2 = HEADER + ("TB20261202007,CL-500,8,12.00,2030/12/28 00:00:00,请尽快发货\n"
                   "TB20261208003,CL-750,15,15.80,2031/01/05 00:00:00,\n")


@pytest.fixture
def shop(products):
    return ChannelProfile.objects.create(
        code="TMALL", name="天猫旗舰店", encoding="gbk", delimiter=",", date_format="%Y/%m/%d %H:%M:%S",
        customer=CustomerFactory(code="TMALL-C", name="天猫旗舰店零售客户"),
        columns={"reference": "订单编号", "product": "商家编码", "quantity": "购买数量", "unit_price": "单价",
                 "requested_date": "期望到货时间", "customer_notes": "买家留言"})


@pytest.fixture
def sales(db):
    return user_with_role("sales", username="shop_sales")


def test_gbk_export_imports_with_the_profile_and_keeps_channel_and_reference(shop, sales):
    result = import_channel_file(actor=sales, profile=shop, data=WEEK_1.encode("gbk"), filename="tmall-w49.csv")
    assert result.errors == [] and result.skipped == []
    assert sorted(o.customer_po for o in result.created) == ["TB20261201001", "TB20261202007"]
    first = Order.objects.get(customer_po="TB20261201001")
    assert first.status == OrderStatus.SUBMITTED and first.channel == Channel.IMPORT
    assert first.customer == shop.customer and first.requested_date == date(2030, 12, 20)
    assert list(first.lines.order_by("line_no").values_list("product__sku", "quantity", "unit_price")) == [
        ("CL-500", Decimal("100.000"), Decimal("11.50")), ("CL-750", Decimal("20.000"), Decimal("16.00"))]
    assert Order.objects.get(customer_po="TB20261202007").customer_notes == "请尽快发货"
    assert first.external_channel.profile == shop and first.external_channel.external_ref == "TB20261201001"


def test_next_weeks_overlapping_export_does_not_duplicate(shop, sales):
    import_channel_file(actor=sales, profile=shop, data=WEEK_1.encode("gbk"), filename="w49.csv")
    again = Order.objects.get(customer_po="TB20261202007").number
    result = import_channel_file(actor=sales, profile=shop, data=WEEK_2.encode("gbk"), filename="w50.csv")
    assert [o.customer_po for o in result.created] == ["TB20261208003"]
    assert result.skipped == [("TB20261202007", again)]
    assert Order.objects.count() == 3 and ExternalOrder.objects.count() == 3
    # the same file once more: nothing new
    result = import_channel_file(actor=sales, profile=shop, data=WEEK_2.encode("gbk"), filename="w50.csv")
    assert result.created == [] and len(result.skipped) == 2 and Order.objects.count() == 3


def test_utf8_bom_profile_without_a_date_column_uses_the_lead_days(products, sales):
    crm = ChannelProfile.objects.create(code="CRM", name="CRM", kind="crm", encoding="utf-8-sig", delimiter=";",
                                        lead_days=30, columns={"reference": "Deal", "customer": "Account",
                                                               "product": "SKU", "quantity": "Qty"})
    CustomerFactory(code="ACME")
    data = "Deal;Account;SKU;Qty\nD-77;ACME;CL-500;50\n".encode("utf-8-sig")
    [order] = import_channel_file(actor=sales, profile=crm, data=data, filename="crm.csv").created
    assert order.customer.code == "ACME" and order.lines.get().unit_price == Decimal("12.00")
    assert (order.requested_date - order.created_at.date()).days in (29, 30, 31)


@pytest.mark.parametrize(("data", "expected"), [
    (WEEK_1.encode("utf-8"), "not in the channel's encoding"),
    (b"", "empty"),
    ("订单号,商家编码\nX,CL-500\n".encode("gbk"), "no column"),
])
def test_unreadable_files_are_refused_and_write_nothing(shop, sales, data, expected):
    with pytest.raises(ImportFileError, match=expected):
        import_channel_file(actor=sales, profile=shop, data=data, filename="bad.csv")
    assert not Order.objects.exists() and not ExternalOrder.objects.exists()


def test_bad_rows_are_listed_and_nothing_is_imported(shop, sales):
    data = HEADER + ("TB1,CL-500,100,11.50,2030-12-20,\n"  # not the channel's date format
                     "TB2,NOPE-1,5,1.00,2030/12/20 00:00:00,\n"  # unknown product
                     "TB3,CL-500,-4,1.00,2030/12/20 00:00:00,\n")  # negative quantity
    result = import_channel_file(actor=sales, profile=shop, data=data.encode("gbk"), filename="bad.csv")
    assert result.created == [] and len(result.errors) == 1 and "2030-12-20" in result.errors[0]
    fixed_dates = data.replace("2030-12-20", "2030/12/20 00:00:00")
    result = import_channel_file(actor=sales, profile=shop, data=fixed_dates.encode("gbk"), filename="bad.csv")
    assert result.created == [] and len(result.errors) == 2
    assert result.errors[0].startswith("Row 3:") and "NOPE-1" in result.errors[0]
    assert result.errors[1].startswith("Row 4:")
    assert not Order.objects.exists() and not ExternalOrder.objects.exists()


def test_a_profile_missing_required_fields_and_a_user_without_rights_are_refused(shop, products):
    shop.columns = {"reference": "订单编号"}
    with pytest.raises(ValidationError):
        import_channel_file(actor=user_with_role("sales"), profile=shop, data=WEEK_1.encode("gbk"))
    with pytest.raises(PermissionDenied):
        import_channel_file(actor=user_with_role("planner"), profile=shop, data=WEEK_1.encode("gbk"))
    assert not Order.objects.exists()
