"""Dates people type have a horizon (inputs.validators.date_within_horizon, installed on every form and API
date field): 9999-12-31 and year 1 are refused with a message naming the allowed range, and nothing is
saved; the horizon is a setting."""

import json
from datetime import timedelta

import pytest
from django import forms
from django.test import Client
from django.utils import timezone
from rest_framework import serializers

from api import services as api_services
from orders.models import Order
from tests.security.test_bad_input import entry_post, shop, signed_in  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("typed", ["9999-12-31", "0001-01-01", "1899-06-30"])
def test_the_entry_form_refuses_a_date_outside_the_horizon(shop, typed):  # noqa: F811
    response = signed_in(shop["sales"]).post("/orders/new/", entry_post(requested_date=typed))
    assert response.status_code == 200
    errors = response.context["form"].errors["requested_date"]
    assert errors and errors[0].startswith("Enter a date between")
    assert not Order.objects.exists()


def test_the_message_is_in_the_readers_language_with_local_dates(shop):  # noqa: F811
    response = signed_in(shop["sales"], "zh-hans").post("/orders/new/", entry_post(requested_date="9999-12-31"))
    message = response.context["form"].errors["requested_date"][0]
    assert message.startswith("请输入") and "年" in message and "9999" not in message


def test_the_horizon_is_a_setting(shop, settings):  # noqa: F811
    settings.DATE_INPUT_MAX_DAYS_AHEAD = 30
    far = (timezone.localdate() + timedelta(days=40)).isoformat()
    response = signed_in(shop["sales"]).post("/orders/new/", entry_post(requested_date=far))
    assert "requested_date" in response.context["form"].errors
    assert not Order.objects.exists()


@pytest.mark.parametrize("typed", ["9999-12-31", "0001-01-01"])
def test_the_api_refuses_a_date_outside_the_horizon(shop, typed):  # noqa: F811
    _key, raw = api_services.create_api_key(actor=shop["admin"], name="ERP", user=shop["sales"])
    data = {"customer": "C-EAST", "customer_po": "PO-1", "requested_date": typed,
            "lines": [{"product": "GEAR-1", "quantity": "1"}]}
    response = Client(HTTP_AUTHORIZATION=f"Api-Key {raw}").post("/api/v1/orders/", json.dumps(data),
                                                                 content_type="application/json")
    assert response.status_code == 400
    error = response.json()["errors"][0]
    assert error["field"] == "requested_date" and error["code"] == "date_out_of_range"
    assert not Order.objects.exists()


@pytest.mark.parametrize("field", [forms.DateField(), forms.DateTimeField(), serializers.DateField(),
                                   serializers.DateTimeField()])
def test_every_date_field_class_carries_the_horizon(field):
    from django.core.exceptions import ValidationError as DjangoValidationError

    typed = "9999-12-31" if "Date" in type(field).__name__ and "Time" not in type(field).__name__ else \
        "9999-12-31 10:00"
    with pytest.raises((DjangoValidationError, serializers.ValidationError)):
        field.clean(typed) if isinstance(field, forms.Field) else field.run_validation(typed)
    today = timezone.localdate().isoformat()
    ok = today if "Time" not in type(field).__name__ else f"{today} 10:00"
    assert field.clean(ok) if isinstance(field, forms.Field) else field.run_validation(ok)


def test_an_expiry_date_may_be_years_ahead_but_not_9999():
    from inputs.validators import long_horizon

    field = long_horizon(forms.DateField())
    ten_years = (timezone.localdate() + timedelta(days=3650)).isoformat()
    assert field.clean(ten_years)
    with pytest.raises(Exception, match="Enter a date between"):
        field.clean("9999-12-31")
    with pytest.raises(Exception, match="Enter a date between"):
        forms.DateField().clean(ten_years)
