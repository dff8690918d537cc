"""CSV/XLSX import of customers and products: upload -> preview with per-row errors -> confirm, all or
nothing. Files are generated here (bytes in UTF-8, UTF-8 with BOM, GBK; XLSX made with openpyxl)."""

import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse
from openpyxl import Workbook

from audit.models import ChangeAction, ChangeLogEntry
from orders import importing
from orders.models import Customer, Product
from tests.fixtures.factories import CustomerFactory, ProductFactory

pytestmark = pytest.mark.django_db

CUSTOMERS_CSV = (
    "code,name,english name,contact,phone,email,credit limit,payment terms,currency,language,active\r\n"
    'C001,华东机械有限公司,East China Machinery,王经理,021-5555,wang@example.com,"50,000.00",'
    "30 days net,RMB,中文,是\r\n"
    "C002,深圳精密五金厂,,李小姐,0755-1234,,0,月结,USD,en,\r\n"
    "C003,北京贸易公司,,,,,12.5,,,,no\r\n"
)


def upload(client, kind, filename, content: bytes):
    return client.post(reverse(f"orders:{kind}_import"),
                       {"step": "upload", "file": SimpleUploadedFile(filename, content)})


def confirm(client, kind, preview_response):
    token = preview_response.context["token"]
    assert token, "the preview offered no confirmation"
    return client.post(reverse(f"orders:{kind}_import"), {"step": "confirm", "token": token})


def preview_rows(response):
    return [(row.line, row.action, row.errors) for row in response.context["preview"].rows]


def file_errors(response):
    """The messages about the file as a whole (shown above the upload form; no preview)."""
    assert "preview" not in response.context
    errors = [str(e) for e in response.context["form"].errors.get("file", [])]
    return errors + ([response.context["error"]] if response.context["error"] else [])


def xlsx_bytes(rows):
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


@pytest.fixture
def planner(role_users):
    return role_users["planner"]


# --- good files ----------------------------------------------------------------------------------

@pytest.mark.parametrize("encode", [
    lambda text: text.encode("utf-8"),
    lambda text: text.encode("utf-8-sig"),  # what Excel's "CSV UTF-8" writes
], ids=["utf-8", "utf-8-bom"])
def test_good_csv_previews_then_confirm_writes_exactly_the_rows(client, sales, encode):
    client.force_login(sales)
    response = upload(client, "customer", "customers.csv", encode(CUSTOMERS_CSV))
    assert response.status_code == 200
    assert preview_rows(response) == [(2, "create", []), (3, "create", []), (4, "create", [])]
    assert not Customer.objects.exists()  # the preview writes nothing
    # "50,000.00" is shown with the number it was read as before anything is written.
    assert '<span class="badge badge-warn" data-testid="understood">→ 50000.00</span>' in response.content.decode()
    assert response.content.decode().count('data-testid="understood"') == 1

    done = confirm(client, "customer", response)
    assert done.status_code == 302
    assert sorted(Customer.objects.values_list("code", flat=True)) == ["C001", "C002", "C003"]
    c1, c2, c3 = Customer.objects.order_by("code")
    assert (c1.name, c1.name_en, c1.contact_name, c1.contact_email) == (
        "华东机械有限公司", "East China Machinery", "王经理", "wang@example.com")
    assert (c1.credit_limit, c1.payment_terms, c1.currency, c1.language, c1.is_active) == (
        Decimal("50000.00"), "net30", "CNY", "zh-hans", True)
    assert (c2.payment_terms, c2.currency, c2.language, c2.is_active) == ("monthly", "USD", "en", True)
    assert (c3.credit_limit, c3.payment_terms, c3.currency, c3.is_active) == (Decimal("12.5"), "net30", "CNY", False)
    assert ChangeLogEntry.objects.filter(action=ChangeAction.CREATE, actor=sales).count() == 3
    page = client.get(done["Location"])
    assert "3 created, 0 updated, 0 unchanged" in page.content.decode()

    # The preview cannot be confirmed twice.
    again = client.post(reverse("orders:customer_import"), {"step": "confirm", "token": response.context["token"]})
    assert again.status_code == 302 and Customer.objects.count() == 3


