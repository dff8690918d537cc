"""Framework contracts: created and activated, orders placed against them draw down the quantities (a
cancelled order gives them back), a call-off beyond what is left warns and is placed only when
acknowledged, the contract page shows consumption, the PDF, expiry alerts from beat, and bad input."""

import subprocess

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from alerts.models import Alert
from documents.models import Document, DocumentStatus
from documents.services import request_document
from orders import services as order_services
from orders.models import Order
from sales import contract_services as cs
from sales.models import Contract, ContractCallOff, ContractEvent, ContractStatus
from sales.selectors import consumption
from sales.tasks import watch_contract_expiry

from .setup import D, in_days

pytestmark = pytest.mark.django_db


def make_contract(people, shop, *, start=-5, end=200, activate=True):
    contract = cs.create_contract(
        actor=people["sales"], customer=shop["customer"], title="2026 年度框架协议", currency="CNY",
        start_date=in_days(start), end_date=in_days(end), payment_terms="net60", customer_reference="FA-88",
        lines=[cs.ContractLineInput(shop["widget"], D("95.00"), D("1000")),
               cs.ContractLineInput(shop["gasket"], D("7.50"), D("5000"))])
    return cs.activate_contract(actor=people["manager"], contract=contract) if activate else contract


def lines_of(contract):
    return {line.product.sku: line for line in contract.lines.select_related("product")}


def test_a_call_off_is_a_draft_order_at_the_agreed_prices_that_draws_the_contract_down(people, shop):
    contract = make_contract(people, shop)
    assert contract.number.startswith("CT-") and contract.status == ContractStatus.ACTIVE
    lines = lines_of(contract)
    order = cs.place_call_off(actor=people["sales"], contract=contract, requested_date=in_days(20),
                              quantities={lines["W-100"].pk: D("300")}, customer_po="PO-1")
    assert [(ln.product.sku, ln.quantity, ln.unit_price) for ln in order.lines.all()] == [
        ("W-100", D("300"), D("95.00"))]
    assert order.status == "draft" and contract.number in order.internal_notes
    rows = {row.line.product.sku: row for row in consumption(contract)}
    assert (rows["W-100"].called, rows["W-100"].remaining, rows["W-100"].percent) == (D("300"), D("700"), 30)
    assert rows["G-200"].called == 0
    # A cancelled order gives its quantity back.
    order_services.transition_order(actor=people["admin"], order=order, action="cancel", note="客户取消")
    assert {row.line.product.sku: row.remaining for row in consumption(contract)}["W-100"] == D("1000")


def test_a_call_off_beyond_what_is_left_warns_and_is_placed_only_when_acknowledged(people, shop):
    contract = make_contract(people, shop)
    lines = lines_of(contract)
    cs.place_call_off(actor=people["sales"], contract=contract, requested_date=in_days(20),
                      quantities={lines["W-100"].pk: D("800")})
    with pytest.raises(cs.CallOffExceeds) as refused:
        cs.place_call_off(actor=people["sales"], contract=contract, requested_date=in_days(20),
                          quantities={lines["W-100"].pk: D("300")})
    assert "only 200 of 1000 left" in refused.value.messages[0] and "100 over" in refused.value.messages[0]
    assert Order.objects.count() == 1 and ContractCallOff.objects.count() == 1
    order = cs.place_call_off(actor=people["sales"], contract=contract, requested_date=in_days(20),
                              quantities={lines["W-100"].pk: D("300")}, acknowledge_excess=True)
    call_off = ContractCallOff.objects.get(order=order)
    assert call_off.exceeded_by == D("100")
    assert {row.line.product.sku: row.remaining for row in consumption(contract)}["W-100"] == D("-100")
    assert ContractEvent.objects.filter(contract=contract, action="exceeded").count() == 1
    alert = Alert.objects.get(kind="contract_exceeded")
    assert "manager" in alert.roles and order.number in str(alert.params)


