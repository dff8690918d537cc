"""Stock-move reasons, reservation release reasons, purchase-request decision notes and optimisation-run errors
written before they were system texts (in the writer's language, or in English for the ones pages translated when shown) become message
id + values, as 0001 did for the event notes; what people typed stays as it is.

A system reason is recognised only where the system writes it: on a ledger row of the document it names
(a "Shipment %(number)s" reason on a shipment's row, never on a manual adjustment whose typed reason happens
to start with "Shipment"), never on a reversal (its reason is typed). The stock ledger is append-only: its
trigger lets these UPDATEs through only inside history.triggers.backdating() (docs/history.md), switched on
for this migration's transaction alone."""

import re
from importlib import import_module

from django.db import migrations

from history.triggers import backdating

earlier = import_module("systemtext.migrations.0001_stored_texts_of_existing_rows")

OPENING = "opening balance"
# The reason of each kind of ledger row the system writes, by the type of the document behind the row.
LEDGER_REASONS = {
    "purchase_order": ["Goods receipt %(number)s"],
    "prep_sheet": ["Prep sheet %(number)s line %(n)s"],
    "inspection": ["Passed inspection %(number)s"],
    "shipment": ["Shipment %(number)s"],
    "customer_return": ["Customer return %(number)s (%(complaint)s), from lot %(lot)s: %(reason)s"],
    "cycle_count": ["cycle count", "cycle count: %(note)s"],
    "opening_balance": [OPENING],
    "": [OPENING, "Order %(number)s passed QC"],  # the demo's opening stock and finished goods
}
RESERVATION_REASONS = ["issued from another lot or bin", "order %(number)s cancelled", "order %(number)s changed"]
CANCELLED_REQUEST_NOTES = ["order %(number)s cancelled"]
OPTIMISATION_ERRORS = ["The optimisation did not finish within its time limit (its worker stopped); run it again.",
                       "No worker started the optimisation within %(minutes)s minutes; run it again.",
                       "The plan cannot be optimised: %(reason)s"]
# What the demo loader wrote before its reasons were system texts: (pattern, message id).
DEMO_TEXTS = [(r"期初库存 opening balance", OPENING),
              (r"(?P<number>\S+) 检验合格入库 passed QC", "Order %(number)s passed QC")]


def _demo_patterns():
    return [(message, False, re.compile(pattern), re.compile(pattern + r"\s+(?P<_rest>.+)", re.S))
            for pattern, message in DEMO_TEXTS]


def forwards(apps, schema_editor):
    labels = earlier._labels()
    move = apps.get_model("inventory", "StockMove")
    with backdating():
        for document_type, messages in LEDGER_REASONS.items():
            patterns = earlier._patterns(messages) + (_demo_patterns() if not document_type else [])
            rows = earlier.unconverted(move, "reason").filter(document_type=document_type, reversal_of__isnull=True)
            earlier.convert(move, "reason", rows, patterns, labels)
    reservation = apps.get_model("inventory", "Reservation")
    earlier.convert(reservation, "close_reason", earlier.unconverted(reservation, "close_reason"),
                    earlier._patterns(RESERVATION_REASONS), labels)
    request = apps.get_model("inventory", "PurchaseRequest")
    earlier.convert(request, "decision_note",
                    earlier.unconverted(request, "decision_note").filter(status="cancelled"),
                    earlier._patterns(CANCELLED_REQUEST_NOTES), labels)
    run = apps.get_model("planning", "OptimisationRun")
    earlier.convert(run, "error", earlier.unconverted(run, "error").filter(status="failed"),
                    earlier._patterns(OPTIMISATION_ERRORS), labels)


def backwards(apps, schema_editor):
    with backdating():
        earlier.restore(apps.get_model("inventory", "StockMove"), "reason")
    earlier.restore(apps.get_model("inventory", "Reservation"), "close_reason")
    earlier.restore(apps.get_model("inventory", "PurchaseRequest"), "decision_note")
    earlier.restore(apps.get_model("planning", "OptimisationRun"), "error")


class Migration(migrations.Migration):
    dependencies = [
        ("systemtext", "0001_stored_texts_of_existing_rows"),
        ("history", "0001_append_only_triggers"),
        ("inventory", "0012_stored_stock_reasons"),
        ("planning", "0008_optimisation_error_stored_text"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
