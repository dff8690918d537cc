"""Every status is a state machine: a concrete model field named `status` or `state` is a django-fsm
FSMField with protected=True, so it changes only through the transitions declared on its model."""

import django_fsm as fsm
import pytest
from django.apps import apps

# Converted on branch h/fsm1; the lead empties this when it merges.
STATE_NAMES = {"status", "state"}


def _status_fields():
    return [(model._meta.label, field) for model in apps.get_models() for field in model._meta.concrete_fields
            if field.name in STATE_NAMES]


def test_the_walk_finds_the_known_machines():
    labels = {label for label, _field in _status_fields()}
    assert {"orders.Order", "inventory.PurchaseOrder", "documents.Document", "api.WebhookDelivery",
            "shipping.Shipment", "shipping.Complaint", "quality.Nonconformance", "rush.RushRequest",
            "orders.ChangeRequest", "production.ExceptionReport"} <= labels


@pytest.mark.parametrize(("label", "field"), _status_fields(), ids=lambda value: str(value))
def test_status_field_is_a_protected_fsm_field(label, field):
    assert isinstance(field, fsm.FSMFieldMixin), f"{label}.{field.name} is a plain {type(field).__name__}"
    assert field.protected, f"{label}.{field.name} is not protected=True"
    assert list(field.get_all_transitions(field.model)), f"{label}.{field.name} declares no transition"
