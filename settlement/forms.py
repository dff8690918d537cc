"""Forms of the settlement pages. They only parse what was typed; the services decide what is allowed."""

import uuid

from django import forms
from django.utils.translation import gettext_lazy as _

from orders.forms import DecimalTextField, EntryKeyErrorShown
from orders.models import Currency

from .models import InvoiceStatus
from .services import DEFAULT_TAX_RATE

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
OVERDUE = "overdue"


class EntryKeyedForm(EntryKeyErrorShown, forms.Form):
    entry_key = forms.UUIDField(widget=forms.HiddenInput, initial=uuid.uuid4)


class InvoiceForm(EntryKeyedForm):
    invoice_date = forms.DateField(label=_("Invoice date"), widget=DATE,
                                   error_messages={"required": _("Enter the invoice date.")})
    tax_rate = DecimalTextField(label=_("Tax rate (%)"), max_length=10, initial=f"{DEFAULT_TAX_RATE:f}",
                                error_messages={"required": _("Enter the tax rate (0 for none).")})


class PaymentForm(EntryKeyedForm):
    amount = DecimalTextField(label=_("Amount received"), max_length=30,
                              error_messages={"required": _("Enter the amount received.")})
    received_on = forms.DateField(label=_("Received on"), widget=DATE,
                                  error_messages={"required": _("Enter the date the money was received.")})
    reference = forms.CharField(label=_("Bank reference"), max_length=100, required=False)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=300,
                             error_messages={"required": _("Give the reason.")})


class InvoiceFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100,
                        widget=forms.TextInput(attrs={"type": "search",
                                                      "placeholder": _("Invoice, order, shipment, customer")}))
    status = forms.ChoiceField(label=_("Status"), required=False,
                               choices=[("", _("All")), (OVERDUE, _("Overdue"))] + InvoiceStatus.choices)
    currency = forms.ChoiceField(label=_("Currency"), choices=[("", _("All"))] + Currency.choices, required=False)
    date_from = forms.DateField(label=_("Invoiced from"), required=False, widget=DATE)
    date_to = forms.DateField(label=_("Invoiced to"), required=False, widget=DATE)
    sort = forms.ChoiceField(label=_("Sort"), required=False, choices=[
        ("-date", _("Newest first")), ("date", _("Oldest first")), ("due", _("Due date")),
        ("-amount", _("Largest amount")), ("number", _("Number"))])
