"""CSV/XLSX import of opening balances: the stock found on the day the system starts (see the
`imports` app for the file rules and the preview → confirm flow; any bad row means nothing is written).

One row per item × location × lot with the quantity found there. Lots named in the file are created
with their supplier lot and dates (or must match an existing lot's). Confirming writes ONE posting
(adjustment rows, reason “opening balance”, document = the file), so a wrong file is undone as a whole
with one reversal. An opening balance is the first stock of its place: a row whose item/location/lot
already has ledger rows is refused (correct that stock with an adjustment or a count instead).
"""

from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from imports.columns import Column, parse_date
from imports.previews import ImportOutcome, TabularImport, cell_texts, named_record
from orders import rules
from orders.importing import UNIT_COLUMN
from systemtext.text import Text

from .ledger import DocumentRef, MoveLine, line_errors
from .models import Item, Location, Lot, MoveKind, StockMove
from .stock_services import LotInput, find_or_create_lot, lot_errors, post_stock

OPENING_BALANCE_REASON = gettext_noop("opening balance")
def parse_quantity(text, column):
    return rules.parse_decimal(text, field_label=column.label)


@dataclass
class PlannedBalance:
    """What a good row posts: `line` with the lot to find or create."""

    line: MoveLine
    lot_input: LotInput | None


@dataclass(frozen=True, kw_only=True, eq=False)
class OpeningBalanceImport(TabularImport):
    @property
    def verbose_name_plural(self):
        return gettext_lazy("opening balances")

    def prepare(self, raw_rows, *, lock):
        items = Item.objects.filter(code__in=cell_texts(raw_rows, "item"))
        if lock:  # two imports of the same items wait for each other (the "no stock yet" check holds)
            items = items.select_for_update().order_by("pk")
        items = {item.code: item for item in items}
        lots = Lot.objects.filter(item__in=list(items.values()), number__in=cell_texts(raw_rows, "lot"))
        locations = Location.objects.filter(code__in=cell_texts(raw_rows, "location"))
        return {"items": items, "locations": {loc.code: loc for loc in locations},
                "lots": {(lot.item_id, lot.number): lot for lot in lots}}

    def parse_cell(self, column, text, context):
        if column.field == "item":
            return named_record(context["items"], column, text,
                                _("%(field)s: no item with code %(code)s."), placeholder="code")
        if column.field == "location":
            return named_record(context["locations"], column, text,
                                _("%(field)s: no location with code %(code)s."), placeholder="code")
        return super().parse_cell(column, text, context)

    def check_rows(self, columns, raw_rows, *, lock):
        context = self.prepare(raw_rows, lock=lock)
        rows, keys = [], {}
        for raw in raw_rows:
            row, parsed = self.read_row(raw, columns, context)
            rows.append(row)
            item, location = parsed.get("item"), parsed.get("location")
            if item is None or location is None or "quantity" not in parsed:
                continue
            lot, lot_input = self._lot(row, item, parsed, context)
            if row.errors:
                continue
            line = MoveLine(item=item, location=location, quantity=parsed["quantity"], lot=lot,
                            unit=parsed.get("unit", ""))
            if parsed["quantity"] <= 0:
                row.add_error("quantity", _("%(field)s must be greater than zero.") % {
                    "field": self.column("quantity").label})
            else:
                for message in line_errors(MoveKind.ADJUSTMENT, line)[0]:
                    row.add_error("quantity", message)
            key = (item.pk, location.pk, (lot_input.number if lot_input else lot.number if lot else ""))
            keys.setdefault(key, []).append(row)
            row.instance = PlannedBalance(line=line, lot_input=lot_input)
            row.action = "create"
        self._refuse_duplicates(keys)
        self._refuse_stocked_places(rows)
        return rows

    def _lot(self, row, item, parsed, context):
        """(existing lot, None) or (None, LotInput for a new lot) or (None, None) without a lot."""
        number = (parsed.get("lot") or "").strip()
        details = {name: parsed.get(name) for name in ("supplier_lot", "production_date", "expiry_date")}
        if not number:
            if any(details.values()):
                row.add_error("lot", _("Lot details are given without a lot number."))
            return None, None
        lot_input = LotInput(number=number, supplier_lot=details["supplier_lot"] or "",
                             production_date=details["production_date"], expiry_date=details["expiry_date"])
        for messages in lot_errors(item, lot_input).values():
            for message in messages:
                row.add_error("lot", message)
        existing = context["lots"].get((item.pk, number))
        if existing is None:
            return None, lot_input
        for name, label in (("expiry_date", _("expiry date")), ("production_date", _("production date")),
                            ("supplier_lot", _("supplier lot"))):
            if details[name] and details[name] != getattr(existing, name):
                row.add_error(name, _("Lot %(lot)s of %(code)s already exists with another %(field)s (%(value)s).")
                              % {"lot": number, "code": item.code, "field": label,
                                 "value": getattr(existing, name) or "—"})
        return existing, None

    def _refuse_duplicates(self, keys):
        for same in keys.values():
            if len(same) > 1:
                for row in same:
                    row.add_error("item", _("The same item, location and lot is on rows %(rows)s: put it on one row.")
                                  % {"rows": ", ".join(str(r.line) for r in same)})

    def _refuse_stocked_places(self, rows):
        # A lot the file creates has no moves yet; the others are checked against the ledger.
        planned = [row for row in rows if row.instance is not None and not row.errors
                   and row.instance.lot_input is None]
        lines = {(row.instance.line.item.pk, row.instance.line.location.pk, row.instance.line.lot.pk
                  if row.instance.line.lot else None): row for row in planned}
        if not lines:
            return
        stocked = set(StockMove.objects.filter(item_id__in={k[0] for k in lines},
                                               location_id__in={k[1] for k in lines})
                      .values_list("item_id", "location_id", "lot_id").distinct())
        for key, row in lines.items():
            if key in stocked:
                row.add_error("location", _("%(code)s already has stock moves at %(location)s: an opening balance is "
                                            "the first stock of a place. Use an adjustment or a count instead.")
                              % {"code": row.instance.line.item.code, "location": row.instance.line.location.code})

    def write(self, *, actor, preview):
        lines = []
        for row in preview.rows:
            planned = row.instance
            line = planned.line
            if planned.lot_input is not None:
                lot = find_or_create_lot(actor=actor, item=line.item, data=planned.lot_input)
                line = MoveLine(item=line.item, location=line.location, quantity=line.quantity, lot=lot,
                                unit=line.unit)
            lines.append(line)
        post_stock(actor=actor, kind=MoveKind.ADJUSTMENT, lines=lines, reason=Text(OPENING_BALANCE_REASON),
                   document=DocumentRef("opening_balance", None, preview.filename[:60]))
        return ImportOutcome(created=len(lines), updated=0, unchanged=0)


