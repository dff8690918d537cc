"""The navigation: each entry is shown only to users whose role may use it."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .roles import role_label, roles_of

NAVIGATION = [
    # (url name, label, permission needed)
    ("orders:list", _("Orders"), "orders.view_order"),
    ("orders:create", _("New order"), "orders.add_order"),
    ("orders:review_queue", _("Review queue"), "orders.review_order"),
    ("orders:customer_list", _("Customers"), "orders.view_customer"),
    ("orders:product_list", _("Products"), "orders.view_product"),
    ("inventory:item_list", _("Items"), "inventory.view_item"),
    ("inventory:stock_list", _("Stock"), "inventory.view_stockbalance"),
    ("inventory:value", _("Inventory value"), "inventory.view_itemcost"),
    ("inventory:purchase_order_list", _("Purchasing"), "inventory.view_purchaseorder"),
    ("inventory:prep_sheet_list", _("Prep sheets"), "inventory.view_materialprepsheet"),
    ("planning:work_center_list", _("Work centers"), "planning.view_workcenter"),
    ("planning:calendar_list", _("Calendars"), "planning.view_workcalendar"),
    ("planning:crew_list", _("Crews"), "planning.view_crew"),
    ("planning:routing_list", _("Routings"), "planning.view_routing"),
    ("planning:plan_list", _("Plan"), "orders.plan_order"),
    ("planning:plan_submission_list", _("Plan approval"), "planning.view_plansubmission"),
    ("planning:gantt", _("Gantt"), "planning.view_workorder"),
    ("production:home", _("Shop floor"), "orders.produce_order"),
    ("inventory:prep_sheet_acceptance", _("Materials to accept"), "inventory.accept_materialprepsheet"),
    ("production:exception_list", _("Exceptions"), "production.view_exceptionreport"),
    ("planning:daily_plan", _("Daily plan"), "planning.view_workorder"),
    ("quality:queue", _("QC queue"), "quality.view_inspection"),
    ("quality:ncr_list", _("NCRs"), "quality.view_nonconformance"),
    ("quality:plan_list", _("Inspection plans"), "quality.view_inspectionplan"),
    ("shipping:queue", _("Shipping"), "shipping.view_shipment"),
    ("shipping:complaint_list", _("Complaints"), "shipping.view_complaint"),
    ("notices:home", _("Customer service"), "notices.view_shipmentdelay"),
    ("settlement:invoice_list", _("Invoices"), "settlement.view_invoice"),
    ("rush:board", _("Rush board"), "rush.view_rushrequest"),
    ("edi:inbox", _("EDI inbox"), "edi.view_edimessage"),
    ("edi:channel_import", _("Channel import"), "edi.import_channel_orders"),
    ("edi:partner_list", _("Trading partners"), "edi.view_tradingpartner"),
    ("edi:profile_list", _("Channel profiles"), "edi.view_channelprofile"),
    ("sales:quotation_list", _("Quotations"), "sales.view_quotation"),
    ("sales:contract_list", _("Contracts"), "sales.view_contract"),
    ("sales:price_lists", _("Price lists"), "sales.view_pricelist"),
    ("reports:dashboard", _("Dashboard"), "reports.view_dashboard"),
    ("reports:list", _("Reports"), "reports.view_reports"),
    ("alerts:list", _("Alerts"), None),
    ("operations:status", _("System status"), "operations.view_operations"),
]


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": [], "user_roles": []}
    items = [{"url": reverse(name), "label": label, "active": False}
             for name, label, perm in NAVIGATION if perm is None or user.has_perm(perm)]
    # Highlight the entry whose address matches the current page the longest (/orders/customers/
    # is Customers, not Orders).
    matching = [item for item in items if request.path.startswith(item["url"])]
    if matching:
        max(matching, key=lambda item: len(item["url"]))["active"] = True
    return {"nav_items": items, "user_roles": [role_label(r) for r in sorted(roles_of(user))]}
