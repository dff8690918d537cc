"""Reads of the skill and crew pages: a fixed number of queries whatever the number of crews."""

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404

from record_pages.filters import ActiveFilter, FormFilterSet, SearchFilter

from .crew_forms import CrewFilterForm
from .crew_models import Crew, CrewSkill, Skill


class CrewFilter(FormFilterSet):
    q = SearchFilter("code__icontains", "name__icontains")
    status = ActiveFilter()

    form_class = CrewFilterForm


def _crews():
    return Crew.objects.select_related("calendar").prefetch_related(
        Prefetch("skills", queryset=CrewSkill.objects.select_related("skill").order_by("skill__code"))
    ).order_by("code")


def crew_list(user, filters=None):
    if not user.has_perm("planning.view_crew"):
        return Crew.objects.none()
    return CrewFilter(filters or {}, _crews()).qs


def crew_detail(user, pk):
    return get_object_or_404(_crews() if user.has_perm("planning.view_crew") else Crew.objects.none(), pk=pk)


def skill_list(user, filters=None):
    if not user.has_perm("planning.view_skill"):
        return Skill.objects.none()
    return CrewFilter(filters or {}, Skill.objects.order_by("code")).qs


def skill_detail(user, pk):
    return get_object_or_404(Skill.objects.all() if user.has_perm("planning.view_skill") else Skill.objects.none(),
                             pk=pk)
