"""Skills and crews (planning.crew_models): the write use-cases of their master-data pages.

A crew's head counts are given per skill code ({skill code: people}); 0 or empty removes the skill from
the crew. Every change is recorded in the change history (audit). A skill that an active routing needs
cannot be deactivated; deactivating a crew takes its people out of the next schedule.
"""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from accounts.permissions import require
from audit.changes import record_change, snapshot
from orders.masterdata_services import validate_code

from .crew_models import Crew, CrewSkill, Skill

MAX_HEAD_COUNT = 999


def _errors(record, *, name_max=100):
    errors = {}
    record.code = (record.code or "").strip()
    record.name = (record.name or "").strip()
    try:
        validate_code(record.code)
    except ValidationError as exc:
        errors["code"] = exc.messages
    if not record.name:
        errors["name"] = [_("Enter a name.")]
    elif len(record.name) > name_max:
        errors["name"] = [_("The name is too long.")]
    return errors


def _save_new(record, actor, duplicate_message):
    try:
        with transaction.atomic():
            record.save()
            record_change(record, actor=actor)
    except IntegrityError:
        raise ValidationError({"code": [duplicate_message % {"code": record.code}]}) from None
    return record


def create_skill(*, actor, code, name) -> Skill:
    require(actor, "planning.add_skill")
    skill = Skill(code=code, name=name)
    errors = _errors(skill)
    if errors:
        raise ValidationError(errors)
    return _save_new(skill, actor, _("A skill with code %(code)s already exists."))


def update_skill(*, actor, skill: Skill, name=None, is_active=None) -> Skill:
    """Rename or (de)activate a skill (the code stays: routings and crews refer to it)."""
    require(actor, "planning.change_skill")
    with transaction.atomic():
        current = Skill.objects.select_for_update().get(pk=skill.pk)
        before = snapshot(current)
        if name is not None:
            current.name = name
        errors = _errors(current)
        if is_active is False and current.is_active:
            users = sorted({f"{op.routing.item.code}" for op in current.routing_operations.filter(
                routing__is_active=True).select_related("routing__item")})
            if users:
                errors["is_active"] = [_("Skill %(code)s is needed by the active routing of %(items)s: change those "
                                         "routings before deactivating it.")
                                       % {"code": current.code, "items": ", ".join(users[:10])}]
        if errors:
            raise ValidationError(errors)
        if is_active is not None:
            current.is_active = is_active
        if (current.name, current.is_active) != (before.get("name"), before.get("is_active")):
            current.save()
            record_change(current, actor=actor, before=before)
    return current


def _head_count_errors(head_counts):
    errors, counts = [], {}
    skills = {skill.code: skill for skill in Skill.objects.filter(code__in=list(head_counts))}
    for code, count in head_counts.items():
        if code not in skills:
            errors.append(_("There is no skill %(code)s.") % {"code": code})
        elif count is None or count == "":
            continue
        elif not isinstance(count, int) or count < 0 or count > MAX_HEAD_COUNT:
            errors.append(_("The head count for %(code)s must be a whole number from 0 to %(max)s.")
                          % {"code": code, "max": MAX_HEAD_COUNT})
        elif count:
            counts[skills[code]] = count
    return errors, counts


def _crew_errors(crew, head_counts):
    errors = _errors(crew)
    if crew.calendar_id is None:
        errors["calendar"] = [_("Choose the crew's calendar (when it is on shift).")]
    head_errors, counts = _head_count_errors(head_counts)
    if head_errors:
        errors["__all__"] = head_errors
    elif not counts:
        errors["__all__"] = [_("Give the crew at least one skill with a head count above zero.")]
    return errors, counts


def _write_skills(crew, counts):
    crew.skills.exclude(skill__in=list(counts)).delete()
    for skill, count in counts.items():
        CrewSkill.objects.update_or_create(crew=crew, skill=skill, defaults={"head_count": count})


def create_crew(*, actor, code, name, calendar, head_counts, note="") -> Crew:
    require(actor, "planning.add_crew")
    crew = Crew(code=code, name=name, calendar=calendar, note=(note or "").strip())
    errors, counts = _crew_errors(crew, head_counts)
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            crew.save()
            _write_skills(crew, counts)
            record_change(crew, actor=actor, children=("skills",))
    except IntegrityError:
        raise ValidationError({"code": [_("A crew with code %(code)s already exists.") % {"code": crew.code}]}) \
            from None
    return crew


def update_crew(*, actor, crew: Crew, name, calendar, head_counts, note="") -> Crew:
    require(actor, "planning.change_crew")
    with transaction.atomic():
        current = Crew.objects.select_for_update().get(pk=crew.pk)
        before = snapshot(current, children=("skills",))
        current.name, current.calendar, current.note = name, calendar, (note or "").strip()
        errors, counts = _crew_errors(current, head_counts)
        if errors:
            raise ValidationError(errors)
        current.save()
        _write_skills(current, counts)
        record_change(current, actor=actor, before=before, children=("skills",))
    return current


def set_crew_active(*, actor, crew: Crew, active: bool) -> Crew:
    require(actor, "planning.change_crew")
    with transaction.atomic():
        current = Crew.objects.select_for_update().get(pk=crew.pk)
        if current.is_active != active:
            before = snapshot(current)
            current.is_active = active
            current.save(update_fields=["is_active", "updated_at"])
            record_change(current, actor=actor, before=before)
    return current
