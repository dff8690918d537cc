from django import forms
from django.utils.translation import gettext_lazy as _


class ImportUploadForm(forms.Form):
    file = forms.FileField(label=_("File (.csv or .xlsx)"),
                           error_messages={"required": _("Choose a file to upload."),
                                           "empty": _("The file is empty.")},
                           widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}))
