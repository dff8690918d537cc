"""The master-data change log: every create/update/delete of customers, products, work centers,
routings, BOMs and inspection plans, made through the app's services and pages, the imports or the
Django admin, writes one entry with the old and new values as stored; a refused edit writes none."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse

from audit.models import ChangeAction, ChangeLogEntry
from inventory import services as inventory_services
from orders import masterdata_services
from orders.models import Customer, CustomerContact, Product
from planning import routing_services
from planning import services as planning_services
from planning.models import Routing
from quality import plan_services
from quality.models import InspectionPlan
from tests.fixtures.factories import CustomerFactory, ProductFactory, user_with_role
from tests.inventory.masterdata import made_item, make_bom, make_calendar, make_item, make_routing, make_work_center
from tests.planning.test_masterdata_import import confirm, upload
from tests.quality.setup import CRACK, DIAMETER, VISUAL, give_plan

pytestmark = pytest.mark.django_db


def entries_of(instance):
    return list(ChangeLogEntry.objects.filter(content_type__model=type(instance)._meta.model_name,
                                              object_id=str(instance.pk)).order_by("pk"))


def only_entry(instance, action):
    entries = [e for e in entries_of(instance) if e.action == action]
    assert len(entries) == 1, entries
    return entries[0]


# --- the app's own services and pages ------------------------------------------------------------

def test_customer_page_edit_logs_old_and_new_values_with_contacts(client, order_desk):
    customer = CustomerFactory(code="C200", name="Old name", credit_limit=Decimal("5000.00"), payment_terms="net30")
    CustomerContact.objects.create(customer=customer, name="Keep", phone="1")
    keep = customer.contacts.get()
    client.force_login(order_desk)
    response = client.post(reverse("orders:customer_edit", args=[customer.pk]), {
        "code": "C200", "name": "New name", "credit_limit": "6000.50", "payment_terms": "net60",
        "currency": customer.currency, "language": customer.language,
        "contacts-TOTAL_FORMS": "1", "contacts-INITIAL_FORMS": "1", "contacts-MIN_NUM_FORMS": "0",
        "contacts-MAX_NUM_FORMS": "1000", "contacts-0-id": str(keep.pk), "contacts-0-name": "Keep",
        "contacts-0-phone": "2"})
    assert response.status_code == 302, response.context["form"].errors
    entry = only_entry(customer, ChangeAction.UPDATE)
    assert entry.actor == order_desk
    assert entry.changes["name"] == ["Old name", "New name"]
    assert entry.changes["credit_limit"] == ["5000.00", "6000.50"]
    assert entry.changes["payment_terms"] == ["net30", "net60"]
    old_rows, new_rows = entry.changes["contacts"]
    assert [(r["name"], r["phone"]) for r in old_rows] == [("Keep", "1")]
    assert [(r["name"], r["phone"]) for r in new_rows] == [("Keep", "2")]
    assert "code" not in entry.changes and "updated_at" not in entry.changes


def test_customer_creation_logs_the_values_it_was_created_with(sales):
    customer = masterdata_services.create_customer(
        actor=sales, code="C300", name="华东", credit_limit=Decimal("10.00"),
        contacts=[masterdata_services.ContactInput(name="王")])
    entry = only_entry(customer, ChangeAction.CREATE)
    assert entry.changes["code"] == [None, "C300"] and entry.changes["credit_limit"] == [None, "10.00"]
    assert entry.changes["contacts"][0] is None and entry.changes["contacts"][1][0]["name"] == "王"
    assert entry.object_repr == str(customer)


def test_product_update_through_the_service_logs_one_entry(role_users):
    planner = role_users["planner"]
    product = ProductFactory(list_price=Decimal("12.50"), standard_lead_time_days=14, unit="pcs")
    masterdata_services.update_product(actor=planner, product=product, list_price=Decimal("13.75"),
                                       standard_lead_time_days=20, unit="set")
    entry = only_entry(product, ChangeAction.UPDATE)
    assert entry.changes == {"list_price": ["12.50", "13.75"], "standard_lead_time_days": [14, 20],
                             "unit": ["pcs", "set"]}
    masterdata_services.update_product(actor=planner, product=product, list_price=Decimal("13.75"))
    assert len(entries_of(product)) == 1  # nothing changed: nothing logged


def test_work_center_update_logs_the_calendar_as_its_id_and_the_time_as_stored(role_users):
    planner = role_users["planner"]
    first, second = make_calendar("Day"), make_calendar("Night")
    center = make_work_center("LATHE", calendar=first)
    down = datetime.datetime(2026, 3, 5, 8, 0, tzinfo=datetime.UTC)
    planning_services.update_work_center(actor=planner, center=center, calendar=second,
                                         efficiency_percent=Decimal("85.50"), down_until=down)
    entry = only_entry(center, ChangeAction.UPDATE)
    assert entry.changes["calendar"] == [first.pk, second.pk]
    assert entry.changes["efficiency_percent"] == ["100.00", "85.50"]
    assert entry.changes["down_until"] == [None, down.isoformat()]


def test_a_new_routing_version_logs_what_changed_from_the_version_it_replaces(role_users):
    planner = role_users["planner"]
    lathe, mill = make_work_center("LATHE"), make_work_center("MILL")
    shaft = made_item("SHAFT")
    v1 = make_routing(shaft, [(10, lathe, 5, 1), (20, mill, 0, 2)])
    v2 = routing_services.save_routing(actor=planner, item=shaft, operations=[
        routing_services.OperationInput(sequence=10, work_center=lathe, setup_minutes=Decimal("5"),
                                         run_minutes_per_unit=Decimal("1")),
        routing_services.OperationInput(sequence=20, work_center=lathe, setup_minutes=Decimal("0"),
                                         run_minutes_per_unit=Decimal("2.5"))])
    entry = only_entry(v2, ChangeAction.CREATE)
    assert entry.actor == planner and entry.changes["version"] == [1, 2]
    old_ops, new_ops = entry.changes["operations"]
    gone = [row for row in old_ops if row not in new_ops]
    added = [row for row in new_ops if row not in old_ops]
    assert [(r["sequence"], r["work_center"], r["run_minutes_per_unit"]) for r in gone] == [(20, mill.pk, "2.000")]
    assert [(r["sequence"], r["work_center"], r["run_minutes_per_unit"]) for r in added] == [(20, lathe.pk, "2.500")]
    routing_services.activate_routing(actor=planner, routing=v1)
    assert only_entry(v1, ChangeAction.UPDATE).changes == {"is_active": [False, True]}
    routing_services.set_routing_batch_size(actor=planner, item=shaft, max_batch_size=Decimal("50"))
    assert [e.changes for e in entries_of(v1)][-1] == {"max_batch_size": [None, "50.000"]}


def test_a_new_bom_version_logs_its_lines_old_and_new(role_users):
    planner = role_users["planner"]
    bolt, nut = make_item("BOLT"), make_item("NUT")
    frame = made_item("FRAME")
    v1 = make_bom(frame, [(bolt, "4", "0")])
    entry = only_entry(v1, ChangeAction.CREATE)
    assert entry.changes["lines"][0] is None and entry.changes["lines"][1][0]["component"] == bolt.pk
    v2 = inventory_services.save_bom(actor=planner, item=frame, lines=[
        inventory_services.BomLineInput(component=bolt, quantity=Decimal("6")),
        inventory_services.BomLineInput(component=nut, quantity=Decimal("6"), scrap_percent=Decimal("2.5"))])
    entry = only_entry(v2, ChangeAction.CREATE)
    old_lines, new_lines = entry.changes["lines"]
    assert [(r["component"], r["quantity"]) for r in old_lines] == [(bolt.pk, "4.000")]
    assert [(r["component"], r["quantity"], r["scrap_percent"]) for r in new_lines] == [
        (bolt.pk, "6.000", "0.00"), (nut.pk, "6.000", "2.50")]
    inventory_services.deactivate_bom(actor=planner, item=frame)
    assert only_entry(v2, ChangeAction.UPDATE).changes == {"is_active": [True, False]}


def test_a_new_inspection_plan_version_logs_header_and_characteristics(db):
    qc = user_with_role("qc")
    product = ProductFactory()
    v1 = give_plan(product, actor=qc)
    assert only_entry(v1, ChangeAction.CREATE).changes["aql_major"] == [None, "1.0"]
    v2 = plan_services.save_inspection_plan(
        actor=qc, product=product, inspection_level="II", aql_critical="0.25", aql_major="0.65", aql_minor="4.0",
        characteristics=[DIAMETER, VISUAL])
    entry = only_entry(v2, ChangeAction.CREATE)
    assert entry.changes["aql_major"] == ["1.0", "0.65"] and entry.changes["version"] == [1, 2]
    old_rows, new_rows = entry.changes["characteristics"]
    assert CRACK.name in [r["name"] for r in old_rows] and CRACK.name not in [r["name"] for r in new_rows]
    plan_services.activate_inspection_plan(actor=qc, plan=v1)
    assert only_entry(v1, ChangeAction.UPDATE).changes == {"is_active": [False, True]}


# --- refused edits write nothing -------------------------------------------------------------------

def test_a_refused_edit_writes_no_entry(client, order_desk, role_users):
    customer = CustomerFactory(credit_limit=Decimal("5000.00"))
    with pytest.raises(ValidationError):
        masterdata_services.update_customer(actor=order_desk, customer=customer, credit_limit=Decimal("-1"))
    product = ProductFactory()
    client.force_login(role_users["planner"])
    page = client.post(reverse("orders:product_edit", args=[product.pk]),
                       {"name": "", "unit": "pcs", "standard_lead_time_days": "-3", "list_price": "abc",
                        "currency": "CNY"})
    assert page.status_code == 200
    shaft, lathe = made_item("SHAFT"), make_work_center("LATHE")
    with pytest.raises(ValidationError):
        routing_services.save_routing(actor=role_users["planner"], item=shaft, operations=[
            routing_services.OperationInput(sequence=10, work_center=lathe, run_minutes_per_unit=Decimal("0"))])
    with pytest.raises(ValidationError):
        give_plan(product, characteristics=[])
    assert not ChangeLogEntry.objects.filter(content_type__model__in=["customer", "product", "routing",
                                                                      "inspectionplan"]).exists()


def test_the_entry_rolls_back_with_the_change(order_desk):
    """Written in the service's transaction: when the change fails after logging, neither is kept."""
    customer = CustomerFactory(name="Before")
    with pytest.raises(RuntimeError), transaction.atomic():
        masterdata_services.update_customer(actor=order_desk, customer=customer, name="After")
        assert len(entries_of(customer)) == 1
        raise RuntimeError("the surrounding work failed")
    customer.refresh_from_db()
    assert customer.name == "Before" and entries_of(customer) == []


