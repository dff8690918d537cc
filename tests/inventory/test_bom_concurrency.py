"""BOM saves racing on PostgreSQL (real, separate connections): two saves that together would close a
loop cannot both succeed, and two saves of the same BOM give two versions, one of them active."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from inventory import selectors, services
from inventory.models import BillOfMaterials
from inventory.services import BomLineInput
from planning import routing_services
from planning.models import Routing
from planning.routing_services import OperationInput
from tests.fixtures.concurrency import run_together
from tests.fixtures.factories import user_with_role
from tests.inventory.masterdata import made_item, make_bom, make_item, make_work_center

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True),
              pytest.mark.usefixtures("postgres_only")]


def save(planner, parent, component):
    return lambda: services.save_bom(actor=planner, item=parent, lines=[
        BomLineInput(component=component, quantity=Decimal("1"))])


def test_two_saves_that_together_close_a_loop_cannot_both_succeed():
    planner = user_with_role("planner")
    for round_ in range(5):
        a, b = made_item(f"A{round_}"), made_item(f"B{round_}")
        results = run_together(save(planner, a, b), save(planner, b, a))
        saved = [r for r in results if isinstance(r, BillOfMaterials)]
        refused = [r for r in results if isinstance(r, ValidationError)]
        assert len(saved) == 1 and len(refused) == 1, results
        assert "cannot contain itself" in refused[0].messages[0]
        selectors.explosion(a, Decimal("1"))  # no loop in what was written
        selectors.explosion(b, Decimal("1"))


def test_a_loop_through_existing_boms_closed_by_two_saves_at_once():
    """A → B and C → D are saved at the same moment while B → C and D → A already exist."""
    planner = user_with_role("planner")
    for round_ in range(3):
        a, b, c, d = (made_item(f"{name}{round_}") for name in "ABCD")
        make_bom(b, [(c, 1, 0)])
        make_bom(d, [(a, 1, 0)])
        results = run_together(save(planner, a, b), save(planner, c, d))
        assert sum(isinstance(r, BillOfMaterials) for r in results) == 1, results
        assert sum(isinstance(r, ValidationError) for r in results) == 1, results
        for item in (a, b, c, d):
            selectors.explosion(item, Decimal("1"))


def test_two_saves_of_the_same_bom_make_two_versions():
    planner, other = user_with_role("planner"), user_with_role("planner")
    parent, x, y = made_item("P"), make_item("X"), make_item("Y")
    make_bom(parent, [(x, 1, 0)])
    results = run_together(save(planner, parent, y), lambda: services.save_bom(
        actor=other, item=parent, lines=[BomLineInput(component=x, quantity=Decimal("2"))]))
    assert all(isinstance(r, BillOfMaterials) for r in results), results
    assert sorted(BillOfMaterials.objects.filter(parent=parent).values_list("version", flat=True)) == [1, 2, 3]
    assert BillOfMaterials.objects.filter(parent=parent, is_active=True).count() == 1


def test_two_saves_of_the_same_routing_make_two_versions():
    planner = user_with_role("planner")
    center, item = make_work_center("LATHE"), made_item("SHAFT")

    def save_routing(run):
        return lambda: routing_services.save_routing(actor=planner, item=item, operations=[
            OperationInput(sequence=10, work_center=center, run_minutes_per_unit=Decimal(run))])

    results = run_together(save_routing("1"), save_routing("2"))
    assert all(isinstance(r, Routing) for r in results), results
    assert sorted(Routing.objects.filter(item=item).values_list("version", flat=True)) == [1, 2]
    assert Routing.objects.filter(item=item, is_active=True).count() == 1
