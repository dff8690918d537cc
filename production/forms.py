"""Forms of the exception report pages. The services check everything again; the forms turn what was typed
into values and keep it for correcting."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from planning.models import OPEN_WORK_ORDER_STATUSES, WorkCenter, WorkOrderOperation

from .models import ExceptionSeverity, ExceptionStatus, ExceptionType
from .photos import PHOTO_MAX_COUNT, checked_photo

PHOTO_ACCEPT = "image/jpeg,image/png,image/webp"
DATETIME_LOCAL = "%Y-%m-%dT%H:%M"


class MultiplePhotoInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class PhotosField(forms.FileField):
    """Several photos from one file input (a tablet's camera or gallery); each checked by checked_photo."""

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", MultiplePhotoInput(attrs={"accept": PHOTO_ACCEPT}))
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        uploads = [upload for upload in (data if isinstance(data, list | tuple) else [data]) if upload]
        if len(uploads) > PHOTO_MAX_COUNT:
            raise ValidationError(_("Attach at most %(n)s photos.") % {"n": PHOTO_MAX_COUNT})
        errors = []
        for upload in uploads:
            try:
                checked_photo(super().clean(upload, initial))
            except ValidationError as exc:
                errors.extend(exc.messages)
        if errors:
            raise ValidationError(errors)
        if self.required and not uploads:
            raise ValidationError(self.error_messages["required"], code="required")
        return uploads


class ExceptionReportForm(forms.Form):
    type = forms.ChoiceField(label=_("What is wrong?"), choices=ExceptionType.choices, widget=forms.RadioSelect,
                             error_messages={"required": _("Choose the type of problem.")})
    severity = forms.ChoiceField(label=_("Severity"), choices=ExceptionSeverity.choices, widget=forms.RadioSelect,
                                 initial=ExceptionSeverity.MEDIUM)
    work_center = forms.ModelChoiceField(label=_("Work center"), queryset=WorkCenter.objects.none(),
                                         error_messages={"required": _("Choose the work center.")})
    operation = forms.ModelChoiceField(queryset=WorkOrderOperation.objects.none(), required=False,
                                       widget=forms.HiddenInput)
    description = forms.CharField(label=_("Description"), max_length=4000, widget=forms.Textarea(attrs={"rows": 4}),
                                  error_messages={"required": _("Describe the problem.")})
    down_until = forms.DateTimeField(
        label=_("Machine down until"), required=False, input_formats=[DATETIME_LOCAL, "%Y-%m-%d %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_LOCAL),
        help_text=_("Machine breakdown only: the work center gets no work until then, and what follows is "
                    "rescheduled."))
    photos = PhotosField(label=_("Photos"),
                         help_text=_("Up to 6 JPEG, PNG or WebP photos of at most 5 MB each."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["work_center"].queryset = WorkCenter.objects.filter(is_active=True).order_by("code")
        self.fields["operation"].queryset = WorkOrderOperation.objects.filter(
            status__in=OPEN_WORK_ORDER_STATUSES).select_related("work_order")


class PhotoUploadForm(forms.Form):
    photos = PhotosField(label=_("Add photos"), required=True)


class ExceptionFilterForm(forms.Form):
    SORTS = {
        "-reported": ["-reported_at", "-id"],
        "reported": ["reported_at", "id"],
        "number": ["number"],
        "-number": ["-number"],
    }
    q = forms.CharField(label=_("Search"), required=False, max_length=100,
                        widget=forms.TextInput(attrs={"type": "search",
                                                      "placeholder": _("Number, order, description")}))
    status = forms.ChoiceField(label=_("Status"), required=False,
                               choices=[("", _("All")), ("open_all", _("Not resolved")), *ExceptionStatus.choices])
    type = forms.ChoiceField(label=_("Type"), required=False, choices=[("", _("All")), *ExceptionType.choices])
    work_center = forms.ModelChoiceField(label=_("Work center"), queryset=WorkCenter.objects.order_by("code"),
                                         required=False, empty_label=_("All"))
    sort = forms.ChoiceField(label=_("Sort"), required=False, choices=[
        ("-reported", _("Newest first")), ("reported", _("Oldest first")), ("number", _("Number")),
        ("-number", _("Number, descending"))])
