"""CSV/XLSX import of customer orders, in the shape a customer sends them: one row per order line.
Upload, preview with every problem per row, confirm: every order of the file, or none.

Rows with the same customer and order reference (the customer's PO number) make one order. The
order's requested date, priority, rush reason and notes may be on any of its rows (a blank cell takes
the value of another row of the same order; two different values are an error). A blank unit price
takes the product's list price, as on the entry form. Each order is checked with the entry form's
rules (orders.rules) and written through the same services: orders.services.create_order (channel
"import") and submit_order, so it lands in the order desk's review queue with its warnings and
alerts like any other. A reference the customer already has on an order (not cancelled) is refused,
so importing the same file twice adds nothing twice; confirming locks the file's customers so two
people importing the same file at once cannot both pass that check.
"""

from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import ValidationError
from django.utils import formats
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop, ngettext

from accounts.permissions import require
from imports.columns import Column, parse_choice, parse_date
from imports.previews import ImportOutcome, TabularImport, cell_texts, named_record
from systemtext.text import Text

from . import rules
from .models import Channel, Customer, Order, OrderStatus, Priority, Product
from .services import LineInput, create_order, submit_order

MAX_ORDER_ROWS = 5000
MAX_LINES_PER_ORDER = 200  # as the entry form
PRIORITY_SYNONYMS = (("急单", "rush"), ("加急", "rush"), ("急", "rush"), ("urgent", "rush"), ("普通", "normal"),
                     ("正常", "normal"), ("常规", "normal"))
# The order's own values, given on one or more of its rows.
ORDER_FIELDS = ("requested_date", "priority", "rush_reason", "internal_notes", "customer_notes")


def parse_money(text, column):
    return rules.parse_decimal(text, field_label=column.label)


@dataclass
class PlannedOrder:
    """What one order of the file will be: its customer, reference, order values and lines."""

    customer: Customer
    reference: str
    rows: list = field(default_factory=list)
    lines: list = field(default_factory=list)
    values: dict = field(default_factory=dict)

    @property
    def first_line(self):
        return min(row.line for row in self.rows)


