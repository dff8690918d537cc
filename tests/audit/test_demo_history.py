"""The demo master data (what `setup_demo` loads: customers, products, items, BOMs, routings, work centers and
calendars, inspection plans, suppliers, warehouses, locations) starts its change history with a "created"
entry, as the master-data services write it, so a record page's history section is not empty after
`make run`."""

from io import StringIO

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.urls import reverse

from audit.models import ChangeAction, ChangeLogEntry
from inventory.models import BillOfMaterials, Item, Location, Supplier, Warehouse
from orders.models import Customer, Product
from planning.models import Routing, WorkCalendar, WorkCenter
from quality.models import InspectionPlan
from tests.fixtures.factories import user_with_role

pytestmark = pytest.mark.django_db

MASTER_DATA = [Customer, Product, Item, BillOfMaterials, Routing, WorkCenter, WorkCalendar, InspectionPlan,
               Supplier, Warehouse, Location]


def test_every_demo_record_has_its_creation_in_the_change_log(client):
    for command in ("seed_demo", "seed_planning_demo", "seed_stock_demo", "seed_quality_demo"):
        call_command(command, force=True, stdout=StringIO(), stderr=StringIO())
    for model in MASTER_DATA:
        ids = {str(pk) for pk in model.objects.values_list("pk", flat=True)}
        assert ids, f"the demo made no {model.__name__}"
        created = set(ChangeLogEntry.objects.filter(content_type=ContentType.objects.get_for_model(model),
                                                    action=ChangeAction.CREATE).values_list("object_id", flat=True))
        assert ids - created == set(), f"{model.__name__} without a creation entry"
    admin = Customer.objects.order_by("pk").first()
    entry = ChangeLogEntry.objects.get(content_type=ContentType.objects.get_for_model(Customer),
                                       object_id=str(admin.pk))
    assert entry.actor.username == "admin" and entry.changes["name"] == [None, admin.name]

    client.force_login(user_with_role("manager"))
    for url in (reverse("orders:customer_edit", args=[admin.pk]),
                reverse("orders:product_edit", args=[Product.objects.order_by("pk").first().pk])):
        page = client.get(url).content.decode()
        start = page.index('data-testid="change-history"')
        section = page[start:page.index("</section>", start)]
        assert "Created" in section and "admin" in section, section
