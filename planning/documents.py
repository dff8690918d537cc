"""The production plan PDF (生产日计划): registered with the document pipeline from PlanningConfig.ready().

A printed daily plan is for a day and a work center (or every work center), not for one stored row,
while the pipeline keys documents by a model and an object id (documents.Document.content_type /
object_id). DailyPlanSheet is that key: the day and the work center packed into one integer
(day ordinal × 10⁹ + work center id, 0 for all centers), with the few model-like parts the pipeline
uses (`_meta` for its content type, `_default_manager` to look a key up again in the worker). It has
no table: the plan is read from the work orders when the PDF is rendered. Its content type row is made
after every migrate, as Django does for real models, so that it is never first created inside a
transaction that then rolls back (the content type cache would keep the id of a row that is gone). The PDF
is rendered in the requester's language (the pipeline's default when a kind names none).
"""

from dataclasses import dataclass
from datetime import date

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db.models.signals import post_migrate
from django.utils import timezone
from django.utils.translation import gettext_lazy

from documents import registry

from .daily_plan import daily_plan
from .models import WorkCenter

DAY_FACTOR = 10**9
PERMISSION = "planning.view_workorder"
KIND = "production_plan"


@dataclass(frozen=True)
class DailyPlanSheet:
    day: date
    center: WorkCenter | None = None  # None: every work center

    @property
    def pk(self):
        return self.day.toordinal() * DAY_FACTOR + (self.center.pk if self.center is not None else 0)

    def __str__(self):
        return f"{self.day.isoformat()} {self.center.code if self.center is not None else '*'}"


class _SheetOptions:
    """What Django's content types read from a model's _meta."""

    app_label = "planning"
    model_name = "dailyplansheet"
    object_name = "DailyPlanSheet"
    concrete_model = DailyPlanSheet
    proxy = False
    swapped = False


class _Sheets:
    """The lookups the pipeline makes on a kind's model: all(), filter(pk=...).first(), get(pk=...).
    A key is found when its day is a real date and its work center (if any) exists."""

    def __init__(self, found=None):
        self._found = found

    def all(self):
        return self

    def filter(self, *, pk):
        return _Sheets([sheet] if (sheet := sheet_for_key(pk)) is not None else [])

    def first(self):
        return self._found[0] if self._found else None

    def get(self, *, pk):
        sheet = sheet_for_key(pk)
        if sheet is None:
            raise LookupError(f"No daily plan sheet {pk}")
        return sheet


DailyPlanSheet._meta = _SheetOptions()
DailyPlanSheet._default_manager = _Sheets()


def ensure_sheet_content_type(*, using="default", **kwargs):
    ContentType.objects.db_manager(using).get_or_create(app_label=_SheetOptions.app_label,
                                                        model=_SheetOptions.model_name)


def sheet_for_key(key):
    try:
        day_ordinal, center_pk = divmod(int(key), DAY_FACTOR)
        day = date.fromordinal(day_ordinal)
    except (TypeError, ValueError, OverflowError):
        return None
    if not center_pk:
        return DailyPlanSheet(day)
    center = WorkCenter.objects.select_related("calendar").filter(pk=center_pk).first()
    return DailyPlanSheet(day, center) if center is not None else None


def build_production_plan(sheet, language):
    plan = daily_plan(sheet.day, sheet.center)
    scope = sheet.center.code if sheet.center is not None else "all"
    return registry.DocumentContent(
        template_name="planning/pdf/daily_plan.html",
        context={"plan": plan, "sheet": sheet, "printed_at": timezone.localtime()},
        filename=f"production-plan-{sheet.day.isoformat()}-{scope}.pdf",
    )


registry.register(
    KIND,
    label=gettext_lazy("Production plan"),
    model=DailyPlanSheet,
    builder=build_production_plan,
    permission=PERMISSION,
)
post_migrate.connect(ensure_sheet_content_type, sender=apps.get_app_config("planning"),
                     dispatch_uid="planning.daily_plan_sheet_content_type")
