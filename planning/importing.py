"""CSV/XLSX imports of work centers and of routing operations (see the `imports` app for the file
rules and the preview → confirm flow: per-row errors, and nothing written when any row is bad).

Work centers: one row per work center, matched by code (a new code creates one, a known one updates
it). The calendar is given by its name and must have working time.

Routing operations: one row per operation of an item made in house. The rows of an item (wherever
they are in the file) become that item's new routing version, replacing its active routing; items
not in the file keep theirs. An item whose rows equal its active routing is left unchanged. Every
rule of the routing editor applies (planning.routing_services).
"""

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db.models import Count
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from imports.columns import Column
from imports.previews import ModelImport, PlannedEntry, VersionedListImport, cell_texts, named_record
from inventory.models import Item
from orders import rules
from orders.importing import ACTIVE_COLUMN, CURRENCY_COLUMN, parse_money

from . import routing_services, services
from .models import Routing, RoutingOperation, WorkCalendar, WorkCenter

_MINUTES_FORMAT = gettext_lazy("Minutes, at most 3 decimals (0.5 is 30 seconds).")


def parse_number(text, column):
    return rules.parse_decimal(text, field_label=column.label)


def parse_whole_number(text, column):
    number = rules.parse_decimal(text, field_label=column.label)
    if number != number.to_integral_value():
        raise ValidationError(_("%(field)s: enter a whole number.") % {"field": column.label})
    if abs(number) > 10**6:
        raise ValidationError(_("%(field)s: the number is too large.") % {"field": column.label})
    return int(number)


# --- work centers ------------------------------------------------------------------------------

@dataclass(frozen=True, kw_only=True, eq=False)
class WorkCenterImport(ModelImport):
    def prepare(self, raw_rows, *, lock):
        names = cell_texts(raw_rows, "calendar")
        calendars = WorkCalendar.objects.filter(name__in=names).annotate(shift_count=Count("shifts"))
        if lock:  # keep the calendars' shifts as checked until the work centers are written
            list(WorkCalendar.objects.select_for_update().filter(name__in=names).values_list("pk"))
        return {"calendars": {calendar.name: calendar for calendar in calendars}}

    def parse_cell(self, column, text, context):
        if column.field == "calendar":
            return named_record(context["calendars"], column, text,
                                _("%(field)s: no calendar named %(name)s."), placeholder="name")
        return super().parse_cell(column, text, context)

    def check_rows(self, columns, raw_rows, *, lock):
        rows = super().check_rows(columns, raw_rows, lock=lock)
        for row in rows:
            if row.action == "create" and not row.values.get("calendar") and "calendar" not in row.bad_fields:
                row.add_error("calendar", _("Calendar is required for a new work center."))
        return rows


WORK_CENTER_IMPORT = WorkCenterImport(
    kind="work_center", model=WorkCenter, key="code", permission="planning.import_workcenter",
    field_errors=services.work_center_errors,
    rules=(gettext_lazy("Each row is matched by its code: a code that exists updates that work center, a new code "
                        "creates one."), gettext_lazy("A code may appear only once in the file.")),
    columns=(
        Column("code", gettext_lazy("Code"), ("code", "work center", "work center code", "编码", "工作中心编码",
                                              "工作中心代码"), required=True,
               format=gettext_lazy("Unique, no spaces. An existing code updates that work center.")),
        Column("name", gettext_lazy("Name"), ("name", "名称", "工作中心名称"), required=True),
        Column("parallel_units", gettext_lazy("Parallel units"),
               ("parallel units", "units", "machines", "parallel_units", "并行数", "机台数", "设备数量"),
               parse=parse_whole_number, format=gettext_lazy("A whole number, 1 or more.")),
        Column("efficiency_percent", gettext_lazy("Efficiency %"),
               ("efficiency", "efficiency %", "efficiency_percent", "效率", "效率(%)", "效率%"), parse=parse_number,
               format=gettext_lazy("1 to 200.")),
        Column("calendar", gettext_lazy("Calendar"), ("calendar", "日历", "工作日历"),
               format=gettext_lazy("The name of a calendar with shifts; required for a new work center.")),
        Column("cost_rate_per_hour", gettext_lazy("Cost rate per hour"),
               ("cost rate", "cost rate per hour", "cost_rate_per_hour", "rate", "费率", "小时费率", "每小时成本"),
               parse=parse_money, format=gettext_lazy("A number with at most 2 decimals.")),
        CURRENCY_COLUMN,
        ACTIVE_COLUMN,
    ),
)


# --- routing operations ------------------------------------------------------------------------

