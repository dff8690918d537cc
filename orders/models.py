"""Customers, products, orders and their lines, the order event log, and THE order state machine.

Transition methods only declare source/target, the permission and the conditions; the service
functions in orders.services (and in each stage's services) do the work, call the transition, save
and write the OrderEvent.
"""

import uuid
from decimal import ROUND_HALF_UP, Decimal

import django_fsm as fsm
from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models, transaction
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from history.models import Event
from systemtext.fields import StoredCharField, TextValuesField

from . import stage_hooks, tallies
from .customer_classes import CreditGrade, CustomerGrade  # noqa: F401 - re-exported: the customer's classes
from .search import cjk_bigrams

QTY = {"max_digits": 12, "decimal_places": 3}
CENT = Decimal("0.01")


def line_amount(quantity, unit_price):
    """A line's amount in money: rounded half up to the cent, as invoices do."""
    return (quantity * unit_price).quantize(CENT, rounding=ROUND_HALF_UP)

MONEY = {"max_digits": 12, "decimal_places": 2}


class Currency(models.TextChoices):
    CNY = "CNY", _("Chinese yuan (CNY)")
    USD = "USD", _("US dollar (USD)")
    EUR = "EUR", _("Euro (EUR)")
    HKD = "HKD", _("Hong Kong dollar (HKD)")
    JPY = "JPY", _("Japanese yen (JPY)")


class Unit(models.TextChoices):
    PCS = "pcs", _("pieces")
    SET = "set", _("sets")
    BOX = "box", _("boxes")
    KG = "kg", _("kilograms")
    G = "g", _("grams")
    T = "t", _("tonnes")
    L = "l", _("litres")
    M = "m", _("metres")

    @classmethod
    def decimals(cls, unit):
        """How many decimals a quantity in this unit may have (pieces are whole)."""
        return {"pcs": 0, "set": 0, "box": 0, "g": 1, "kg": 3, "t": 3, "l": 3, "m": 2}.get(unit, 3)

    @classmethod
    def symbol(cls, unit):
        """The short form written after a number, in the reader's language (12 pcs, 12 件; 3.5 kg, 3.5 千克).
        An unknown code is written as it is."""
        return str(UNIT_SYMBOLS[unit]) if unit in UNIT_SYMBOLS else unit


UNIT_SYMBOLS = {
    "pcs": pgettext_lazy("unit symbol", "pcs"), "set": pgettext_lazy("unit symbol", "set"),
    "box": pgettext_lazy("unit symbol", "box"), "kg": pgettext_lazy("unit symbol", "kg"),
    "g": pgettext_lazy("unit symbol", "g"), "t": pgettext_lazy("unit symbol", "t"),
    "l": pgettext_lazy("unit symbol", "l"), "m": pgettext_lazy("unit symbol", "m"),
}


class PaymentTerms(models.TextChoices):
    PREPAID = "prepaid", _("Prepaid")
    COD = "cod", _("Cash on delivery")
    NET30 = "net30", _("30 days net")
    NET60 = "net60", _("60 days net")
    NET90 = "net90", _("90 days net")
    MONTHLY = "monthly", _("Monthly statement")


