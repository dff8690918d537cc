"""Material prep sheets (物料准备单): lines, issues and returns, status history and print batches."""

from decimal import Decimal

import django_fsm as fsm
from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from history.models import AppendOnlyModel, Event
from orders.models import QTY

from .items import Item
from .stock import Location, Lot


class PrepSheetStatus(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("prep sheet status", "Draft")
    PARTIALLY_ISSUED = "partially_issued", pgettext_lazy("prep sheet status", "Partially issued")
    ISSUED = "issued", pgettext_lazy("prep sheet status", "Issued")
    ACCEPTED = "accepted", pgettext_lazy("prep sheet status", "Accepted")
    CANCELLED = "cancelled", pgettext_lazy("prep sheet status", "Cancelled")


OPEN_SHEET = [PrepSheetStatus.DRAFT, PrepSheetStatus.PARTIALLY_ISSUED, PrepSheetStatus.ISSUED]
ISSUED_SHEET = [PrepSheetStatus.PARTIALLY_ISSUED, PrepSheetStatus.ISSUED]
ISSUE_PERM = "inventory.issue_materialprepsheet"


def _nothing_out(sheet):
    return not sheet.lines.filter(issued_quantity__gt=F("returned_quantity")).exists()


def _every_line_accepted(sheet):
    return all(line.is_accepted for line in sheet.lines.all())


class MaterialPrepSheet(fsm.ConcurrentTransitionMixin, models.Model):
    """The material prep sheet (物料准备单) of a planned order: what to pick, from where, in the order of
    the picking walk. An order has at most one open sheet (draft, partially issued, issued); a new one
    can follow an accepted one when the order still needs material."""

    number = models.CharField(_("number"), max_length=20, unique=True, editable=False)
    order = models.ForeignKey("orders.Order", verbose_name=_("order"), on_delete=models.PROTECT,
                              related_name="prep_sheets")
    status = fsm.FSMField(_("status"), max_length=20, choices=PrepSheetStatus.choices,
                          default=PrepSheetStatus.DRAFT, db_index=True, protected=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("prepared by"))
    created_at = models.DateTimeField(_("created at"), default=timezone.now, db_index=True)
    accepted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+", verbose_name=_("accepted by"))
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("material prep sheet")
        verbose_name_plural = _("material prep sheets")
        permissions = [
            ("issue_materialprepsheet", _("Can issue and return material on prep sheets")),
            ("accept_materialprepsheet", _("Can accept issued material for production")),
            ("approve_substitution", _("Can approve a substitute item on a prep sheet")),
        ]
        constraints = [
            models.UniqueConstraint(fields=["order"], condition=Q(status__in=["draft", "partially_issued", "issued"]),
                                    name="prep_sheet_one_open_per_order"),
        ]

    def __str__(self):
        return self.number

    # Transitions declare source, target, conditions and role; inventory.prep_sheets does the work.
    @fsm.transition(status, source=OPEN_SHEET, target=fsm.RETURN_VALUE(*ISSUED_SHEET), permission=ISSUE_PERM)
    def issue(self, *, complete):
        """Material went out; `complete`: every line has all it needs."""
        return PrepSheetStatus.ISSUED if complete else PrepSheetStatus.PARTIALLY_ISSUED

    # A return reopens a fully issued sheet; any other sheet but a cancelled one keeps its status.
    @fsm.transition(status, source=[*OPEN_SHEET, PrepSheetStatus.ACCEPTED],
                    target=fsm.RETURN_VALUE(*OPEN_SHEET, PrepSheetStatus.ACCEPTED), permission=ISSUE_PERM)
    def take_back(self):
        return PrepSheetStatus.PARTIALLY_ISSUED if self.status == PrepSheetStatus.ISSUED else self.status

    @fsm.transition(status, source=ISSUED_SHEET, target=PrepSheetStatus.ACCEPTED, conditions=[_every_line_accepted],
                    permission="inventory.accept_materialprepsheet")
    def accept(self):
        pass

    @fsm.transition(status, source=OPEN_SHEET, target=PrepSheetStatus.CANCELLED, conditions=[_nothing_out],
                    permission="inventory.change_materialprepsheet")
    def cancel(self):
        pass


class MaterialPrepSheetLine(models.Model):
    """One pick: `required_quantity` of `item` (its stock unit), suggested from `lot` at `location` (the
    order's reservation; both empty when nothing was in stock). Issued, returned and accepted
    quantities are kept here and detailed by PrepSheetMove rows."""

    sheet = models.ForeignKey(MaterialPrepSheet, on_delete=models.PROTECT, related_name="lines")
    line_no = models.PositiveIntegerField(_("line"))
    item = models.ForeignKey(Item, verbose_name=_("item"), on_delete=models.PROTECT, related_name="+")
    required_quantity = models.DecimalField(_("required quantity"), **QTY)
    lot = models.ForeignKey(Lot, verbose_name=_("lot"), null=True, blank=True, on_delete=models.PROTECT,
                            related_name="+")
    location = models.ForeignKey(Location, verbose_name=_("location"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+")
    pick_sequence = models.PositiveIntegerField(_("pick sequence"), default=0)
    issued_quantity = models.DecimalField(_("issued"), **QTY, default=Decimal("0"))
    returned_quantity = models.DecimalField(_("returned"), **QTY, default=Decimal("0"))
    accepted_quantity = models.DecimalField(_("accepted"), **QTY, default=Decimal("0"))
    accepted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+", verbose_name=_("accepted by"))
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    discrepancy_note = models.CharField(_("discrepancy"), max_length=300, blank=True)
    discrepancy_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                       related_name="+", verbose_name=_("discrepancy reported by"))
    discrepancy_at = models.DateTimeField(_("discrepancy reported at"), null=True, blank=True)
    substitute_item = models.ForeignKey(Item, verbose_name=_("approved substitute"), null=True, blank=True,
                                        on_delete=models.PROTECT, related_name="+")
    substitute_reason = models.CharField(_("substitution reason"), max_length=300, blank=True)
    substitute_approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                               on_delete=models.PROTECT, related_name="+",
                                               verbose_name=_("substitution approved by"))
    substitute_approved_at = models.DateTimeField(_("substitution approved at"), null=True, blank=True)

    class Meta:
        ordering = ["sheet", "line_no"]
        verbose_name = _("prep sheet line")
        verbose_name_plural = _("prep sheet lines")
        constraints = [
            models.UniqueConstraint(fields=["sheet", "line_no"], name="prep_sheet_line_no_unique"),
            models.CheckConstraint(condition=Q(required_quantity__gt=0), name="prep_line_required_positive"),
            models.CheckConstraint(
                condition=Q(returned_quantity__gte=0) & Q(returned_quantity__lte=F("issued_quantity")),
                name="prep_line_returned_within_issued"),
            models.CheckConstraint(condition=Q(issued_quantity__lte=F("required_quantity") + F("returned_quantity")),
                                   name="prep_line_net_issued_within_required"),
            models.CheckConstraint(condition=Q(accepted_quantity__gte=0), name="prep_line_accepted_not_negative"),
        ]

    def __str__(self):
        return f"{self.sheet_id}/{self.line_no}"

    @property
    def net_issued(self):
        return self.issued_quantity - self.returned_quantity

    @property
    def to_issue(self):
        return max(self.required_quantity - self.net_issued, Decimal("0"))

    @property
    def to_accept(self):
        return max(self.net_issued - self.accepted_quantity, Decimal("0"))

    @property
    def is_accepted(self):
        return self.accepted_quantity >= self.required_quantity


class PrepSheetMoveKind(models.TextChoices):
    ISSUE = "issue", pgettext_lazy("prep sheet move", "Issue")
    RETURN = "return", pgettext_lazy("prep sheet move", "Return")


class PrepSheetMove(AppendOnlyModel):
    """Material issued for (or returned from) a prep sheet line: the item (the line's or its approved
    substitute), lot, location and quantity in the item's unit, and the ledger posting."""

    line = models.ForeignKey(MaterialPrepSheetLine, on_delete=models.PROTECT, related_name="moves")
    kind = models.CharField(_("kind"), max_length=10, choices=PrepSheetMoveKind.choices)
    item = models.ForeignKey(Item, verbose_name=_("item"), on_delete=models.PROTECT, related_name="+")
    lot = models.ForeignKey(Lot, verbose_name=_("lot"), null=True, blank=True, on_delete=models.PROTECT,
                            related_name="+")
    location = models.ForeignKey(Location, verbose_name=_("location"), on_delete=models.PROTECT, related_name="+")
    quantity = models.DecimalField(_("quantity"), **QTY)
    note = models.CharField(_("note"), max_length=300, blank=True)
    move_group = models.UUIDField(_("posting"))
    # The same scan submitted twice (a double Enter, a resent form) posts once.
    entry_key = models.UUIDField(unique=True, null=True, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                              verbose_name=_("by"))
    created_at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("prep sheet move")
        verbose_name_plural = _("prep sheet moves")
        constraints = [models.CheckConstraint(condition=Q(quantity__gt=0), name="prep_sheet_move_quantity_positive")]

    def __str__(self):
        return f"{self.get_kind_display()} {self.quantity} {self.item_id}"


class PrepSheetAction(models.TextChoices):
    CREATED = "created", _("Prep sheet made")
    ISSUED = "issued", _("Issued")
    RETURNED = "returned", pgettext_lazy("prep sheet event", "Returned")
    SUBSTITUTION = "substitution", _("Substitute approved")
    ACCEPTED_LINES = "accepted_lines", _("Lines accepted")
    DISCREPANCY = "discrepancy", _("Discrepancy reported")
    ACCEPTED = "accepted", _("Accepted by production")
    CANCELLED = "cancelled", _("Cancelled")


class MaterialPrepSheetEvent(Event):
    sheet = models.ForeignKey(MaterialPrepSheet, on_delete=models.PROTECT, related_name="events")
    action = models.CharField(_("action"), max_length=40, choices=PrepSheetAction.choices)
    from_status = models.CharField(_("from"), max_length=20, choices=PrepSheetStatus.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=20, choices=PrepSheetStatus.choices, blank=True)

    class Meta(Event.Meta):
        verbose_name = _("prep sheet event")
        verbose_name_plural = _("prep sheet events")

    def __str__(self):
        return f"{self.sheet_id} {self.action}"


class PrepSheetPrintBatch(models.Model):
    """A day's prep sheets printed together: one PDF job per sheet, whose progress the page polls."""

    day = models.DateField(_("day"))
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES)
    sheets = models.ManyToManyField(MaterialPrepSheet, related_name="+", verbose_name=_("prep sheets"))
    documents = models.ManyToManyField("documents.Document", related_name="+", verbose_name=_("documents"))
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("requested by"))
    requested_at = models.DateTimeField(_("requested at"), default=timezone.now)

    class Meta:
        ordering = ["-requested_at", "-id"]
        verbose_name = _("prep sheet print batch")
        verbose_name_plural = _("prep sheet print batches")

    def __str__(self):
        return f"{self.day.isoformat()} ({self.language})"
