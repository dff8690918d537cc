"""The quality pages through the test client: permissions (403), the tablet form with its htmx cells,
signing, the NCR page with its dispositions, plans, and constant query counts."""

from decimal import Decimal

import pytest
from django.urls import reverse

from orders.models import OrderStatus
from quality import services
from quality.models import IS, Inspection, InspectionPlan, Measurement
from tests.fixtures.factories import user_with_role

from .setup import PASSWORD, fill, give_plan, made_product, order_awaiting_qc


@pytest.fixture
def qc(db):
    return user_with_role("qc", username="qc1", first_name="Li", last_name="Wei")


@pytest.fixture
def product(qc):
    product = made_product(sku="PUMP-1", name="泵 Pump")
    give_plan(product, actor=qc)
    return product


def login(client, user):
    client.force_login(user)
    return client


@pytest.mark.django_db
def test_queue_shows_open_inspections_rush_first_with_the_rush_stamp(client, sales, qc, product):
    _normal, first = order_awaiting_qc(sales, product)
    _rush, rushed = order_awaiting_qc(sales, product, priority="rush", rush_reason="line down", requested_in_days=3)
    page = login(client, qc).get(reverse("quality:queue"))
    assert page.status_code == 200
    html = page.content.decode()
    assert html.index(rushed.number) < html.index(first.number)
    assert "急单" in html


@pytest.mark.django_db
def test_queue_costs_the_same_queries_for_3_and_30_inspections(client, django_assert_max_num_queries, sales, qc,
                                                               product):
    def count_queries():
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("quality:queue")).status_code == 200
        return len(captured)

    login(client, qc)
    for _ in range(3):
        order_awaiting_qc(sales, product)
    few = count_queries()
    for _ in range(27):
        order_awaiting_qc(sales, product)
    assert count_queries() == few
    with django_assert_max_num_queries(few):
        client.get(reverse("quality:queue"))


@pytest.mark.parametrize("name", ["quality:queue", "quality:inspection_list", "quality:ncr_list",
                                  "quality:plan_list", "quality:spc"])
@pytest.mark.django_db
def test_roles_without_quality_permissions_get_403(client, sales, name):
    login(client, user_with_role("shipping"))
    assert client.get(reverse(name)).status_code == 403


@pytest.mark.django_db
def test_the_inspection_page_needs_the_permission_and_shows_the_timeline(client, sales, qc, product):
    _order, inspection = order_awaiting_qc(sales, product)
    login(client, user_with_role("shipping"))
    assert client.get(reverse("quality:inspection_detail", args=[inspection.pk])).status_code == 403
    page = login(client, qc).get(reverse("quality:inspection_detail", args=[inspection.pk]))
    assert page.status_code == 200
    assert 'data-testid="timeline"' in page.content.decode() and "Opened" in page.content.decode()


@pytest.mark.django_db
def test_start_then_record_values_cell_by_cell_with_htmx(client, sales, qc, product):
    _order, inspection = order_awaiting_qc(sales, product)
    login(client, qc)
    response = client.post(reverse("quality:inspection_start", args=[inspection.pk]))
    assert response.status_code == 302 and response["Location"].endswith("/record/")
    inspection.refresh_from_db()
    diameter = inspection.plan.characteristics.get(position=1)
    form = client.get(reverse("quality:inspection_record", args=[inspection.pk]))
    assert form.status_code == 200
    html = form.content.decode()
    assert f'name="cell-{diameter.pk}-1"' in html and 'inputmode="decimal"' in html
    assert html.count('data-testid="sample-row"') == 25  # the first page of 50 samples
    url = reverse("quality:inspection_cell", args=[inspection.pk])
    refused = client.post(url, {"characteristic": diameter.pk, "sample": 1, f"cell-{diameter.pk}-1": "12.5mm"},
                          HTTP_HX_REQUEST="true")
    assert refused.status_code == 200
    assert "carries a unit" in refused.content.decode() and 'data-state="error"' in refused.content.decode()
    assert not Measurement.objects.filter(inspection=inspection).exists()
    flagged = client.post(url, {"characteristic": diameter.pk, "sample": 1, f"cell-{diameter.pk}-1": "10.09"},
                          HTTP_HX_REQUEST="true")
    assert 'data-state="defect"' in flagged.content.decode() and "out of tolerance" in flagged.content.decode()
    ok = client.post(url, {"characteristic": diameter.pk, "sample": 2, f"cell-{diameter.pk}-2": "10.00"},
                     HTTP_HX_REQUEST="true")
    assert 'data-state="ok"' in ok.content.decode()
    assert 'hx-swap-oob="true"' in ok.content.decode() and "2 of 150 values recorded" in ok.content.decode()
    assert Measurement.objects.filter(inspection=inspection).count() == 2