def test_gbk_csv_with_chinese_headers_and_names(client, sales):
    text = ("编码,名称,联系人,信用额度,付款条件,币种\r\n"
            "G001,广州化工有限公司,陈先生,10000,货到付款,人民币\r\n"
            "G002,苏州纺织厂,,0,预付款,美元\r\n")
    content = text.encode("gbk")
    with pytest.raises(UnicodeDecodeError):
        content.decode("utf-8")  # really GBK, as Chinese Excel writes it
    client.force_login(sales)
    response = upload(client, "customer", "客户.csv", content)
    assert preview_rows(response) == [(2, "create", []), (3, "create", [])]
    confirm(client, "customer", response)
    assert dict(Customer.objects.values_list("code", "name")) == {"G001": "广州化工有限公司", "G002": "苏州纺织厂"}
    g1 = Customer.objects.get(code="G001")
    assert (g1.contact_name, g1.credit_limit, g1.payment_terms, g1.currency) == ("陈先生", Decimal("10000"), "cod",
                                                                                 "CNY")
    assert Customer.objects.get(code="G002").currency == "USD"


def test_semicolon_csv_is_read(client, sales):
    client.force_login(sales)
    response = upload(client, "customer", "c.csv", b"code;name;credit limit\nS1;Semi Co;100\n")
    assert preview_rows(response) == [(2, "create", [])]


def test_xlsx_products_made_with_openpyxl(client, planner):
    content = xlsx_bytes([
        ["SKU", "名称", "规格", "单位", "交期(天)", "单价", "币种"],
        ["P-001", "清洁剂", "500ml", "个", 14, 12.5, "CNY"],
        ["P-002", "树脂", "25kg", "公斤", 30.0, 88, "USD"],
        [1003, "Numeric SKU", None, "kg", 0, 0, None],
    ])
    client.force_login(planner)
    response = upload(client, "product", "products.xlsx", content)
    assert preview_rows(response) == [(2, "create", []), (3, "create", []), (4, "create", [])]
    confirm(client, "product", response)
    products = {p.sku: p for p in Product.objects.all()}
    assert set(products) == {"P-001", "P-002", "1003"}
    assert (products["P-001"].unit, products["P-001"].standard_lead_time_days, products["P-001"].list_price) == (
        "pcs", 14, Decimal("12.50"))
    assert (products["P-002"].unit, products["P-002"].standard_lead_time_days, products["P-002"].currency) == (
        "kg", 30, "USD")
    assert products["1003"].standard_lead_time_days == 0


def test_existing_codes_update_and_blank_cells_keep_values(client, sales):
    CustomerFactory(code="C001", name="Old name", credit_limit=Decimal("5000"), contact_name="Keep me")
    CustomerFactory(code="C002", name="Same", credit_limit=Decimal("0"))
    client.force_login(sales)
    text = "code,name,credit limit,contact\nC001,New name,,\nC002,Same,0.00,\nC003,Brand new,1,\n"
    response = upload(client, "customer", "c.csv", text.encode())
    assert preview_rows(response) == [(2, "update", []), (3, "unchanged", []), (4, "create", [])]
    confirm(client, "customer", response)
    c1 = Customer.objects.get(code="C001")
    assert (c1.name, c1.credit_limit, c1.contact_name) == ("New name", Decimal("5000"), "Keep me")
    assert Customer.objects.count() == 3
    change = ChangeLogEntry.objects.get(action=ChangeAction.UPDATE)
    assert change.object_id == str(c1.pk) and change.changes == {"name": ["Old name", "New name"]}


def test_template_csv_lists_the_columns_and_can_be_filled_in(client, planner):
    client.force_login(planner)
    template = client.get(reverse("orders:product_import"), {"template": "csv"})
    assert template["Content-Type"].startswith("text/csv")
    content = template.content + b"T-1,Template product,,kg,3,1.50,CNY,yes\r\n"
    response = upload(client, "product", "template.csv", content)
    assert preview_rows(response) == [(2, "create", [])]


def test_import_page_documents_the_accepted_headers(client, sales):
    client.force_login(sales)
    html = client.get(reverse("orders:customer_import")).content.decode()
    for header in ("code", "编码", "name", "名称", "credit_limit", "信用额度", "付款条件"):
        assert f"<code>{header}</code>" in html


def test_every_header_name_means_one_column_and_is_listed_once():
    for spec in importing.IMPORTS.values():
        names = [importing._normalise(h) for column in spec.columns for h in column.headers]
        assert len(names) == len(set(names)), spec.kind


# --- bad files: clear message, nothing written ----------------------------------------------------

def test_missing_required_column_is_one_clear_error(client, sales):
    client.force_login(sales)
    response = upload(client, "customer", "c.csv", b"code,credit limit\nC1,100\n")
    assert file_errors(response) == ["Required columns are missing: Name (name / 名称). Nothing was imported."]
    assert "preview" not in response.context
    assert not Customer.objects.exists()


