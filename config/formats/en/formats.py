"""English dates as ISO 8601 (2026-11-24 09:30): unambiguous on a factory floor with staff and
customers from several countries, and cheap to render (no month names to translate)."""

from django.conf.locale.en.formats import *  # noqa: F401,F403

DATE_FORMAT = "Y-m-d"
SHORT_DATE_FORMAT = "Y-m-d"
DATETIME_FORMAT = "Y-m-d H:i"
SHORT_DATETIME_FORMAT = "Y-m-d H:i"
MONTH_DAY_FORMAT = "m-d"  # Gantt day ticks and the daily plan's times on another day (zh: 12月7日)
