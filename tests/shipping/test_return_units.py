"""The return form names the unit of the shipped goods in the reader's language (件), not its code (pcs)."""

import pytest
from django.urls import reverse

from accounts.services import set_user_language
from shipping import complaints

from .test_complaints import shipped  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db


def test_the_return_form_names_the_unit_in_chinese(client, shipped, desk, shipper):  # noqa: F811
    complaint = complaints.create_complaint(actor=desk, order=shipped["order"], shipment=shipped["first"],
                                            lot=shipped["lot_a"], description="瓶盖松动")
    set_user_language(actor=shipper, language="zh-hans")
    client.force_login(shipper)
    page = client.get(reverse("shipping:complaint_detail", args=[complaint.pk])).content.decode()
    assert f"{shipped['first'].number} · CMP-1 · CMP-A · 6 件" in page
    assert "6 pcs" not in page