def test_one_bad_row_among_good_ones_blocks_the_whole_file(client, planner):
    text = ("sku,name,unit,lead time,price\n"
            "P-1,Good one,pcs,10,1.00\n"
            "P-2,Negative price,pcs,10,-5\n"
            "P-3,Bad lead time,kg,abc,1.234\n"
            "P-4,Good two,米,7,3\n"
            "P-5,,boxes,1,1\n")
    client.force_login(planner)
    response = upload(client, "product", "p.csv", text.encode())
    rows = {line: (action, errors) for line, action, errors in preview_rows(response)}
    assert rows[2] == ("create", []) and rows[5] == ("create", [])
    assert rows[3] == ("", ["List price: The amount cannot be negative."])
    assert rows[4][1] == ["Standard lead time (days): “abc” is not a number.",
                          "List price: The amount can have at most 2 decimals."]
    assert rows[6][1] == ["Name is required."]
    assert response.context["token"] == ""
    assert "2 rows have errors" not in response.content.decode()  # three do
    assert "3 rows have errors" in response.content.decode()
    # Without a confirmable preview, a confirm (e.g. a forged token) writes nothing.
    forged = client.post(reverse("orders:product_import"), {"step": "confirm", "token": "forged"})
    assert forged.status_code == 302
    assert not Product.objects.exists()


def test_codes_duplicated_in_the_file_are_errors(client, sales):
    client.force_login(sales)
    response = upload(client, "customer", "c.csv", b"code,name\nC1,One\nC2,Two\nC1,Again\n")
    rows = preview_rows(response)
    assert rows[0][2] == rows[2][2] == ["Code C1 appears more than once in the file (rows 2, 4)."]
    assert rows[1] == (3, "create", [])
    assert not Customer.objects.exists()


def test_xlsx_formula_cell_is_an_error_and_blank_rows_are_skipped(client, sales):
    content = xlsx_bytes([
        ["code", "name", "credit limit"],
        ["X1", "First", 100],
        [],
        ["X2", "Formula", "=1000*2"],
        [" ", None, None],
        ["X3", "Third", 300],
    ])
    client.force_login(sales)
    response = upload(client, "customer", "formula.xlsx", content)
    rows = preview_rows(response)
    assert [line for line, _action, _errors in rows] == [2, 4, 6]  # rows 3 and 5 are blank
    assert rows[1][2] == ["Credit limit: the cell holds a formula (=1000*2); formulas are not imported, "
                          "enter the value itself."]
    assert rows[0][2] == rows[2][2] == []
    assert response.context["token"] == ""
    assert not Customer.objects.exists()


@override_settings(IMPORT_MAX_BYTES=200)
def test_oversized_upload_is_refused(client, sales):
    content = ("code,name\n" + "".join(f"C{n},Customer {n}\n" for n in range(50))).encode()
    assert len(content) > 200
    client.force_login(sales)
    response = upload(client, "customer", "big.csv", content)
    assert file_errors(response) == ["The file is larger than 200\xa0bytes. Split it into smaller files; nothing was "
                                     "imported."]
    # The upload handler stopped storing the file as soon as it passed the limit.
    assert response.wsgi_request.import_size_limit.too_large
    assert "file" not in response.wsgi_request.FILES
    assert not Customer.objects.exists()


@pytest.mark.parametrize("filename, content, message", [
    ("garbage.csv", bytes(range(256)) * 8, "This file is not a CSV text file."),
    ("photo.csv", b"\x89PNG\r\n\x1a\n" + bytes(range(1, 200)), "This file is not a CSV text file."),
    ("book.csv", xlsx_bytes([["code", "name"], ["C1", "x"]]), "This file is an Excel workbook with a .csv name."),
    ("garbage.xlsx", b"PK\x03\x04" + b"\x01\x02" * 500, "This file is not an Excel workbook (.xlsx)"),
    ("text.xlsx", b"code,name\nC1,x\n", "This file is not an Excel workbook (.xlsx)"),
    ("old.xls", b"\xd0\xcf\x11\xe0" + b"\x00" * 100, "Old Excel workbooks (.xls) cannot be read."),
    ("notes.txt", b"code,name\nC1,x\n", "Upload a .csv or .xlsx file."),
    ("empty.csv", b"code,name\n\n , \n", "The file has no data rows below the column names."),
], ids=["binary", "png", "xlsx-named-csv", "garbage-xlsx", "text-named-xlsx", "xls", "txt", "header-only"])
def test_files_that_are_not_usable_get_a_clear_message(client, sales, filename, content, message):
    client.force_login(sales)
    response = upload(client, "customer", filename, content)
    errors = file_errors(response)
    assert len(errors) == 1 and errors[0].startswith(message), errors
    assert not Customer.objects.exists()


