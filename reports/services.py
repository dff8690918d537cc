"""Writes of the reports app: saved custom reports (the only data reports writes besides its facts)."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from accounts.roles import ROLE_LABELS

from . import builder
from .models import SavedReport


def save_report(*, actor, name, columns, filters, shared_with_role="", report=None) -> SavedReport:
    """Create a saved report, or change `report` (its owner only)."""
    if not actor.has_perm("reports.add_savedreport"):
        raise PermissionDenied
    if report is not None and report.owner_id != actor.pk:
        raise PermissionDenied
    name = (name or "").strip()
    errors = {}
    if not name or len(name) > 100:
        errors["name"] = _("Give the report a name (at most 100 characters).")
    if shared_with_role and shared_with_role not in ROLE_LABELS:
        errors["shared_with_role"] = _("Unknown role.")
    try:
        columns, filters = builder.clean_definition(columns, filters)
    except ValidationError as exc:
        errors["__all__"] = exc.messages
    if errors:
        raise ValidationError(errors)
    report = report or SavedReport(owner=actor)
    report.name, report.columns, report.filters = name, columns, filters
    report.shared_with_role = shared_with_role or ""
    try:
        with transaction.atomic():
            report.save()
    except IntegrityError:
        raise ValidationError({"name": _("You already have a report with this name.")}) from None
    return report