@pytest.mark.django_db
def test_saving_the_page_with_a_bad_value_saves_nothing_and_says_why(client, sales, qc, product):
    _order, inspection = order_awaiting_qc(sales, product)
    inspection = services.start_inspection(actor=qc, inspection=inspection)
    diameter = inspection.plan.characteristics.get(position=1)
    response = login(client, qc).post(reverse("quality:inspection_record", args=[inspection.pk]), {
        "page": 1, f"cell-{diameter.pk}-1": "10.01", f"cell-{diameter.pk}-2": "ten"})
    assert response.status_code == 200
    assert "Nothing was saved" in response.content.decode() and "“ten” is not a number" in response.content.decode()
    assert not Measurement.objects.filter(inspection=inspection).exists()
    response = client.post(reverse("quality:inspection_record", args=[inspection.pk]), {
        "page": 1, f"cell-{diameter.pk}-1": "10.01", f"cell-{diameter.pk}-2": "10.02"})
    assert response.status_code == 302
    assert Measurement.objects.filter(inspection=inspection).count() == 2


@pytest.mark.django_db
def test_signing_on_the_page_passes_the_order(client, sales, qc, product):
    order, inspection = order_awaiting_qc(sales, product)
    services.start_inspection(actor=qc, inspection=inspection)
    fill(qc, inspection)
    login(client, qc)
    wrong = client.post(reverse("quality:inspection_confirm", args=[inspection.pk]), {"password": "nope"},
                        follow=True)
    assert "password is not correct" in wrong.content.decode()
    done = client.post(reverse("quality:inspection_confirm", args=[inspection.pk]), {"password": PASSWORD},
                       follow=True)
    assert done.status_code == 200
    assert Inspection.objects.get(pk=inspection.pk).status == IS.PASSED
    order.refresh_from_db()
    assert order.status == OrderStatus.QC_PASSED


@pytest.mark.django_db
def test_the_ncr_page_decides_a_rework_and_a_manager_only_form_is_hidden_from_qc(client, sales, qc, product):
    order, inspection = order_awaiting_qc(sales, product)
    services.start_inspection(actor=qc, inspection=inspection)
    fill(qc, inspection, crack="fail")
    services.confirm_inspection(actor=qc, inspection=inspection, password=PASSWORD)
    ncr = Inspection.objects.get(pk=inspection.pk).ncr
    login(client, qc)
    page = client.get(reverse("quality:ncr_detail", args=[ncr.pk]))
    assert 'data-testid="disposition-form"' in page.content.decode()
    assert 'data-testid="concession-form"' not in page.content.decode()
    bad = client.post(reverse("quality:ncr_detail", args=[ncr.pk]),
                      {"action": "disposition", "disposition": "scrap", "scrap_quantity": "600"}, follow=True)
    assert "at most the lot of 500" in bad.content.decode()
    done = client.post(reverse("quality:ncr_detail", args=[ncr.pk]), {"action": "disposition",
                                                                      "disposition": "rework"}, follow=True)
    assert done.status_code == 200 and 'data-testid="rework-work-order"' in done.content.decode()
    order.refresh_from_db()
    assert order.status == OrderStatus.IN_PRODUCTION
    login(client, user_with_role("planner"))
    assert client.get(reverse("quality:ncr_detail", args=[ncr.pk])).status_code == 200
    assert client.post(reverse("quality:ncr_detail", args=[ncr.pk]), {"action": "disposition",
                                                                      "disposition": "scrap"}).status_code == 403