def test_row_limit(client, sales, monkeypatch):
    monkeypatch.setattr(importing, "MAX_ROWS", 3)
    client.force_login(sales)
    response = upload(client, "customer", "c.csv", b"code,name\nA,a\nB,b\nC,c\nD,d\n")
    assert file_errors(response) == ["The file has more than 3 rows. Split it into smaller files."]
    assert not Customer.objects.exists()


# --- confirm step --------------------------------------------------------------------------------

def test_confirm_checks_again_and_refuses_when_the_data_changed_meanwhile(client, sales):
    client.force_login(sales)
    response = upload(client, "customer", "c.csv", b"code,name\nN1,New one\nN2,New two\n")
    assert preview_rows(response) == [(2, "create", []), (3, "create", [])]
    CustomerFactory(code="N2", name="Created by a colleague meanwhile")

    refused = confirm(client, "customer", response)
    assert refused.status_code == 200
    assert "since the preview" in refused.context["error"]
    assert Customer.objects.get(code="N2").name == "Created by a colleague meanwhile"
    assert not Customer.objects.filter(code="N1").exists()
    # The fresh preview shows the new plan and may be confirmed as such.
    assert preview_rows(refused) == [(2, "create", []), (3, "update", [])]
    confirm(client, "customer", refused)
    assert Customer.objects.get(code="N2").name == "New two" and Customer.objects.filter(code="N1").exists()


def test_cancel_forgets_the_preview(client, planner):
    client.force_login(planner)
    response = upload(client, "product", "p.csv", b"sku,name\nQ1,Cancelled\n")
    client.post(reverse("orders:product_import"), {"step": "cancel"})
    late = confirm(client, "product", response)
    assert late.status_code == 302
    assert not Product.objects.exists()


def test_a_new_upload_replaces_the_pending_preview(client, planner):
    client.force_login(planner)
    first = upload(client, "product", "p.csv", b"sku,name\nR1,First\n")
    second = upload(client, "product", "p.csv", b"sku,name\nR2,Second\n")
    assert confirm(client, "product", first).status_code == 302  # refused: replaced
    assert not Product.objects.exists()
    confirm(client, "product", second)
    assert list(Product.objects.values_list("sku", flat=True)) == ["R2"]


def test_updating_products_by_import(client, planner):
    ProductFactory(sku="U1", name="Old", list_price=Decimal("1.00"), standard_lead_time_days=5)
    client.force_login(planner)
    response = upload(client, "product", "p.csv", "sku,name,price,active\nU1,Old,2.00,否\n".encode())
    assert preview_rows(response) == [(2, "update", [])]
    confirm(client, "product", response)
    product = Product.objects.get(sku="U1")
    assert (product.list_price, product.standard_lead_time_days, product.is_active) == (Decimal("2.00"), 5, False)


# --- permissions ---------------------------------------------------------------------------------

@pytest.mark.parametrize("role, kind", [("qc", "customer"), ("planner", "customer"), ("sales", "product"),
                                        ("warehouse", "product")])
def test_roles_without_import_permission_get_403(client, role_users, role, kind):
    client.force_login(role_users[role])
    content = b"code,name\nZ1,Nope\n"
    assert upload(client, kind, "x.csv", content).status_code == 403
    assert client.post(reverse(f"orders:{kind}_import"), {"step": "confirm", "token": "x"}).status_code == 403
    assert not Customer.objects.exists() and not Product.objects.exists()


def test_upload_still_checks_csrf(sales):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(sales)
    page = client.get(reverse("orders:customer_import"))
    content = b"code,name\nK1,Checked\n"
    refused = client.post(reverse("orders:customer_import"),
                          {"step": "upload", "file": SimpleUploadedFile("c.csv", content)})
    assert refused.status_code == 403
    token = page.context["csrf_token"]
    accepted = client.post(reverse("orders:customer_import"),
                           {"csrfmiddlewaretoken": str(token), "step": "upload",
                            "file": SimpleUploadedFile("c.csv", content)})
    assert accepted.status_code == 200 and preview_rows(accepted) == [(2, "create", [])]


def test_xlsx_error_value_is_reported(client, sales):
    content = xlsx_bytes([["code", "name", "credit limit"], ["E1", "Broken", "#DIV/0!"], ["E2", "Fine", 1]])
    client.force_login(sales)
    response = upload(client, "customer", "errors.xlsx", content)
    assert preview_rows(response) == [
        (2, "", ["Credit limit: the cell holds the spreadsheet error #DIV/0!."]), (3, "create", [])]
    assert not Customer.objects.exists()
