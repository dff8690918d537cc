"""The forms of the temporary drawings page: issue a drawing (number, revision, title, attachments, and up
to COPY_ROWS copies, each a holder and their department), take a copy back, void a copy. rush.drawings
checks everything again; the forms only parse."""

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from accounts.departments import INTERNAL_DEPARTMENTS

from .drawings import ACCEPT

COPY_ROWS = 4


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ACCEPT}))
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        uploads = [upload for upload in (data if isinstance(data, list | tuple) else [data]) if upload]
        return [super(MultipleFileField, self).clean(upload, initial) for upload in uploads]


class HolderChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.get_full_name() or obj.username


class IssueDrawingForm(forms.Form):
    number = forms.CharField(label=_("Drawing number"), max_length=40,
                             error_messages={"required": _("Enter the drawing number.")})
    revision = forms.CharField(label=_("Revision"), max_length=10,
                               error_messages={"required": _("Enter the drawing's revision.")})
    title = forms.CharField(label=_("Title"), max_length=200, required=False)
    files = MultipleFileField(label=_("Attachments"),
                              help_text=_("PDF drawings and JPEG, PNG or WebP scans, at most 10 MB each."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        people = get_user_model().objects.filter(is_active=True).order_by("first_name", "username")
        for row in range(1, COPY_ROWS + 1):
            self.fields[f"holder_{row}"] = HolderChoiceField(queryset=people, required=False,
                                                             label=_("Copy %(n)s: holder") % {"n": row})
            self.fields[f"department_{row}"] = forms.ChoiceField(
                choices=[("", "—")] + INTERNAL_DEPARTMENTS, required=False,
                label=_("Copy %(n)s: department") % {"n": row})

    def copy_rows(self):
        return [(self[f"holder_{row}"], self[f"department_{row}"]) for row in range(1, COPY_ROWS + 1)]

    def clean(self):
        data = super().clean()
        copies = []
        for row in range(1, COPY_ROWS + 1):
            holder, department = data.get(f"holder_{row}"), data.get(f"department_{row}")
            if holder and not department:
                self.add_error(f"department_{row}", _("Choose the holder's department."))
            elif department and not holder:
                self.add_error(f"holder_{row}", _("Choose the person who holds this copy."))
            elif holder:
                copies.append((holder, department))
        if not copies and not self.errors:
            raise forms.ValidationError(_("Issue at least one copy: name who holds it and their department."))
        data["copies"] = copies
        return data


class ReturnCopyForm(forms.Form):
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


class VoidCopyForm(forms.Form):
    reason = forms.CharField(label=_("Reason for voiding"), max_length=300,
                             error_messages={"required": _("Give the reason for voiding the copy.")})
