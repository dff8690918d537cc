"""The shop-floor pages through Django's test client: work-center picker, tablet queue, htmx row actions,
the order page's production progress, permissions and the query count of a long queue."""

from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from orders.models import OrderStatus
from planning.models import WorkOrderOperation
from production.models import OperationLog
from production.services import complete_operation, operation_state, report_quantities, start_operation
from tests.fixtures.factories import ProductFactory, make_order, user_with_role
from tests.inventory.masterdata import made_item, make_routing

from .helpers import operations_of, released_order

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


def tablet_url(shop):
    return reverse("production:tablet", args=[shop["cut"].pk])


def action_url(op, action):
    return reverse("production:operation_action", args=[op.pk, action])


def state(op):
    return operation_state(WorkOrderOperation.objects.get(pk=op.pk))


def test_picker_lists_work_centers_with_their_queues(shop, operator_client, operator):
    order = released_order(shop)
    sub_op, _first, _second = operations_of(order)
    start_operation(actor=operator, operation=sub_op)
    response = operator_client.get(reverse("production:home"))
    assert response.status_code == 200
    page = response.content.decode()
    assert tablet_url(shop) in page
    assert "1 in progress" in page and "2 queued" in page


@pytest.mark.parametrize("role", ["sales", "planner", "warehouse", "qc", "manager"])
def test_shop_floor_pages_are_for_production_only(shop, client, role):
    order = released_order(shop)
    sub_op, _first, _second = operations_of(order)
    client.force_login(user_with_role(role))
    assert client.get(reverse("production:home")).status_code == 403
    assert client.get(tablet_url(shop)).status_code == 403
    assert client.post(action_url(sub_op, "start"), {"expected_state": state(sub_op)}, **HTMX).status_code == 403
    assert WorkOrderOperation.objects.get(pk=sub_op.pk).status == "released"


def test_queue_shows_started_work_first_then_rush_then_planned_start(shop, operator_client, operator):
    normal = released_order(shop)
    rush = released_order(shop, priority="rush", rush_reason="customer line stop")
    normal_sub, _normal_first, _normal_second = operations_of(normal)
    rush_sub, rush_first, _rush_second = operations_of(rush)
    start_operation(actor=operator, operation=normal_sub)

    response = operator_client.get(tablet_url(shop))
    page = response.content.decode()
    rows = [f'data-operation="{op.pk}"' for op in WorkOrderOperation.objects.all()]
    positions = {row: page.index(row) for row in rows}
    shown = [row for row, _position in sorted(positions.items(), key=lambda item: item[1])]
    expected_first = [f'data-operation="{normal_sub.pk}"', f'data-operation="{rush_sub.pk}"',
                      f'data-operation="{rush_first.pk}"']
    assert shown[:3] == expected_first
    assert page.count("急单") == 3  # each operation of the rush order is marked
    assert "waiting for op 10" in page
    assert "waiting for WO-" in page


def test_start_in_place_with_htmx(shop, operator_client):
    order = released_order(shop)
    sub_op, _first, _second = operations_of(order)
    response = operator_client.post(action_url(sub_op, "start"), {"expected_state": state(sub_op)}, **HTMX)
    assert response.status_code == 200
    row = response.content.decode()
    assert row.lstrip().startswith("<article") and f'id="op-{sub_op.pk}"' in row
    assert 'data-status="in_progress"' in row and 'data-testid="row-message"' in row
    assert 'data-testid="report-form"' in row
    assert WorkOrderOperation.objects.get(pk=sub_op.pk).status == "in_progress"


def test_without_javascript_an_action_reloads_the_tablet_with_a_message(shop, operator_client):
    order = released_order(shop)
    sub_op, _first, _second = operations_of(order)
    response = operator_client.post(action_url(sub_op, "start"), {"expected_state": state(sub_op)}, follow=True)
    assert response.redirect_chain[-1][0] == tablet_url(shop)
    assert "Started." in response.content.decode()


def test_a_stale_tablet_gets_the_current_row_and_a_refusal(shop, operator_client, operator):
    order = released_order(shop)
    sub_op, _first, _second = operations_of(order)
    seen = state(sub_op)
    start_operation(actor=operator, operation=sub_op)  # at the other tablet
    response = operator_client.post(action_url(sub_op, "start"), {"expected_state": seen}, **HTMX)
    row = response.content.decode()
    assert response.status_code == 200
    assert "changed by someone else" in row and 'data-status="in_progress"' in row
    assert OperationLog.objects.filter(operation=sub_op, action="start").count() == 1


