"""A manager reads a work center's change history in Chromium at 1366×768, in Chinese and in English:
who changed it, when, and each field's old and new value in the reader's language. Screenshots are
written to /tmp/audit-history-<language>.png."""

import datetime
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from accounts.services import set_user_language
from audit.models import ChangeLogEntry
from planning import services as planning_services
from tests.fixtures.factories import user_with_role
from tests.inventory.masterdata import make_calendar, make_work_center

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DESK = {"width": 1366, "height": 768}
SHOTS = "/tmp"
EXPECTED = {
    "zh-hans": ("变更历史", "停机至", "2026年3月5日", "工作日历", "夜班日历", "每小时费率", "2,345.75", "美元"),
    "en": ("Change history", "Down until", "2026-03-05", "Calendar", "夜班日历", "Cost rate per hour", "2,345.75",
           "US dollar"),
}


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_manager_reads_the_change_history_of_a_work_center(sessions, live_server, language):
    planner = user_with_role("planner", username="planner_li")
    manager = user_with_role("manager", username=f"manager_{language.replace('-', '_')}")
    set_user_language(actor=manager, language=language)
    center = make_work_center("LATHE-01", name="数控车床 1", calendar=make_calendar("白班日历"),
                              cost_rate_per_hour=Decimal("1234.50"))
    planning_services.update_work_center(
        actor=planner, center=center, calendar=make_calendar("夜班日历"), cost_rate_per_hour=Decimal("2345.75"),
        currency="USD", down_until=datetime.datetime(2026, 3, 5, 4, 0, tzinfo=datetime.UTC))
    planning_services.update_work_center(actor=planner, center=center, parallel_units=2, name="数控车床 1号")

    page = sessions(manager.username, viewport=DESK)
    page.goto(f"{live_server.url}/planning/work-centers/{center.pk}/edit/")
    section = page.locator("[data-testid=change-history]")
    section.scroll_into_view_if_needed()
    expect(section).to_be_visible()
    for text in EXPECTED[language]:
        expect(section).to_contain_text(text)
    expect(section).to_contain_text("planner_li")
    # One row per changed field, newest first: 2 fields, 4 fields, then the creation.
    logged = ChangeLogEntry.objects.filter(content_type__model="workcenter", object_id=str(center.pk))
    assert [len(entry.changes) for entry in logged][:2] == [2, 4]
    assert section.locator("[data-testid=change-row]").count() == sum(len(entry.changes) for entry in logged)
    page.screenshot(path=f"{SHOTS}/audit-history-{language}.png")
