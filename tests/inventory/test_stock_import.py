"""Opening balance import (CSV/XLSX through imports/): per-row errors, nothing written when any row is
bad, one reversible posting, lots created with their dates, and no second opening balance for a place."""

import io
from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from inventory import stock_services
from inventory.models import Lot, StockBalance, StockMove
from tests.inventory.masterdata import make_item
from tests.inventory.stockdata import balance, keeper, ledger_mismatches, make_location, receive

pytestmark = pytest.mark.django_db
URL = "inventory:opening_balance_import"


def upload(client, filename, content: bytes):
    return client.post(reverse(URL), {"step": "upload", "file": SimpleUploadedFile(filename, content)})


def confirm(client, preview):
    token = preview.context["token"]
    assert token, "the preview offered no confirmation"
    return client.post(reverse(URL), {"step": "confirm", "token": token})


def row_errors(response):
    return [(row.line, row.errors) for row in response.context["preview"].rows if row.errors]


@pytest.fixture
def setup(client, role_users):
    client.force_login(role_users["warehouse"])
    return {"steel": make_item("RM-1", unit="kg"), "bolt": make_item("BT-1", unit="pcs"),
            "a1": make_location("A-01"), "a2": make_location("A-02")}


def test_csv_with_chinese_headers_posts_one_opening_balance(client, setup):
    text = ("物料编码,库位,批号,供应商批号,生产日期,有效期,数量,单位\r\n"
            "RM-1,A-01,L1,S-9,2026/01/05,2027-01-05,1.5,吨\r\n"
            "RM-1,A-02,,,,,250,kg\r\n"
            "BT-1,A-01,,,,,1200,\r\n")
    response = upload(client, "期初库存.csv", text.encode("gbk"))
    assert row_errors(response) == []
    assert not StockMove.objects.exists()
    assert confirm(client, response).status_code == 302
    lot = Lot.objects.get(number="L1")
    assert (lot.supplier_lot, lot.production_date, lot.expiry_date) == ("S-9", date(2026, 1, 5), date(2027, 1, 5))
    assert balance(setup["steel"], setup["a1"], lot) == Decimal("1500")
    assert balance(setup["steel"], setup["a2"]) == Decimal("250")
    assert balance(setup["bolt"], setup["a1"]) == Decimal("1200")
    moves = StockMove.objects.all()
    assert {m.move_group for m in moves} == {moves[0].move_group}
    assert {(m.kind, m.reason, m.document_type, m.document_number) for m in moves} == {
        ("adjustment", "opening balance", "opening_balance", "期初库存.csv")}
    # A wrong file is undone as a whole by one reversal.
    stock_services.reverse_stock_move(actor=keeper(), move=moves[0], reason="wrong file")
    assert set(StockBalance.objects.values_list("on_hand", flat=True)) == {Decimal("0")}
    assert ledger_mismatches() == []


def test_any_bad_row_means_nothing_is_written(client, setup):
    receive(setup["bolt"], setup["a2"], "5")
    content = xlsx([["item code", "location", "lot", "expiry date", "quantity", "unit"],
                    ["RM-1", "A-01", "L1", "2027-01-05", 10, "kg"],
                    ["NOPE", "A-01", "", "", 1, ""],
                    ["RM-1", "ZZ", "", "", 1, ""],
                    ["BT-1", "A-01", "", "", 1.5, ""],
                    ["RM-1", "A-02", "", "", 1, "m"],
                    ["RM-1", "A-01", "L1", "", 2, ""],
                    ["BT-1", "A-02", "", "", 3, ""],
                    ["RM-1", "A-02", "L2", "5 May", 1, ""],
                    ["RM-1", "A-02", "", "", -4, ""]])
    response = upload(client, "opening.xlsx", content)
    errors = dict(row_errors(response))
    assert "no item with code NOPE" in errors[3][0]
    assert "no location with code ZZ" in errors[4][0]
    assert "at most 0 decimals" in errors[5][0]
    assert "m does not convert to kg for RM-1" in errors[6][0]
    assert "rows 2, 7" in errors[2][0] and "rows 2, 7" in errors[7][0]
    assert "already has stock moves at A-02" in errors[8][0]
    assert "is not a date" in errors[9][0]
    assert "greater than zero" in errors[10][0]
    assert response.context["token"] == ""
    assert not StockMove.objects.exclude(location=setup["a2"]).exists() and not Lot.objects.exists()


def test_confirming_twice_or_after_someone_posted_is_refused(client, setup):
    response = upload(client, "opening.csv", b"item code,location,quantity\r\nRM-1,A-01,7\r\n")
    token = response.context["token"]
    receive(setup["steel"], setup["a1"], "1")  # someone posts there between preview and confirm
    refused = client.post(reverse(URL), {"step": "confirm", "token": token})
    assert refused.status_code == 200 and "already has stock moves at A-01" in refused.content.decode()
    assert balance(setup["steel"], setup["a1"]) == Decimal("1")


def test_only_the_warehouse_imports(client, role_users):
    for role in ("planner", "sales", "production"):
        client.force_login(role_users[role])
        assert client.post(reverse(URL), {"step": "upload"}).status_code == 403


def xlsx(rows):
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
