from django import forms
from django.utils.translation import gettext_lazy as _

from orders.models import Product

from .models import ChannelProfile, MessageStatus


class InboxFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False,
                        widget=forms.TextInput(attrs={"placeholder": _("Message, interchange, PO or order number")}))
    status = forms.ChoiceField(label=_("Status"), required=False,
                               choices=[("", _("All"))] + [c for c in MessageStatus.choices
                                                            if c[0] != MessageStatus.GENERATED])


class MappingForm(forms.Form):
    """Map one of the partner's product codes (the ones the message names without a mapping) to ours."""

    partner_code = forms.ChoiceField(label=_("Their product code"))
    product = forms.ModelChoiceField(label=_("Our product"), queryset=Product.objects.filter(is_active=True),
                                     error_messages={"required": _("Choose our product."),
                                                     "invalid_choice": _("Choose one of the active products.")})

    def __init__(self, *args, codes=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partner_code"].choices = [(code, code) for code in codes]
        self.fields["partner_code"].error_messages["invalid_choice"] = _(
            "Choose one of the codes this message names.")


class ChannelImportForm(forms.Form):
    profile = forms.ModelChoiceField(label=_("Channel"), queryset=ChannelProfile.objects.filter(is_active=True),
                                     error_messages={"required": _("Choose the channel the file comes from.")})
    file = forms.FileField(label=_("Export file (.csv)"),
                           error_messages={"required": _("Choose a file to upload."),
                                           "empty": _("The file is empty.")},
                           widget=forms.ClearableFileInput(attrs={"accept": ".csv,.txt"}))
