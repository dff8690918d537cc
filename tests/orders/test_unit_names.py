"""Units kept as codes in stored snapshots (a rush request's material facts) are shown by their name in the
reader's language, as model fields are with get_unit_display."""

from django.template import Context, Template
from django.template.loader import render_to_string
from django.utils import translation


def shown(code):
    return Template("{% load quantity_tags %}{{ code|unit_name }}").render(Context({"code": code}))


def test_unit_codes_are_shown_by_name_in_the_readers_language():
    with translation.override("zh-hans"):
        assert [shown(code) for code in ("pcs", "kg", "m")] == ["件", "千克", "米"]
    with translation.override("en"):
        assert [shown(code) for code in ("pcs", "kg")] == ["pieces", "kilograms"]
    assert shown("drum") == "drum"  # not one of ours: shown as stored


def test_the_rush_facts_table_names_the_unit():
    """The shortage row of a rush request's facts, as stored by rush.facts.material_facts (unit as a code)."""
    facts = {"schedule": {"reasons": ["x"]}, "materials": {"errors": [], "components": 1, "shortages": [
        {"item": "RM-STEEL", "name": "钢板", "unit": "kg", "required": "5", "available": "2", "short": "3",
         "covered_on": None, "lead_days": 7}]}}
    with translation.override("zh-hans"):
        html = render_to_string("rush/_facts.html", {"facts": facts})
    row = html[html.index('data-testid="rush-shortage-row"'):]
    assert '<td class="num">5 千克</td>' in row and " kg" not in row
