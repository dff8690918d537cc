"""The one way a form field is drawn: Django's form renderer with the project's field template
(templates/forms/field.html: label, widget, help text, errors with data-field). Templates write
`{{ field.as_field_group }}` (or `{{ form }}`) instead of including a snippet."""

from django.forms.renderers import TemplatesSetting


class FormRenderer(TemplatesSetting):
    # TemplatesSetting: the project's template engine, so templates/forms/ is found (django.forms supplies
    # the built-in widget templates).
    field_template_name = "forms/field.html"