def test_entries_cannot_be_rewritten_or_deleted(order_desk):
    customer = CustomerFactory(name="Before")
    masterdata_services.update_customer(actor=order_desk, customer=customer, name="After")
    entry = entries_of(customer)[0]
    entry.changes = {}
    with pytest.raises(ValidationError):
        entry.save()
    with pytest.raises(ValidationError):
        entry.delete()


# --- imports --------------------------------------------------------------------------------------

def test_a_work_center_import_logs_old_and_new_values(client, role_users):
    planner = role_users["planner"]
    calendar = make_calendar("Day")
    center = make_work_center("WC-1", calendar=calendar, parallel_units=1)
    client.force_login(planner)
    text = f"code,name,parallel units,calendar\nWC-1,{center.name},3,{calendar.name}\n"
    preview = upload(client, "planning:work_center_import", "wc.csv", text.encode())
    assert confirm(client, "planning:work_center_import", preview).status_code == 302
    center.refresh_from_db()
    assert center.parallel_units == 3
    entry = only_entry(center, ChangeAction.UPDATE)
    assert entry.actor == planner and entry.changes == {"parallel_units": [1, 3]}


# --- the Django admin ---------------------------------------------------------------------------

def admin_form_data(response):
    """The POST data of an admin change page as it stands (the main form and its inlines)."""
    data = {}

    def put(form):
        for name in form.fields:
            value = form[name].value()
            if value is True:
                data[form.add_prefix(name)] = "on"
            elif value is not None and value is not False:
                data[form.add_prefix(name)] = str(value)

    put(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        put(inline.formset.management_form)
        for form in inline.formset.forms:
            put(form)
    return data


@pytest.fixture
def superuser(client, django_user_model):
    user = django_user_model.objects.create_superuser("root", "root@example.com", "pw-OrderFlow-2026")
    client.force_login(user)
    return user


def test_admin_edit_of_a_customer_logs_old_and_new_values_with_its_contacts(client, superuser):
    customer = CustomerFactory(name="Old name", credit_limit=Decimal("100.00"))
    CustomerContact.objects.create(customer=customer, name="Li", phone="1")
    url = reverse("admin:orders_customer_change", args=[customer.pk])
    data = admin_form_data(client.get(url))
    data.update({"name": "Admin name", "credit_limit": "250.00", "contacts-0-phone": "99"})
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    entry = only_entry(customer, ChangeAction.UPDATE)
    assert entry.actor == superuser
    assert entry.changes["name"] == ["Old name", "Admin name"]
    assert entry.changes["credit_limit"] == ["100.00", "250.00"]
    assert [(r["name"], r["phone"]) for r in entry.changes["contacts"][1]] == [("Li", "99")]


def test_admin_edit_of_a_product_and_a_work_center_log_one_entry_each(client, superuser):
    product = ProductFactory(list_price=Decimal("1.00"))
    url = reverse("admin:orders_product_change", args=[product.pk])
    data = admin_form_data(client.get(url))
    data["list_price"] = "2.00"
    assert client.post(url, data).status_code == 302
    assert only_entry(product, ChangeAction.UPDATE).changes == {"list_price": ["1.00", "2.00"]}

    center = make_work_center("WC-A", parallel_units=1)
    url = reverse("admin:planning_workcenter_change", args=[center.pk])
    data = admin_form_data(client.get(url))
    data["parallel_units"] = "4"
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert only_entry(center, ChangeAction.UPDATE).changes == {"parallel_units": [1, 4]}


def test_admin_add_and_delete_are_logged(client, superuser):
    response = client.post(reverse("admin:orders_product_add"), {
        "sku": "ADM-1", "name": "Admin product", "unit": "pcs", "standard_lead_time_days": "5",
        "list_price": "9.90", "currency": "CNY", "is_active": "on"})
    assert response.status_code == 302
    product = Product.objects.get(sku="ADM-1")
    assert only_entry(product, ChangeAction.CREATE).changes["list_price"] == [None, "9.90"]
    pk = product.pk
    assert client.post(reverse("admin:orders_product_delete", args=[pk]), {"post": "yes"}).status_code == 302
    entry = ChangeLogEntry.objects.get(action=ChangeAction.DELETE)
    assert entry.object_id == str(pk) and entry.changes["sku"] == ["ADM-1", None] and entry.actor == superuser


def test_admin_plan_version_is_logged_through_the_service(client, superuser):
    product = ProductFactory()
    header = {"product": product.pk, "valid_from": "2026-01-05", "inspection_level": "II", "aql_critical": "0.10",
              "aql_major": "1.0", "aql_minor": "2.5"}
    forms = {"TOTAL_FORMS": "1", "INITIAL_FORMS": "0", "0-position": "1", "0-name": "Width", "0-kind": "attribute",
             "0-defect_class": "minor"}
    data = {**header, **{f"characteristics-{key}": value for key, value in forms.items()}}
    assert client.post(reverse("admin:quality_inspectionplan_add"), data).status_code == 302
    plan = InspectionPlan.objects.get(product=product)
    entry = only_entry(plan, ChangeAction.CREATE)
    assert entry.actor == superuser and entry.changes["characteristics"][1][0]["name"] == "Width"


def test_boms_and_routings_stay_read_only_in_the_admin(client, superuser):
    routing = make_routing(made_item("SHAFT"), [(10, make_work_center("LATHE"), 5, 1)])
    before = ChangeLogEntry.objects.count()
    response = client.post(reverse("admin:planning_routing_change", args=[routing.pk]), {"note": "x"})
    assert response.status_code == 403
    assert ChangeLogEntry.objects.count() == before and Routing.objects.get().note == ""
    assert Customer.objects.count() == 0