class Customer(models.Model):
    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=200)
    name_en = models.CharField(_("English name"), max_length=200, blank=True)
    contact_name = models.CharField(_("contact person"), max_length=100, blank=True)
    contact_phone = models.CharField(_("phone"), max_length=50, blank=True)
    contact_email = models.EmailField(_("e-mail"), blank=True)
    billing_address = models.TextField(_("billing address"), blank=True)
    shipping_address = models.TextField(_("shipping address"), blank=True)
    credit_limit = models.DecimalField(_("credit limit"), **MONEY, default=Decimal("0"),
                                       validators=[MinValueValidator(Decimal("0"))],
                                       help_text=_("0 means no limit."))
    payment_terms = models.CharField(_("payment terms"), max_length=20, choices=PaymentTerms.choices,
                                     default=PaymentTerms.NET30)
    currency = models.CharField(_("currency"), max_length=3, choices=Currency.choices, default=Currency.CNY)
    language = models.CharField(_("document language"), max_length=10, choices=settings.LANGUAGES,
                                default="zh-hans")
    grade = models.CharField(_("customer grade"), max_length=1, choices=CustomerGrade.choices, blank=True)
    credit_grade = models.CharField(_("credit grade"), max_length=10, choices=CreditGrade.choices, blank=True)
    industry = models.CharField(_("industry"), max_length=100, blank=True)
    region = models.CharField(_("region"), max_length=100, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("customer")
        verbose_name_plural = _("customers")
        permissions = [("import_customer", _("Can import customers"))]

    def __str__(self):
        return f"{self.code} {self.name}"


class CustomerContact(models.Model):
    """Further contacts of a customer (buyer, accounts, receiving dock)."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField(_("name"), max_length=100)
    title = models.CharField(_("role"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    # Customer notices (order confirmation, dispatch, delay, delivery) go to the contacts who receive
    # updates, by e-mail and, where a mobile number is given, by SMS, in the contact's language.
    mobile = models.CharField(_("mobile (SMS)"), max_length=30, blank=True)
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES, default="zh-hans")
    receives_updates = models.BooleanField(_("receives order updates"), default=True)

    class Meta:
        verbose_name = _("customer contact")
        verbose_name_plural = _("customer contacts")

    def __str__(self):
        return self.name


class Product(models.Model):
    sku = models.CharField(_("SKU"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    specification = models.CharField(_("specification"), max_length=300, blank=True)
    unit = models.CharField(_("unit"), max_length=8, choices=Unit.choices, default=Unit.PCS)
    standard_lead_time_days = models.PositiveIntegerField(_("standard lead time (days)"), default=14)
    list_price = models.DecimalField(_("list price"), **MONEY, default=Decimal("0"),
                                     validators=[MinValueValidator(Decimal("0"))])
    currency = models.CharField(_("currency"), max_length=3, choices=Currency.choices, default=Currency.CNY)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["sku"]
        verbose_name = _("product")
        verbose_name_plural = _("products")
        permissions = [("import_product", _("Can import products"))]

    def __str__(self):
        return f"{self.sku} {self.name}"

    @property
    def quantity_decimals(self):
        return Unit.decimals(self.unit)


class OrderStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    REJECTED = "rejected", _("Rejected")
    APPROVED = "approved", _("Approved")
    PLANNED = "planned", _("Planned")
    MATERIALS_READY = "materials_ready", _("Materials ready")
    IN_PRODUCTION = "in_production", _("In production")
    AWAITING_QC = "awaiting_qc", _("Awaiting QC")
    QC_PASSED = "qc_passed", _("QC passed")
    SHIPPED = "shipped", _("Shipped")
    DELIVERED = "delivered", _("Delivered")
    CLOSED = "closed", _("Closed")
    ON_HOLD = "on_hold", _("On hold")
    CANCELLED = "cancelled", _("Cancelled")


S = OrderStatus
# States an order can be put on hold from (and resumed back to).
HOLDABLE = [S.SUBMITTED, S.APPROVED, S.PLANNED, S.MATERIALS_READY, S.IN_PRODUCTION, S.AWAITING_QC,
            S.QC_PASSED, S.SHIPPED]
# Before production starts an order may be cancelled (reservations and work orders are released).
CANCELLABLE = [S.DRAFT, S.REJECTED, S.SUBMITTED, S.APPROVED, S.PLANNED, S.MATERIALS_READY]
# Sales may still change the content of the order.
EDITABLE = [S.DRAFT, S.REJECTED]
# Open orders count against the customer's credit limit.
OPEN_FOR_CREDIT = [S.SUBMITTED, S.APPROVED, S.PLANNED, S.MATERIALS_READY, S.IN_PRODUCTION,
                   S.AWAITING_QC, S.QC_PASSED, S.SHIPPED, S.ON_HOLD]


class Channel(models.TextChoices):
    BROWSER = "browser", _("Browser")
    PHONE = "phone", _("Phone")
    EMAIL = "email", pgettext_lazy("order channel", "E-mail")
    IMPORT = "import", _("Import")
    API = "api", _("API")
    EDI = "edi", _("EDI")  # made by edi.inbound from a partner's ORDERS message, never typed by hand


# The channels a person picks when typing an order in (EDI orders only come from edi.inbound).
ENTRY_CHANNELS = [choice for choice in Channel.choices if choice[0] != Channel.EDI]


class Priority(models.TextChoices):
    NORMAL = "normal", _("Normal")
    RUSH = "rush", _("Rush")


def _has_lines(order):
    pending = getattr(order, "pending_lines", None)  # an order submitted as it is entered: lines in memory
    if pending is not None:
        return bool(pending)
    return order.pk is not None and order.lines.exists()


def _may_release_plan(order, user):
    """The planner releases a plan; where plans need approval (planning.plan_approval), the production
    department head's approval releases it. Named as a permission string: orders imports no stage."""
    return user.has_perm("orders.plan_order") or user.has_perm("planning.approve_plansubmission")


def _credit_acknowledged(order):
    return not order.credit_warning or order.credit_acknowledged_by_id is not None


def _held_from_cancellable(order):
    return order.held_from in CANCELLABLE


def _may_cancel(order, user):
    """The order desk and managers cancel; sales may withdraw their own unsubmitted order."""
    if user.has_perm("orders.cancel_order"):
        return True
    return (order.status in EDITABLE and order.created_by_id == user.id
            and user.has_perm("orders.submit_order"))


def _stages_allow(action):
    """The condition that no later stage objects to the order's transition `action` now: the stages
    register their checks (orders.stage_hooks, Hook.TRANSITION_CHECK) since orders imports no stage app."""
    def condition(order):
        return not stage_hooks.transition_problems(order, action)
    condition.__name__ = f"stages_allow_{action}"
    return condition


def search_words(number, customer_po, customer, products):
    """The text an order is found by in the order list (see Order.search_text)."""
    words = [number, customer_po, customer.code, customer.name, customer.name_en]
    words += [w for p in products for w in (p.sku, p.name)]
    return " ".join(w for w in words if w).lower()


class Order(fsm.ConcurrentTransitionMixin, models.Model):
    number = models.CharField(_("order number"), max_length=20, unique=True, editable=False)
    customer = models.ForeignKey(Customer, verbose_name=_("customer"), on_delete=models.PROTECT,
                                 related_name="orders")
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices, default=Channel.BROWSER)
    customer_po = models.CharField(_("customer PO"), max_length=60, blank=True)
    requested_date = models.DateField(_("requested date"))
    promised_date = models.DateField(_("promised date"), null=True, blank=True)
    priority = models.CharField(_("priority"), max_length=10, choices=Priority.choices, default=Priority.NORMAL)
    rush_reason = models.CharField(_("rush reason"), max_length=300, blank=True)
    rush_suggested = models.BooleanField(
        _("rush suggested"), default=False,
        help_text=_("The requested lead time is shorter than the products' standard lead time."))
    # Why it was proposed (orders.rush_criteria): the matching rule, as a message id and its values.
    rush_suggested_reason = StoredCharField(_("why rush was proposed"), max_length=200, blank=True)
    rush_suggested_reason_values = TextValuesField()
    currency = models.CharField(_("currency"), max_length=3, choices=Currency.choices, default=Currency.CNY)
    total_amount = models.DecimalField(_("total"), **MONEY, default=Decimal("0"))
    # Two notes, because an order's note reaches two audiences: internal notes are for our staff only and
    # never leave the building (no customer document, tracking page, customer-bound API key or webhook);
    # notes for the customer are printed on the order confirmation and the delivery note.
    internal_notes = models.TextField(_("internal notes"), blank=True)
    customer_notes = models.TextField(_("notes for the customer"), blank=True)
    status = fsm.FSMField(_("status"), max_length=20, choices=OrderStatus.choices, default=S.DRAFT,
                          protected=True, db_index=True)
    held_from = models.CharField(_("held from"), max_length=20, choices=OrderStatus.choices, blank=True)
    status_reason = models.CharField(_("reason"), max_length=500, blank=True,
                                     help_text=_("Why the order was last rejected, held or cancelled."))
    # The order's own payment terms; empty: the customer's (orders.services.set_payment_terms records why
    # an order differs from its customer's terms).
    payment_terms = models.CharField(_("payment terms"), max_length=20, choices=PaymentTerms.choices, blank=True)
    payment_terms_reason = models.CharField(_("reason for the payment terms"), max_length=300, blank=True)
    credit_warning = models.BooleanField(_("over credit limit"), default=False)
    credit_acknowledged_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                               on_delete=models.PROTECT, related_name="+",
                                               verbose_name=_("credit warning acknowledged by"))
    duplicate_po_warning = models.BooleanField(_("customer PO used before"), default=False)
    # Set by later stages (a process exception, a material delay, a predicted late finish) and cleared
    # when the cause is resolved; shown on the order and on the dashboards.
    at_risk = models.BooleanField(_("at risk"), default=False, db_index=True)
    at_risk_reason = StoredCharField(_("at-risk reason"), max_length=300, blank=True)
    at_risk_reason_values = TextValuesField()
    at_risk_since = models.DateTimeField(_("at risk since"), null=True, blank=True)
    # What the order list's search matches (number, PO, customer, products as ordered), lower-case;
    # kept by the services. On PostgreSQL a trigram index makes "contains" searches fast (migration 0003).
    search_text = models.TextField(blank=True, default="", editable=False)
    # The two-character runs of its Chinese text, for 2-character searches (orders/search.py), GIN-indexed
    # on PostgreSQL (migration 0015).
    search_grams = models.JSONField(default=list, blank=True, editable=False)
    # One order per form submission, however often the button is clicked.
    entry_key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="orders_created",
                                   verbose_name=_("created by"))
    created_at = models.DateTimeField(_("created at"), default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("order")
        verbose_name_plural = _("orders")
        permissions = [
            ("submit_order", _("Can submit orders for review")),
            ("review_order", _("Can approve or reject orders")),
            ("hold_order", _("Can put orders on hold and resume them")),
            ("cancel_order", _("Can cancel orders")),
            ("close_order", _("Can close delivered orders")),
            ("export_order", _("Can export order lists")),
            ("plan_order", _("Can plan orders and release plans")),
            ("prepare_materials", _("Can prepare and issue materials")),
            ("produce_order", _("Can start and finish production")),
            ("inspect_order", _("Can record quality inspections")),
            ("ship_order", _("Can ship orders and record delivery")),
            ("change_promised_date", _("Can give an order a new promised date (a decision on a delay)")),
        ]
        indexes = [
            # The default list order: rush first ("rush" > "normal"), newest first, read backwards.
            models.Index(fields=["priority", "created_at", "id"], name="order_list_default_sort"),
            models.Index(fields=["customer", "status"]),
            # Status filters sorted by requested date (the planners' view). No index on requested_date
            # alone: PostgreSQL would walk it for status-filtered sorts and skip most of the table.
            models.Index(fields=["status", "requested_date", "id"], name="order_status_requested"),
            models.Index(fields=["customer_po"]),
            # "Received in the period" (reports): the index gives PostgreSQL the expression's statistics too,
            # without which it guesses a few hundred rows and plans the dashboard's joins as nested loops.
            models.Index(Coalesce("submitted_at", "created_at"), name="order_received_at"),
            # Home pages: the open orders past their due date, and a user's drafts (reports.selectors).
            models.Index("status", Coalesce("promised_date", "requested_date"), name="order_status_due"),
            models.Index(fields=["created_by", "status"], name="order_creator_status"),
        ]

    def __str__(self):
        return self.number

    # --- the maintained aggregates (orders/tallies.py) follow every save of the row ---------------------
    def save(self, *args, update_fields=None, **kwargs):
        adding = self._state.adding
        with transaction.atomic(savepoint=False):
            before = None if adding else getattr(self, "_tallied", None)
            if not adding and before is None:  # loaded with only(): read what the row holds now
                before = Order.objects.filter(pk=self.pk).values(*tallies.TALLIED_FIELDS).first()
            super().save(*args, update_fields=update_fields, **kwargs)
            after = tallies.snapshot(self)
            if update_fields is not None and before is not None:
                written = {self._meta.get_field(name).attname for name in update_fields}
                after = {name: after[name] if name in written else before[name] for name in after}
            tallies.apply_change(before, after)
            self._tallied = after

    def refresh_from_db(self, *args, **kwargs):
        super().refresh_from_db(*args, **kwargs)
        self._tallied = None  # read afresh at the next save

    def delete(self, *args, **kwargs):
        with transaction.atomic(savepoint=False):
            before = Order.objects.filter(pk=self.pk).values(*tallies.TALLIED_FIELDS).first()
            result = super().delete(*args, **kwargs)
            tallies.apply_change(before, None)
        return result

    @classmethod
    def from_db(cls, db, field_names, values):
        order = super().from_db(db, field_names, values)
        loaded = set(field_names)
        order._tallied = (tallies.snapshot(order) if all(
            f.attname in loaded for f in cls._meta.concrete_fields if f.attname in tallies.TALLIED_FIELDS) else None)
        return order

    def refresh_search_text(self, products):
        self.search_text = search_words(self.number, self.customer_po, self.customer, products)
        self.search_grams = cjk_bigrams(self.search_text)

    @property
    def is_rush(self):
        return self.priority == Priority.RUSH

    @property
    def effective_payment_terms(self):
        """The payment terms the order is invoiced under: its own, else its customer's."""
        return self.payment_terms or self.customer.payment_terms

    def at_risk_because_of(self, number):
        """Whether the at-risk reason names this document (an NCR, a material delay…) as its cause: a value
        of the stored text, or (rows written before texts were stored with values) part of the text."""
        if not self.at_risk:
            return False
        values = self.at_risk_reason_values
        if values is not None:
            return number in {value for value in values.values() if isinstance(value, str)}
        return number in self.at_risk_reason

    @property
    def is_editable(self):
        return self.status in EDITABLE

    # --- the state machine (DESIGN.md §3). Conditions of later stages are registered by those stages
    # (_stages_allow).
    @fsm.transition(status, source=[S.DRAFT, S.REJECTED], target=S.SUBMITTED,
                    permission="orders.submit_order", conditions=[_has_lines])
    def submit(self):
        pass

    @fsm.transition(status, source=S.SUBMITTED, target=S.APPROVED, permission="orders.review_order",
                    conditions=[_credit_acknowledged])
    def approve(self):
        pass

    @fsm.transition(status, source=S.SUBMITTED, target=S.REJECTED, permission="orders.review_order")
    def reject(self):
        pass

    @fsm.transition(status, source=S.APPROVED, target=S.PLANNED, permission=_may_release_plan)
    def release_plan(self):
        pass

    @fsm.transition(status, source=S.PLANNED, target=S.MATERIALS_READY, permission="orders.prepare_materials")
    def prepare_materials(self):
        pass

    @fsm.transition(status, source=S.MATERIALS_READY, target=S.IN_PRODUCTION, permission="orders.produce_order")
    def start_production(self):
        pass

    @fsm.transition(status, source=S.IN_PRODUCTION, target=S.AWAITING_QC, permission="orders.produce_order",
                    conditions=[_stages_allow("finish_production")])
    def finish_production(self):
        pass

    @fsm.transition(status, source=S.AWAITING_QC, target=S.QC_PASSED, permission="orders.inspect_order",
                    conditions=[_stages_allow("pass_qc")])
    def pass_qc(self):
        pass

    @fsm.transition(status, source=S.AWAITING_QC, target=S.IN_PRODUCTION, permission="orders.inspect_order",
                    conditions=[_stages_allow("fail_qc")])
    def fail_qc(self):
        pass

    @fsm.transition(status, source=S.QC_PASSED, target=S.SHIPPED, permission="orders.ship_order",
                    conditions=[_stages_allow("ship")])
    def ship(self):
        pass

    @fsm.transition(status, source=S.SHIPPED, target=S.DELIVERED, permission="orders.ship_order",
                    conditions=[_stages_allow("confirm_delivery")])
    def confirm_delivery(self):
        pass

    @fsm.transition(status, source=S.DELIVERED, target=S.CLOSED, permission="orders.close_order",
                    conditions=[_stages_allow("close")])
    def close(self):
        pass

    @fsm.transition(status, source=HOLDABLE, target=S.ON_HOLD, permission="orders.hold_order")
    def hold(self):
        self.held_from = self.status

    @fsm.transition(status, source=S.ON_HOLD, target=fsm.RETURN_VALUE(*HOLDABLE), permission="orders.hold_order")
    def resume(self):
        previous, self.held_from = self.held_from, ""
        return previous

    @fsm.transition(status, source=CANCELLABLE, target=S.CANCELLED, permission=_may_cancel)
    def cancel(self):
        pass

    @fsm.transition(status, source=S.ON_HOLD, target=S.CANCELLED, permission="orders.cancel_order",
                    conditions=[_held_from_cancellable])
    def cancel_held(self):
        self.held_from = ""


class OrderLine(models.Model):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")
    line_no = models.PositiveIntegerField(_("line"))
    product = models.ForeignKey(Product, verbose_name=_("product"), on_delete=models.PROTECT,
                                related_name="order_lines")
    quantity = models.DecimalField(_("quantity"), **QTY)
    unit_price = models.DecimalField(_("unit price"), **MONEY)
    requested_date = models.DateField(_("line requested date"), null=True, blank=True)
    shipped_quantity = models.DecimalField(_("shipped quantity"), **QTY, default=Decimal("0"))

    class Meta:
        ordering = ["order", "line_no"]
        verbose_name = _("order line")
        verbose_name_plural = _("order lines")
        constraints = [
            models.UniqueConstraint(fields=["order", "line_no"], name="order_line_no_unique"),
            models.CheckConstraint(condition=models.Q(quantity__gt=0), name="order_line_quantity_positive"),
            models.CheckConstraint(condition=models.Q(unit_price__gte=0), name="order_line_price_not_negative"),
        ]

    def __str__(self):
        return f"{self.order_id}/{self.line_no}"

    @property
    def amount(self):
        return line_amount(self.quantity, self.unit_price)


class OrderAction(models.TextChoices):
    """What an order's events record: its transitions (also the buttons' names) and the other steps
    that the stages write on the order's timeline."""

    CREATED = "created", _("Created")
    EDITED = "edited", _("Edited")
    SUBMIT = "submit", _("Submit for review")
    APPROVE = "approve", _("Approve")
    REJECT = "reject", _("Reject")
    RELEASE_PLAN = "release_plan", _("Release plan")
    PREPARE_MATERIALS = "prepare_materials", _("Materials ready")
    START_PRODUCTION = "start_production", _("Start production")
    FINISH_PRODUCTION = "finish_production", _("Finish production")
    PASS_QC = "pass_qc", _("Pass QC")
    FAIL_QC = "fail_qc", _("Fail QC")
    SHIP = "ship", _("Ship")
    CONFIRM_DELIVERY = "confirm_delivery", _("Confirm delivery")
    CLOSE = "close", _("Close")
    HOLD = "hold", _("Put on hold")
    RESUME = "resume", _("Resume")
    CANCEL = "cancel", _("Cancel order")
    CANCEL_HELD = "cancel_held", _("Cancel order")
    CREDIT_ACKNOWLEDGED = "credit_acknowledged", _("Credit warning acknowledged")
    AT_RISK = "at_risk", _("Marked at risk")
    AT_RISK_CLEARED = "at_risk_cleared", _("No longer at risk")
    RUSH_APPROVED = "rush_approved", _("Made a rush order")
    CHANGE_REQUESTED = "change_requested", _("Change requested")
    CHANGE_APPLIED = "change_applied", _("Change applied")
    CHANGE_REJECTED = "change_rejected", _("Change rejected")
    # a new promised date decided on a delay (rush.decisions); customer notices pick these events up
    PROMISED_DATE_CHANGED = "promised_date_changed", _("Promised date changed")
    # written by shipping
    PARTIAL_SHIPMENT = "partial_shipment", _("Partial shipment")
    DELIVERY_RECORDED = "delivery_recorded", _("Delivery recorded")
    TRACKING_LINK_CREATED = "tracking_link_created", _("Tracking link created")
    TRACKING_LINK_REVOKED = "tracking_link_revoked", _("Tracking link revoked")
    # payment terms (issue 18 item 3) and settlement
    PAYMENT_TERMS_SET = "payment_terms_set", _("Payment terms changed")
    SETTLEMENT_EXCEPTION = "settlement_exception", _("Closing without full settlement allowed")


class OrderEvent(Event):
    """Append-only audit log: every transition and every recorded change of an order."""

    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="events")
    action = models.CharField(_("action"), max_length=40, choices=OrderAction.choices)
    from_status = models.CharField(_("from"), max_length=20, choices=OrderStatus.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=20, choices=OrderStatus.choices, blank=True)

    class Meta(Event.Meta):
        verbose_name = _("order event")
        verbose_name_plural = _("order events")
        # (to_status, created_at): the fact refresh and the dashboards find recent deliveries without a scan.
        indexes = [models.Index(fields=["order", "created_at"]),
                   models.Index(fields=["to_status", "created_at"], name="orderevent_to_status_time")]

    def __str__(self):
        return f"{self.order_id} {self.action}"


# --- controlled changes (orders/changes.py): the change request, its state machine, and the order's revisions
# live in orders.change_models; imported here because Django finds an app's models in its models module.
from .change_models import (  # noqa: E402, F401
    APPROVAL_PERMISSION,
    ChangeKind,
    ChangeRequest,
    ChangeStatus,
    OrderRevision,
    may_approve_change,
    may_reject_change,
)
from .rush_rule_models import RushCriterion, RushRule  # noqa: E402, F401 - rush criteria as data
from .tally_models import CustomerExposure, OrderTally  # noqa: E402, F401 - the aggregates' tables