@dataclass(frozen=True, kw_only=True, eq=False)
class OrderImport(TabularImport):
    @property
    def verbose_name_plural(self):
        return gettext_lazy("customer orders")

    def row_limit(self):
        return MAX_ORDER_ROWS

    def check_permission(self, actor):
        require(actor, "orders.add_order", "orders.submit_order")

    def default_display(self, column):
        return {"unit_price": _("the product's list price"), "priority": Priority.NORMAL.label}.get(column.field, "")

    def summary(self, preview):
        orders = {id(row.instance) for row in preview.rows if row.instance is not None}
        return ngettext("Confirming will create %(orders)s order with %(lines)s lines and submit it for review.",
                        "Confirming will create %(orders)s orders with %(lines)s lines and submit them for review.",
                        len(orders)) % {"orders": len(orders), "lines": len(preview.rows)}

    # --- checking ---------------------------------------------------------------------------------

    def prepare(self, raw_rows, *, lock):
        names = cell_texts(raw_rows, "customer")
        customers = Customer.objects.filter(code__in=names) | Customer.objects.filter(name__in=names)
        if lock:  # imports naming the same customers wait for each other: the reference check holds
            customers = customers.select_for_update().order_by("pk")
        customers = list(customers)
        by_key = {c.name: c for c in customers}
        by_key.update({c.code: c for c in customers})  # a code wins over another customer's name
        existing = {}
        for customer_id, reference, number in (
                Order.objects.filter(customer__in=customers, customer_po__in=cell_texts(raw_rows, "reference"))
                .exclude(status=OrderStatus.CANCELLED).values_list("customer_id", "customer_po", "number")):
            existing[(customer_id, reference.strip().lower())] = number
        return {"customers": by_key, "existing": existing,
                "products": {p.sku: p for p in Product.objects.filter(sku__in=cell_texts(raw_rows, "product"))}}

    def parse_cell(self, column, text, context):
        if column.field == "customer":
            return named_record(context["customers"], column, text,
                                _("%(field)s: no customer with code or name %(value)s."))
        if column.field == "product":
            return named_record(context["products"], column, text, _("%(field)s: no product with SKU %(value)s."))
        if column.field == "reference":
            return text.strip()
        return super().parse_cell(column, text, context)

    def check_rows(self, columns, raw_rows, *, lock):
        context = self.prepare(raw_rows, lock=lock)
        rows, orders = [], {}
        for raw in raw_rows:
            row, parsed = self.read_row(raw, columns, context)
            rows.append(row)
            customer, reference = parsed.get("customer"), parsed.get("reference")
            if customer is None or not reference:
                continue
            planned = orders.setdefault((customer.pk, reference.lower()), PlannedOrder(customer, reference))
            planned.rows.append(row)
            row.instance = planned
            for name in ORDER_FIELDS:
                if name in parsed and parsed[name] != "":
                    planned.values.setdefault(name, []).append((row, parsed[name]))
            line = self._line(row, parsed)
            if line is not None:
                planned.lines.append(line)
        for planned in orders.values():
            self._check_order(planned, context)
        for row in rows:
            if not row.errors:
                row.action = "create"
        return rows

    def _line(self, row, parsed):
        product, quantity = parsed.get("product"), parsed.get("quantity")
        if product is None or quantity is None or "unit_price" in row.bad_fields:
            return None
        line = LineInput(product=product, quantity=quantity,
                         unit_price=parsed.get("unit_price", product.list_price),
                         requested_date=parsed.get("line_date"))  # counts for the rush proposal as on the page
        if line.requested_date is not None and line.requested_date < rules.today():
            row.add_error("line_date", _("Line date %(date)s is in the past.")
                          % {"date": formats.date_format(line.requested_date, "SHORT_DATE_FORMAT")})
        for name, check, args in (("product", rules.validate_product, (product,)),
                                  ("quantity", rules.validate_quantity, (quantity, product)),
                                  ("unit_price", rules.validate_unit_price, (line.unit_price,))):
            try:
                check(*args)
            except ValidationError as exc:
                for message in exc.messages:
                    row.add_error(name, message)
        return line

    def _order_value(self, planned, name):
        """The one value the order's rows give for `name` (None when none does); rows that disagree get
        an error."""
        given = planned.values.get(name, [])
        distinct = {value for _row, value in given}
        if len(distinct) > 1:
            label = self.column(name).label
            for row, _value in given:
                row.add_error(name, _("%(field)s: the rows of order %(reference)s give different values "
                                      "(rows %(rows)s); give one.")
                              % {"field": label, "reference": planned.reference,
                                 "rows": ", ".join(str(r.line) for r, _v in given)})
            return None
        return next(iter(distinct), None)

    def _check_order(self, planned, context):
        first = min(planned.rows, key=lambda row: row.line)
        values = {name: self._order_value(planned, name) for name in ORDER_FIELDS}
        planned.requested_date = values["requested_date"]
        planned.priority = values["priority"] or Priority.NORMAL
        planned.rush_reason = values["rush_reason"] or ""
        planned.internal_notes = values["internal_notes"] or ""
        planned.customer_notes = values["customer_notes"] or ""
        number = context["existing"].get((planned.customer.pk, planned.reference.lower()))
        if number:
            for row in planned.rows:
                row.add_error("reference", _("%(customer)s already has order %(number)s with reference "
                                             "%(reference)s; it is not imported twice.")
                              % {"customer": planned.customer.code, "number": number,
                                 "reference": planned.reference})
        try:
            rules.validate_customer(planned.customer)
        except ValidationError as exc:
            for message in exc.messages:
                first.add_error("customer", message)
        if "requested_date" not in planned.values:
            first.add_error("requested_date", _("%(field)s: give the requested date of order %(reference)s.")
                            % {"field": self.column("requested_date").label, "reference": planned.reference})
        elif isinstance(planned.requested_date, date) and planned.requested_date < rules.today():
            for row, _value in planned.values["requested_date"]:
                row.add_error("requested_date", _("The requested date %(date)s is in the past.")
                              % {"date": date_format(planned.requested_date)})
        if planned.priority == Priority.RUSH and not planned.rush_reason.strip():
            first.add_error("rush_reason", _("Order %(reference)s is a rush order: give the reason for the rush.")
                            % {"reference": planned.reference})
        if len(planned.rows) > MAX_LINES_PER_ORDER:
            first.add_error("reference", _("Order %(reference)s has more than %(n)s lines.")
                            % {"reference": planned.reference, "n": MAX_LINES_PER_ORDER})

    # --- writing ----------------------------------------------------------------------------------

    def write(self, *, actor, preview):
        orders = []
        for row in sorted(preview.rows, key=lambda r: r.line):
            if row.instance not in orders:
                orders.append(row.instance)
        # The file is named in the submit event (read in each reader's language); the order's own notes
        # keep only what the file says (they may reach the customer's documents).
        note = Text(gettext_noop("Imported from %(file)s"), file=preview.filename)
        for planned in orders:
            # The file's name is recorded on the submit event, not written into the notes (a user field).
            order = create_order(actor=actor, customer=planned.customer, requested_date=planned.requested_date,
                                 lines=planned.lines, channel=Channel.IMPORT, customer_po=planned.reference,
                                 priority=planned.priority, rush_reason=planned.rush_reason,
                                 internal_notes=planned.internal_notes, customer_notes=planned.customer_notes)
            submit_order(actor=actor, order=order, note=note)
        return ImportOutcome(created=len(orders), updated=0, unchanged=0)


