"""Which stage reacts to which order transition: the one registry (REACTIONS below), read in one place.

`orders` imports no other app of ours (docs/architecture.md), so a reaction names its handler by
dotted path; it is imported the first time it is called. orders.services and orders.changes call the
handlers at fixed points, inside the same transaction as the order change, so the flow stays visible
(no signals) and a failure in a stage rolls the order change back too.

The kinds of reaction (Hook) and what their handlers are given:

- CANCEL_LOCK: fn() — first, before the order row is touched, when an order is cancelled: a stage whose
  ON_CANCEL handler locks shared rows (planning locks the work centers) takes those locks here, so
  cancelling and planning take locks in the same order and queue instead of deadlocking.
- ON_CANCEL: fn(*, actor, order) — after the order moved to cancelled. Raise ValidationError to refuse.
- ON_TRANSITION: fn(*, actor, order, action, from_status) — after a transition in `transitions` was saved
  and its event written (e.g. quality opens an inspection on finish_production).
- TRANSITION_CHECK: fn(order) -> list of messages — why a later stage does not allow the order's
  transition now (a work order still open before finish_production, a line QC has not accepted before
  pass_qc, goods not dispatched before ship, a shipment not delivered before confirm_delivery, an open
  NCR or complaint before close). Order declares them as the transition's condition
  (orders.models._stages_allow), so no path takes it while any message is given; transition_order
  refuses with the messages.
- PROMISE: fn(order) -> date | None — the earliest date the factory can deliver (capable-to-promise);
  approve_order stores it as the promised date when the reviewer gives none. At most one.
- EXPOSURE: fn(customer_id) -> ExposureParts — what the customer owes after shipment (settlement: shipped
  not invoiced, invoiced unpaid), and the shipped value of its orders still open for credit (which the open
  orders' part leaves out, so nothing counts twice). orders.rules.credit_exposure adds them up.
- Controlled changes (orders.changes), each given the order and a ProposedChange:
  CHANGE_CHECK: fn(order, change) -> list of messages (why the stage cannot take it);
  CHANGE_IMPACT: fn(order, change) -> list of {"title", "rows"} shown before approval;
  CHANGE_LOCK: fn() — taken first when a change is applied; CHANGE_APPLY: fn(*, actor, order, change).
- LINE_PRICE: fn(*, customer, product, currency, quantity) -> Decimal | None — the default unit price of an
  order line typed without one (the sales price list for the customer's grade and currency); None: the
  product's list price. At most one.

Handlers of one kind run in the order they are listed.
"""

import enum
from dataclasses import dataclass
from decimal import Decimal
from functools import cache

from django.utils.module_loading import import_string

CANCEL_ACTIONS = ("cancel", "cancel_held")


class Hook(enum.StrEnum):
    CANCEL_LOCK = "cancel_lock"
    ON_CANCEL = "on_cancel"
    ON_TRANSITION = "on_transition"
    TRANSITION_CHECK = "transition_check"
    PROMISE = "promise"
    CHANGE_CHECK = "change_check"
    CHANGE_IMPACT = "change_impact"
    CHANGE_LOCK = "change_lock"
    CHANGE_APPLY = "change_apply"
    LINE_PRICE = "line_price"
    EXPOSURE = "exposure"


@dataclass(frozen=True)
class ExposureParts:
    """An EXPOSURE handler's answer for one customer, in money."""

    shipped_of_open_orders: Decimal = Decimal("0")
    shipped_not_invoiced: Decimal = Decimal("0")
    invoiced_unpaid: Decimal = Decimal("0")


@dataclass(frozen=True)
class StageReaction:
    stage: str  # the app that reacts
    hook: Hook
    handler: str  # dotted path of the function
    # The order transitions it reacts to; empty: every transition (webhooks), or not tied to one
    # transition (close checks, promise, controlled changes).
    transitions: tuple[str, ...] = ()


