"""People as a resource: skills, and crews with a head count per skill on their own work calendar.

A routing operation may need, besides a unit of its work center, ``people_required`` people with a
``skill`` (planning.models.RoutingOperation; 0 people: no people constraint, as before crews existed).
The people a skill has on shift are the head counts of the active crews with that skill whose calendar is
working (several crews add up); the scheduler (planning.scheduling.people) books them like machines.
Imported by planning.models, where Django looks for the app's models.
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Skill(models.Model):
    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("skill")
        verbose_name_plural = _("skills")

    def __str__(self):
        return f"{self.code} {self.name}"


class Crew(models.Model):
    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100)
    calendar = models.ForeignKey("planning.WorkCalendar", verbose_name=_("calendar"), on_delete=models.PROTECT,
                                 related_name="crews",
                                 help_text=_("The crew is on shift when this calendar is working."))
    is_active = models.BooleanField(_("active"), default=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("crew")
        verbose_name_plural = _("crews")

    def __str__(self):
        return f"{self.code} {self.name}"


class CrewSkill(models.Model):
    """How many people of the crew have a skill (on each of its shifts)."""

    crew = models.ForeignKey(Crew, on_delete=models.CASCADE, related_name="skills")
    skill = models.ForeignKey(Skill, verbose_name=_("skill"), on_delete=models.PROTECT, related_name="crew_skills")
    head_count = models.PositiveSmallIntegerField(_("head count"))

    class Meta:
        ordering = ["crew", "skill"]
        verbose_name = _("crew skill")
        verbose_name_plural = _("crew skills")
        constraints = [
            models.UniqueConstraint(fields=["crew", "skill"], name="crew_skill_unique"),
            models.CheckConstraint(condition=Q(head_count__gt=0), name="crew_skill_head_count_positive"),
        ]

    def __str__(self):
        return f"{self.crew.code} {self.skill.code} × {self.head_count}"
