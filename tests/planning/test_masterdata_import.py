"""CSV/XLSX import of work centers and routing operations: per-row errors, all or nothing."""

import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from planning.models import Routing, RoutingOperation, WorkCenter
from tests.inventory.masterdata import made_item, make_calendar, make_item, make_routing, make_work_center

pytestmark = pytest.mark.django_db


def upload(client, url_name, filename, content: bytes):
    return client.post(reverse(url_name), {"step": "upload", "file": SimpleUploadedFile(filename, content)})


def confirm(client, url_name, preview_response):
    token = preview_response.context["token"]
    assert token, "the preview offered no confirmation"
    return client.post(reverse(url_name), {"step": "confirm", "token": token})


def preview_rows(response):
    return [(row.line, row.action, row.errors) for row in response.context["preview"].rows]


def xlsx_bytes(rows):
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


@pytest.fixture
def planner(role_users):
    return role_users["planner"]


# --- work centers --------------------------------------------------------------------------------

def test_work_centers_from_xlsx(client, planner):
    make_calendar("白班")
    make_work_center("CNC-1", name="Old name", calendar=make_calendar("Night", shifts=[(0, "22:00", "06:00")]))
    content = xlsx_bytes([
        ["工作中心编码", "名称", "机台数", "效率(%)", "工作日历", "小时费率", "币种"],
        ["CNC-1", "数控车床", 4, 92.5, None, 150, "人民币"],
        ["PRESS-1", "冲床", 1, 100, "白班", 80.5, None],
    ])
    client.force_login(planner)
    response = upload(client, "planning:work_center_import", "工作中心.xlsx", content)
    assert preview_rows(response) == [(2, "update", []), (3, "create", [])]
    confirm(client, "planning:work_center_import", response)
    cnc, press = WorkCenter.objects.get(code="CNC-1"), WorkCenter.objects.get(code="PRESS-1")
    assert (cnc.name, cnc.parallel_units, cnc.efficiency_percent, cnc.calendar.name) == (
        "数控车床", 4, Decimal("92.5"), "Night")  # a blank calendar cell keeps the calendar
    assert (press.calendar.name, press.cost_rate_per_hour, press.currency) == ("白班", Decimal("80.5"), "CNY")


def test_bad_work_center_rows_block_the_whole_file(client, planner):
    make_calendar("Day")
    make_calendar("Empty", shifts=[])
    text = ("code,name,units,efficiency,calendar\n"
            "WC-1,Good,1,100,Day\n"
            "WC-2,No calendar,1,100,\n"
            "WC-3,Empty calendar,1,100,Empty\n"
            "WC-4,Unknown calendar,1,100,Nope\n"
            "WC-5,Zero units,0,100,Day\n"
            "WC-6,Too efficient,1,201,Day\n"
            "WC-7,Half a machine,1.5,100,Day\n")
    client.force_login(planner)
    response = upload(client, "planning:work_center_import", "wc.csv", text.encode())
    errors = {line: errors for line, _action, errors in preview_rows(response)}
    assert errors[2] == []
    assert errors[3] == ["Calendar is required for a new work center."]
    assert errors[4] == ["Calendar: Calendar Empty has no working time (no shifts): give it shifts before assigning it "
                         "to a work center."]
    assert errors[5] == ["Calendar: no calendar named Nope."]
    assert errors[6] == ["Parallel units: A work center has at least 1 parallel unit (machine or crew)."]
    assert errors[7] == ["Efficiency %: Efficiency must be from 1 to 200 %."]
    assert errors[8] == ["Parallel units: enter a whole number."]
    assert response.context["token"] == ""
    assert not WorkCenter.objects.exists()


# --- routing operations --------------------------------------------------------------------------

ROUTING_CSV = ("item,sequence,work center,alternative,setup,run,wait,description\n"
               "SHAFT,10,LATHE,MILL,15,2.5,30,车外圆\n"
               "SHAFT,20,MILL,,0,0.75,,铣键槽\n"
               "GEAR,10,MILL,,5,1.2,,\n")