OPENING_BALANCE_IMPORT = OpeningBalanceImport(
    kind="opening_balance", model=StockMove, permission="inventory.import_opening_balance",
    action_labels={"create": gettext_lazy("Post")},
    rules=(gettext_lazy("One row per item, location and lot with the quantity found there; confirming posts them all "
                        "as one opening balance (reversible as a whole)."),
           gettext_lazy("A new lot number creates the lot with its supplier lot and dates; an existing lot keeps "
                        "its own."),
           gettext_lazy("A place that already has stock moves cannot get an opening balance: correct it with an "
                        "adjustment or a cycle count.")),
    columns=(
        Column("item", gettext_lazy("Item code"), ("item code", "item", "code", "物料编码", "料号", "品号"),
               required=True, format=gettext_lazy("The code of an active item.")),
        Column("location", gettext_lazy("Location"), ("location", "location code", "bin", "库位", "储位", "货位"),
               required=True, format=gettext_lazy("The code of an active location.")),
        Column("lot", gettext_lazy("Lot"), ("lot", "lot number", "batch", "批号", "批次")),
        Column("supplier_lot", gettext_lazy("Supplier lot"), ("supplier lot", "vendor lot", "供应商批号")),
        Column("production_date", gettext_lazy("Production date"),
               ("production date", "manufactured", "生产日期"), parse=parse_date,
               format=gettext_lazy("A date such as 2026-05-01.")),
        Column("expiry_date", gettext_lazy("Expiry date"), ("expiry date", "expiry", "best before", "有效期",
                                                           "失效日期", "到期日"),
               parse=parse_date, format=gettext_lazy("A date such as 2026-05-01.")),
        Column("quantity", gettext_lazy("Quantity"), ("quantity", "qty", "数量", "库存数量"), parse=parse_quantity,
               required=True, format=gettext_lazy("Greater than zero, in the unit of the row (or the item's).")),
        UNIT_COLUMN,
    ),
)