@dataclass(frozen=True, kw_only=True, eq=False)
class RoutingImport(VersionedListImport):
    def default_display(self, column):
        return "0" if column.field in ("setup_minutes", "min_wait_minutes") else ""

    def prepare(self, raw_rows, *, lock):
        codes = cell_texts(raw_rows, "item")
        centers = cell_texts(raw_rows, "work_center", "alternative_work_center")
        items = Item.objects.filter(code__in=codes)
        if lock:  # one writer of an item's routings at a time
            items = items.select_for_update()
        return {"items": {item.code: item for item in items},
                "centers": {center.code: center for center in WorkCenter.objects.filter(code__in=centers)}}

    def parse_cell(self, column, text, context):
        if column.field == "item":
            return named_record(context["items"], column, text,
                                _("%(field)s: no item with code %(code)s."), placeholder="code")
        if column.field in ("work_center", "alternative_work_center"):
            return named_record(context["centers"], column, text,
                                _("%(field)s: no work center with code %(code)s."), placeholder="code")
        return super().parse_cell(column, text, context)

    def check_rows(self, columns, raw_rows, *, lock):
        rows, groups, items = [], defaultdict(list), {}
        for row, parsed in self.read_rows(raw_rows, columns, lock=lock):
            rows.append(row)
            item = parsed.get("item")
            if item is None:
                continue
            items[item.pk] = item
            operation = None
            complete = {"sequence", "work_center", "run_minutes_per_unit"} <= set(parsed)
            if complete and not row.bad_fields:
                operation = routing_services.OperationInput(
                    sequence=parsed["sequence"], work_center=parsed["work_center"],
                    alternative_work_center=parsed.get("alternative_work_center"),
                    setup_minutes=parsed.get("setup_minutes", Decimal("0")),
                    run_minutes_per_unit=parsed["run_minutes_per_unit"],
                    min_wait_minutes=parsed.get("min_wait_minutes", Decimal("0")),
                    description=parsed.get("description", ""))
                prefix = _("Operation %(n)s") % {"n": operation.sequence}
                for message in routing_services.operation_messages(operation, prefix=prefix):
                    row.errors.append(message)
            groups[item.pk].append((row, operation))
        for item_id, members in groups.items():
            item = items[item_id]
            by_sequence = defaultdict(list)
            for row, operation in members:
                if not item.is_made:
                    row.add_error("item", _("%(code)s is bought, not made: only items made in house have a "
                                            "routing. Set “make or buy” to make first.") % {"code": item.code})
                if operation is not None:
                    by_sequence[operation.sequence].append(row)
            for sequence, same in by_sequence.items():
                if len(same) > 1:
                    for row in same:
                        row.add_error("sequence", _("Sequence number %(n)s of %(code)s appears more than once "
                                                    "(rows %(rows)s).")
                                      % {"n": sequence, "code": item.code,
                                         "rows": ", ".join(str(r.line) for r in same)})
            if len(members) > routing_services.MAX_OPERATIONS:
                members[0][0].add_error("item", _("A routing can have at most %(n)s operations.")
                                        % {"n": routing_services.MAX_OPERATIONS})
        self._decide_actions(items, groups)
        return rows

    def _decide_actions(self, items, groups):
        active = {routing.item_id: routing for routing in
                  Routing.objects.filter(item_id__in=list(groups), is_active=True).prefetch_related("operations")}
        for item_id, members in groups.items():
            operations = [operation for _row, operation in members if operation is not None]
            routing = active.get(item_id)
            if routing is None:
                action = "create"
            elif _same(routing, operations):
                action = "unchanged"
            else:
                action = "update"
            for row, operation in members:
                row.action = action
                row.instance = PlannedEntry(parent=items[item_id], entry=operation)

    def write_version(self, *, actor, parent, entries, note):
        routing_services.write_routing_version(actor=actor, item=parent, operations=entries, note=note)


def _same(routing, operations):
    """The routing's operations (prefetched) equal `operations`."""
    current = sorted(routing_services.operation_key(o) for o in routing.operations.all())
    return current == sorted(routing_services.operation_key(op) for op in operations)


ROUTING_IMPORT = RoutingImport(
    kind="routing", model=RoutingOperation, permission="planning.import_routing",
    action_labels={"create": gettext_lazy("New routing"), "update": gettext_lazy("New version"),
                   "unchanged": gettext_lazy("Unchanged")},
    rules=(gettext_lazy("One row per operation. The rows of an item become its new routing version and replace its "
                        "active routing; items not in the file keep theirs."),
           gettext_lazy("An item whose rows equal its active routing is left unchanged. Operations run in the order "
                        "of their sequence numbers; an item may use a sequence number only once."),
           gettext_lazy("The counts after confirming are of routings, not of rows.")),
    columns=(
        Column("item", gettext_lazy("Item"), ("item", "item code", "product", "物料编码", "产品编码", "品号", "料号"),
               required=True, format=gettext_lazy("The code of an item made in house.")),
        Column("sequence", gettext_lazy("Sequence"), ("sequence", "seq", "operation", "op", "工序号", "序号", "工序"),
               required=True, parse=parse_whole_number, format=gettext_lazy("A whole number, 1 or more.")),
        Column("work_center", gettext_lazy("Work center"),
               ("work center", "work center code", "work_center", "工作中心", "机台", "设备"), required=True,
               format=gettext_lazy("The code of an active work center.")),
        Column("alternative_work_center", gettext_lazy("Alternative work center"),
               ("alternative work center", "alternative", "alternative_work_center", "备用工作中心", "替代工作中心"),
               format=gettext_lazy("Optional; must differ from the work center.")),
        Column("setup_minutes", gettext_lazy("Setup (min)"),
               ("setup", "setup minutes", "setup (min)", "setup_minutes", "准备时间", "准备时间(分)", "调机时间"),
               parse=parse_number, format=_MINUTES_FORMAT),
        Column("run_minutes_per_unit", gettext_lazy("Run per unit (min)"),
               ("run", "run per unit", "run per unit (min)", "run minutes per unit", "run_minutes_per_unit", "单件工时",
                "单件工时(分)", "加工时间"), required=True, parse=parse_number,
               format=gettext_lazy("Minutes per unit, greater than zero, at most 3 decimals.")),
        Column("min_wait_minutes", gettext_lazy("Minimum transfer/wait (min)"),
               ("wait", "min wait", "minimum wait", "transfer", "minimum transfer/wait (min)", "min_wait_minutes",
                "等待时间", "转运时间"), parse=parse_number, format=_MINUTES_FORMAT),
        Column("description", gettext_lazy("Description"),
               ("description", "operation name", "工序名称", "工序描述", "说明")),
    ),
)

IMPORTS = {spec.kind: spec for spec in (WORK_CENTER_IMPORT, ROUTING_IMPORT)}