def test_routing_operations_are_imported_as_new_versions(client, planner):
    lathe, mill = make_work_center("LATHE"), make_work_center("MILL")
    shaft, gear = made_item("SHAFT"), made_item("GEAR")
    make_routing(gear, [(10, mill, 5, "1.2")])
    client.force_login(planner)
    response = upload(client, "planning:routing_import", "routing.csv", ROUTING_CSV.encode())
    assert preview_rows(response) == [(2, "create", []), (3, "create", []), (4, "unchanged", [])]
    done = confirm(client, "planning:routing_import", response)
    assert "1 created, 0 updated, 1 unchanged" in client.get(done["Location"]).content.decode()
    routing = Routing.objects.get(item=shaft, is_active=True)
    assert [(o.sequence, o.work_center, o.alternative_work_center, o.setup_minutes, o.run_minutes_per_unit,
             o.min_wait_minutes, o.description) for o in routing.operations.all()] == [
        (10, lathe, mill, Decimal("15"), Decimal("2.5"), Decimal("30"), "车外圆"),
        (20, mill, None, Decimal("0"), Decimal("0.75"), Decimal("0"), "铣键槽")]
    assert Routing.objects.filter(item=gear).count() == 1

    changed = upload(client, "planning:routing_import", "r2.csv", b"item,sequence,work center,run\nSHAFT,10,LATHE,2\n")
    assert preview_rows(changed) == [(2, "update", [])]
    confirm(client, "planning:routing_import", changed)
    assert list(Routing.objects.filter(item=shaft).order_by("version").values_list("version", "is_active")) == [
        (1, False), (2, True)]


def test_bad_routing_rows_block_the_whole_file(client, planner):
    make_work_center("LATHE")
    made_item("SHAFT")
    made_item("GEAR")
    make_item("BOLT")
    text = ("item,sequence,work center,alternative,setup,run,wait\n"
            "SHAFT,10,LATHE,,0,0,\n"        # zero run time
            "SHAFT,20,LATHE,,-1,1,\n"       # negative setup
            "SHAFT,30,LATHE,LATHE,0,1,\n"   # alternative = main
            "SHAFT,40,LATHE,,0,1,-5\n"      # negative wait
            "GEAR,10,LATHE,,0,1,\n"
            "GEAR,10,LATHE,,0,2,\n"         # duplicate sequence
            "BOLT,10,LATHE,,0,1,\n"         # bought item
            "SHAFT,50,NOPE,,0,1,\n"         # unknown work center
            "SHAFT,x,LATHE,,0,1,\n")        # sequence not a number
    client.force_login(planner)
    response = upload(client, "planning:routing_import", "bad.csv", text.encode())
    errors = {line: errors for line, _action, errors in preview_rows(response)}
    assert errors[2] == ["Operation 10: Run time per unit must be greater than zero."]
    assert errors[3] == ["Operation 20: Setup time cannot be negative."]
    assert errors[4] == ["Operation 30: the alternative work center must differ from the work center (LATHE)."]
    assert errors[5] == ["Operation 40: Minimum transfer/wait time cannot be negative."]
    assert errors[6] == errors[7] == ["Sequence number 10 of GEAR appears more than once (rows 6, 7)."]
    assert errors[8] == ["BOLT is bought, not made: only items made in house have a routing. Set “make or buy” to "
                         "make first."]
    assert errors[9] == ["Work center: no work center with code NOPE."]
    assert errors[10] == ["Sequence: “x” is not a number."]
    assert not Routing.objects.exists() and not RoutingOperation.objects.exists()


def test_import_permissions(client, role_users):
    make_calendar("Day")
    for role in ("warehouse", "production", "manager"):
        client.force_login(role_users[role])
        assert upload(client, "planning:work_center_import", "wc.csv", b"code,name,calendar\nW,W,Day\n"
                      ).status_code == 403
        assert upload(client, "planning:routing_import", "r.csv", b"item,sequence,work center,run\nX,1,W,1\n"
                      ).status_code == 403
    assert not WorkCenter.objects.exists()
