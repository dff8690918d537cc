"""Where later stages plug into the order services without `orders` importing them (DESIGN.md §2:
orders imports no other app of ours).

A stage registers its functions in its AppConfig.ready(); orders.services calls them at fixed,
documented points, inside the same transaction as the order change, so the flow stays visible in one
place (no signals) and a failure in a stage rolls the order change back too.

- on_cancel: fn(*, actor, order) — after the order moved to cancelled (work orders cancelled,
  reservations released, …). Raise ValidationError to refuse the cancellation.
- cancel_locks: fn() — called first, before the order row is touched, when an order is being cancelled:
  a stage whose on_cancel hook locks shared rows (planning locks the work centers) takes those locks
  here, so cancelling and planning take locks in the same order and queue instead of deadlocking.
- on_transition: fn(*, actor, order, action, from_status) — after any transition of the order state
  machine was saved and its event written (e.g. quality opens an inspection on finish_production).
- transition_checks: {action: [fn(order) -> list of messages]} — why a later stage does not allow the
  order's transition `action` now (work orders still open before finish_production, shipments not
  delivered before confirm_delivery). Order declares them as the transition's condition (orders.models,
  _stages_allow), so no path takes the transition while any message is given; transition_order refuses
  with the messages.
- close_checks: fn(order) -> list of messages — what still stands open on a delivered order (goods not
  shipped, shipments not delivered, open complaints, open NCRs…). shipping.services.close_order asks
  close_problems() before the close transition and refuses, changing nothing, while any is given.
- promise_provider: fn(order) -> date | None — the earliest date the factory can deliver the order
  (capable-to-promise); approve_order stores it as the promised date when the reviewer gives none.
- Controlled changes (orders.changes), each given the order and a ProposedChange:
  change_checks: fn(order, change) -> list of messages — why the stage cannot take the change (work
  already started beyond a new quantity…); change_impacts: fn(order, change) -> list of
  {"title": str, "rows": [str]} — what the change does to the stage, shown before approval;
  change_locks: fn() — taken first when a change is applied (planning locks the work centers);
  change_appliers: fn(*, actor, order, change) — the stage follows the applied change, in its transaction.
"""

CANCEL_ACTIONS = {"cancel", "cancel_held"}

on_cancel = []
cancel_locks = []
on_transition = []
transition_checks = {}
close_checks = []
promise_provider = None
change_checks = []
change_impacts = []
change_locks = []
change_appliers = []


def register_on_cancel(fn):
    if fn not in on_cancel:
        on_cancel.append(fn)
    return fn


def register_cancel_lock(fn):
    if fn not in cancel_locks:
        cancel_locks.append(fn)
    return fn


def before_transition(*, action):
    if action in CANCEL_ACTIONS:
        for fn in cancel_locks:
            fn()


def register_on_transition(fn):
    if fn not in on_transition:
        on_transition.append(fn)
    return fn


def register_transition_check(action, fn):
    checks = transition_checks.setdefault(action, [])
    if fn not in checks:
        checks.append(fn)
    return fn


def transition_problems(order, action):
    """Every message of every check registered for the order's transition `action` (empty: allowed)."""
    return [message for fn in transition_checks.get(action, ()) for message in fn(order)]


def register_close_check(fn):
    if fn not in close_checks:
        close_checks.append(fn)
    return fn


def register_promise_provider(fn):
    global promise_provider
    promise_provider = fn
    return fn


def after_transition(*, actor, order, action, from_status):
    if action in CANCEL_ACTIONS:
        for fn in on_cancel:
            fn(actor=actor, order=order)
    for fn in on_transition:
        fn(actor=actor, order=order, action=action, from_status=from_status)


def promise_for(order):
    return promise_provider(order) if promise_provider is not None else None


def close_problems(order):
    """Every message of every registered close check for `order` (empty: it may be closed)."""
    return [message for fn in close_checks for message in fn(order)]


def register_change_hooks(*, check=None, impact=None, lock=None, apply=None):
    for registry, fn in ((change_checks, check), (change_impacts, impact), (change_locks, lock),
                         (change_appliers, apply)):
        if fn is not None and fn not in registry:
            registry.append(fn)
