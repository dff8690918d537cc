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


_install_date_horizon()


class InputsConfig(AppConfig):
    name = "inputs"
    verbose_name = "Input rules"