def test_report_refusal_keeps_what_was_typed(shop, operator_client, operator):
    order = released_order(shop)
    sub_op, _first, _second = operations_of(order)
    start_operation(actor=operator, operation=sub_op)
    response = operator_client.post(action_url(sub_op, "report"), {
        "expected_state": state(sub_op), "good": "2", "scrap": "1", "scrap_reason": "", "note": "bent"}, **HTMX)
    row = response.content.decode()
    assert "Choose the reason for the scrap" in row
    assert 'value="2"' in row and 'value="bent"' in row
    assert WorkOrderOperation.objects.get(pk=sub_op.pk).good_quantity == 0

    response = operator_client.post(action_url(sub_op, "report"), {
        "expected_state": state(sub_op), "good": "abc", "scrap": ""}, **HTMX)
    assert "Good quantity must be a number" in response.content.decode()

    response = operator_client.post(action_url(sub_op, "report"), {
        "expected_state": state(sub_op), "good": "2", "scrap": "1", "scrap_reason": "surface"}, **HTMX)
    row = response.content.decode()
    assert 'data-testid="row-error"' not in row
    assert '<strong data-testid="good">2</strong>' in row and '<strong data-testid="left">0</strong>' in row


def test_unknown_action_is_404(shop, operator_client):
    order = released_order(shop)
    sub_op, _first, _second = operations_of(order)
    assert operator_client.post(action_url(sub_op, "explode"), **HTMX).status_code == 404
    assert operator_client.get(action_url(sub_op, "start")).status_code == 405


def test_completed_row_says_done(shop, operator_client, operator):
    order = released_order(shop)
    sub_op, _first, _second = operations_of(order)
    start_operation(actor=operator, operation=sub_op)
    report_quantities(actor=operator, operation=sub_op, good="3")
    response = operator_client.post(action_url(sub_op, "complete"), {"expected_state": state(sub_op)}, **HTMX)
    assert 'data-testid="done"' in response.content.decode()
    # The next load of the tablet no longer shows it.
    assert f'data-operation="{sub_op.pk}"' not in operator_client.get(tablet_url(shop)).content.decode()


def long_routing_product(shop, operations):
    product = ProductFactory()
    item = made_item(item_type="finished_good", product=product)
    make_routing(item, [(10 * (n + 1), shop["cut"], 0, 1) for n in range(operations)])
    return product


def tablet_queries(client, shop):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(tablet_url(shop))
    assert response.status_code == 200
    return len(queries), response.content.decode().count('data-testid="operation"')


def test_tablet_page_costs_the_same_queries_for_3_or_50_operations(shop, operator_client, operator):
    small = released_order(shop)
    start_operation(actor=operator, operation=operations_of(small)[0])
    few_queries, few_rows = tablet_queries(operator_client, shop)
    assert few_rows == 3

    products = [long_routing_product(shop, 24), long_routing_product(shop, 23)]
    big = make_order(creator=user_with_role("sales"), status=OrderStatus.APPROVED, products=products,
                     quantities=[Decimal("2"), Decimal("2")], priority="rush", rush_reason="line stop")
    released_order(shop, order=big)
    many_queries, many_rows = tablet_queries(operator_client, shop)
    assert many_rows == 50
    assert many_queries == few_queries


def test_order_page_loads_production_progress_once_planned(shop, client, operator):
    order = released_order(shop)
    sub_op, first, _second = operations_of(order)
    start_operation(actor=operator, operation=sub_op)
    report_quantities(actor=operator, operation=sub_op, good="3")
    complete_operation(actor=operator, operation=sub_op)
    start_operation(actor=operator, operation=first)
    report_quantities(actor=operator, operation=first, good="1", scrap="1", scrap_reason="surface")

    sales = user_with_role("sales")
    client.force_login(sales)
    progress_url = reverse("production:order_progress", args=[order.pk])
    detail = client.get(reverse("orders:detail", args=[order.pk])).content.decode()
    assert f'hx-get="{progress_url}"' in detail

    response = client.get(progress_url)
    assert response.status_code == 200
    section = response.content.decode()
    assert section.count('data-testid="progress-work-order"') == 2
    assert section.count('data-testid="progress-operation"') == 3
    # Sub-assembly (180 standard minutes) done, F/10 (60 min) two of three, F/20 (60 min) not started:
    # (180 + 60 × 2/3) / 300 = 73 %.
    assert '<span class="badge" data-testid="progress-percent">73 % done</span>' in section
    # The F work order: 40 of its 120 standard minutes.
    assert section.count('data-testid="work-order-percent">33 %</span>') == 1
    assert section.count('data-testid="work-order-percent">100 %</span>') == 1


