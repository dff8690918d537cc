"""manage.py import_edi: one line per message, for a file and for a folder; the drop folder moves files."""

import shutil
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from edi.dropfolder import read_drop_folder
from edi.models import EdiMessage
from orders.models import Order

from .conftest import DATA

pytestmark = pytest.mark.django_db


def run(*args):
    out = StringIO()
    try:
        call_command("import_edi", *args, stdout=out)
        code = 0
    except CommandError as exc:
        code = exc.returncode
    return out.getvalue().splitlines(), code


def test_import_edi_file_prints_the_created_order(partner):
    lines, code = run(str(DATA / "orders_d96a.edi"))
    order = Order.objects.get(customer_po="PO-88001")
    assert lines == [f"ORDERS M1: created {order.number}"] and code == 0
    assert order.number.startswith("SO-")


def test_import_edi_folder_prints_one_line_per_message(partner, tmp_path):
    for name in ("orders_d01b.edi", "orders_unknown_product.edi", "orders_malformed.edi", "not_an_interchange.edi"):
        shutil.copy(DATA / name, tmp_path / name)
    lines, code = run(str(tmp_path), "--partner", "HX")
    a1, a2 = (Order.objects.get(customer_po=po).number for po in ("PO-88002", "PO-88003+A"))
    assert lines == [
        "not_an_interchange.edi: error: the file does not start with UNA or UNB: it is not an EDIFACT interchange",
        f"ORDERS A1: created {a1}",
        f"ORDERS A2: created {a2}",
        "ORDERS X1: error: UNT says 12 segments for message X1; the message has 7 segments",
        "ORDERS X2: error: date 2030-12-15 is not a valid date in format 102",
        "ORDERS U1: error: line 1: product HX-9999 of HX is not mapped to one of our products",
    ]
    assert code == 2
    again, _code = run(str(tmp_path / "orders_d01b.edi"))
    assert again == [f"ORDERS A1: error: already processed (interchange 1002), order {a1}",
                     f"ORDERS A2: error: already processed (interchange 1002), order {a2}"]
    assert Order.objects.count() == 2


def test_import_edi_unknown_partner_code_and_missing_path(partner):
    lines, code = run(str(DATA / "orders_d96a.edi"), "--partner", "NOPE")
    assert lines == ["orders_d96a.edi: error: no trading partner with code NOPE"] and code == 2
    with pytest.raises(CommandError, match="does not exist"):
        call_command("import_edi", "/nonexistent/edi", stdout=StringIO())
    assert not EdiMessage.objects.exists()


def test_drop_folder_moves_files_to_processed_and_failed(partner, tmp_path, settings):
    settings.EDI_DROP_DIR = str(tmp_path)
    (tmp_path / "inbox").mkdir()
    shutil.copy(DATA / "orders_d96a.edi", tmp_path / "inbox" / "a.edi")
    shutil.copy(DATA / "orders_unknown_product.edi", tmp_path / "inbox" / "b.edi")
    assert read_drop_folder() == {"files": 2, "processed": 1, "failed": 1}
    assert [p.name for p in (tmp_path / "processed").iterdir()] == ["a.edi"]
    assert [p.name for p in (tmp_path / "failed").iterdir()] == ["b.edi"]
    assert list((tmp_path / "inbox").iterdir()) == []
    assert Order.objects.filter(customer_po="PO-88001").count() == 1


def test_seed_edi_demo_makes_a_partner_an_order_its_response_and_a_message_to_fix(db, settings):
    from edi.demo_data import seed_edi_demo
    from edi.models import ChannelProfile, MessageStatus
    from tests.fixtures.factories import CustomerFactory, ProductFactory, user_with_role

    CustomerFactory(code="C001"), CustomerFactory(code="C002")
    for sku in ("LD-2L-LAV", "LD-3KG-LEM", "LP-5KG"):
        ProductFactory(sku=sku)
    user_with_role("sales", username="sales"), user_with_role("order_desk", username="order_desk")
    assert seed_edi_demo() == {"skipped": False}
    statuses = dict(EdiMessage.objects.values_list("message_ref", "status"))
    assert statuses == {"PC1": MessageStatus.PROCESSED, "PC2": MessageStatus.FAILED, "1": MessageStatus.GENERATED}
    assert ChannelProfile.objects.count() == 2
    assert seed_edi_demo() == {"skipped": True}  # safe to run again
