"""Where later stages plug into the order services without `orders` importing them (DESIGN.md §2:
orders imports no other app of ours).

A stage registers its functions in its AppConfig.ready(); orders.services calls them at a fixed,
documented point, inside the same transaction as the order change, so the flow stays visible in one
place (no signals) and a failure in a stage rolls the order change back too.

- on_cancel: fn(*, actor, order) — called after the order moved to cancelled (work orders cancelled,
  reservations released, …). Raise ValidationError to refuse the cancellation.
- promise_provider: fn(order) -> date | None — the earliest date the factory can deliver the order
  (capable-to-promise); approve_order stores it as the promised date when the reviewer gives none.
"""

on_cancel = []
promise_provider = None


def register_on_cancel(fn):
    if fn not in on_cancel:
        on_cancel.append(fn)
    return fn


def register_promise_provider(fn):
    global promise_provider
    promise_provider = fn
    return fn


def run_on_cancel(*, actor, order):
    for fn in on_cancel:
        fn(actor=actor, order=order)


def promise_for(order):
    return promise_provider(order) if promise_provider is not None else None
