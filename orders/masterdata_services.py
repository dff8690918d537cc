"""Writes on master data: customers (with their contacts) and products.

One function per user-visible action, each in one transaction, checking the actor's permission and
the input. Nothing is deleted: a customer or product that is no longer used is deactivated (orders
keep pointing at it). Every change is written to the change log (audit) with old and new values, in
the same transaction, and shows in the record's change history.

The field checks (`customer_errors`, `product_errors`) are shared with the forms, which show the
messages next to the fields, and with the CSV/XLSX import (orders.importing), which shows them per
row: the same rule gives the same message wherever the data comes from.
"""

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from accounts.permissions import require
from audit.changes import record_change, snapshot

from .models import Customer, CustomerContact, Order, Product

CUSTOMER_FIELDS = (
    "code", "name", "name_en", "contact_name", "contact_phone", "contact_email", "billing_address",
    "shipping_address", "credit_limit", "payment_terms", "currency", "language", "is_active",
    "grade", "credit_grade", "industry", "region",
)
PRODUCT_FIELDS = (
    "sku", "name", "specification", "unit", "standard_lead_time_days", "list_price", "currency", "is_active",
)
# Money is Decimal(12, 2): at most ten digits before the point.
MAX_MONEY = Decimal("9999999999.99")
# A lead time over ten years is a typing error, not a plan.
MAX_LEAD_TIME_DAYS = 3650
MAX_CONTACTS = 20
# Rows that belong to a customer and are logged with it.
CUSTOMER_CHILDREN = ("contacts",)


@dataclass
class ContactInput:
    """One contact of a customer as the user wants it; `id` names an existing contact to keep."""

    name: str
    title: str = ""
    phone: str = ""
    email: str = ""
    id: int | None = None


# --- field rules -------------------------------------------------------------------------------

def validate_code(value):
    """Codes and SKUs identify a record in imports, searches and documents: required, no spaces."""
    if not value:
        raise ValidationError(_("Enter a code."))
    if any(ch.isspace() for ch in value):
        raise ValidationError(_("A code cannot contain spaces."))


def _validate_name(value):
    if not value:
        raise ValidationError(_("Enter a name."))


def validate_money(value):
    """An amount of money: zero or more, in cents. Messages name no field: the form shows them
    next to the field and the import prefixes the column's name."""
    if value is None:
        raise ValidationError(_("Enter an amount."))
    if not isinstance(value, Decimal):
        try:
            value = Decimal(str(value))
        except InvalidOperation:
            raise ValidationError(_("“%(value)s” is not a number.") % {"value": value}) from None
    if not value.is_finite():
        raise ValidationError(_("“%(value)s” is not a number.") % {"value": value})
    if value < 0:
        raise ValidationError(_("The amount cannot be negative."))
    if value != value.quantize(Decimal("0.01")):
        raise ValidationError(_("The amount can have at most 2 decimals."))
    if value > MAX_MONEY:
        raise ValidationError(_("The amount is too large (at most %(max)s).") % {"max": MAX_MONEY})


def validate_lead_time(value):
    if value is None:
        raise ValidationError(_("Enter the lead time in days."))
    if value < 0:
        raise ValidationError(_("The lead time cannot be negative."))
    if value > MAX_LEAD_TIME_DAYS:
        raise ValidationError(_("The lead time is at most %(max)s days.") % {"max": MAX_LEAD_TIME_DAYS})


def _run_checks(checks, errors, fields):
    for field, check in checks:
        if fields is not None and field not in fields:
            continue
        try:
            check()
        except ValidationError as exc:
            errors.setdefault(field, []).extend(exc.messages)


def _model_errors(instance, errors, fields):
    """The model's own validation (lengths, e-mail, choices) for fields not already in error."""
    exclude = set(errors)
    if fields is not None:
        exclude |= {f.name for f in instance._meta.fields if f.name not in fields}
    try:
        instance.full_clean(exclude=sorted(exclude), validate_unique=False)
    except ValidationError as exc:
        for field, messages in exc.message_dict.items():
            errors.setdefault(field, []).extend(messages)


