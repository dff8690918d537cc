"""Who acts next on a purchase request, said where the warehouse and the planners look: the request list,
the order's materials panel, the message after requesting, and each role's home page (the planner's queue to
approve, the warehouse's "waiting for the planner"), in the reader's language."""

import pytest
from django.urls import reverse

from accounts.services import set_user_language
from inventory import purchasing
from inventory.models import PurchaseRequest
from tests.inventory.materialdata import buyer, machine_order, make_machine
from tests.inventory.stockdata import keeper

pytestmark = pytest.mark.django_db
LIST = reverse("inventory:purchase_request_list")


def next_steps(page):
    return [cell.split(">", 1)[1].split("<", 1)[0] for cell in page.split('data-testid="next-step"')[1:]]


@pytest.mark.parametrize("language, waiting, ordering", [
    ("en", "Waiting for the planner's approval", "Waiting for the planner to order it from a supplier"),
    ("zh-hans", "等待计划员审批", "等待计划员向供应商下采购单"),
])
def test_the_warehouse_is_told_the_planner_approves(client, language, waiting, ordering):
    order = machine_order(make_machine(), quantity="1", status="planned")
    warehouse = keeper()
    set_user_language(actor=warehouse, language=language)
    client.force_login(warehouse)
    response = client.post(reverse("inventory:order_materials_request", args=[order.pk]), follow=True)
    page = response.content.decode().replace("&#x27;", "'")
    assert waiting in page  # the message after requesting says who is next
    requests = list(PurchaseRequest.objects.order_by("pk"))
    assert requests and all(r.status == "open" for r in requests)

    page = client.get(LIST).content.decode().replace("&#x27;", "'")
    assert next_steps(page) == [waiting] * len(requests)
    home = client.get(reverse("home")).content.decode().replace("&#x27;", "'")
    assert 'data-card="requests_awaiting_planner"' in home and 'data-card="requests_to_approve"' not in home
    materials = client.get(reverse("inventory:order_materials", args=[order.pk])).content.decode()
    assert materials.replace("&#x27;", "'").count(waiting) == len(requests)

    purchasing.approve_purchase_request(actor=buyer(), request=requests[0])
    page = client.get(LIST).content.decode().replace("&#x27;", "'")
    assert sorted(next_steps(page)) == sorted([ordering] + [waiting] * (len(requests) - 1))


def test_the_planner_has_the_requests_to_approve_on_the_home_page(client):
    order = machine_order(make_machine(), quantity="1", status="planned")
    made = purchasing.request_order_shortages(actor=keeper(), order=order)
    client.force_login(buyer())
    home = client.get(reverse("home")).content.decode()
    card = home.split('data-card="requests_to_approve"', 1)[1].split("</a>", 1)[0]
    assert f"<strong>{len(made)}</strong>" in card and "?status=open" in card


def test_a_shortage_request_stores_no_text_in_the_requesters_language():
    order = machine_order(make_machine(), quantity="1", status="planned")
    warehouse = keeper()
    set_user_language(actor=warehouse, language="zh-hans")
    from django.utils import translation

    with translation.override("zh-hans"):
        made = purchasing.request_order_shortages(actor=warehouse, order=order)
    assert made and all(r.note == "" and r.order == order for r in made)
