"""One way to draw a form field: the project's form renderer (inputs.renderers) with
templates/forms/field.html, used as `{{ field.as_field_group }}` by every page."""

import re
from pathlib import Path

from django import forms
from django.conf import settings
from django.template import Context, Template
from django.utils import translation

from orders.masterdata_forms import CustomerForm

TEMPLATES = Path(settings.BASE_DIR) / "templates"


class SampleForm(forms.Form):
    code = forms.CharField(label="Code", max_length=5, help_text="Five letters <b>at most</b>")
    note = forms.CharField(label="Note", required=False)
    key = forms.CharField(widget=forms.HiddenInput, required=True)


def test_a_field_group_has_its_label_widget_help_and_errors():
    form = SampleForm({"code": "TOOLONG"})
    html = form["code"].as_field_group()
    assert html.startswith('<div class="field">')
    assert '<label for="id_code">Code:</label>' in html
    assert 'name="code"' in html and 'maxlength="5"' in html and "required" in html
    assert '<div class="help">Five letters &lt;b&gt;at most&lt;/b&gt;</div>' in html
    assert re.search(r'<div class="errorlist" data-field="code">[^<]*5[^<]*</div>', html)


def test_a_hidden_field_is_only_its_input_and_errors():
    form = SampleForm({"code": "A"})
    html = form["key"].as_field_group()
    assert not html.startswith("<div") and 'type="hidden"' in html
    assert 'class="errorlist" data-field="key"' in html


def test_the_renderer_draws_fields_in_the_readers_language():
    with translation.override("zh-hans"):
        html = Template("{% for field in form %}{{ field.as_field_group }}{% endfor %}").render(
            Context({"form": CustomerForm(data={})}))
    assert html.count('<div class="field">') >= 5
    assert "此项为必填项。" in html  # "This field is required." in Chinese


def test_no_template_includes_a_field_snippet_any_more():
    included = [path.relative_to(TEMPLATES).as_posix() for path in TEMPLATES.rglob("*.html")
                if re.search(r'{%\s*include\s+"[^"]*_field\.html"', path.read_text(encoding="utf-8"))]
    assert included == []
