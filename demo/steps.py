"""Demo steps that a later app adds to an earlier app's demo path, registered from the later app's
AppConfig.ready() (this cross-cutting app imports no stage, like alerts.subjects).

`before_close`: what the demo takes care of before it closes a delivered order. The shipping demo closes
orders (shipping.demo_data); an order closes only when settled (settlement.hooks.unsettled), so the
settlement app registers its demo step here: the demo finance clerk invoices every shipment and records
the payment. Each step is called as fn(order, users=<{role: demo user}>)."""

_BEFORE_CLOSE = {}


def register_before_close(name, fn):
    _BEFORE_CLOSE[name] = fn


def before_close(order, *, users):
    for fn in _BEFORE_CLOSE.values():
        fn(order, users=users)
