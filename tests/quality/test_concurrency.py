"""Races on PostgreSQL with separate connections: two signatures at once, two cell writes against a
signature, numbering under concurrency."""

import pytest
from django.core.exceptions import ValidationError

from quality import services
from quality.models import IS, Inspection, InspectionEvent, Nonconformance
from tests.fixtures.concurrency import run_together
from tests.fixtures.factories import ProductFactory, user_with_role

from .setup import PASSWORD, fill, give_plan, made_product, order_awaiting_qc


@pytest.fixture
def started(postgres_only, sales):
    qc = user_with_role("qc", username="qc-a")
    other = user_with_role("qc", username="qc-b")
    product = made_product()
    give_plan(product, actor=qc)
    _order, inspection = order_awaiting_qc(sales, product)
    services.start_inspection(actor=qc, inspection=inspection)
    return fill(qc, inspection, crack="fail"), qc, other


@pytest.mark.django_db(transaction=True)
def test_two_signatures_at_once_sign_once(started):
    inspection, qc, other = started
    results = run_together(
        lambda: services.confirm_inspection(actor=qc, inspection=inspection, password=PASSWORD),
        lambda: services.confirm_inspection(actor=other, inspection=inspection, password=PASSWORD))
    signed = [r for r in results if isinstance(r, Inspection)]
    refused = [r for r in results if isinstance(r, ValidationError)]
    assert len(signed) == 1 and len(refused) == 1, results
    assert "already signed" in refused[0].messages[0]
    assert InspectionEvent.objects.filter(inspection=inspection, action="failed").count() == 1
    assert Nonconformance.objects.filter(inspection=inspection).count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_value_typed_while_the_inspection_is_signed_is_refused_or_counted(started):
    inspection, qc, other = started
    diameter = inspection.plan.characteristics.get(position=1)
    results = run_together(
        lambda: services.confirm_inspection(actor=qc, inspection=inspection, password=PASSWORD),
        lambda: services.record_value(actor=other, inspection=inspection, characteristic=diameter, sample_no=1,
                                      raw="10.30"))
    signed = Inspection.objects.get(pk=inspection.pk)
    assert signed.status == IS.FAILED
    major = signed.class_plans.get(defect_class="major").defects
    if isinstance(results[1], ValidationError):  # the signature came first: the late value is refused
        assert major == 0
    else:  # the value came first: the signature counted it
        assert major == 1


@pytest.mark.django_db(transaction=True)
def test_numbers_are_unique_under_concurrency(postgres_only):
    actor = user_with_role("qc")
    products = [ProductFactory() for _ in range(6)]
    results = run_together(*[
        (lambda p=p: services.open_inspection(actor=actor, product=p, lot_quantity=1)) for p in products])
    numbers = [r.number for r in results]
    assert all(isinstance(r, Inspection) for r in results), results
    assert len(set(numbers)) == 6