REACTIONS: tuple[StageReaction, ...] = (
    # Cancelling: work centers locked first, then planned work cancelled and reservations released.
    StageReaction("planning", Hook.CANCEL_LOCK, "planning.plans.lock_scheduling", CANCEL_ACTIONS),
    StageReaction("planning", Hook.ON_CANCEL, "planning.order_cancellation.cancel_order_work", CANCEL_ACTIONS),
    StageReaction("inventory", Hook.ON_CANCEL, "inventory.prep_sheets.release_on_cancel", CANCEL_ACTIONS),
    # An order with an open prep sheet becomes materials ready only through production's acceptance.
    StageReaction("inventory", Hook.ON_TRANSITION, "inventory.prep_sheets.refuse_materials_ready_while_preparing",
                  ("prepare_materials",)),
    # Inspections opened when production finishes; leftovers cancelled when QC is passed.
    StageReaction("quality", Hook.ON_TRANSITION, "quality.hooks.on_order_transition",
                  ("finish_production", "pass_qc")),
    # EDI partners get an order response on approval and a despatch advice on shipment (edi.outbound).
    StageReaction("edi", Hook.ON_TRANSITION, "edi.outbound.on_order_transition", ("approve", "ship")),
    # Every status change goes to the subscribed webhooks.
    StageReaction("api", Hook.ON_TRANSITION, "api.webhooks.on_order_transition"),
    # The delivered-order fact and the dashboard's daily rollups, in the delivery's transaction (reports.rollups).
    StageReaction("reports", Hook.ON_TRANSITION, "reports.rollups.on_order_delivered", ("confirm_delivery",)),
    # Customer notices: the rules (notices.NoticeRule, data) say which transitions tell the customer.
    StageReaction("notices", Hook.ON_TRANSITION, "notices.services.on_order_transition"),
    # Conditions of the order's transitions: production finishes when no work order is open; QC passes
    # when every line has an accepted lot, and sends the order back only for a failed one; the order is
    # shipped when dispatched shipments carry every line; delivery is confirmed when no shipment is a draft
    # or on its way; no closing with an open NCR, goods not shipped/delivered or an open complaint.
    StageReaction("production", Hook.TRANSITION_CHECK, "production.services.unfinished_work", ("finish_production",)),
    StageReaction("quality", Hook.TRANSITION_CHECK, "quality.hooks.lines_not_accepted", ("pass_qc",)),
    StageReaction("quality", Hook.TRANSITION_CHECK, "quality.hooks.no_failed_lot", ("fail_qc",)),
    StageReaction("shipping", Hook.TRANSITION_CHECK, "shipping.services.goods_not_dispatched", ("ship",)),
    StageReaction("shipping", Hook.TRANSITION_CHECK, "shipping.deliveries.undelivered_shipments",
                  ("confirm_delivery",)),
    StageReaction("quality", Hook.TRANSITION_CHECK, "quality.hooks.open_ncr_problems", ("close",)),
    StageReaction("shipping", Hook.TRANSITION_CHECK, "shipping.deliveries.open_delivery_items", ("close",)),
    # An order closes when settled: every shipment invoiced and paid, or a settlement exception recorded.
    StageReaction("settlement", Hook.TRANSITION_CHECK, "settlement.hooks.unsettled", ("close",)),
    # The credit exposure after shipment: shipped not invoiced, invoiced unpaid (orders.rules.credit_exposure).
    StageReaction("settlement", Hook.EXPOSURE, "settlement.hooks.exposure_parts"),
    # approve_order's promised date (capable-to-promise).
    StageReaction("planning", Hook.PROMISE, "planning.promise.promised_date_for", ("approve",)),
    # Controlled order changes: checked, shown and followed by the work orders, schedule and reservations.
    StageReaction("planning", Hook.CHANGE_CHECK, "planning.change_hooks.check"),
    StageReaction("planning", Hook.CHANGE_IMPACT, "planning.change_hooks.impact"),
    StageReaction("inventory", Hook.CHANGE_IMPACT, "inventory.change_hooks.impact"),
    StageReaction("planning", Hook.CHANGE_LOCK, "planning.plans.lock_scheduling"),
    StageReaction("planning", Hook.CHANGE_APPLY, "planning.change_hooks.apply"),
    StageReaction("inventory", Hook.CHANGE_APPLY, "inventory.change_hooks.apply"),
    # Order entry's default line price: the price list for the customer's grade and currency.
    StageReaction("sales", Hook.LINE_PRICE, "sales.pricing.order_line_price"),
)


@cache
def _load(path):
    return import_string(path)


def reactions(hook, action=None):
    """The registered reactions of kind `hook` (to `action`, when given), in the order listed."""
    return [r for r in REACTIONS
            if r.hook == hook and (action is None or not r.transitions or action in r.transitions)]


def handlers(hook, action=None):
    return [_load(r.handler) for r in reactions(hook, action)]


def before_transition(*, action):
    for fn in handlers(Hook.CANCEL_LOCK, action):
        fn()


def after_transition(*, actor, order, action, from_status):
    for fn in handlers(Hook.ON_CANCEL, action):
        fn(actor=actor, order=order)
    for fn in handlers(Hook.ON_TRANSITION, action):
        fn(actor=actor, order=order, action=action, from_status=from_status)


def promise_for(order):
    providers = handlers(Hook.PROMISE)
    return providers[0](order) if providers else None


def line_price_for(*, customer, product, currency, quantity):
    providers = handlers(Hook.LINE_PRICE)
    return providers[0](customer=customer, product=product, currency=currency, quantity=quantity) if providers else None
def exposure_after_shipment(customer_id):
    """The EXPOSURE parts of a customer summed over the registered handlers (zero without any)."""
    parts = [fn(customer_id) for fn in handlers(Hook.EXPOSURE)]
    return ExposureParts(*(sum((getattr(p, name) for p in parts), Decimal("0"))
                           for name in ("shipped_of_open_orders", "shipped_not_invoiced", "invoiced_unpaid")))


def transition_problems(order, action):
    """Every message of every check registered for the order's transition `action` (empty: allowed)."""
    return [message for fn in handlers(Hook.TRANSITION_CHECK, action) for message in fn(order)]
