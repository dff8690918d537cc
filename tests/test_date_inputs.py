"""Date and time inputs carry ISO values in every language: `<input type=date>` takes only 2026-12-28
(and datetime-local 2026-12-28T09:30), so a value written the Chinese way (2026/12/28) is shown blank
and the form then says the date is missing."""

import datetime
import importlib
import pkgutil

import pytest
from django import forms
from django.apps import apps
from django.conf import settings
from django.utils import translation

SAMPLE_DATE = datetime.date(2026, 12, 28)
SAMPLE_DATETIME = datetime.datetime(2026, 12, 28, 9, 30)
SAMPLE_TIME = datetime.time(9, 30)
# What each HTML input type accepts as its value (HTML Living Standard, "valid date string" and so on).
ISO_VALUE = {
    "date": "2026-12-28",
    "datetime-local": "2026-12-28T09:30",
    "time": "09:30",
}
SAMPLE = {"date": SAMPLE_DATE, "datetime-local": SAMPLE_DATETIME, "time": SAMPLE_TIME}


def our_form_classes():
    """Every form class defined in the project's apps (imported from each app's modules)."""
    ours = [app for app in apps.get_app_configs() if str(app.path).startswith(str(settings.BASE_DIR))
            and ".venv" not in str(app.path)]
    for app in ours:
        for module in pkgutil.walk_packages([str(app.path)], prefix=f"{app.name}."):
            if ".migrations" in module.name or ".management" in module.name or "tests" in module.name:
                continue
            importlib.import_module(module.name)
    prefixes = tuple(f"{app.name}." for app in ours)
    found, todo = [], [forms.BaseForm]
    while todo:
        cls = todo.pop()
        todo.extend(cls.__subclasses__())
        if cls.__module__.startswith(prefixes):
            found.append(cls)
    return found


def date_widgets():
    for form_class in our_form_classes():
        for name, field in getattr(form_class, "base_fields", {}).items():
            widget = field.widget
            input_type = widget.attrs.get("type", getattr(widget, "input_type", None))
            if input_type in ISO_VALUE:
                yield pytest.param(widget, input_type, id=f"{form_class.__module__}.{form_class.__name__}.{name}")


def test_the_project_has_date_inputs_to_check():
    assert len(list(date_widgets())) >= 10


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize(("widget", "input_type"), list(date_widgets()))
def test_every_date_and_time_input_gets_an_iso_value_in_every_language(widget, input_type, language):
    with translation.override(language):
        html = widget.render("when", SAMPLE[input_type])
    assert f'value="{ISO_VALUE[input_type]}"' in html, html


@pytest.mark.parametrize("typed", ["2026-12-28", "2026/12/28", "2026年12月28日"])
def test_chinese_users_may_still_type_dates_with_slashes_or_characters(typed):
    with translation.override("zh-hans"):
        assert forms.DateField().clean(typed) == SAMPLE_DATE


def test_a_datetime_local_value_is_read_in_chinese():
    with translation.override("zh-hans"):
        assert forms.DateTimeField().clean("2026-12-28T09:30").replace(tzinfo=None) == SAMPLE_DATETIME
