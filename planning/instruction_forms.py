"""The work instruction form on the routing page: the text, what changed, new attachments and which of the
current version's attachments the new version keeps. planning.work_instructions checks everything again."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .work_instructions import ACCEPT, TEXT_MAX


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


class WorkInstructionForm(forms.Form):
    text = forms.CharField(label=_("Instructions"), max_length=TEXT_MAX, widget=forms.Textarea(attrs={"rows": 8}),
                           error_messages={"required": _("Write the instructions.")})
    change_note = forms.CharField(label=_("What changed"), max_length=300, required=False)
    files = MultipleFileField(label=_("Add attachments"),
                              help_text=_("PDF drawings and JPEG, PNG or WebP photos, at most 10 MB each."))
    keep = forms.MultipleChoiceField(label=_("Keep attachments"), required=False,
                                     widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, current=None, **kwargs):
        super().__init__(*args, **kwargs)
        attachments = list(current.attachments.all()) if current else []
        self.fields["keep"].choices = [(str(a.pk), a.original_name or str(a)) for a in attachments]
        if not attachments:
            del self.fields["keep"]
        if current is not None and not self.is_bound:
            self.initial = {"text": current.text, "keep": [str(a.pk) for a in attachments]}