def test_call_offs_are_refused_outside_an_active_contract_and_for_bad_quantities(people, shop):
    draft = make_contract(people, shop, activate=False)
    lines = lines_of(draft)
    with pytest.raises(ValidationError, match="active"):
        cs.place_call_off(actor=people["sales"], contract=draft, requested_date=in_days(20),
                          quantities={lines["W-100"].pk: D("1")})
    future = make_contract(people, shop, start=10, end=40)
    with pytest.raises(ValidationError, match="outside"):
        cs.place_call_off(actor=people["sales"], contract=future, requested_date=in_days(20),
                          quantities={lines_of(future)["W-100"].pk: D("1")})
    active = make_contract(people, shop)
    for quantities in ({}, {lines_of(active)["W-100"].pk: D("1.5")}, {lines_of(active)["W-100"].pk: D("-3")},
                       {lines["W-100"].pk: D("1")}):  # the last: a line of another contract
        with pytest.raises(ValidationError):
            cs.place_call_off(actor=people["sales"], contract=active, requested_date=in_days(20),
                              quantities=quantities)
    with pytest.raises(PermissionDenied):
        cs.place_call_off(actor=people["finance"], contract=active, requested_date=in_days(20),
                          quantities={lines_of(active)["W-100"].pk: D("1")})
    assert Order.objects.count() == ContractCallOff.objects.count() == 0


def test_bad_contracts_are_refused_and_nothing_is_written(people, shop):
    good = [cs.ContractLineInput(shop["widget"], D("95.00"), D("10"))]
    cases = [
        {"lines": []},
        {"start_date": in_days(10), "end_date": in_days(5)},
        {"lines": [cs.ContractLineInput(shop["widget"], D("-1"), D("10"))]},
        {"lines": [cs.ContractLineInput(shop["widget"], D("1"), D("0"))]},
        {"lines": good + good},
        {"title": "   "},
    ]
    for case in cases:
        values = {"title": "框架", "start_date": in_days(0), "end_date": in_days(30), "lines": good, **case}
        with pytest.raises(ValidationError):
            cs.create_contract(actor=people["sales"], customer=shop["customer"], currency="CNY",
                               payment_terms="net30", **values)
    assert Contract.objects.count() == 0 and ContractEvent.objects.count() == 0


def test_beat_expires_ended_contracts_and_warns_once_of_those_ending_soon(people, shop):
    ended = make_contract(people, shop, start=-100, end=-1)
    ending = make_contract(people, shop, start=-100, end=10)
    later = make_contract(people, shop, start=-100, end=200)
    assert watch_contract_expiry.delay().get() == {"expired": 1, "warned": 1}
    assert watch_contract_expiry() == {"expired": 0, "warned": 1}
    assert Contract.objects.get(pk=ended.pk).status == ContractStatus.EXPIRED
    assert Contract.objects.get(pk=later.pk).status == ContractStatus.ACTIVE
    assert Alert.objects.filter(kind="contract_expired", params__contract=ended.number).count() == 1
    assert Alert.objects.filter(kind="contract_expiring", params__contract=ending.number).count() == 1
    assert not Alert.objects.filter(params__contract=later.number).exists()


def test_the_contract_pdf_shows_terms_and_consumption(people, shop, django_capture_on_commit_callbacks):
    contract = make_contract(people, shop)
    cs.place_call_off(actor=people["sales"], contract=contract, requested_date=in_days(20),
                      quantities={lines_of(contract)["G-200"].pk: D("1200")})
    with django_capture_on_commit_callbacks(execute=True):
        request_document(actor=people["sales"], kind="contract", obj=contract)
    document = Document.objects.get(kind="contract", object_id=contract.pk)
    assert document.status == DocumentStatus.READY, document.error
    text = subprocess.run(["pdftotext", "-layout", document.file.path, "-"], capture_output=True, text=True,
                          check=True).stdout
    for value in ("框架合同", "Framework Contract", contract.number, "2026 年度框架协议", "FA-88", "W-100",
                  "95.00", "5,000", "1,200", "3,800", "60"):
        assert value in text, value


def test_the_contract_page_warns_then_places_and_shows_consumption(client, people, shop):
    contract = make_contract(people, shop)
    line = lines_of(contract)["W-100"]
    client.force_login(people["sales"])
    url = reverse("sales:contract_call_off", args=[contract.pk])
    response = client.post(url, {"requested_date": in_days(20).isoformat(), f"qty_{line.pk}": "1200"})
    page = response.content.decode()
    assert response.status_code == 200 and "1,000" in page and Order.objects.count() == 0
    assert 'data-testid="call-off-warning"' in page
    response = client.post(url, {"requested_date": in_days(20).isoformat(), f"qty_{line.pk}": "abc"})
    assert response.status_code == 200 and Order.objects.count() == 0
    response = client.post(url, {"requested_date": in_days(20).isoformat(), f"qty_{line.pk}": "1200",
                                 "acknowledge_excess": "on"})
    order = Order.objects.get()
    assert response.url == reverse("orders:detail", args=[order.pk])
    page = client.get(reverse("sales:contract_detail", args=[contract.pk])).content.decode()
    assert order.number in page and "-200" in page and "120%" in page
