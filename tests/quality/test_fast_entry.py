"""Fast entry of inspection results (quality.fast_entry): a pasted column (new lines, tabs, commas on one
line, a decimal comma when the data uses one), a CSV file, and "only the nonconforming units" for attribute
checks; every bad value is named with its row and nothing is saved; the page shows the messages."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from quality import fast_entry, services
from quality.models import Measurement
from tests.fixtures.factories import user_with_role

from .setup import give_plan, made_product, order_awaiting_qc

pytestmark = pytest.mark.django_db


@pytest.fixture
def qc(db):
    return user_with_role("qc", username="fast-qc")


@pytest.fixture
def started(sales, qc):
    """Lot 500: diameter (major), surface (minor), crack (critical) each on 50 samples."""
    product = made_product(sku="PIN-3", name="销 Pin")
    give_plan(product, actor=qc)
    _order, inspection = order_awaiting_qc(sales, product)
    inspection = services.start_inspection(actor=qc, inspection=inspection)
    diameter, surface, crack = inspection.plan.characteristics.order_by("position")
    return inspection, diameter, surface, crack


def values(inspection, characteristic):
    return {m.sample_no: m.value if characteristic.is_measured else m.passed
            for m in Measurement.objects.filter(inspection=inspection, characteristic=characteristic)}


def test_split_pasted_reads_columns_rows_and_decimal_commas():
    assert fast_entry.split_pasted("10.01\r\n10.02\n\n10.03\n") == ["10.01", "10.02", "", "10.03"]
    assert fast_entry.split_pasted("10.01\t10.02\t10.03") == ["10.01", "10.02", "10.03"]
    assert fast_entry.split_pasted("10.01, 10.02,10.03") == ["10.01", "10.02", "10.03"]
    assert fast_entry.split_pasted("10,01\n10,02", decimal=",") == ["10.01", "10.02"]
    assert fast_entry.split_pasted("10,01;10,02", decimal=",") == ["10.01", "10.02"]
    # In a column, a comma is never taken for a separator: "10,01" stays one (refused) value.
    assert fast_entry.split_pasted("10,01\n10,02") == ["10,01", "10,02"]


def test_a_pasted_column_fills_fifty_samples_at_once_with_tolerance_flags(started, qc):
    inspection, diameter, _surface, _crack = started
    column = "\n".join(["10.01"] * 49 + ["１０．０９"])  # full-width digits from a Chinese input method
    assert fast_entry.record_pasted_values(actor=qc, inspection=inspection, characteristic=diameter,
                                           text=column) == 50
    recorded = values(inspection, diameter)
    assert len(recorded) == 50 and recorded[1] == Decimal("10.01") and recorded[50] == Decimal("10.09")
    assert Measurement.objects.get(inspection=inspection, characteristic=diameter, sample_no=50).is_defect
    # From sample 48 on, with the data's decimal comma.
    fast_entry.record_pasted_values(actor=qc, inspection=inspection, characteristic=diameter,
                                    text="10,02\n10,03", first_sample=48, decimal=",")
    assert values(inspection, diameter)[49] == Decimal("10.03")


def test_bad_pasted_values_are_named_by_row_and_nothing_is_saved(started, qc):
    inspection, diameter, _surface, _crack = started
    with pytest.raises(ValidationError) as info:
        fast_entry.record_pasted_values(actor=qc, inspection=inspection, characteristic=diameter,
                                        text="10.01\nabc\n10,5\n10.02mm")
    text = " ".join(info.value.messages)
    assert "Row 2 (sample 2)" in text and "is not a number" in text
    assert "Row 3 (sample 3)" in text and "decimal point" in text
    assert "Row 4 (sample 4)" in text and "carries a unit" in text
    with pytest.raises(ValidationError, match="51 values from sample 1 do not fit"):
        fast_entry.record_pasted_values(actor=qc, inspection=inspection, characteristic=diameter,
                                        text="\n".join(["10"] * 51))
    assert not Measurement.objects.filter(inspection=inspection).exists()


def test_a_csv_file_records_several_characteristics(started, qc):
    inspection, diameter, surface, crack = started
    rows = ["sample;Diameter 直径;2;3"] + [f"{n};10,0{n % 5};ok;pass" for n in range(1, 51)]
    upload = SimpleUploadedFile("gauge.csv", "\n".join(rows).encode("utf-8-sig"), content_type="text/csv")
    assert fast_entry.record_csv_values(actor=qc, inspection=inspection, upload=upload, decimal=",") == 150
    assert values(inspection, diameter)[3] == Decimal("10.03") and values(inspection, surface)[50] is True
    assert len(values(inspection, crack)) == 50

    bad = SimpleUploadedFile("bad.csv", "sample,Diameter 直径,Colour\n1,10.0,red\n".encode(), content_type="text/csv")
    with pytest.raises(ValidationError, match="Colour"):
        fast_entry.record_csv_values(actor=qc, inspection=inspection, upload=bad)
    bad = SimpleUploadedFile("bad.csv", b"sample,1\n1,10.0\nx,10.0\n60,10.0\n4,ten\n", content_type="text/csv")
    with pytest.raises(ValidationError) as info:
        fast_entry.record_csv_values(actor=qc, inspection=inspection, upload=bad)
    text = " ".join(info.value.messages)
    assert "Row 3" in text and "Row 4" in text and "sample 60" in text and "Row 5" in text
    assert values(inspection, diameter)[1] == Decimal("10.01")  # unchanged: nothing of the bad file was saved


def test_only_the_nonconforming_units_of_an_attribute_check(started, qc):
    inspection, diameter, surface, _crack = started
    assert fast_entry.record_nonconforming_units(actor=qc, inspection=inspection, characteristic=surface,
                                                 samples_text="3, 17 42") == [3, 17, 42]
    recorded = values(inspection, surface)
    assert len(recorded) == 50 and [n for n, passed in recorded.items() if not passed] == [3, 17, 42]
    for text, fragment in (("3, x", "Not sample numbers: x"), ("51", "Samples 51 are not")):
        with pytest.raises(ValidationError, match=fragment):
            fast_entry.record_nonconforming_units(actor=qc, inspection=inspection, characteristic=surface,
                                                  samples_text=text)
    assert [n for n, passed in values(inspection, surface).items() if not passed] == [3, 17, 42]
    with pytest.raises(ValidationError, match="is measured"):
        fast_entry.record_nonconforming_units(actor=qc, inspection=inspection, characteristic=diameter,
                                              samples_text="1")


def test_the_record_page_takes_a_paste_and_shows_row_errors(started, qc, client):
    inspection, diameter, _surface, _crack = started
    client.force_login(qc)
    url = reverse("quality:inspection_record", args=[inspection.pk])
    response = client.post(url, {"fast": "paste", "paste-characteristic": diameter.pk, "paste-first_sample": "1",
                                 "paste-decimal": ".", "paste-values": "10.01\n10.0x"})
    page = response.content.decode()
    assert response.status_code == 400 and "Row 2 (sample 2)" in page and 'data-testid="form-errors"' in page
    assert not Measurement.objects.filter(inspection=inspection).exists()
    response = client.post(url, {"fast": "paste", "paste-characteristic": diameter.pk, "paste-first_sample": "1",
                                 "paste-decimal": ".", "paste-values": "10.01\t10.02"}, follow=True)
    assert "2 values recorded." in response.content.decode()
    assert values(inspection, diameter) == {1: Decimal("10.01"), 2: Decimal("10.02")}
    other = user_with_role("production")
    client.force_login(other)
    assert client.post(url, {"fast": "paste"}).status_code in (403, 404)
