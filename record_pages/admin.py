"""The admin form of a master record edited with the app's rules (items, work centers): the admin
checks what the app's service checks, so a record saved in the admin is one the app would save."""

from django import forms


class ServiceRulesAdminForm(forms.ModelForm):
    """Set the cleaned values on the record and add the service's errors to the form; deactivating a
    record also asks whether it is still in use. Subclasses name the two checks, each taking the
    record and returning {field: messages}."""

    def record_errors(self, record) -> dict:
        raise NotImplementedError

    def in_use_errors(self, record) -> dict:
        raise NotImplementedError

    def clean(self):
        data = super().clean()
        record = self.instance
        was_active = record.pk is None or record.is_active
        for name, value in data.items():
            setattr(record, name, value)
        errors = self.record_errors(record)
        if record.pk is not None and was_active and not record.is_active:
            errors.update(self.in_use_errors(record))
        for field, messages in errors.items():
            self.add_error(field if field in self.fields else None, messages)
        return data
