"""The inventory value (item × location lines) and the turnover as CSV/XLSX downloads (the columns; the
file is written by exports.spreadsheets, which also neutralises spreadsheet formulas)."""

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from exports.spreadsheets import export_response


def value_export(valuation, fmt):
    header = [_("Item code"), _("Item"), _("Category"), _("Warehouse"), _("Location"), _("Quantity"), _("Unit"),
              _("Standard cost per unit"), _("Currency"), _("Value")]
    rows = ([item.code, item.name, str(item.category or ""), location.warehouse.code, location.code, quantity,
             item.get_unit_display(), cost.unit_cost if cost else "", cost.currency if cost else "",
             value if value is not None else _("no standard cost")]
            for item, location, quantity, cost, value in valuation.lines)
    title = _("Inventory value at %(day)s") % {"day": date_format(valuation.on)}
    return export_response(f"inventory-value-{valuation.on.isoformat()}", header, rows, title, fmt)


def turnover_export(rows, date_from, date_to, fmt):
    header = [_("Item code"), _("Item"), _("Unit"), _("Stock at the start"), _("Stock at the end"),
              _("Average stock"), _("Issued"), _("Value issued"), _("Turnover"), _("Days of cover")]
    lines = ([t.item.code, t.item.name, t.item.get_unit_display(), t.opening, t.closing, t.average, t.issued,
              " ".join(f"{value} {currency}" for currency, value in t.issue_values),
              t.turns if t.turns is not None else "", t.days_of_cover if t.days_of_cover is not None else ""]
             for t in rows)
    return export_response(f"inventory-turnover-{date_from.isoformat()}-{date_to.isoformat()}", header, lines,
                           _("Inventory turnover"), fmt)