def progress_queries(client, order):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("production:order_progress", args=[order.pk]))
    assert response.status_code == 200
    return len(queries), response.content.decode().count('data-testid="progress-operation"')


def test_progress_costs_the_same_queries_for_3_or_47_operations(shop, client):
    small = released_order(shop)
    products = [long_routing_product(shop, 24), long_routing_product(shop, 23)]
    big = released_order(shop, order=make_order(creator=user_with_role("sales"), status=OrderStatus.APPROVED,
                                                products=products, quantities=[Decimal("2"), Decimal("2")]))
    client.force_login(user_with_role("sales"))
    few_queries, few_rows = progress_queries(client, small)
    many_queries, many_rows = progress_queries(client, big)
    assert (few_rows, many_rows) == (3, 47)
    assert many_queries == few_queries


def test_order_page_shows_no_progress_before_the_plan_is_released(shop, client):
    order = make_order(creator=user_with_role("sales"), status=OrderStatus.APPROVED, products=[shop["product"]],
                       quantities=[Decimal("3")])
    client.force_login(user_with_role("sales"))
    detail = client.get(reverse("orders:detail", args=[order.pk])).content.decode()
    assert reverse("production:order_progress", args=[order.pk]) not in detail


def test_progress_needs_the_order_view_permission(shop, client):
    order = released_order(shop)
    client.force_login(User.objects.create_user("nobody", password="pw-OrderFlow-2026"))
    assert client.get(reverse("production:order_progress", args=[order.pk])).status_code == 403


def test_start_is_disabled_and_explained_on_blocked_operations_and_the_server_refuses(shop, operator_client):
    waiting = released_order(shop)  # F op 10 waits for the sub-assembly, op 20 for op 10
    no_materials = released_order(shop, materials_ready=False)
    sub_op, first, second = operations_of(waiting)
    blocked_sub, _blocked_first, _blocked_second = operations_of(no_materials)
    page = operator_client.get(tablet_url(shop)).content.decode()

    def start_button(op):
        row = page[page.index(f'data-operation="{op.pk}"'):]
        return row[row.index('data-testid="start"') - 80:row.index("</form>")]

    assert "disabled" not in start_button(sub_op)
    for op, reason in ((first, "waiting for WO-"), (second, "waiting for op 10"), (blocked_sub, "materials not ready")):
        button = start_button(op)
        assert "disabled" in button and 'data-testid="start-blocked"' in button and reason in button
        # A start sent anyway (a stale page, a crafted request) is refused and starts nothing.
        response = operator_client.post(action_url(op, "start"), {"expected_state": state(op)}, **HTMX)
        assert 'data-testid="row-error"' in response.content.decode()
        assert WorkOrderOperation.objects.get(pk=op.pk).status == "released"


def test_completing_an_operation_refreshes_the_rows_it_unblocks(shop, operator_client, operator):
    order = released_order(shop)
    sub_op, first, _second = operations_of(order)
    start_operation(actor=operator, operation=sub_op)
    report_quantities(actor=operator, operation=sub_op, good=Decimal("3"))
    response = operator_client.post(action_url(sub_op, "complete"), {"expected_state": state(sub_op)}, **HTMX)
    page = response.content.decode()
    # The work order that waited for the sub-assembly comes back in the same response, out of band, startable.
    row = page[page.index(f'data-operation="{first.pk}"'):]
    row = row[:row.index("</article>")]
    assert 'hx-swap-oob="true"' in row and 'data-testid="start"' in row and "disabled" not in row


def test_an_order_on_hold_is_named_as_such_and_its_started_work_cannot_be_recorded(shop, operator_client, operator):
    from orders.services import transition_order

    order = released_order(shop)
    sub_op, first, _second = operations_of(order)
    start_operation(actor=operator, operation=sub_op)
    transition_order(actor=user_with_role("order_desk"), order=order, action="hold", note="customer asked")
    page = operator_client.get(tablet_url(shop)).content.decode()
    started = page[page.index(f'data-operation="{sub_op.pk}"'):]
    started = started[:started.index("</article>")]
    assert 'data-testid="work-blocked"' in started and "On hold" in started and 'data-testid="report"' not in started
    waiting = page[page.index(f'data-operation="{first.pk}"'):]
    waiting = waiting[:waiting.index("</article>")]
    assert "order On hold" in waiting and "materials not ready" not in waiting
