"""Dates and times put into messages are in the reader's format (2026年3月1日 09:30 in Chinese), not ISO;
English keeps the project's ISO-like format (config/formats/en)."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from orders import rules
from planning.adjustments import factory_time
from planning.daily_plan_views import DailyPlanForm


@pytest.mark.parametrize(("language", "shown"), [("zh-hans", "2020年3月1日"), ("en", "2020-03-01")])
def test_a_past_requested_date_is_named_in_the_readers_format(language, shown):
    with translation.override(language), pytest.raises(ValidationError) as refused:
        rules.validate_requested_date(date(2020, 3, 1))
    assert shown in refused.value.messages[0]


@pytest.mark.parametrize(("language", "shown"), [("zh-hans", "2026年3月1日 09:30"), ("en", "2026-03-01 09:30")])
def test_planning_times_are_in_the_readers_format(language, shown):
    with translation.override(language):
        assert factory_time(datetime(2026, 3, 1, 1, 30, tzinfo=ZoneInfo("UTC"))) == shown


def test_the_daily_plan_day_range_message_in_chinese():
    with translation.override("zh-hans"):
        form = DailyPlanForm({"day": "0001-01-01"})
        assert not form.is_valid()
        # The range every typed date has (inputs.validators), in the reader's format, never ISO.
        message = form.errors["day"][0]
        assert "2000年1月1日" in message and "0001" not in message and "-01-" not in message


@pytest.mark.parametrize(("language", "first_day"), [("zh-hans", "12月7日"), ("en", "12-07")])
def test_the_gantt_weeks_day_ticks_in_the_readers_format(language, first_day):
    from planning.gantt import WEEK, layout, window_for

    tz = ZoneInfo("Asia/Shanghai")
    window = window_for(date(2026, 12, 9), WEEK, tz)
    with translation.override(language):
        chart = layout([], window, group_by="center", now=datetime(2026, 12, 9, tzinfo=tz), tz=tz,
                       order_url=lambda pk: "")
    labels = [tick.label for tick in chart.ticks]
    assert labels[0] == first_day and len(labels) == 7
