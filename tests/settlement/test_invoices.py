"""Invoices per shipment and payments against them (settlement.services): amounts, tax and the due date from
the order's payment terms; partial and full payments; and every bad input refused with a clear message and
nothing written."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from orders.models import OrderEvent, PaymentTerms
from orders.payment_terms import set_payment_terms
from settlement import services
from settlement.models import Invoice, InvoiceEvent, InvoiceStatus, Payment
from shipping import services as shipping_services
from tests.fixtures.factories import CustomerFactory, user_with_role
from tests.shipping.helpers import details, fg_location, finished_good, pick, produce, qc_passed_order

from .conftest import shipped_order

pytestmark = pytest.mark.django_db
T = timezone.localdate


def _nothing_written(before):
    assert (Invoice.objects.count(), Payment.objects.count(), InvoiceEvent.objects.count()) == before


def _counts():
    return Invoice.objects.count(), Payment.objects.count(), InvoiceEvent.objects.count()


def test_an_invoice_bills_the_shipment_at_the_order_prices_with_tax_due_by_the_customers_terms(finance, shipper):
    order, shipment = shipped_order(shipper, quantity=10, price="88.50",
                                    customer=CustomerFactory(payment_terms=PaymentTerms.NET60))
    invoice = services.create_invoice(actor=finance, shipment=shipment, invoice_date=T(), tax_rate=Decimal("13"))
    assert invoice.number.startswith(f"INV-{T().year}-")
    assert (invoice.net_amount, invoice.tax_amount, invoice.amount) == (Decimal("885.00"), Decimal("115.05"),
                                                                       Decimal("1000.05"))
    assert invoice.currency == order.currency and invoice.status == InvoiceStatus.ISSUED
    assert invoice.payment_terms == PaymentTerms.NET60 and invoice.due_date == T() + timedelta(days=60)
    event = invoice.events.get()
    assert (event.action, event.actor, event.to_status) == ("issued", finance, "issued")
    assert shipment.number in str(event.get_note_display())


@pytest.mark.parametrize(("terms", "invoiced", "due"), [
    (PaymentTerms.PREPAID, date(2026, 3, 10), date(2026, 3, 10)),
    (PaymentTerms.COD, date(2026, 3, 10), date(2026, 3, 10)),
    (PaymentTerms.NET30, date(2026, 3, 10), date(2026, 4, 9)),
    (PaymentTerms.NET60, date(2026, 3, 10), date(2026, 5, 9)),
    (PaymentTerms.NET90, date(2026, 3, 10), date(2026, 6, 8)),
    (PaymentTerms.MONTHLY, date(2026, 1, 15), date(2026, 2, 28)),  # end of the following month
    (PaymentTerms.MONTHLY, date(2028, 1, 31), date(2028, 2, 29)),
    (PaymentTerms.MONTHLY, date(2026, 12, 3), date(2027, 1, 31)),
])
def test_the_due_date_follows_the_payment_terms(terms, invoiced, due):
    assert services.due_date_for(terms, invoiced) == due


def test_an_orders_own_payment_terms_need_a_reason_and_decide_the_due_date(finance, shipper):
    order, shipment = shipped_order(shipper, customer=CustomerFactory(payment_terms=PaymentTerms.NET30))
    sales = user_with_role("sales")
    events = OrderEvent.objects.filter(order=order).count()
    with pytest.raises(ValidationError, match="reason"):
        set_payment_terms(actor=sales, order=order, terms=PaymentTerms.NET90, reason="  ")
    with pytest.raises(ValidationError, match="Choose payment terms"):
        set_payment_terms(actor=sales, order=order, terms="net45", reason="x")
    with pytest.raises(PermissionDenied):
        set_payment_terms(actor=finance, order=order, terms=PaymentTerms.NET90, reason="框架协议约定")
    assert OrderEvent.objects.filter(order=order).count() == events
    order = set_payment_terms(actor=sales, order=order, terms=PaymentTerms.NET90, reason="框架协议约定 90 天")
    assert (order.payment_terms, order.payment_terms_reason) == (PaymentTerms.NET90, "框架协议约定 90 天")
    event = OrderEvent.objects.filter(order=order, action="payment_terms_set").get()
    assert event.actor == sales and "框架协议约定 90 天" in str(event.get_note_display())
    invoice = services.create_invoice(actor=finance, shipment=shipment)
    assert invoice.payment_terms == PaymentTerms.NET90 and invoice.due_date == T() + timedelta(days=90)
    # Back to the customer's terms: the override and its reason go.
    order = set_payment_terms(actor=sales, order=order, terms=PaymentTerms.NET30)
    assert (order.payment_terms, order.payment_terms_reason, order.effective_payment_terms) == ("", "", "net30")


def test_bad_invoices_are_refused_with_their_reasons_and_nothing_is_written(finance, shipper):
    _order, shipment = shipped_order(shipper)
    before = _counts()
    cases = [
        ({"invoice_date": T() + timedelta(days=1)}, "cannot be in the future"),
        ({"invoice_date": T() - timedelta(days=3)}, "before the ship date"),
        ({"tax_rate": Decimal("150")}, "between 0 and 100"),
        ({"tax_rate": Decimal("-1")}, "between 0 and 100"),
        ({"tax_rate": Decimal("13.125")}, "at most 2 decimals"),
    ]
    for kwargs, message in cases:
        with pytest.raises(ValidationError) as refused:
            services.create_invoice(actor=finance, shipment=shipment, **kwargs)
        assert message in " ".join(refused.value.messages), (kwargs, refused.value.messages)
        _nothing_written(before)
    with pytest.raises(PermissionDenied):
        services.create_invoice(actor=user_with_role("sales"), shipment=shipment)
    _nothing_written(before)
    services.create_invoice(actor=finance, shipment=shipment)
    with pytest.raises(ValidationError, match="invoiced already"):
        services.create_invoice(actor=finance, shipment=shipment)
    assert Invoice.objects.count() == before[0] + 1


def test_a_draft_shipment_is_not_invoiced(finance, shipper):
    product, item = finished_good()
    location = fg_location()
    order = qc_passed_order([product], [5])
    lot = produce(order, item, location, 5, "DR-1").moves[0].lot
    draft = shipping_services.create_shipment(actor=shipper, order=order, details=details(),
                                              picks=[pick(order, 1, lot, location, 5)])
    with pytest.raises(ValidationError, match="not shipped"):
        services.create_invoice(actor=finance, shipment=draft)
    assert not Invoice.objects.exists()


def test_payments_part_then_rest_and_the_invoice_is_paid(finance, shipper):
    _order, shipment = shipped_order(shipper, quantity=10, price="100")
    invoice = services.create_invoice(actor=finance, shipment=shipment, tax_rate=Decimal("0"))
    services.record_payment(actor=finance, invoice=invoice, amount=Decimal("400"), received_on=T(), reference="B1")
    invoice.refresh_from_db()
    assert (invoice.status, invoice.paid_amount, invoice.outstanding) == ("part_paid", Decimal("400"), Decimal("600"))
    services.record_payment(actor=finance, invoice=invoice, amount=Decimal("600.00"), received_on=T())
    invoice.refresh_from_db()
    assert (invoice.status, invoice.outstanding) == ("paid", Decimal("0"))
    assert list(invoice.events.values_list("action", "from_status", "to_status")) == [
        ("issued", "", "issued"), ("payment", "issued", "part_paid"), ("payment", "part_paid", "paid")]
    assert list(invoice.payments.values_list("amount", flat=True)) == [Decimal("400"), Decimal("600")]


def test_bad_payments_are_refused_and_nothing_is_written(finance, shipper):
    _order, shipment = shipped_order(shipper, quantity=10, price="100")
    invoice = services.create_invoice(actor=finance, shipment=shipment, tax_rate=Decimal("0"))
    before = _counts()
    cases = [
        ({"amount": Decimal("0")}, "more than zero"),
        ({"amount": Decimal("-5")}, "more than zero"),
        ({"amount": Decimal("1.005")}, "at most 2 decimals"),
        ({"amount": Decimal("1000.01")}, "Only 1,000.00 CNY of invoice"),
        ({"received_on": T() + timedelta(days=1)}, "cannot be in the future"),
        ({"received_on": T() - timedelta(days=1)}, "before the invoice date"),
        ({"received_on": None}, "Enter the date"),
        ({"reference": "x" * 101}, "at most 100 characters"),
    ]
    for kwargs, message in cases:
        values = {"amount": Decimal("10"), "received_on": T(), **kwargs}
        with pytest.raises(ValidationError) as refused:
            services.record_payment(actor=finance, invoice=invoice, **values)
        assert message in " ".join(refused.value.messages), (kwargs, refused.value.messages)
        _nothing_written(before)
    with pytest.raises(PermissionDenied):
        services.record_payment(actor=user_with_role("sales"), invoice=invoice, amount=Decimal("1"), received_on=T())
    invoice.refresh_from_db()
    assert (invoice.status, invoice.paid_amount) == ("issued", Decimal("0"))


def test_a_cancelled_invoice_takes_no_payment_and_the_shipment_can_be_invoiced_again(finance, shipper):
    _order, shipment = shipped_order(shipper)
    invoice = services.create_invoice(actor=finance, shipment=shipment)
    with pytest.raises(ValidationError, match="reason"):
        services.cancel_invoice(actor=finance, invoice=invoice, reason=" ")
    services.cancel_invoice(actor=finance, invoice=invoice, reason="税率开错")
    with pytest.raises(ValidationError, match="cancelled: no payment"):
        services.record_payment(actor=finance, invoice=invoice, amount=Decimal("1"), received_on=T())
    again = services.create_invoice(actor=finance, shipment=shipment, tax_rate=Decimal("9"))
    assert again.pk != invoice.pk and again.tax_rate == Decimal("9")
    services.record_payment(actor=finance, invoice=again, amount=Decimal("1"), received_on=T())
    with pytest.raises(ValidationError, match="cannot be cancelled"):
        services.cancel_invoice(actor=finance, invoice=again, reason="late")
