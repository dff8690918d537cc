"""The PostgreSQL side of append-only history: one trigger function, installed BEFORE UPDATE OR DELETE
FOR EACH ROW on every table listed in APPEND_ONLY_MODELS, so no path (raw SQL, a bulk update through a
plain manager, a cascade) rewrites or removes a recorded row.

TRUNCATE fires no row trigger, so the test database's flush (pytest-django's transaction=True tests)
still empties these tables. Documents with history cannot be deleted: Django's collector deletes the
events first, which the trigger refuses (the foreign keys are PROTECT in Python as well).

The deliberate exceptions are the demo seeder's backdating of freshly made order events
(orders.demo_data) and data migrations that convert stored texts (systemtext 0002): `SET LOCAL
orderflow.backdating = 'on'` inside their transaction lets UPDATE through, never DELETE.

Adding an event or ledger model: list it here and add the operation append_only("app.Model") to its
migration; a migration names its tables, never this growing list.
"""

from contextlib import contextmanager
from functools import partial

from django.db import connection, migrations, transaction

# app_label.ModelName of every event and ledger table (each inherits history.models.AppendOnlyModel).
APPEND_ONLY_MODELS = [
    "orders.OrderEvent",
    "planning.WorkOrderEvent",
    "planning.PlanSubmissionEvent",
    "production.OperationLog",
    "production.ExceptionEvent",
    "inventory.LotEvent",
    "inventory.StockMove",
    "inventory.PurchaseOrderEvent",
    "inventory.GoodsReceipt",
    "inventory.MaterialPrepSheetEvent",
    "inventory.PrepSheetMove",
    "quality.SamplingStateEvent",
    "quality.InspectionEvent",
    "quality.NonconformanceEvent",
    "shipping.ShipmentEvent",
    "shipping.ComplaintEvent",
    "shipping.CustomerReturn",
    "rush.RushEvent",
    "rush.DelayDecisionEvent",
    "inventory.MaterialDelayEvent",
    "rush.DrawingEvent",
    "inventory.FinishedGoodsReceipt",
    "inventory.FinishedGoodsReceiptLine",
    "inventory.FinishedGoodsReceiptConfirmation",
    "sales.QuotationEvent",
    "sales.ContractEvent",
    "audit.ChangeLogEntry",
    "edi.EdiEvent",
    "notices.LogisticsEvent",
    "settlement.InvoiceEvent",
    "settlement.Payment",
    "settlement.SettlementException",
]

TRIGGER = "history_append_only"
BACKDATING = "orderflow.backdating"

FUNCTION_SQL = f"""
CREATE OR REPLACE FUNCTION history_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND current_setting('{BACKDATING}', true) = 'on' THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION '% on %: rows are append-only', TG_OP, TG_TABLE_NAME USING ERRCODE = 'restrict_violation';
END
$$;
"""


def _tables(apps, labels):
    return [apps.get_model(label)._meta.db_table for label in labels]


def install(apps, schema_editor, labels=None):
    """RunPython body: the function and one trigger per listed table (idempotent)."""
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(FUNCTION_SQL, params=None)  # its % are plpgsql placeholders
    for table in _tables(apps, labels or APPEND_ONLY_MODELS):
        name = schema_editor.quote_name(table)
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {TRIGGER} ON {name}")
        schema_editor.execute(f"CREATE TRIGGER {TRIGGER} BEFORE UPDATE OR DELETE ON {name} "
                              f"FOR EACH ROW EXECUTE FUNCTION history_refuse_change()")


def append_only(*labels):
    """The migration operation that puts the trigger on the tables of `labels` (and takes it off when the
    migration is unapplied): `operations = [..., append_only("app.ModelEvent")]`."""
    return migrations.RunPython(partial(install, labels=list(labels)), partial(uninstall, labels=list(labels)),
                                elidable=False)


def uninstall(apps, schema_editor, labels=None):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in _tables(apps, labels or APPEND_ONLY_MODELS):
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {TRIGGER} ON {schema_editor.quote_name(table)}")
    if labels is None:
        schema_editor.execute("DROP FUNCTION IF EXISTS history_refuse_change()")


def protected_tables():
    """The tables that carry the trigger now (PostgreSQL only), for tests and checks."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT DISTINCT event_object_table FROM information_schema.triggers "
                       "WHERE trigger_name = %s", [TRIGGER])
        return {row[0] for row in cursor.fetchall()}


@contextmanager
def backdating():
    """Let the enclosed writes UPDATE history rows on PostgreSQL (demo seeding only; DELETE stays refused).
    The setting is transaction-local and switched off again on the way out."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT set_config(%s, 'on', true)", [BACKDATING])
        yield
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT set_config(%s, 'off', true)", [BACKDATING])
