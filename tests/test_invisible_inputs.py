"""A reason made only of invisible characters (a byte-order mark U+FEFF, zero-width spaces, direction marks, a
Hangul filler) is empty: every required text field refuses it (forms, the API) and the services that take a
reason refuse it too, changing nothing (inputs.visible)."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from rest_framework import serializers

from imports.tables import read_table
from inputs.visible import visible_strip
from inventory.stock_forms import ReasonForm
from orders.forms import ReasonForm as OrderReasonForm
from orders.models import OrderEvent, OrderStatus
from orders.services import cancel_order
from tests.fixtures.factories import make_order, user_with_role

INVISIBLE = ["\ufeff", "\u200b\u200b", " \u200c\u200d\u2060 ", "\u200e\u200f", "\u00ad", "\u3164", "\ufeff \u3000 "]


@pytest.mark.parametrize("text", INVISIBLE)
def test_invisible_text_is_blank(text):
    assert visible_strip(text) == ""


def test_visible_text_keeps_what_is_inside():
    assert visible_strip("\ufeff 破损 \u200b") == "破损"
    family = "\U0001f468\u200d\U0001f469\u200d\U0001f467"  # zero-width joiners inside an emoji stay
    assert visible_strip(f"\u200b{family}\u200b") == family
    assert visible_strip(None) is None


@pytest.mark.parametrize("text", INVISIBLE)
def test_required_reason_fields_refuse_invisible_text(text):
    stock = ReasonForm({"reason": text})
    assert not stock.is_valid() and stock.errors["reason"] == ["Enter a reason."]
    order = OrderReasonForm({"reason": text})
    assert not order.is_valid() and order.errors["reason"] == ["Give a reason."]
    filled = ReasonForm({"reason": "\ufeffdented\u200b"})
    assert filled.is_valid() and filled.cleaned_data["reason"] == "dented"


def test_the_api_refuses_invisible_text_as_blank():
    field = serializers.CharField()
    with pytest.raises(serializers.ValidationError) as refused:
        field.run_validation("\ufeff\u200b")
    assert refused.value.detail[0].code == "blank"
    assert field.run_validation("\ufeff ok \u200b") == "ok"


@pytest.mark.django_db
@pytest.mark.parametrize("text", ["\ufeff", "\u200b \u2060"])
def test_an_order_is_not_cancelled_with_an_invisible_reason(client, text):
    sales, desk = user_with_role("sales"), user_with_role("order_desk")
    order = make_order(creator=sales, status=OrderStatus.SUBMITTED)
    events = OrderEvent.objects.filter(order=order).count()
    with pytest.raises(ValidationError, match="Give a reason."):
        cancel_order(actor=desk, order=order, reason=text)
    client.force_login(desk)
    response = client.post(reverse("orders:action", args=[order.pk, "cancel"]), {"reason": text}, follow=True)
    assert "Give a reason." in response.content.decode()
    order.refresh_from_db()
    assert order.status == OrderStatus.SUBMITTED and order.status_reason == ""
    assert OrderEvent.objects.filter(order=order).count() == events


def test_an_imported_cell_of_invisible_characters_is_blank():
    table = read_table("code,reason\nA-1,\u200b\u2060\nA-2,\ufeff漏液\u200b\n".encode(), "rows.csv")
    assert [row.cells for row in table.rows] == [["A-1", ""], ["A-2", "漏液"]]
