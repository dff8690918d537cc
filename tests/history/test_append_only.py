"""History is append-only: in Python (one base for every event and ledger model) and, on PostgreSQL, in the
database itself (a trigger refuses UPDATE and DELETE, so raw SQL cannot rewrite history either)."""

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.management.color import no_style
from django.db import IntegrityError, connection, transaction
from django.db.models import ProtectedError

from history.models import AppendOnlyModel, Event, UndeclaredAction
from history.triggers import APPEND_ONLY_MODELS, backdating, protected_tables
from orders.models import OrderAction, OrderEvent, OrderStatus
from tests.fixtures.factories import make_order, user_with_role

APPEND_ONLY = [m for m in apps.get_models() if issubclass(m, AppendOnlyModel)]
EVENTS = [m for m in APPEND_ONLY if issubclass(m, Event)]


def _event():
    sales = user_with_role("sales")
    order = make_order(creator=sales, status=OrderStatus.SUBMITTED)
    return order, order.events.record(action=OrderAction.EDITED, actor=sales, note="as written")


def test_every_event_and_ledger_model_is_listed_for_the_trigger():
    assert sorted(m._meta.label for m in APPEND_ONLY) == sorted(APPEND_ONLY_MODELS)
    assert len(EVENTS) >= 10  # the documents' event logs, not only the ledgers


@pytest.mark.parametrize("model", APPEND_ONLY, ids=lambda m: m._meta.label)
@pytest.mark.django_db
def test_bulk_update_and_delete_are_refused_in_python(model):
    with pytest.raises(ValidationError):
        model.objects.all().update(pk=1)
    with pytest.raises(ValidationError):
        model.objects.all().delete()


@pytest.mark.django_db
def test_a_recorded_event_is_not_saved_again_or_deleted():
    order, event = _event()
    event.note = "rewritten"
    with pytest.raises(ValidationError):
        event.save()
    with pytest.raises(ValidationError):
        event.delete()
    with pytest.raises(ValidationError):
        order.events.update(note="rewritten")
    with pytest.raises(ValidationError):
        order.events.all().delete()
    assert order.events.get(action="edited").note == "as written"


@pytest.mark.django_db
def test_a_document_with_history_is_not_deleted():
    order, _event_row = _event()
    with pytest.raises(ProtectedError):
        order.delete()


@pytest.mark.parametrize("model", EVENTS, ids=lambda m: m._meta.label)
def test_every_event_model_declares_its_actions(model):
    field = model._meta.get_field("action")
    assert field.choices, f"{model._meta.label}.action has no declared choices"
    assert all(str(label) for _value, label in field.flatchoices)


@pytest.mark.django_db
def test_an_undeclared_action_is_refused_and_nothing_is_written():
    order, _event_row = _event()
    before = order.events.count()
    with pytest.raises(UndeclaredAction):
        order.events.record(action="reminded", actor=None)
    with pytest.raises(UndeclaredAction):
        OrderEvent.objects.bulk_create([OrderEvent(order=order, action="frobnicated")])
    assert order.events.count() == before


@pytest.mark.django_db
def test_record_through_the_model_manager_names_the_document():
    order, _event_row = _event()
    event = OrderEvent.objects.record(order=order, action=OrderAction.AT_RISK, actor=None,
                                      from_status=order.status, to_status=order.status, note="late supplier")
    assert (event.order_id, event.label) == (order.pk, "Marked at risk")


# --- PostgreSQL: the trigger ---------------------------------------------------------------------

def test_the_trigger_protects_every_listed_table(postgres_only, db):
    assert protected_tables() == {apps.get_model(label)._meta.db_table for label in APPEND_ONLY_MODELS}


def _raw(sql, params):
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_raw_sql_cannot_update_or_delete_an_event(postgres_only, db):
    order, event = _event()
    table = connection.ops.quote_name(OrderEvent._meta.db_table)
    with pytest.raises(IntegrityError, match="append-only"):
        _raw(f"UPDATE {table} SET note = %s WHERE id = %s", ["rewritten", event.pk])
    with pytest.raises(IntegrityError, match="append-only"):
        _raw(f"DELETE FROM {table} WHERE id = %s", [event.pk])
    with pytest.raises(IntegrityError, match="append-only"):  # nor through the plain manager
        with transaction.atomic():
            OrderEvent._base_manager.filter(pk=event.pk).update(note="rewritten")
    assert OrderEvent.objects.get(pk=event.pk).note == "as written"


def test_demo_backdating_may_update_but_never_delete(postgres_only, db):
    order, event = _event()
    with backdating():
        OrderEvent._base_manager.filter(pk=event.pk).update(note="backdated")
        with pytest.raises(IntegrityError, match="append-only"):
            with transaction.atomic():
                OrderEvent._base_manager.filter(pk=event.pk).delete()
    assert OrderEvent.objects.get(pk=event.pk).note == "backdated"
    table = connection.ops.quote_name(OrderEvent._meta.db_table)
    with pytest.raises(IntegrityError, match="append-only"):  # the switch ends with the block
        _raw(f"UPDATE {table} SET note = %s WHERE id = %s", ["again", event.pk])


@pytest.mark.django_db(transaction=True)
def test_flush_still_empties_history_tables(postgres_only):
    """TRUNCATE fires no row trigger: the test database's flush (transactional tests) keeps working."""
    _event()
    tables = [apps.get_model(label)._meta.db_table for label in APPEND_ONLY_MODELS]
    connection.ops.execute_sql_flush(connection.ops.sql_flush(no_style(), tables, allow_cascade=True))
    assert not OrderEvent.objects.exists()
