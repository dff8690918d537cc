"""An order has two notes: internal notes for our staff and notes for the customer. The entry and edit
forms offer both, each saying who sees it, in the user's language; the order page shows both under their
own names; the migration made every existing note internal (it had been printed for customers)."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.middleware import SESSION_LANGUAGE_KEY
from orders.models import Order
from tests.fixtures.factories import CustomerFactory, ProductFactory, user_with_role
from tests.fixtures.fresh_database import run_in_fresh_database

INTERNAL = "内部备注：客户首单，注意付款情况"
FOR_CUSTOMER = "请提前一天电话通知收货"

LABELS = {
    "zh-hans": ("内部备注", "客户备注", "仅供本公司员工查看，不会打印在任何客户单据上，也不会向客户显示。",
                "打印在订单确认书和送货单上，并显示在客户的订单跟踪页面。"),
    "en": ("Internal notes", "Notes for the customer",
           "Seen only by our staff. Never printed on customer documents or shown to the customer.",
           "Printed on the order confirmation and the delivery note, and shown on the customer&#x27;s tracking page."),
}


def signed_in(client, user, language):
    client.force_login(user)
    session = client.session
    session[SESSION_LANGUAGE_KEY] = language
    session.save()
    return client


def field_block(page, name):
    """The form field's block on the entry page: its label, input and help text."""
    match = re.search(rf'<div class="field[^"]*" data-field="{name}">(.*?)</div>\s*</div>|'
                      rf'<div class="field[^"]*" data-field="{name}">(.*?)\n    </div>', page, re.S)
    assert match, name
    return match.group(1) or match.group(2)


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_entry_form_offers_both_notes_saying_who_sees_them(client, language):
    internal_label, customer_label, internal_help, customer_help = LABELS[language]
    page = signed_in(client, user_with_role("sales"), language).get(reverse("orders:create")).content.decode()
    internal, customer = field_block(page, "internal_notes"), field_block(page, "customer_notes")
    assert internal_label in internal and internal_help in internal and "<textarea" in internal
    assert customer_label in customer and customer_help in customer and "<textarea" in customer


@pytest.mark.django_db
def test_each_note_is_saved_edited_and_shown_in_its_own_field(client):
    sales = user_with_role("sales")
    customer, product = CustomerFactory(), ProductFactory(list_price=Decimal("10"))
    form = {"customer": customer.code, "channel": "browser", "priority": "normal", "customer_po": "",
            "requested_date": (timezone.localdate() + timedelta(days=30)).isoformat(), "action": "save",
            "internal_notes": INTERNAL, "customer_notes": FOR_CUSTOMER, "lines-TOTAL_FORMS": "1",
            "lines-INITIAL_FORMS": "0", "lines-0-product": product.sku, "lines-0-quantity": "5",
            "lines-0-unit_price": "10"}
    client = signed_in(client, sales, "zh-hans")
    assert client.post(reverse("orders:create"), form).status_code == 302
    order = Order.objects.get()
    assert (order.internal_notes, order.customer_notes) == (INTERNAL, FOR_CUSTOMER)

    edit_page = client.get(reverse("orders:edit", args=[order.pk])).content.decode()
    assert INTERNAL in field_block(edit_page, "internal_notes")
    assert FOR_CUSTOMER in field_block(edit_page, "customer_notes")
    changed = {**form, "internal_notes": "付款已确认", "customer_notes": "送货时请带送货单"}
    assert client.post(reverse("orders:edit", args=[order.pk]), changed).status_code == 302
    order.refresh_from_db()
    assert (order.internal_notes, order.customer_notes) == ("付款已确认", "送货时请带送货单")

    detail = client.get(reverse("orders:detail", args=[order.pk])).content.decode()
    assert re.search(r"<dt>内部备注</dt><dd[^>]*>付款已确认</dd>", detail)
    assert re.search(r"<dt>客户备注</dt><dd[^>]*>送货时请带送货单</dd>", detail)


@pytest.mark.django_db(transaction=True)  # CREATE/DROP DATABASE run outside a transaction
def test_the_migration_makes_existing_notes_internal(tmp_path):
    script = f"""
old = migrate_to([("orders", "0008_received_at_index")])
user = old.get_model("auth", "User").objects.create(username="old-sales")
customer = old.get_model("orders", "Customer").objects.create(code="OLD-1", name="老客户")
old.get_model("orders", "Order").objects.create(number="SO-2025-00001", customer_id=customer.pk,
                                                requested_date="2025-06-01", notes={INTERNAL!r},
                                                created_by_id=user.pk)
new = migrate_to([("orders", "0009_split_internal_and_customer_notes")])
order = new.get_model("orders", "Order").objects.get(number="SO-2025-00001")
print("NOTES", repr((order.internal_notes, order.customer_notes)))
"""
    output = run_in_fresh_database(script, tmp_path)
    assert f"NOTES {(INTERNAL, '')!r}" in output.splitlines()
