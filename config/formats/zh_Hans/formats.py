"""Simplified Chinese: Django's date formats (2026年11月24日 09:30), plus thousands grouping for
amounts (1,761.17), as Chinese business documents write them.

Input formats put ISO 8601 first: a form widget writes its value with the first input format, and
`<input type=date>` / `datetime-local` accept only ISO (Django's "2026/12/28" left them blank, so a
re-edited order lost its date). Typed-in slashes and 年月日 are still read."""

from django.conf.locale.zh_Hans.formats import *  # noqa: F401,F403

NUMBER_GROUPING = 3
THOUSAND_SEPARATOR = ","
DECIMAL_SEPARATOR = "."

DATE_INPUT_FORMATS = [
    "%Y-%m-%d",  # 2026-12-28, what <input type=date> sends and shows
    "%Y/%m/%d",  # 2026/12/28
    "%Y年%m月%d日",  # 2026年12月28日
]
DATETIME_INPUT_FORMATS = [
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%dT%H:%M",  # <input type=datetime-local>
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%d %H:%M:%S.%f",
    "%Y/%m/%d %H:%M",
    "%Y/%m/%d %H:%M:%S",
    "%Y年%m月%d日 %H:%M",
    "%Y年%m月%d日 %H:%M:%S",
]
