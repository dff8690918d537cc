"""Production's queue of prep sheets waiting for its acceptance: on its home page and menu, listing what was
issued and not accepted yet, with "accept all issued" from the queue (the order becomes materials ready once
everything is accepted); other roles do not get it; nothing issued, nothing to accept."""

import pytest
from django.urls import reverse

from inventory import prep_sheets
from orders.models import Order, OrderStatus
from tests.fixtures.factories import user_with_role

from .test_prep_sheets import (  # noqa: F401 - fixtures
    _issue_the_rest,
    issue,
    lines_of,
    machine,
    media_root,
    planned,
    refused,
    sheet,
    shelves,
    stocked,
)

pytestmark = pytest.mark.django_db
QUEUE = reverse("inventory:prep_sheet_acceptance")


@pytest.fixture
def production_client(client):
    client.force_login(user_with_role("production", username="line-lead"))
    return client


def rows(response):
    return response.content.decode().count('data-testid="acceptance-row"')


def test_queue_lists_issued_material_and_accepts_it_from_the_queue(sheet, planned, shelves, stocked,  # noqa: F811
                                                                  production_client):
    # Nothing issued yet: nothing waits for production.
    assert rows(production_client.get(QUEUE)) == 0
    home = production_client.get(reverse("home")).content.decode()
    assert 'data-card="sheets_to_accept"' in home and QUEUE in home  # the card and the menu entry

    issue(sheet, "GK-1")
    page = production_client.get(QUEUE).content.decode()
    assert page.count('data-testid="acceptance-row"') == 1 and sheet.number in page and planned.number in page
    gasket = lines_of(sheet)[0]
    assert gasket.item.code in page
    assert "<strong>6" in page  # the issued quantity waiting, as a plain number

    response = production_client.post(reverse("inventory:prep_sheet_accept_all", args=[sheet.pk]), follow=True)
    assert rows(response) == 0  # accepted: off the queue
    line = lines_of(sheet)[0]
    assert line.accepted_quantity == line.net_issued and line.accepted_by.username == "line-lead"
    assert Order.objects.get(pk=planned.pk).status == OrderStatus.PLANNED  # the rest is not issued yet

    _issue_the_rest(sheet, shelves, stocked)
    assert rows(production_client.get(QUEUE)) == 1
    response = production_client.post(reverse("inventory:prep_sheet_accept_all", args=[sheet.pk]), follow=True)
    assert planned.number in response.content.decode() and rows(response) == 0
    assert Order.objects.get(pk=planned.pk).status == OrderStatus.MATERIALS_READY


def test_accepting_with_nothing_issued_is_refused_and_changes_nothing(sheet, planned):  # noqa: F811
    production = user_with_role("production")
    refused(lambda: prep_sheets.accept_all_issued(actor=production, sheet=sheet), "Nothing has been issued")
    issue(sheet, "GK-1")
    prep_sheets.accept_all_issued(actor=production, sheet=sheet)
    refused(lambda: prep_sheets.accept_all_issued(actor=production, sheet=sheet), "waiting to be accepted")


@pytest.mark.parametrize("role", ["warehouse", "sales", "qc"])
def test_only_production_has_the_acceptance_queue(sheet, client, role):  # noqa: F811
    issue(sheet, "GK-1")
    client.force_login(user_with_role(role))
    assert client.get(QUEUE).status_code == 403
    assert client.post(reverse("inventory:prep_sheet_accept_all", args=[sheet.pk])).status_code == 403
    assert lines_of(sheet)[0].accepted_quantity == 0
    assert 'data-card="sheets_to_accept"' not in client.get(reverse("home")).content.decode()
