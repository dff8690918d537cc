"""A model's system-written text in two columns: the message id (the text column) and its values (a JSON
column, null for text a person typed). Services assign a systemtext.Text (or a plain string for typed
text) and save as usual, through create(), save() or bulk_create(); the field splits the Text on save.

    note = StoredTextField(_("note"), blank=True)             # values in note_values
    note_values = TextValuesField()

`instance.get_note_display()` is the text in the reader's language (templates: {{ e.get_note_display }}).
"""

from django.db import models

from .text import Text, render_stored


class StoredTextMixin:
    def __init__(self, *args, values_field=None, **kwargs):
        self.values_field = values_field
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        if self.values_field:
            kwargs["values_field"] = self.values_field
        return name, path, args, kwargs

    def contribute_to_class(self, cls, name, **kwargs):
        super().contribute_to_class(cls, name, **kwargs)
        values_name = self.values_field or f"{name}_values"
        self.values_attname = values_name

        def display(instance):
            return render_stored(getattr(instance, name), getattr(instance, values_name, None))

        display.__name__ = f"get_{name}_display"
        setattr(cls, f"get_{name}_display", display)

    def pre_save(self, model_instance, add):
        value = getattr(model_instance, self.attname)
        if isinstance(value, Text):
            message, values = value.stored()
            setattr(model_instance, self.attname, message)
            setattr(model_instance, self.values_attname, values)
        return getattr(model_instance, self.attname)

    def get_prep_value(self, value):
        if isinstance(value, Text):  # filter(note=Text(...)): compare with the message id
            value = value.message
        return super().get_prep_value(value)


class StoredTextField(StoredTextMixin, models.TextField):
    pass


class StoredCharField(StoredTextMixin, models.CharField):
    """StoredTextField for a short text: the message id must fit max_length (values have no limit)."""


class TextValuesField(models.JSONField):
    """The values of the StoredTextField before it (see the module docstring). Declared after the text
    field: Django saves the fields in their order, and the text field fills this one on save."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("null", True)
        kwargs.setdefault("blank", True)
        kwargs.setdefault("editable", False)
        super().__init__(*args, **kwargs)
