"""Simplified Chinese: Django's date formats (2026年11月24日 09:30), plus thousands grouping for
amounts (1,761.17), as Chinese business documents write them."""

from django.conf.locale.zh_Hans.formats import *  # noqa: F401,F403

NUMBER_GROUPING = 3
THOUSAND_SEPARATOR = ","
DECIMAL_SEPARATOR = "."