def customer_errors(customer, *, check_unique=True, fields=None):
    """Every problem of a customer as {field: [messages]} (empty when it may be saved). `fields`
    limits the check to those fields (the import checks what a row gives)."""
    customer.code = (customer.code or "").strip()
    customer.name = (customer.name or "").strip()
    errors = {}
    _run_checks([
        ("code", lambda: validate_code(customer.code)),
        ("name", lambda: _validate_name(customer.name)),
        ("credit_limit", lambda: validate_money(customer.credit_limit)),
    ], errors, fields)
    if check_unique and "code" not in errors:
        taken = Customer.objects.filter(code=customer.code).exclude(pk=customer.pk).exists()
        if taken:
            errors["code"] = [_("A customer with code %(code)s already exists.") % {"code": customer.code}]
    _model_errors(customer, errors, fields)
    return errors


def product_errors(product, *, check_unique=True, fields=None):
    """Every problem of a product as {field: [messages]} (empty when it may be saved). `fields`
    limits the check to those fields (the import checks what a row gives)."""
    product.sku = (product.sku or "").strip()
    product.name = (product.name or "").strip()
    errors = {}
    _run_checks([
        ("sku", lambda: validate_code(product.sku)),
        ("name", lambda: _validate_name(product.name)),
        ("list_price", lambda: validate_money(product.list_price)),
        ("standard_lead_time_days", lambda: validate_lead_time(product.standard_lead_time_days)),
    ], errors, fields)
    if check_unique and "sku" not in errors:
        if Product.objects.filter(sku=product.sku).exclude(pk=product.pk).exists():
            errors["sku"] = [_("A product with SKU %(sku)s already exists.") % {"sku": product.sku}]
    _model_errors(product, errors, fields)
    return errors


def _raise_if(errors):
    if errors:
        raise ValidationError(errors)


def _changed_fields(instance, before, names):
    return [name for name in names if getattr(instance, name) != before.get(name)]


# --- customers ---------------------------------------------------------------------------------

def _contact_errors(contacts):
    errors = []
    if len(contacts) > MAX_CONTACTS:
        errors.append(_("A customer can have at most %(n)s further contacts.") % {"n": MAX_CONTACTS})
    for number, contact in enumerate(contacts, start=1):
        probe = CustomerContact(name=contact.name.strip(), title=contact.title.strip(),
                                phone=contact.phone.strip(), email=contact.email.strip())
        if not probe.name:
            errors.append(_("Contact %(n)s: enter a name.") % {"n": number})
        try:
            probe.full_clean(exclude=["customer", "name"] if not probe.name else ["customer"])
        except ValidationError as exc:
            errors.extend(_("Contact %(n)s: %(msg)s") % {"n": number, "msg": m} for m in exc.messages)
    return errors


def _write_contacts(customer, contacts):
    """Make the customer's further contacts exactly `contacts`: keep and update those named by id,
    add the new ones, and remove the others (a contact is part of the customer's current data,
    like its phone number; the customer itself is never deleted)."""
    existing = {c.pk: c for c in customer.contacts.all()}
    unknown = [c.id for c in contacts if c.id is not None and c.id not in existing]
    if unknown:
        raise ValidationError(_("A contact does not belong to this customer; reload the page."))
    keep = set()
    for contact in contacts:
        values = {"name": contact.name.strip(), "title": contact.title.strip(), "phone": contact.phone.strip(),
                  "email": contact.email.strip()}
        if contact.id is None:
            CustomerContact.objects.create(customer=customer, **values)
            continue
        keep.add(contact.id)
        row = existing[contact.id]
        if any(getattr(row, k) != v for k, v in values.items()):
            for key, value in values.items():
                setattr(row, key, value)
            row.save()
    customer.contacts.exclude(pk__in=keep).filter(pk__in=list(existing)).delete()


def _contacts_changed(customer, contacts):
    current = [(c.pk, c.name, c.title, c.phone, c.email) for c in customer.contacts.order_by("pk")]
    wanted = [(c.id, c.name.strip(), c.title.strip(), c.phone.strip(), c.email.strip()) for c in contacts]
    return sorted(current, key=str) != sorted(wanted, key=str)


