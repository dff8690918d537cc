"""The nightly check of the maintained order aggregates (orders.tallies): recount, repair, and alert the
managers when anything had drifted (a write that bypassed Order.save(), a defect to look for)."""

from django.utils import timezone
from django.utils.translation import gettext_noop

from alerts.services import create_alert

from .tallies import reconcile


def report_drift(drift):
    """Tell the managers that the aggregates had drifted (and were repaired): it means a write bypassed
    Order.save(), which is a defect to look for."""
    create_alert(kind="order_tally_drift", severity="high", roles=["manager"],
                 subject=gettext_noop("Order counts were out of step with the orders: %(count)s differences "
                                      "repaired"),
                 params={"count": len(drift)}, dedupe_key=f"order-tally-drift-{timezone.localdate().isoformat()}")


def reconcile_and_report():
    drift = reconcile(fix=True)
    if drift:
        report_drift(drift)
    return len(drift)
