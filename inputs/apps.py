from django.apps import AppConfig


def _install_date_horizon():
    """Every date or date-time field of every form and API serializer refuses dates outside the horizon
    (inputs.validators.date_within_horizon), including model forms' generated fields and the admin: one
    rule in one place instead of a validator repeated on each of the many date fields. Installed when this
    module is imported (the registry's first phase), before any app's forms declare their fields: a field
    copies its class's default validators when it is created."""
    from django import forms
    from rest_framework import fields

    from .validators import date_within_horizon

    for field_class in (forms.DateField, forms.DateTimeField, fields.DateField, fields.DateTimeField):
        if date_within_horizon not in field_class.default_validators:
            field_class.default_validators = [*field_class.default_validators, date_within_horizon]


def _install_visible_strip():
    """Every form CharField that strips (Django's default) and every API CharField that trims also strips the
    invisible characters around the text (inputs.visible), so a required reason made only of a byte-order mark
    or zero-width spaces is refused as empty, on every form, model form, the admin and the API. Patched on the
    two classes, as the date horizon above: one rule instead of a clean method on each of the many fields."""
    from django import forms
    from rest_framework import fields

    from .visible import visible_strip

    to_python = forms.CharField.to_python
    if getattr(to_python, "strips_invisible", False):
        return

    def form_to_python(self, value):
        value = to_python(self, value)
        if self.strip and isinstance(value, str):
            value = visible_strip(value)
            if value in self.empty_values:
                return self.empty_value
        return value

    run_validation = fields.CharField.run_validation

    def api_run_validation(self, data=fields.empty):
        if self.trim_whitespace and isinstance(data, str):
            data = visible_strip(data)
        return run_validation(self, data)

    form_to_python.strips_invisible = True
    forms.CharField.to_python = form_to_python
    fields.CharField.run_validation = api_run_validation


_install_date_horizon()
_install_visible_strip()


class InputsConfig(AppConfig):
    name = "inputs"
    verbose_name = "Input rules"
