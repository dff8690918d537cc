"""The custom report builder: save, share with a role, run, export; whitelists and bad input."""

import csv
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from reports import builder, services
from reports.models import SavedReport
from tests.fixtures.factories import user_with_role

from .data import add_delivered_orders, build

pytestmark = pytest.mark.django_db


@pytest.fixture
def data_set():
    return build(user_with_role("sales"))


def post_definition(client, **overrides):
    data = {"name": "Rush lines", "columns": ["order_number", "priority", "quantity"], "shared_with_role": "",
            "filter_field": ["priority", "order_total", ""], "filter_op": ["eq", "gte", "eq"],
            "filter_value": ["rush", "350", ""]}
    data.update(overrides)
    return client.post(reverse("reports:builder"), data)


def test_save_run_share_and_export(client, data_set):
    planner = user_with_role("planner")
    client.force_login(planner)
    response = post_definition(client, shared_with_role="warehouse")
    saved = SavedReport.objects.get()
    assert response.status_code == 302 and response.url == reverse("reports:saved_run", args=[saved.pk])
    assert saved.filters == [{"field": "priority", "op": "eq", "value": "rush"},
                             {"field": "order_total", "op": "gte", "value": "350"}]
    page = client.get(response.url)
    assert sorted(row[0] for row in page.context["rows"]) == [data_set["D"].number, data_set["F"].number]
    assert {row[1] for row in page.context["rows"]} == {"Rush"}
    # shared with the warehouse: a warehouse user runs and exports it, but cannot edit it
    client.force_login(user_with_role("warehouse"))
    assert client.get(reverse("reports:saved_run", args=[saved.pk])).status_code == 200
    rows = list(csv.reader(io.StringIO(client.get(reverse("reports:saved_export", args=[saved.pk, "csv"]))
                                       .content.decode().lstrip("\ufeff"))))
    assert rows[0] == ["Order", "Priority", "Quantity"] and len(rows) == 3
    assert client.get(reverse("reports:builder_edit", args=[saved.pk])).status_code == 403
    # not shared with QC: not found for them
    client.force_login(user_with_role("qc"))
    assert client.get(reverse("reports:saved_run", args=[saved.pk])).status_code == 404


@pytest.mark.parametrize(("columns", "filters", "message"), [
    ([], [], "Choose at least one column."),
    (["order_number", "customer__credit_limit"], [], "Unknown column: customer__credit_limit."),
    (["order_number"], [{"field": "created_by__password", "op": "eq", "value": "x"}], "Unknown filter field"),
    (["order_number"], [{"field": "status", "op": "contains", "value": "del"}], "cannot be used with"),
    (["order_number"], [{"field": "status", "op": "eq", "value": "gone"}], "is not a choice for"),
    (["order_number"], [{"field": "requested_date", "op": "lt", "value": "2026-13-01"}], "is not a date"),
    (["order_number"], [{"field": "quantity", "op": "gt", "value": "NaN"}], "is not a number"),
    (["order_number"], [{"field": "quantity", "op": "gt", "value": ""}], "Enter a value"),
])
def test_whitelists_and_bad_input_are_refused(columns, filters, message):
    with pytest.raises(ValidationError) as exc:
        builder.clean_definition(columns, filters)
    assert any(message in m for m in exc.value.messages)


def test_bad_filter_on_the_page_shows_a_message_and_saves_nothing(client):
    client.force_login(user_with_role("manager"))
    response = post_definition(client, filter_field=["requested_date"], filter_op=["lt"], filter_value=["soon"])
    assert response.status_code == 200
    assert "soon is not a date (YYYY-MM-DD) for Requested date." in response.content.decode()
    assert not SavedReport.objects.exists()


def test_names_are_unique_per_owner_and_roles_without_builder_are_refused(client):
    manager = user_with_role("manager")
    services.save_report(actor=manager, name="Mine", columns=["order_number"], filters=[])
    with pytest.raises(ValidationError):
        services.save_report(actor=manager, name="Mine", columns=["line_no"], filters=[])
    with pytest.raises(PermissionDenied):
        services.save_report(actor=user_with_role("sales"), name="X", columns=["order_number"], filters=[])
    client.force_login(user_with_role("sales"))
    assert client.get(reverse("reports:builder")).status_code == 403


def test_run_query_count_is_fixed(client, django_assert_max_num_queries, data_set):
    manager = user_with_role("manager")
    client.force_login(manager)
    saved = services.save_report(actor=manager, name="All", columns=list(builder.COLUMNS), filters=[])
    counts = []
    for _round in range(2):
        if _round:
            add_delivered_orders(user_with_role("sales"), 20)
        client.get(reverse("reports:saved_run", args=[saved.pk]))
        with django_assert_max_num_queries(12) as captured:
            client.get(reverse("reports:saved_run", args=[saved.pk]))
        counts.append(len(captured))
    assert counts[0] == counts[1]
