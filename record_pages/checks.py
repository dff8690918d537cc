"""The checks of a master record before it is saved (items, work centers): every problem as
{field: [messages]}, so that the edit page, the admin and the import show each next to its field."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


class FieldErrors(dict):
    """{field: [messages]}, collected rule by rule. `fields` limits the checks to those fields (the
    import checks only what a row gives)."""

    def __init__(self, fields=None):
        super().__init__()
        self.fields = fields

    def check(self, field, rule):
        """Run `rule()`; its ValidationError becomes the field's messages."""
        if self.fields is not None and field not in self.fields:
            return
        try:
            rule()
        except ValidationError as exc:
            self.setdefault(field, []).extend(exc.messages)

    def check_model(self, record, *, skip=(), **full_clean_options):
        """The model's own field rules, for the fields not refused already nor in `skip` (checked by the
        service with its own message)."""
        exclude = set(self) | set(skip)
        if self.fields is not None:
            exclude |= {f.name for f in record._meta.fields if f.name not in self.fields}
        try:
            record.full_clean(exclude=sorted(exclude), validate_unique=False, **full_clean_options)
        except ValidationError as exc:
            for field, messages in exc.message_dict.items():
                self.setdefault(field, []).extend(messages)


def name_given(record):
    if not record.name:
        raise ValidationError(_("Enter a name."))


def service_rule(validator, value):
    """A form field's value checked by the service's own rule (the same message next to the field)."""
    try:
        validator(value)
    except ValidationError as exc:
        raise ValidationError(exc.messages) from None
    return value
