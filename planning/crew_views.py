"""The skill and crew master-data pages (record_pages pattern): lists, new, edit with activate/deactivate."""

from django.contrib.auth.decorators import login_required, permission_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from audit.history import history_of
from record_pages.views import edit_record_post, record_list, save_form

from . import crew_selectors, crew_services
from .crew_forms import CrewFilterForm, CrewForm, SkillForm


@login_required
@permission_required("planning.view_crew", raise_exception=True)
def crew_list(request):
    return record_list(request, "planning/crew_list.html", form_class=CrewFilterForm,
                       records=crew_selectors.crew_list, model="planning.crew", actions=("add", "change"))


def _crew_page(request, form, crew=None, can_change=True):
    return render(request, "planning/crew_form.html", {"form": form, "crew": crew, "can_change": can_change,
                                                       "history": history_of(crew) if crew else None})


@login_required
@permission_required("planning.add_crew", raise_exception=True)
def crew_create(request):
    form = CrewForm(request.POST if request.method == "POST" else None)
    if form.is_bound:
        crew = save_form(request, form, lambda: crew_services.create_crew(
            actor=request.user, code=form.cleaned_data.get("code", ""), **form.service_fields()),
            lambda c: _("Crew %(code)s was created.") % {"code": c.code})
        if crew:
            return redirect("planning:crew_edit", pk=crew.pk)
    return _crew_page(request, form)


@login_required
@permission_required("planning.view_crew", raise_exception=True)
def crew_edit(request, pk):
    crew = crew_selectors.crew_detail(request.user, pk)
    can_change = request.user.has_perm("planning.change_crew")
    if request.method == "POST":
        form = CrewForm(request.POST, crew=crew)
        if edit_record_post(
                request, can_change=can_change, form=form,
                save=lambda: crew_services.update_crew(actor=request.user, crew=crew, **form.service_fields()),
                saved_message=_("Crew %(code)s was saved.") % {"code": crew.code},
                set_active=lambda active: crew_services.set_crew_active(actor=request.user, crew=crew, active=active),
                activated_message=_("Crew %(code)s is active again.") % {"code": crew.code},
                deactivated_message=_("Crew %(code)s was deactivated: its people no longer count in new schedules.")
                % {"code": crew.code}):
            return redirect("planning:crew_edit", pk=crew.pk)
        crew = crew_selectors.crew_detail(request.user, pk)
    else:
        form = CrewForm(crew=crew)
    return _crew_page(request, form, crew, can_change)


@login_required
@permission_required("planning.view_skill", raise_exception=True)
def skill_list(request):
    return record_list(request, "planning/skill_list.html", form_class=CrewFilterForm,
                       records=crew_selectors.skill_list, model="planning.skill", actions=("add", "change"))


def _skill_page(request, form, skill=None, can_change=True):
    return render(request, "planning/skill_form.html", {"form": form, "skill": skill, "can_change": can_change,
                                                        "history": history_of(skill) if skill else None})


@login_required
@permission_required("planning.add_skill", raise_exception=True)
def skill_create(request):
    form = SkillForm(request.POST if request.method == "POST" else None)
    if form.is_bound:
        skill = save_form(request, form, lambda: crew_services.create_skill(
            actor=request.user, code=form.cleaned_data.get("code", ""), name=form.cleaned_data.get("name", "")),
            lambda s: _("Skill %(code)s was created.") % {"code": s.code})
        if skill:
            return redirect("planning:skill_list")
    return _skill_page(request, form)


@login_required
@permission_required("planning.view_skill", raise_exception=True)
def skill_edit(request, pk):
    skill = crew_selectors.skill_detail(request.user, pk)
    can_change = request.user.has_perm("planning.change_skill")
    if request.method == "POST":
        form = SkillForm(request.POST, skill=skill)
        if edit_record_post(
                request, can_change=can_change, form=form,
                save=lambda: crew_services.update_skill(actor=request.user, skill=skill,
                                                        name=form.cleaned_data.get("name", "")),
                saved_message=_("Skill %(code)s was saved.") % {"code": skill.code},
                set_active=lambda active: crew_services.update_skill(actor=request.user, skill=skill,
                                                                     is_active=active),
                activated_message=_("Skill %(code)s is active again.") % {"code": skill.code},
                deactivated_message=_("Skill %(code)s was deactivated: routings can no longer ask for it.")
                % {"code": skill.code}):
            return redirect("planning:skill_edit", pk=skill.pk)
        skill.refresh_from_db()
    else:
        form = SkillForm(skill=skill)
    return _skill_page(request, form, skill, can_change)
