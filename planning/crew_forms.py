"""Forms of the skill and crew pages (planning.crew_services checks and writes)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from orders.forms import WholeNumberField

from .crew_models import Crew, Skill
from .forms import SEARCH_ATTRS, STATUS_CHOICES
from .models import WorkCalendar


class CrewFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100,
                        widget=forms.TextInput(attrs={**SEARCH_ATTRS, "placeholder": _("Code, name")}))
    status = forms.ChoiceField(label=_("Status"), choices=STATUS_CHOICES, required=False)


class SkillForm(forms.Form):
    code = forms.CharField(label=_("Code"), max_length=32, required=False)
    name = forms.CharField(label=_("Name"), max_length=100, required=False)

    def __init__(self, *args, skill=None, **kwargs):
        super().__init__(*args, **kwargs)
        if skill is not None:
            self.fields.pop("code")
            self.initial.setdefault("name", skill.name)


class CrewForm(forms.Form):
    """The crew and one head count field per active skill (and per skill the crew has)."""

    code = forms.CharField(label=_("Code"), max_length=32, required=False)
    name = forms.CharField(label=_("Name"), max_length=100, required=False)
    calendar = forms.ModelChoiceField(label=_("Calendar"), queryset=WorkCalendar.objects.order_by("name"),
                                      required=False,
                                      help_text=_("The crew is on shift when this calendar is working."),
                                      error_messages={"invalid_choice": _("Choose a calendar from the list.")})
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def __init__(self, *args, crew: Crew | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        has = {row.skill_id: row.head_count for row in crew.skills.all()} if crew else {}
        self.skills = list(Skill.objects.filter(is_active=True) | Skill.objects.filter(pk__in=list(has)))
        self.skills.sort(key=lambda skill: skill.code)
        for skill in self.skills:
            self.fields[f"head_{skill.pk}"] = WholeNumberField(
                label=_("People: %(skill)s") % {"skill": f"{skill.code} {skill.name}"}, required=False, min_value=0,
                max_value=999, error_messages={"invalid": _("Enter a whole number.")})
        if crew is not None:
            self.fields.pop("code")
            self.initial.update({"name": crew.name, "calendar": crew.calendar_id, "note": crew.note})
            self.initial.update({f"head_{pk}": count for pk, count in has.items()})

    def head_counts(self):
        return {skill.code: self.cleaned_data.get(f"head_{skill.pk}") or 0 for skill in self.skills}

    def service_fields(self):
        data = self.cleaned_data
        return {"name": data.get("name", ""), "calendar": data.get("calendar"), "note": data.get("note", ""),
                "head_counts": self.head_counts()}