ORDER_IMPORT = OrderImport(
    kind="order", model=Order, permission="orders.add_order",
    action_labels={"create": gettext_lazy("New order")},
    changed_message=gettext_lazy("Orders with these references were entered since the preview. Nothing was "
                                 "imported; check the preview again."),
    rules=(gettext_lazy("One row per order line. Rows with the same customer and order reference make one order, "
                        "created and submitted to the order desk for review."),
           gettext_lazy("An order's requested date, priority, rush reason and notes may be given on one of its rows "
                        "or on all of them (the same value)."),
           gettext_lazy("A reference the customer already has on an order is refused, so a file is never "
                        "imported twice.")),
    columns=(
        Column("reference", gettext_lazy("Order reference"),
               ("order reference", "reference", "order", "order no", "po", "po number", "customer po", "客户订单号",
                "订单号", "采购单号", "采购订单号", "PO号"),
               required=True, format=gettext_lazy("The customer's order (PO) number; rows with the same one make "
                                                  "one order.")),
        Column("customer", gettext_lazy("Customer"), ("customer", "customer code", "客户", "客户编码", "客户代码",
                                                      "客户名称"),
               required=True, format=gettext_lazy("The customer's code or its exact name.")),
        Column("product", gettext_lazy("Product"), ("product", "sku", "product code", "item code", "产品编码",
                                                    "物料编码", "料号", "品号", "编码"),
               required=True, format=gettext_lazy("The product's SKU.")),
        Column("quantity", gettext_lazy("Quantity"), ("quantity", "qty", "数量", "订购数量"), required=True,
               parse=parse_money, format=gettext_lazy("A number in the product's unit, e.g. 500.")),
        Column("unit_price", gettext_lazy("Unit price"), ("unit price", "price", "单价", "含税单价"),
               parse=parse_money,
               format=gettext_lazy("A number with at most 2 decimals, in the customer's currency.")),
        Column("requested_date", gettext_lazy("Requested date"),
               ("requested date", "delivery date", "due date", "要求交期", "交货日期", "交期", "需求日期"),
               parse=parse_date, format=gettext_lazy("A date such as 2026-05-01, today or later.")),
        Column("line_date", gettext_lazy("Line date"),
               ("line date", "line requested date", "line due date", "行交期", "明细交期", "本行交期"),
               parse=parse_date,
               format=gettext_lazy("Only for a line wanted on another day than its order, e.g. 2026-05-01.")),
        Column("priority", gettext_lazy("Priority"), ("priority", "优先级", "急单"), parse=parse_choice,
               choices=tuple(Priority.choices), synonyms=PRIORITY_SYNONYMS,
               format=gettext_lazy("normal or rush (普通 / 急单).")),
        Column("rush_reason", gettext_lazy("Rush reason"), ("rush reason", "急单原因", "加急原因")),
        # A plain "notes" column is taken as internal (the safe reading): only a column named for the
        # customer is printed on the customer's documents.
        Column("internal_notes", gettext_lazy("Internal notes"),
               ("internal notes", "notes", "note", "remarks", "内部备注", "备注"),
               format=gettext_lazy("For our staff only; never on a customer document.")),
        Column("customer_notes", gettext_lazy("Notes for the customer"),
               ("notes for the customer", "customer notes", "客户备注", "对客户备注"),
               format=gettext_lazy("Printed on the order confirmation and the delivery note.")),
    ),
)
