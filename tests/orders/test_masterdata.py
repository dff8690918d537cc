"""Customer and product pages: lists, create/edit with contacts, deactivate, permissions, query counts."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from audit.models import ChangeAction, ChangeLogEntry
from orders import masterdata_services
from orders.masterdata_services import ContactInput
from orders.models import Customer, CustomerContact, Product
from tests.fixtures.factories import CustomerFactory, ProductFactory

pytestmark = pytest.mark.django_db


def customer_post(**overrides):
    data = {
        "code": "C100", "name": "华东机械有限公司", "name_en": "East China Machinery", "contact_name": "王经理",
        "contact_phone": "021-5555 1234", "contact_email": "wang@example.com", "billing_address": "上海市",
        "shipping_address": "上海市浦东新区", "credit_limit": "50000.00", "payment_terms": "net30",
        "currency": "CNY", "language": "zh-hans",
        "contacts-TOTAL_FORMS": "1", "contacts-INITIAL_FORMS": "0",
        "contacts-0-id": "", "contacts-0-name": "", "contacts-0-title": "", "contacts-0-phone": "",
        "contacts-0-email": "",
    }
    data.update(overrides)
    return data


def product_post(**overrides):
    data = {"sku": "P-100", "name": "工业清洁剂", "specification": "5L", "unit": "l",
            "standard_lead_time_days": "14", "list_price": "88.50", "currency": "CNY"}
    data.update(overrides)
    return data


def field_errors(response, field):
    return [str(e) for e in response.context["form"].errors.get(field, [])]


# --- lists ---------------------------------------------------------------------------------------

def test_customer_list_searches_filters_sorts_and_links(client, sales):
    CustomerFactory(code="A-001", name="华东机械", currency="CNY", contact_email="buyer@east.example")
    CustomerFactory(code="B-002", name="Pacific Tools", currency="USD")
    CustomerFactory(code="Z-999", name="Old Customer", is_active=False)
    client.force_login(sales)
    url = reverse("orders:customer_list")

    page = client.get(url)
    assert [c.code for c in page.context["page"]] == ["A-001", "B-002"]  # active only by default
    html = page.content.decode()
    assert reverse("orders:customer_create") in html and reverse("orders:customer_import") in html

    assert [c.code for c in client.get(url, {"q": "east.example"}).context["page"]] == ["A-001"]
    assert [c.code for c in client.get(url, {"q": "华东"}).context["page"]] == ["A-001"]
    assert [c.code for c in client.get(url, {"currency": "USD"}).context["page"]] == ["B-002"]
    assert [c.code for c in client.get(url, {"status": "inactive"}).context["page"]] == ["Z-999"]
    assert [c.code for c in client.get(url, {"status": "all", "sort": "-code"}).context["page"]] == [
        "Z-999", "B-002", "A-001"]


def test_customer_list_paginates_and_keeps_the_filters_in_page_links(client, sales):
    for n in range(30):
        CustomerFactory(code=f"K{n:03d}", currency="EUR")
    client.force_login(sales)
    response = client.get(reverse("orders:customer_list"), {"currency": "EUR"})
    assert len(response.context["page"].object_list) == 25
    assert "currency=EUR&amp;page=2" in response.content.decode()
    second = client.get(reverse("orders:customer_list"), {"currency": "EUR", "page": 2})
    assert [c.code for c in second.context["page"]] == [f"K{n:03d}" for n in range(25, 30)]


def _customer_list_queries(client):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("orders:customer_list"), {"per_page": 100, "status": "all"})
    assert response.status_code == 200
    return len(queries), len(response.context["page"].object_list)


def test_customer_list_costs_the_same_queries_for_5_and_50_customers(client, sales, django_assert_num_queries):
    for _ in range(5):
        customer = CustomerFactory()
        CustomerContact.objects.create(customer=customer, name="采购")
    client.force_login(sales)
    client.get(reverse("orders:customer_list"))  # warm the per-user caches like a real session would
    count_for_5, shown = _customer_list_queries(client)
    assert shown == 5
    for _ in range(45):
        customer = CustomerFactory()
        CustomerContact.objects.create(customer=customer, name="财务")
    with django_assert_num_queries(count_for_5):
        response = client.get(reverse("orders:customer_list"), {"per_page": 100, "status": "all"})
    assert len(response.context["page"].object_list) == 50
    assert count_for_5 <= 10


def test_product_list_filters_by_unit_and_everyone_may_view(client, role_users):
    ProductFactory(sku="P-1", unit="kg", name="Resin")
    ProductFactory(sku="P-2", unit="pcs", name="Bottle")
    client.force_login(role_users["qc"])
    url = reverse("orders:product_list")
    response = client.get(url, {"unit": "kg"})
    assert [p.sku for p in response.context["page"]] == ["P-1"]
    assert reverse("orders:product_create") not in response.content.decode()  # qc may not add products
    assert [p.sku for p in client.get(url, {"sort": "-sku"}).context["page"]] == ["P-2", "P-1"]
    client.force_login(role_users["planner"])
    html = client.get(url).content.decode()
    assert reverse("orders:product_create") in html and reverse("orders:product_import") in html


def test_product_list_query_count_does_not_grow(client, role_users, django_assert_num_queries):
    client.force_login(role_users["planner"])
    ProductFactory.create_batch(5)
    client.get(reverse("orders:product_list"))
    with CaptureQueriesContext(connection) as queries:
        client.get(reverse("orders:product_list"), {"per_page": 100})
    ProductFactory.create_batch(45)
    with django_assert_num_queries(len(queries)):
        response = client.get(reverse("orders:product_list"), {"per_page": 100})
    assert len(response.context["page"].object_list) == 50


# --- create and edit customers -------------------------------------------------------------------

def test_sales_creates_a_customer_with_contacts(client, sales):
    client.force_login(sales)
    data = customer_post(**{"contacts-TOTAL_FORMS": "2", "contacts-0-name": "李采购", "contacts-0-title": "Buyer",
                            "contacts-0-email": "li@example.com", "contacts-1-id": "", "contacts-1-name": "",
                            "contacts-1-title": "", "contacts-1-phone": "", "contacts-1-email": ""})
    response = client.post(reverse("orders:customer_create"), data)
    customer = Customer.objects.get(code="C100")
    assert response.status_code == 302 and response["Location"] == reverse("orders:customer_edit", args=[customer.pk])
    assert customer.name == "华东机械有限公司"
    assert customer.credit_limit == Decimal("50000.00")
    assert [(c.name, c.title, c.email) for c in customer.contacts.all()] == [("李采购", "Buyer", "li@example.com")]
    entry = ChangeLogEntry.objects.get(object_id=str(customer.pk), content_type__model="customer")
    assert entry.action == ChangeAction.CREATE and entry.actor == sales


@pytest.mark.parametrize("field, value, message", [
    ("credit_limit", "-1", "The amount cannot be negative."),
    ("credit_limit", "100.005", "The amount can have at most 2 decimals."),
    ("credit_limit", "12,5", "use a dot as the decimal separator"),
    ("credit_limit", "abc", "is not a number"),
    ("contact_email", "not-an-email", "Enter a valid e-mail address"),
    ("code", "C 100", "A code cannot contain spaces."),
    ("code", "", "Enter a code."),
    ("name", "", "Enter a name."),
])
def test_customer_form_rejects_bad_input_with_a_clear_message(client, sales, field, value, message):
    client.force_login(sales)
    response = client.post(reverse("orders:customer_create"), customer_post(**{field: value}))
    assert response.status_code == 200
    assert any(message in e for e in field_errors(response, field)), response.context["form"].errors
    assert not Customer.objects.exists()


def test_customer_code_must_be_unique(client, sales):
    CustomerFactory(code="C100")
    client.force_login(sales)
    response = client.post(reverse("orders:customer_create"), customer_post())
    assert field_errors(response, "code") == ["A customer with this code already exists."]
    assert Customer.objects.count() == 1


def test_contact_with_bad_email_or_without_name_is_refused(client, sales):
    client.force_login(sales)
    data = customer_post(**{"contacts-0-name": "", "contacts-0-email": "x@"})
    response = client.post(reverse("orders:customer_create"), data)
    errors = response.context["formset"].forms[0].errors
    assert "Enter a name." in errors["name"] and "Enter a valid e-mail address" in errors["email"][0]
    assert not Customer.objects.exists()


def test_edit_changes_fields_and_contacts_but_not_the_code(client, order_desk):
    customer = CustomerFactory(code="C200", name="Old name")
    keep = CustomerContact.objects.create(customer=customer, name="Keep", phone="1")
    drop = CustomerContact.objects.create(customer=customer, name="Drop")
    client.force_login(order_desk)
    page = client.get(reverse("orders:customer_edit", args=[customer.pk]))
    assert page.context["formset"].initial_form_count() == 2
    data = customer_post(code="HACKED", name="New name", **{
        "contacts-TOTAL_FORMS": "3", "contacts-INITIAL_FORMS": "2",
        "contacts-0-id": str(keep.pk), "contacts-0-name": "Keep", "contacts-0-phone": "2",
        "contacts-1-id": str(drop.pk), "contacts-1-name": "Drop", "contacts-1-DELETE": "on",
        "contacts-2-id": "", "contacts-2-name": "New", "contacts-2-email": "new@example.com",
    })
    response = client.post(reverse("orders:customer_edit", args=[customer.pk]), data)
    assert response.status_code == 302
    customer.refresh_from_db()
    assert customer.code == "C200" and customer.name == "New name"
    assert sorted((c.name, c.phone) for c in customer.contacts.all()) == [("Keep", "2"), ("New", "")]
    entry = ChangeLogEntry.objects.filter(object_id=str(customer.pk), action=ChangeAction.UPDATE).get()
    assert entry.changes["name"] == ["Old name", "New name"] and "contacts" in entry.changes


def test_a_contact_of_another_customer_cannot_be_edited_through_this_one(sales):
    mine, theirs = CustomerFactory(), CustomerFactory()
    foreign = CustomerContact.objects.create(customer=theirs, name="Theirs")
    with pytest.raises(ValidationError):
        masterdata_services.update_customer(actor=sales, customer=mine,
                                            contacts=[ContactInput(id=foreign.pk, name="Stolen")])
    foreign.refresh_from_db()
    assert foreign.name == "Theirs" and foreign.customer == theirs


def test_deactivate_keeps_the_customer_and_hides_it_from_the_default_list(client, sales):
    customer = CustomerFactory(code="C300")
    client.force_login(sales)
    response = client.post(reverse("orders:customer_edit", args=[customer.pk]), {"action": "deactivate"})
    assert response.status_code == 302
    customer.refresh_from_db()
    assert customer.is_active is False
    assert "C300" not in [c.code for c in client.get(reverse("orders:customer_list")).context["page"]]
    client.post(reverse("orders:customer_edit", args=[customer.pk]), {"action": "activate"})
    customer.refresh_from_db()
    assert customer.is_active is True


# --- permissions ---------------------------------------------------------------------------------

@pytest.mark.parametrize("role, url_name, method", [
    ("qc", "customer_create", "get"),
    ("qc", "customer_create", "post"),
    ("planner", "customer_create", "post"),
    ("warehouse", "customer_import", "get"),
    ("sales", "product_create", "post"),
    ("shipping", "product_create", "get"),
    ("order_desk", "product_import", "post"),
])
def test_roles_without_the_permission_get_403_and_nothing_is_written(client, role_users, role, url_name, method):
    client.force_login(role_users[role])
    url = reverse(f"orders:{url_name}")
    data = customer_post() if "customer" in url_name else product_post()
    response = client.post(url, data) if method == "post" else client.get(url)
    assert response.status_code == 403
    assert not Customer.objects.exists() and not Product.objects.exists()


def test_qc_sees_a_customer_read_only_and_cannot_change_or_deactivate_it(client, role_users):
    customer = CustomerFactory(code="C400", name="Before")
    client.force_login(role_users["qc"])
    page = client.get(reverse("orders:customer_edit", args=[customer.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-testid="customer-detail"' in html and 'data-testid="customer-form"' not in html
    assert client.post(reverse("orders:customer_edit", args=[customer.pk]),
                       customer_post(name="After")).status_code == 403
    assert client.post(reverse("orders:customer_edit", args=[customer.pk]), {"action": "deactivate"}).status_code == 403
    customer.refresh_from_db()
    assert customer.name == "Before" and customer.is_active


def test_anonymous_is_sent_to_login(client):
    response = client.get(reverse("orders:customer_list"))
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]


def test_services_check_the_permission_themselves(role_users):
    with pytest.raises(PermissionDenied):
        masterdata_services.create_customer(actor=role_users["qc"], code="X1", name="X")
    with pytest.raises(PermissionDenied):
        masterdata_services.create_product(actor=role_users["sales"], sku="X1", name="X")
    product = ProductFactory()
    with pytest.raises(PermissionDenied):
        masterdata_services.set_product_active(actor=role_users["qc"], product=product, active=False)
    assert not Customer.objects.exists()
    product.refresh_from_db()
    assert product.is_active


# --- products ------------------------------------------------------------------------------------

def test_planner_creates_and_edits_a_product(client, role_users):
    client.force_login(role_users["planner"])
    response = client.post(reverse("orders:product_create"), product_post())
    product = Product.objects.get(sku="P-100")
    assert response.status_code == 302
    assert (product.unit, product.standard_lead_time_days, product.list_price) == ("l", 14, Decimal("88.50"))
    response = client.post(reverse("orders:product_edit", args=[product.pk]),
                           product_post(sku="OTHER", list_price="90", standard_lead_time_days="0"))
    assert response.status_code == 302
    product.refresh_from_db()
    assert (product.sku, product.list_price, product.standard_lead_time_days) == ("P-100", Decimal("90"), 0)
    client.post(reverse("orders:product_edit", args=[product.pk]), {"action": "deactivate"})
    product.refresh_from_db()
    assert product.is_active is False and Product.objects.filter(pk=product.pk).exists()


@pytest.mark.parametrize("field, value, message", [
    ("standard_lead_time_days", "-1", "The lead time cannot be negative."),
    ("standard_lead_time_days", "2.5", "Enter a whole number of days."),
    ("list_price", "-0.01", "The amount cannot be negative."),
    ("list_price", "1.234", "The amount can have at most 2 decimals."),
    ("sku", "", "Enter a code."),
    ("name", "", "Enter a name."),
])
def test_product_form_rejects_bad_input(client, role_users, field, value, message):
    client.force_login(role_users["planner"])
    response = client.post(reverse("orders:product_create"), product_post(**{field: value}))
    assert response.status_code == 200
    assert any(message in e for e in field_errors(response, field)), response.context["form"].errors
    assert not Product.objects.exists()


def test_product_sku_must_be_unique(client, role_users):
    ProductFactory(sku="P-100")
    client.force_login(role_users["manager"])
    response = client.post(reverse("orders:product_create"), product_post())
    assert field_errors(response, "sku") == ["A product with this SKU already exists."]
    assert Product.objects.count() == 1