@pytest.mark.django_db
def test_the_plan_page_saves_a_new_version_and_refuses_bad_rows(client, qc):
    product = made_product()
    login(client, qc)
    url = reverse("quality:plan_edit", args=[product.pk])
    assert client.get(url).status_code == 200
    data = {"action": "save", "inspection_level": "II", "aql_critical": "0.10", "aql_major": "1.0",
            "aql_minor": "2.5", "note": "", "valid_from": "",
            "ch-TOTAL_FORMS": "2", "ch-INITIAL_FORMS": "0", "ch-MIN_NUM_FORMS": "0", "ch-MAX_NUM_FORMS": "60",
            "ch-0-position": "1", "ch-0-name": "Bore 内径", "ch-0-kind": "measured", "ch-0-defect_class": "major",
            "ch-0-nominal": "20", "ch-0-lower_tolerance": "-0.02", "ch-0-upper_tolerance": "0.02", "ch-0-unit": "mm",
            "ch-1-position": "2", "ch-1-name": "Label 标签", "ch-1-kind": "attribute", "ch-1-defect_class": "minor"}
    bad = client.post(url, {**data, "ch-0-upper_tolerance": "0.02mm"})
    assert bad.status_code == 200 and "carries a unit" in bad.content.decode()
    assert not InspectionPlan.objects.filter(product=product).exists()
    inverted = client.post(url, {**data, "ch-0-lower_tolerance": "0.05"})
    assert "lower tolerance must be below the upper tolerance" in inverted.content.decode()
    assert client.post(url, data).status_code == 302
    plan = InspectionPlan.objects.get(product=product, is_active=True)
    assert plan.version == 1 and plan.characteristics.count() == 2
    assert client.post(url, {**data, "aql_major": "0.65"}).status_code == 302
    assert list(InspectionPlan.objects.filter(product=product).values_list("version", "is_active")
                .order_by("version")) == [(1, False), (2, True)]
    assert plan.characteristics.get(position=1).upper_tolerance == Decimal("0.02")
    login(client, user_with_role("planner"))
    assert client.get(url).status_code == 200
    assert client.post(url, data).status_code == 403


def small_png():
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(buffer, "PNG")
    return buffer.getvalue()


