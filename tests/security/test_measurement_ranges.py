"""Physically impossible readings (pH 15, pH -1, a net-content deviation of -1000 %, a negative diameter) are
refused with a message naming the possible range and nothing is written; readings that are possible but out
of tolerance are still recorded and flagged as defects. Characteristics get their possible range from their
unit when the plan is saved (quality.plan_services.default_possible_range)."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from quality import plan_services, services
from quality.models import Measurement
from tests.fixtures.factories import user_with_role
from tests.quality.setup import DIAMETER, give_plan, made_product, order_awaiting_qc

pytestmark = pytest.mark.django_db

PH = plan_services.CharacteristicInput(position=2, name="pH", kind="measured", defect_class="major",
                                       nominal=Decimal("7"), lower_tolerance=Decimal("-0.5"),
                                       upper_tolerance=Decimal("0.5"), unit="pH")
NET = plan_services.CharacteristicInput(position=3, name="Net content deviation 净含量偏差", kind="measured",
                                        defect_class="major", nominal=Decimal("0"), lower_tolerance=Decimal("-2"),
                                        upper_tolerance=Decimal("2"), unit="%")


@pytest.fixture
def inspection(sales):
    qc = user_with_role("qc")
    product = made_product(sku="LIQ-1")
    give_plan(product, actor=qc, characteristics=(DIAMETER, PH, NET))
    _order, opened = order_awaiting_qc(sales, product)
    return qc, services.start_inspection(actor=qc, inspection=opened)


def characteristic(inspection, position):
    return inspection.plan.characteristics.get(position=position)


def test_known_kinds_get_their_possible_range_when_the_plan_is_saved(inspection):
    _qc, current = inspection
    assert [(c.possible_min, c.possible_max) for c in current.plan.characteristics.order_by("position")] == [
        (Decimal("0"), None), (Decimal("0"), Decimal("14")), (Decimal("-100"), None)]


@pytest.mark.parametrize(("position", "raw", "message"), [
    (2, "15", "15 pH is not a possible reading (possible: 0 to 14 pH)."),
    (2, "-1", "-1 pH is not a possible reading (possible: 0 to 14 pH)."),
    (3, "-1000", "-1000 % is not a possible reading (it cannot be below -100 %)."),
    (1, "-10", "-10 mm is not a possible reading (it cannot be below 0 mm)."),
])
def test_an_impossible_reading_is_refused_and_nothing_is_written(inspection, position, raw, message):
    qc, current = inspection
    with pytest.raises(ValidationError) as refused:
        services.record_value(actor=qc, inspection=current, characteristic=characteristic(current, position),
                              sample_no=1, raw=raw)
    assert message in " ".join(refused.value.messages)
    assert not Measurement.objects.filter(inspection=current).exists()


def test_a_batch_with_one_impossible_reading_writes_nothing(inspection):
    qc, current = inspection
    entries = {(characteristic(current, 2), 1): "7.1", (characteristic(current, 2), 2): "15"}
    with pytest.raises(ValidationError):
        services.save_values(actor=qc, inspection=current, entries=entries)
    assert not Measurement.objects.filter(inspection=current).exists()


def test_possible_but_out_of_tolerance_is_still_a_recorded_defect(inspection):
    qc, current = inspection
    reading = services.record_value(actor=qc, inspection=current, characteristic=characteristic(current, 2),
                                    sample_no=1, raw="13.9")
    edge = services.record_value(actor=qc, inspection=current, characteristic=characteristic(current, 2),
                                 sample_no=2, raw="14")
    assert reading.is_defect and edge.is_defect and edge.value == Decimal("14")


def test_the_refusal_is_in_chinese_for_a_chinese_inspector(inspection):
    qc, current = inspection
    with translation.override("zh-hans"), pytest.raises(ValidationError) as refused:
        services.record_value(actor=qc, inspection=current, characteristic=characteristic(current, 2),
                              sample_no=1, raw="15")
    assert "不是可能的读数" in " ".join(refused.value.messages)


@pytest.mark.parametrize(("unit", "name", "nominal", "lower", "expected"), [
    ("pH", "Acidity", "7", "-1", ("0", "14")),
    ("", "pH 值", "7", "-1", ("0", "14")),
    ("%", "Moisture", "12", "-1", ("-100", None)),
    ("℃", "Fill temperature", "20", "-5", ("-273.15", None)),
    ("mm", "Flatness deviation", "0", "-0.05", (None, None)),  # a signed deviation may be negative
    ("mm", "Length", "100", "-0.5", ("0", None)),
    ("", "Count", "3", "-1", (None, None)),
])
def test_default_possible_ranges_by_kind(unit, name, nominal, lower, expected):
    low, high = plan_services.default_possible_range(unit=unit, name=name, nominal=Decimal(nominal),
                                                     lower_tolerance=Decimal(lower))
    assert (low, high) == tuple(Decimal(v) if v is not None else None for v in expected)
