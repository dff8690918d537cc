"""System-written texts are stored as message id + values and read in the reader's language: the order
timeline read by a Chinese and an English user, the values inside (dates, times, durations, quantities,
labels) formatted for each, the rows written before (data migration) and the alert chain's role names."""

import importlib
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_noop

from orders.models import OrderEvent, OrderStatus
from orders.services import make_rush, set_rush
from systemtext.text import Text, joined, render_value
from tests.fixtures.factories import make_order, user_with_role
from tests.test_translations import VisibleText, compiled_catalog  # noqa: F401  (fixture)

SHANGHAI = ZoneInfo("Asia/Shanghai")


def read(message, language, **values):
    with translation.override(language):
        return str(Text(message, **values))


def test_a_text_reads_in_each_language_with_its_values_formatted_for_the_reader(compiled_catalog):  # noqa: F811
    received = gettext_noop("Received by %(name)s on %(when)s.")
    when = datetime(2026, 12, 9, 13, 6, tzinfo=SHANGHAI)
    assert read(received, "en", name="张三", when=when) == "Received by 张三 on 2026-12-09 13:06."
    assert read(received, "zh-hans", name="张三", when=when) == "由 张三 于 2026年12月9日 13:06 签收。"
    due = gettext_noop("The due date of the work becomes %(date)s.")
    assert "2026年12月9日" in read(due, "zh-hans", date=date(2026, 12, 9))
    # A quantity never shows as an exponent; a duration never as bare minutes.
    scrapped = gettext_noop("%(qty)s scrapped.")
    assert read(scrapped, "en", qty=Decimal("1E+2")) == "100 scrapped."
    with translation.override("zh-hans"):
        assert render_value({"_": "duration", "minutes": 4257}) == "2 天 22 小时 57 分钟"
    with translation.override("en"):
        assert render_value({"_": "duration", "minutes": 4257}) == "2 d 22 h 57 min"


def test_labels_inside_a_text_are_stored_as_message_ids_not_translated_text(compiled_catalog):  # noqa: F811
    from rush.models import ReviewArea, Verdict

    with translation.override("zh-hans"):  # written by a Chinese reviewer…
        text = joined(Text(gettext_noop("%(area)s: %(verdict)s."), area=ReviewArea.PLANNING.label,
                           verdict=Verdict.FEASIBLE.label), "加班两天")
    assert "计划" not in str(text.as_json())  # stored as message ids, whatever the writer's language
    with translation.override("en"):  # …read by an English manager
        assert str(text) == "Planning and production: Feasible. 加班两天"
    with translation.override("zh-hans"):
        assert str(text) == "计划与生产：可行。 加班两天"


@pytest.mark.django_db
def test_the_same_timeline_reads_chinese_for_a_chinese_user_and_english_for_an_english_user(
        client, compiled_catalog):  # noqa: F811
    sales, manager = user_with_role("sales"), user_with_role("manager")
    draft = make_order(creator=sales)
    with translation.override("zh-hans"):  # the writer's language must not matter
        set_rush(actor=sales, order=draft, rush=True, reason="客户停线")
    order = make_order(creator=sales, status=OrderStatus.SUBMITTED)
    with translation.override("zh-hans"):
        make_rush(actor=manager, order=order, reason="客户停线", rush_date=order.requested_date - timedelta(days=1),
                  note="RR-1")
    event = OrderEvent.objects.get(order=order, action="rush_approved")
    assert event.note_values is not None and "{" not in event.get_note_display()

    def timeline(language, the_order):
        client.force_login(manager)
        client.post(reverse("accounts:switch_language"), {"language": language, "next": "/"})
        page = client.get(reverse("orders:detail", args=[the_order.pk])).content.decode()
        parser = VisibleText()
        parser.feed(page)
        return " ".join(parser.parts)

    english, chinese = timeline("en", order), timeline("zh-hans", order)
    new_date = order.requested_date - timedelta(days=1)
    assert "Made a rush order: 客户停线" in english
    assert f"Requested date {order.requested_date.isoformat()} → {new_date.isoformat()}." in english
    assert "已转为急单：客户停线" in chinese and "要求交期" in chinese
    assert "Made a rush order" not in chinese and "Requested date" not in chinese
    assert f"{new_date.year}年{new_date.month}月{new_date.day}日" in chinese
    assert "RR-1" in english and "RR-1" in chinese
    assert "Flagged as rush: 客户停线" in timeline("en", draft)
    assert "设为急单：客户停线" in timeline("zh-hans", draft)


def test_rows_written_before_become_message_ids_and_typed_text_stays(compiled_catalog):  # noqa: F811
    migration = importlib.import_module("systemtext.migrations.0001_stored_texts_of_existing_rows")
    patterns, labels = migration._patterns(), migration._labels()
    assert migration.stored("All work orders of the order are done.", patterns, labels) == (
        "All work orders of the order are done.", {})
    with translation.override("zh-hans"):
        chinese = translation.gettext("Materials issued on %(sheet)s and accepted by production.") % {"sheet": "MP-7"}
    assert migration.stored(chinese, patterns, labels) == (
        "Materials issued on %(sheet)s and accepted by production.", {"sheet": "MP-7"})
    message, values = migration.stored("Received by 张三 on 2026-12-09 13:06. 门卫签收", patterns, labels)
    with translation.override("zh-hans"):
        assert render_value({"_": "text", "id": message, "values": values}) == (
            "由 张三 于 2026年12月9日 13:06 签收。 门卫签收")
    # The old code wrote f"{area}: {verdict}." with the labels in the reviewer's language.
    message, values = migration.stored("计划与生产: 可行.", patterns, labels)
    with translation.override("en"):
        assert render_value({"_": "text", "id": message, "values": values}) == "Planning and production: Feasible."
    assert migration.stored("Customer called, wants it Friday", patterns, labels) is None
    assert migration.stored("SH-2026-00001: P-1 5 pcs (L1)", patterns, labels) is None


def test_the_revision_note_names_fields_and_statuses_in_the_readers_language(compiled_catalog):  # noqa: F811
    from orders import changes

    rows = [{"field": "status", "old": "planned", "new": "cancelled"},
            {"field": "line 2 GEAR-40 quantity", "old": "10", "new": "15"},
            {"field": "requested_date", "old": "2026-12-09", "new": "2026-12-11"}]
    note = joined("", *(changes._diff_text(row) for row in rows), sep="")
    with translation.override("en"):
        assert str(note) == ("; Status: Planned → Cancelled; Line 2 GEAR-40 quantity: 10 → 15"
                             "; Requested date: 2026-12-09 → 2026-12-11")
    with translation.override("zh-hans"):
        text = str(note)
    assert "status" not in text and "planned" not in text and "line 2" not in text
    assert "第 2 行 GEAR-40 数量" in text and "2026年12月11日" in text