@pytest.mark.django_db
def test_attachments_are_type_checked_and_downloaded_through_a_permission_check(client, sales, qc, product,
                                                                                settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    _order, inspection = order_awaiting_qc(sales, product)
    login(client, qc)
    url = reverse("quality:attachment_upload", args=[inspection.pk])
    fake = SimpleUploadedFile("photo.jpg", b"<script>alert(1)</script>", content_type="image/jpeg")
    assert "Only photos" in client.post(url, {"file": fake}, follow=True).content.decode()
    settings.QUALITY_ATTACHMENT_MAX_BYTES = 1024
    big = SimpleUploadedFile("big.png", b"\x89PNG\r\n\x1a\n" + b"0" * 2048, content_type="image/png")
    assert "larger than" in client.post(url, {"file": big}, follow=True).content.decode()
    png = SimpleUploadedFile("缺陷.png", small_png(), content_type="image/png")  # a real image: Pillow reads it
    client.post(url, {"file": png})
    attachment = inspection.attachments.get()
    assert attachment.content_type == "image/png" and attachment.original_name == "缺陷.png"
    download = client.get(reverse("quality:attachment_download", args=[attachment.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content).startswith(b"\x89PNG")
    login(client, user_with_role("shipping"))
    assert client.get(reverse("quality:attachment_download", args=[attachment.pk])).status_code == 403


@pytest.mark.django_db
def test_the_detail_and_record_pages_cost_a_fixed_number_of_queries(client, sales, qc, product):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    login(client, qc)

    def queries(url):
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    _order, small = order_awaiting_qc(sales, product, quantity="20")  # n 20 / 13 / 8: few cells
    _order, large = order_awaiting_qc(sales, product, quantity="500")  # n 50
    for inspection in (small, large):
        services.start_inspection(actor=qc, inspection=inspection)
        fill(qc, inspection)
    for name in ("quality:inspection_detail", "quality:inspection_record"):
        assert queries(reverse(name, args=[small.pk])) == queries(reverse(name, args=[large.pk]))


@pytest.mark.django_db
def test_the_lists_cost_the_same_queries_for_more_rows(client, sales, qc):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    login(client, qc)
    urls = [reverse("quality:ncr_list"), reverse("quality:inspection_list"), reverse("quality:plan_list"),
            reverse("quality:inspection_list") + "?status=failed&sort=product"]

    def queries():
        counts = []
        for url in urls:
            with CaptureQueriesContext(connection) as captured:
                assert client.get(url).status_code == 200
            counts.append(len(captured))
        return counts

    def failed_lot():
        product = made_product()
        give_plan(product, actor=qc)
        _order, inspection = order_awaiting_qc(sales, product, quantity="5")
        services.start_inspection(actor=qc, inspection=inspection)
        fill(qc, inspection, crack="fail")
        services.confirm_inspection(actor=qc, inspection=inspection, password=PASSWORD)

    failed_lot()
    queries()  # the session's first requests may write it; measure warm
    few = queries()
    for _ in range(4):
        failed_lot()
    assert queries() == few


@pytest.mark.django_db
def test_an_incoming_inspection_is_opened_by_hand(client, qc, product):
    login(client, qc)
    url = reverse("quality:inspection_create")
    bad = client.post(url, {"product": product.pk, "lot_quantity": "12pcs", "lot_number": "", "supplier": ""})
    assert bad.status_code == 200 and not Inspection.objects.exists()
    done = client.post(url, {"product": product.pk, "lot_quantity": "120", "lot_number": "SUP-7", "supplier": "宁波"})
    inspection = Inspection.objects.get()
    assert done.status_code == 302 and inspection.source == "receipt" and inspection.lot_quantity == Decimal("120")
    login(client, user_with_role("planner"))
    assert client.get(url).status_code == 403


@pytest.mark.django_db
def test_the_admin_writes_a_plan_version_through_the_service(client, qc):
    from django.contrib.auth.models import User

    product = made_product()
    admin = User.objects.create_superuser("root", "root@example.test", PASSWORD)
    client.force_login(admin)
    assert client.get(reverse("admin:quality_inspectionplan_changelist")).status_code == 200
    data = {"product": product.pk, "valid_from": "2026-01-05", "inspection_level": "II", "aql_critical": "0.10",
            "aql_major": "1.0", "aql_minor": "2.5", "note": "",
            "characteristics-TOTAL_FORMS": "1", "characteristics-INITIAL_FORMS": "0",
            "characteristics-MIN_NUM_FORMS": "0", "characteristics-MAX_NUM_FORMS": "1000",
            "characteristics-0-position": "1", "characteristics-0-name": "Width", "characteristics-0-kind": "measured",
            "characteristics-0-defect_class": "major", "characteristics-0-nominal": "5",
            "characteristics-0-lower_tolerance": "-0.1", "characteristics-0-upper_tolerance": "0.1",
            "characteristics-0-unit": "mm", "characteristics-0-instrument": "", "characteristics-0-method": "",
            "characteristics-0-possible_max": "40"}
    response = client.post(reverse("admin:quality_inspectionplan_add"), data)
    assert response.status_code == 302
    plan = InspectionPlan.objects.get(product=product)
    assert plan.version == 1 and plan.is_active and plan.characteristics.get().name == "Width"
    # The range typed in the admin is kept; the blank minimum takes the unit's default.
    width = plan.characteristics.get()
    assert (width.possible_min, width.possible_max) == (Decimal("0"), Decimal("40"))
    assert plan.created_by == admin


@pytest.mark.django_db
def test_critical_defects_read_zhiming_on_every_quality_page_in_chinese(client, sales, qc, product):
    """GB/T 2828.1 calls a critical defect 致命 (the PDF always did); the pages said 紧急 ("urgent")."""
    _order, inspection = order_awaiting_qc(sales, product)
    services.start_inspection(actor=qc, inspection=inspection)
    login(client, qc)
    zh = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}
    for url in (reverse("quality:inspection_detail", args=[inspection.pk]),
                reverse("quality:inspection_record", args=[inspection.pk]),
                reverse("quality:plan_edit", args=[product.pk])):
        html = client.get(url, **zh).content.decode()
        assert ">致命<" in html, url  # a table cell or a choice of the plan form
        assert "紧急" not in html, url


def _plan_post(**row):
    data = {"action": "save", "inspection_level": "II", "aql_critical": "0.10", "aql_major": "1.0",
            "aql_minor": "2.5", "note": "", "valid_from": "",
            "ch-TOTAL_FORMS": "1", "ch-INITIAL_FORMS": "0", "ch-MIN_NUM_FORMS": "0", "ch-MAX_NUM_FORMS": "60",
            "ch-0-position": "1", "ch-0-name": "Viscosity 粘度", "ch-0-kind": "measured", "ch-0-defect_class": "major",
            "ch-0-nominal": "500", "ch-0-lower_tolerance": "-50", "ch-0-upper_tolerance": "50", "ch-0-unit": "mPa·s"}
    return {**data, **{f"ch-0-{key}": value for key, value in row.items()}}


@pytest.mark.django_db
def test_the_plan_page_sets_a_possible_range_and_refuses_a_bad_one(client, qc):
    """A unit without a default range (mPa·s) gets one through the form; an inverted range or a tolerance
    outside it is refused with a message in the reader's language and nothing is written."""
    product = made_product(sku="GLUE-1")
    login(client, qc)
    url = reverse("quality:plan_edit", args=[product.pk])
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "最小可能值" in page and "最大可能值" in page
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Lowest possible value" in page and 'name="ch-0-possible_min"' in page

    inverted = client.post(url, _plan_post(possible_min="900", possible_max="100"), HTTP_ACCEPT_LANGUAGE="en")
    assert "the lowest possible value (900) must be below the highest possible value (100)" in inverted.content.decode()
    outside = client.post(url, _plan_post(possible_min="480", possible_max="2000"), HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert "公差允许 450，低于最小可能值 480" in outside.content.decode()
    too_high = client.post(url, _plan_post(possible_min="0", possible_max="520"), HTTP_ACCEPT_LANGUAGE="en")
    assert "the tolerance allows 550, above the highest possible value 520" in too_high.content.decode()
    attribute = client.post(url, _plan_post(kind="attribute", nominal="", lower_tolerance="", upper_tolerance="",
                                            possible_min="0"), HTTP_ACCEPT_LANGUAGE="en")
    assert "an attribute (pass/fail) has no possible range" in attribute.content.decode()
    typo = client.post(url, _plan_post(possible_max="2000x"), HTTP_ACCEPT_LANGUAGE="en")
    assert typo.status_code == 200 and 'name="ch-0-possible_max" value="2000x"' in typo.content.decode()
    assert not InspectionPlan.objects.filter(product=product).exists()

    assert client.post(url, _plan_post(possible_min="0", possible_max="2000")).status_code == 302
    viscosity = InspectionPlan.objects.get(product=product, is_active=True).characteristics.get()
    assert (viscosity.possible_min, viscosity.possible_max) == (Decimal("0"), Decimal("2000"))
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'name="ch-0-possible_max" value="2000"' in page
    shown = client.get(f"{url}?version={viscosity.plan_id}", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "0 … 2000 mPa·s" in shown and "Possible range" in shown
    # The saved range now stops a typing error at the bench.
    assert not viscosity.is_possible(Decimal("5000"))
    # Saving the page unchanged keeps the version; the range is part of what "changed" means.
    assert client.post(url, _plan_post(possible_min="0", possible_max="2000")).status_code == 302
    assert client.post(url, _plan_post(possible_min="0", possible_max="3000")).status_code == 302
    assert sorted(InspectionPlan.objects.filter(product=product).values_list("version", flat=True)) == [1, 2]


@pytest.mark.django_db
def test_a_blank_possible_range_keeps_the_default_for_the_unit(client, qc):
    product = made_product(sku="SHAFT-1")
    login(client, qc)
    url = reverse("quality:plan_edit", args=[product.pk])
    row = {"name": "Diameter 直径", "nominal": "10", "lower_tolerance": "-0.05", "upper_tolerance": "0.05",
           "unit": "mm"}
    assert client.post(url, _plan_post(**row)).status_code == 302
    diameter = InspectionPlan.objects.get(product=product, is_active=True).characteristics.get()
    assert (diameter.possible_min, diameter.possible_max) == (Decimal("0"), None)
    assert client.post(url, _plan_post(**row, possible_max="50")).status_code == 302
    diameter = InspectionPlan.objects.get(product=product, is_active=True).characteristics.get()
    assert (diameter.possible_min, diameter.possible_max) == (Decimal("0"), Decimal("50"))
    # pH keeps 0 … 14 when blank, so a maximum below the default minimum is refused.
    ph = {"name": "pH", "nominal": "7", "lower_tolerance": "-1", "upper_tolerance": "1", "unit": "pH"}
    refused = client.post(url, _plan_post(**ph, possible_min="20"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "the lowest possible value (20) must be below the highest possible value (14)" in refused
    assert InspectionPlan.objects.filter(product=product).count() == 2