def create_customer(*, actor, contacts=(), **fields) -> Customer:
    """Create a customer with its further contacts."""
    require(actor, "orders.add_customer")
    unknown = set(fields) - set(CUSTOMER_FIELDS)
    if unknown:
        raise TypeError(f"unknown customer fields: {sorted(unknown)}")
    contacts = list(contacts)
    if any(c.id is not None for c in contacts):
        raise ValidationError(_("A contact does not belong to this customer; reload the page."))
    customer = Customer(**fields)
    errors = customer_errors(customer)
    contact_errors = _contact_errors(contacts)
    if contact_errors:
        errors.setdefault("__all__", []).extend(contact_errors)
    _raise_if(errors)
    try:
        with transaction.atomic():
            customer.save()
            _write_contacts(customer, contacts)
            record_change(customer, actor=actor, children=CUSTOMER_CHILDREN)
    except IntegrityError:
        # Someone else saved the same code between our check and our insert.
        raise ValidationError(
            {"code": [_("A customer with code %(code)s already exists.") % {"code": customer.code}]}) from None
    return customer


def update_customer(*, actor, customer: Customer, contacts=None, **fields) -> Customer:
    """Change a customer's fields (the code stays: it identifies the customer in imports and
    documents) and, when `contacts` is given, replace its further contacts."""
    require(actor, "orders.change_customer")
    unknown = set(fields) - (set(CUSTOMER_FIELDS) - {"code"})
    if unknown:
        raise TypeError(f"customer fields that cannot be updated: {sorted(unknown)}")
    with transaction.atomic():
        current = Customer.objects.select_for_update().get(pk=customer.pk)
        logged = snapshot(current, children=CUSTOMER_CHILDREN)
        before = {name: getattr(current, name) for name in CUSTOMER_FIELDS}
        for name, value in fields.items():
            setattr(current, name, value)
        errors = customer_errors(current)
        contacts = None if contacts is None else list(contacts)
        if contacts is not None:
            contact_errors = _contact_errors(contacts)
            if contact_errors:
                errors.setdefault("__all__", []).extend(contact_errors)
        _raise_if(errors)
        changed = _changed_fields(current, before, CUSTOMER_FIELDS)
        if changed:
            current.save()
        if {"code", "name", "name_en"} & set(changed):
            refresh_order_search_text(customer=current)
        if contacts is not None and _contacts_changed(current, contacts):
            _write_contacts(current, contacts)
            changed.append("contacts")
        if changed:
            record_change(current, actor=actor, before=logged, children=CUSTOMER_CHILDREN)
    return current


def set_customer_active(*, actor, customer: Customer, active: bool) -> Customer:
    """Deactivate (no new orders; existing orders are untouched) or reactivate a customer."""
    return update_customer(actor=actor, customer=customer, is_active=active)


# --- products ----------------------------------------------------------------------------------

def create_product(*, actor, **fields) -> Product:
    require(actor, "orders.add_product")
    unknown = set(fields) - set(PRODUCT_FIELDS)
    if unknown:
        raise TypeError(f"unknown product fields: {sorted(unknown)}")
    product = Product(**fields)
    _raise_if(product_errors(product))
    try:
        with transaction.atomic():
            product.save()
            record_change(product, actor=actor)
    except IntegrityError:
        raise ValidationError(
            {"sku": [_("A product with SKU %(sku)s already exists.") % {"sku": product.sku}]}) from None
    return product


def update_product(*, actor, product: Product, **fields) -> Product:
    """Change a product's fields (the SKU stays: order lines and documents refer to it)."""
    require(actor, "orders.change_product")
    unknown = set(fields) - (set(PRODUCT_FIELDS) - {"sku"})
    if unknown:
        raise TypeError(f"product fields that cannot be updated: {sorted(unknown)}")
    with transaction.atomic():
        current = Product.objects.select_for_update().get(pk=product.pk)
        logged = snapshot(current)
        before = {name: getattr(current, name) for name in PRODUCT_FIELDS}
        for name, value in fields.items():
            setattr(current, name, value)
        _raise_if(product_errors(current))
        changed = _changed_fields(current, before, PRODUCT_FIELDS)
        if changed:
            current.save()
            record_change(current, actor=actor, before=logged)
    return current


def set_product_active(*, actor, product: Product, active: bool) -> Product:
    """Deactivate (no new order lines; existing orders are untouched) or reactivate a product."""
    return update_product(actor=actor, product=product, is_active=active)


def refresh_order_search_text(*, customer):
    """A renamed customer is still found under its new name in the order list."""
    orders = list(Order.objects.filter(customer=customer).only("id", "number", "customer_po")
                  .prefetch_related("lines__product"))
    for order in orders:
        order.customer = customer
        order.refresh_search_text([line.product for line in order.lines.all()])
    Order.objects.bulk_update(orders, ["search_text", "search_grams"], batch_size=1000)
