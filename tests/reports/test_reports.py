"""Standard reports: rows for the period and filters, CSV/XLSX exports (formulas neutralised),
permissions, fixed query counts."""

import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from orders.models import Order
from reports.facts import refresh_order_facts
from tests.fixtures.factories import user_with_role

from .data import PERIOD, add_delivered_orders, build

pytestmark = pytest.mark.django_db


@pytest.fixture
def data_set():
    orders = build(user_with_role("sales"))
    refresh_order_facts()
    return orders


@pytest.fixture
def manager_client(client):
    client.force_login(user_with_role("manager"))
    return client


def csv_rows(response):
    text = response.content.decode("utf-8").lstrip("\ufeff")
    return list(csv.reader(io.StringIO(text)))


@pytest.mark.parametrize(("key", "query", "numbers"), [
    ("order_status", {}, "ABCDEF"),
    ("order_status", {"priority": "rush"}, "CDF"),
    ("order_status", {"customer": "C-OTHER"}, "F"),
    ("delivery", {}, "ABCDE"),
    ("delivery", {"date_to": "2026-01-11"}, "AB"),
    ("rush", {}, "CDF"),
])
def test_report_rows_follow_the_filters(data_set, manager_client, key, query, numbers):
    response = manager_client.get(reverse("reports:report", args=[key]), {**PERIOD, **query})
    assert response.status_code == 200
    assert {row[0] for row in response.context["rows"]} == {data_set[n].number for n in numbers}
    exported = csv_rows(manager_client.get(reverse("reports:export", args=[key, "csv"]), {**PERIOD, **query}))
    assert {row[0] for row in exported[1:]} == {data_set[n].number for n in numbers}


def test_delivery_export_content(data_set, manager_client):
    rows = csv_rows(manager_client.get(reverse("reports:export", args=["delivery", "csv"]), PERIOD))
    assert rows[0] == ["Order", "Customer code", "Priority", "Due date", "Delivered", "On time", "Lead time (h)"]
    by_number = {r[0]: r for r in rows[1:]}
    assert by_number[data_set["B"].number][2:] == ["Normal", "2026-01-09", "2026-01-10", "No", "120.0"]
    assert by_number[data_set["C"].number][2:6] == ["Rush", "2026-01-12", "2026-01-12", "Yes"]
    book = load_workbook(io.BytesIO(manager_client.get(
        reverse("reports:export", args=["delivery", "xlsx"]), PERIOD).content))
    sheet = list(book.active.iter_rows(values_only=True))
    assert len(sheet) == 6 and sheet[0][0] == "Order"


def test_exports_neutralise_formulas(data_set, manager_client):
    Order.objects.filter(pk=data_set["C"].pk).update(rush_reason="=HYPERLINK(\"http://x\")")
    rows = csv_rows(manager_client.get(reverse("reports:export", args=["rush", "csv"]), PERIOD))
    assert "'=HYPERLINK(\"http://x\")" in [r[2] for r in rows]
    book = load_workbook(io.BytesIO(manager_client.get(reverse("reports:export", args=["rush", "xlsx"]),
                                                       PERIOD).content))
    reasons = [row[2] for row in book.active.iter_rows(values_only=True)]
    assert "'=HYPERLINK(\"http://x\")" in reasons


def test_quality_and_production_reports(data_set, manager_client):
    from quality.models import Inspection

    line = data_set["A"].lines.get()
    qc = user_with_role("qc")
    from .data import local

    Inspection.objects.create(number="QI-R-1", order=data_set["A"], order_line=line, product=line.product,
                              lot_quantity=10, status="failed", verdict="reject", signed_at=local(7, 10), created_by=qc)
    Inspection.objects.create(number="QI-R-2", order=data_set["A"], order_line=line, product=line.product,
                              lot_quantity=10, status="passed", verdict="accept", signed_at=local(30, 10),
                              created_by=qc)  # outside the period
    response = manager_client.get(reverse("reports:report", args=["quality"]), PERIOD)
    assert [row[0] for row in response.context["rows"]] == ["QI-R-1"]
    assert manager_client.get(reverse("reports:report", args=["production"]), PERIOD).status_code == 200
    assert manager_client.get(reverse("reports:export", args=["production", "xlsx"]), PERIOD).status_code == 200


def test_reports_and_exports_in_chinese_show_labels_and_yes_no_never_raw_codes(data_set, manager_client):
    """Issue 13: the quality report said production / failed / reject / rework and True on the page,
    in the CSV and in the XLSX; a Chinese reader gets the labels and 是/否."""
    from quality.models import Inspection, Nonconformance

    from .data import local

    line = data_set["A"].lines.get()
    inspection = Inspection.objects.create(
        number="QI-R-1", order=data_set["A"], order_line=line, product=line.product, lot_quantity=10,
        status="failed", verdict="reject", signed_at=local(7, 10), created_by=user_with_role("qc"))
    Nonconformance.objects.create(number="NCR-R-1", inspection=inspection, order=data_set["A"], product=line.product,
                                  quantity=3, disposition="rework")
    zh = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}
    expected = ["QI-R-1", "最终检验（生产）", "不合格", "拒收", "返工"]
    page = manager_client.get(reverse("reports:report", args=["quality"]), PERIOD, **zh)
    csv_row = csv_rows(manager_client.get(reverse("reports:export", args=["quality", "csv"]), PERIOD, **zh))[1]
    book = load_workbook(io.BytesIO(manager_client.get(reverse("reports:export", args=["quality", "xlsx"]),
                                                       PERIOD, **zh).content))
    xlsx_row = [str(v) for v in list(book.active.iter_rows(values_only=True))[1]]
    for row in (page.context["rows"][0], csv_row, xlsx_row):
        assert all(text in [str(v) for v in row] for text in expected), row
        assert not {"production", "failed", "reject", "rework"} & {str(v) for v in row}, row
    delivery = csv_rows(manager_client.get(reverse("reports:export", args=["delivery", "csv"]), PERIOD, **zh))
    assert {row[5] for row in delivery[1:]} <= {"是", "否"} and "否" in {row[5] for row in delivery[1:]}
    html = manager_client.get(reverse("reports:report", args=["order_status"]), PERIOD, **zh).content.decode()
    assert ">False<" not in html and ">True<" not in html and "<td>否</td>" in html


def test_unknown_report_is_404_and_bad_filter_is_a_message(manager_client):
    assert manager_client.get(reverse("reports:report", args=["nope"])).status_code == 404
    body = manager_client.get(reverse("reports:report", args=["delivery"]), {"date_from": "x"}).content.decode()
    assert "Enter a valid date." in body


@pytest.mark.parametrize("role", ["sales", "warehouse", "production", "qc", "shipping"])
def test_roles_without_reports_get_403(client, role):
    client.force_login(user_with_role(role))
    assert client.get(reverse("reports:list")).status_code == 403
    assert client.get(reverse("reports:report", args=["delivery"])).status_code == 403
    assert client.get(reverse("reports:export", args=["delivery", "csv"])).status_code == 403


@pytest.mark.parametrize("key", ["order_status", "delivery", "rush", "quality", "production"])
def test_report_query_count_is_fixed(manager_client, django_assert_max_num_queries, key):
    creator = user_with_role("sales")
    build(creator)
    counts = []
    for extra in (0, 25):
        add_delivered_orders(creator, extra)
        refresh_order_facts()
        manager_client.get(reverse("reports:report", args=[key]), PERIOD)
        with django_assert_max_num_queries(12) as captured:
            manager_client.get(reverse("reports:report", args=[key]), PERIOD)
        counts.append(len(captured))
    assert counts[0] == counts[1]
