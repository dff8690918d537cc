"""The factory roles and what each may do.

Roles are Django groups (created by migration 0002); their permissions are granted here after every
migrate, because Django creates model permissions only once all apps have migrated. Permissions are
named as strings so this cross-cutting app imports no stage app.
"""

from django.apps import apps
from django.contrib.auth.models import Group, Permission
from django.utils.translation import gettext_lazy as _

SALES = "sales"
ORDER_DESK = "order_desk"
PLANNER = "planner"
WAREHOUSE = "warehouse"
PRODUCTION = "production"
PRODUCTION_HEAD = "production_head"
QC = "qc"
SHIPPING = "shipping"
MANAGER = "manager"
# Seed 003: the general manager's office (总经办) decides on delays; customer service (客服) owns complaints,
# tracking and customer notices; finance (财务) keeps invoices and receivables.
GENERAL_MANAGER = "general_manager"
CUSTOMER_SERVICE = "customer_service"
FINANCE = "finance"
ADMIN = "admin"

ROLE_LABELS = {
    SALES: _("Sales"),
    ORDER_DESK: _("Order desk"),
    PLANNER: _("Planner (PMC)"),
    WAREHOUSE: _("Warehouse"),
    PRODUCTION: _("Production"),
    PRODUCTION_HEAD: _("Production department head"),
    QC: _("Quality control"),
    SHIPPING: _("Shipping"),
    MANAGER: _("Manager"),
    GENERAL_MANAGER: _("General manager's office"),
    CUSTOMER_SERVICE: _("Customer service"),
    FINANCE: _("Finance"),
    ADMIN: _("Administrator"),
}
ROLES = list(ROLE_LABELS)

# Everyone who sees orders may also see the master data behind them (items, BOMs, work centers,
# calendars, routings).
_VIEW_ORDERS = ["orders.view_order", "orders.view_customer", "orders.view_product",
                "inventory.view_item", "inventory.view_billofmaterials", "planning.view_workcenter",
                "planning.view_workcalendar", "planning.view_routing", "planning.view_skill", "planning.view_crew"] + [
                "inventory.view_stockbalance", "inventory.view_stockmove", "inventory.view_lot",
                "inventory.view_warehouse", "inventory.view_location", "inventory.view_reservation",
                "inventory.view_unitconversion"]
# The warehouse keeps the stock: posts moves, counts, imports opening balances, keeps locations and lots.
_MANAGE_STOCK = ["inventory.post_stockmove", "inventory.reverse_stockmove", "inventory.count_stock",
                 "inventory.import_opening_balance", "inventory.add_warehouse", "inventory.change_warehouse",
                 "inventory.add_location", "inventory.change_location", "inventory.change_lot",
                 "inventory.add_unitconversion", "inventory.change_unitconversion",
                 "inventory.add_reservation", "inventory.change_reservation"]
_MANAGE_ITEMS = ["inventory.add_item", "inventory.change_item", "inventory.import_item"]
_MANAGE_PLANNING_DATA = _MANAGE_ITEMS + [
    "inventory.change_billofmaterials", "inventory.import_billofmaterials",
    "planning.add_workcenter", "planning.change_workcenter", "planning.import_workcenter",
    "planning.add_workcalendar", "planning.change_workcalendar",
    "planning.change_routing", "planning.import_routing",
    "planning.add_skill", "planning.change_skill", "planning.add_crew", "planning.change_crew",
]

# Quality: QC inspects, keeps the inspection plans and decides dispositions (and blocks/releases lots
# under inspection); managers approve concessions and verdicts against Ac/Re; planners and production
# see inspections and NCRs (they are alerted about failures and rework).
_VIEW_QUALITY = ["quality.view_inspection", "quality.view_nonconformance", "quality.view_inspectionplan"]
_INSPECT = ["quality.add_inspection", "quality.record_inspection", "quality.decide_disposition",
            "quality.add_inspectionplan", "quality.change_inspectionplan", "inventory.change_lot"]
_APPROVE_QUALITY = ["quality.approve_inspection", "quality.resume_sampling", "inventory.change_lot"]

# Process exception reports: the supervisor (production), planners and managers see and handle them.
_HANDLE_EXCEPTIONS = ["production.view_exceptionreport", "production.handle_exceptionreport"]

ROLE_PERMISSIONS = {
    SALES: _VIEW_ORDERS
    + [
        "orders.add_order", "orders.change_order", "orders.submit_order", "orders.export_order",
        "orders.add_customer", "orders.change_customer", "orders.import_customer",
    ],
    ORDER_DESK: _VIEW_ORDERS
    + [
        "orders.review_order", "orders.hold_order", "orders.cancel_order", "orders.close_order",
        "orders.export_order", "orders.add_customer", "orders.change_customer", "orders.import_customer",
    ],
    PLANNER: _VIEW_ORDERS + ["planning.view_workorder", "orders.plan_order", "orders.hold_order", "orders.add_product",
                             "orders.change_product", "orders.import_product"] + _MANAGE_PLANNING_DATA
    + _HANDLE_EXCEPTIONS + _VIEW_QUALITY,
    WAREHOUSE: _VIEW_ORDERS + ["orders.prepare_materials"] + _MANAGE_ITEMS + _MANAGE_STOCK,
    PRODUCTION: _VIEW_ORDERS + ["planning.view_workorder", "orders.produce_order",
                                "production.report_exceptionreport"] + _HANDLE_EXCEPTIONS + _VIEW_QUALITY,
    QC: _VIEW_ORDERS + ["orders.inspect_order"] + _VIEW_QUALITY + _INSPECT,
    SHIPPING: _VIEW_ORDERS + ["orders.ship_order"],
    MANAGER: _VIEW_ORDERS + _HANDLE_EXCEPTIONS + _VIEW_QUALITY + _APPROVE_QUALITY
    + [
        "planning.view_workorder",
        "orders.review_order", "orders.hold_order", "orders.cancel_order", "orders.close_order",
        "orders.export_order", "orders.add_product", "orders.change_product", "orders.import_product",
        "orders.add_customer", "orders.change_customer", "orders.import_customer",
    ],
    GENERAL_MANAGER: _VIEW_ORDERS + ["planning.view_workorder"],
    CUSTOMER_SERVICE: _VIEW_ORDERS + ["orders.export_order"],
    FINANCE: _VIEW_ORDERS + ["orders.export_order"],
}

# Material preparation (inventory: purchase requests and orders, goods receipt, material delays, prep
# sheets). Planners (PMC) and managers buy; the warehouse receives, prepares and issues; production
# accepts the issued material, which moves the order to materials ready (so it needs that permission).
_VIEW_MATERIALS = ["inventory.view_supplier", "inventory.view_purchaserequest", "inventory.view_purchaseorder",
                   "inventory.view_goodsreceipt", "inventory.view_materialdelay", "inventory.view_materialprepsheet",
                   "inventory.view_mrprun"]
_BUY = ["inventory.approve_purchaserequest", "inventory.add_purchaseorder", "inventory.change_purchaseorder",
        "inventory.add_supplier", "inventory.change_supplier", "inventory.approve_substitution"]
for _role, _permissions in {
    PLANNER: _VIEW_MATERIALS + _BUY + ["inventory.add_purchaserequest", "inventory.add_materialdelay",
                                       "inventory.add_materialprepsheet", "inventory.run_mrp",
                                       "inventory.approve_mrpline"],
    WAREHOUSE: _VIEW_MATERIALS + ["inventory.add_purchaserequest", "inventory.receive_purchaseorder",
                                  "inventory.add_materialdelay", "inventory.add_materialprepsheet",
                                  "inventory.change_materialprepsheet", "inventory.issue_materialprepsheet"],
    PRODUCTION: _VIEW_MATERIALS + ["inventory.accept_materialprepsheet", "orders.prepare_materials"],
    MANAGER: _VIEW_MATERIALS + _BUY,
}.items():
    ROLE_PERMISSIONS[_role] = ROLE_PERMISSIONS[_role] + _permissions


# Delivery (shipping): every role that sees orders sees shipments and complaints; shipping ships,
# records deliveries (orders.ship_order) and takes returns back; the order desk gives customers
# tracking links, records complaints and closes orders; QC and managers investigate complaints.
_VIEW_DELIVERY = ["shipping.view_shipment", "shipping.view_complaint"]
_TRACKING_LINKS = ["shipping.view_trackinglink", "shipping.add_trackinglink", "shipping.change_trackinglink"]
for _role, _permissions in {
    SALES: _VIEW_DELIVERY + ["shipping.add_complaint"],
    ORDER_DESK: _VIEW_DELIVERY + _TRACKING_LINKS + ["shipping.add_complaint", "shipping.investigate_complaint"],
    PLANNER: _VIEW_DELIVERY,
    WAREHOUSE: _VIEW_DELIVERY + ["shipping.add_customerreturn"],
    PRODUCTION: _VIEW_DELIVERY,
    QC: _VIEW_DELIVERY + ["shipping.investigate_complaint"],
    SHIPPING: _VIEW_DELIVERY + ["shipping.view_trackinglink", "shipping.add_complaint", "shipping.add_customerreturn"],
    MANAGER: _VIEW_DELIVERY + _TRACKING_LINKS + ["shipping.add_complaint", "shipping.investigate_complaint"],
}.items():
    ROLE_PERMISSIONS[_role] = ROLE_PERMISSIONS[_role] + _permissions


# Dashboards and reports: managers see the dashboard; managers, the order desk and planners run, export
# and build reports (a saved report can be shared with any role that may see reports).
_REPORTS = ["reports.view_reports", "reports.add_savedreport", "reports.change_savedreport",
            "reports.view_savedreport"]
for _role, _permissions in {
    MANAGER: ["reports.view_dashboard"] + _REPORTS,
    ORDER_DESK: _REPORTS,
    PLANNER: _REPORTS,
}.items():
    ROLE_PERMISSIONS[_role] = ROLE_PERMISSIONS[_role] + _permissions
# Every role runs the custom reports shared with it.
for _role in (SALES, WAREHOUSE, PRODUCTION, QC, SHIPPING):
    ROLE_PERMISSIONS[_role] = ROLE_PERMISSIONS[_role] + ["reports.view_savedreport"]


# Controlled order changes: the order desk approves changes while the order is in planning, managers
# also once materials are ready or later (orders.changes).
ROLE_PERMISSIONS[ORDER_DESK] = ROLE_PERMISSIONS[ORDER_DESK] + ["orders.approve_change"]
ROLE_PERMISSIONS[MANAGER] = ROLE_PERMISSIONS[MANAGER] + ["orders.approve_change", "orders.approve_late_change"]

# Rush review: sales, the order desk and managers ask for a rush; planning/production, the warehouse and
# QC sign their area's review; managers decide. Everyone who sees orders sees the reviews and the board.
_VIEW_RUSH = ["rush.view_rushrequest"]
for _role, _permissions in {
    SALES: _VIEW_RUSH + ["rush.add_rushrequest"],
    ORDER_DESK: _VIEW_RUSH + ["rush.add_rushrequest"],
    PLANNER: _VIEW_RUSH + ["rush.review_rushrequest"],
    PRODUCTION: _VIEW_RUSH + ["rush.review_rushrequest"],
    WAREHOUSE: _VIEW_RUSH + ["rush.review_rushrequest"],
    QC: _VIEW_RUSH + ["rush.review_rushrequest"],
    SHIPPING: _VIEW_RUSH,
    MANAGER: _VIEW_RUSH + ["rush.add_rushrequest", "rush.approve_rushrequest"],
}.items():
    ROLE_PERMISSIONS[_role] = ROLE_PERMISSIONS[_role] + _permissions


# Plan approval (seed 000 §2.3, planning.plan_approval): the production department head approves or returns
# the plans planners submit; approving releases the plan, so the head also takes the order's release_plan.
ROLE_PERMISSIONS[PRODUCTION_HEAD] = _VIEW_ORDERS + ["planning.view_workorder", "planning.view_plansubmission",
                                                    "planning.approve_plansubmission"]
ROLE_PERMISSIONS[PLANNER] = ROLE_PERMISSIONS[PLANNER] + ["planning.view_plansubmission"]
ROLE_PERMISSIONS[MANAGER] = ROLE_PERMISSIONS[MANAGER] + ["planning.view_plansubmission"]

# REST API: managers (and the administrator, who has every permission) make and revoke integration keys.
ROLE_PERMISSIONS[MANAGER] = ROLE_PERMISSIONS[MANAGER] + ["api.view_apikey", "api.add_apikey", "api.change_apikey"]

# The system status page (operations/): background work, the worker's heartbeat, retries of failed work.
ROLE_PERMISSIONS[MANAGER] = ROLE_PERMISSIONS[MANAGER] + ["operations.view_operations"]

# Inventory value and stock warnings: the warehouse, planners and managers see costs, values and warnings;
# planners and managers set standard costs; managers keep the warning rules and the item categories.
_SEE_VALUE = ["inventory.view_itemcost", "inventory.view_itemcategory", "inventory.view_stockwarning",
              "inventory.view_stockwarningrule"]
for _role, _permissions in {
    WAREHOUSE: _SEE_VALUE,
    PLANNER: _SEE_VALUE + ["inventory.add_itemcost"],
    MANAGER: _SEE_VALUE + ["inventory.add_itemcost", "inventory.add_stockwarningrule",
                           "inventory.change_stockwarningrule", "inventory.add_itemcategory",
                           "inventory.change_itemcategory"],
}.items():
    ROLE_PERMISSIONS[_role] = ROLE_PERMISSIONS[_role] + _permissions

# Issue 17.5, 17.6, 17.8, 17.9 (seed 003): rush rules kept as data (managers keep them, order intake reads
# them), delay responsibility (the order desk and managers record it; the general manager's office reads it),
# the supplier's answer on rush purchases (planners are purchasing) and the rush completion summaries.
_VIEW_DELAYS = ["rush.view_delayresponsibility", "rush.view_rushsummary", "reports.view_reports"]
for _role, _permissions in {
    SALES: ["orders.view_rushrule"],
    ORDER_DESK: ["orders.view_rushrule", "rush.add_delayresponsibility"] + _VIEW_DELAYS,
    PLANNER: ["rush.view_supplierreply", "rush.record_supplierreply"] + _VIEW_DELAYS,
    WAREHOUSE: ["rush.view_supplierreply"],
    MANAGER: ["orders.view_rushrule", "orders.add_rushrule", "orders.change_rushrule", "rush.add_delayresponsibility",
              "rush.view_supplierreply", "rush.record_supplierreply"] + _VIEW_DELAYS,
    GENERAL_MANAGER: ["orders.view_rushrule", "rush.view_supplierreply", "rush.view_rushrequest"] + _VIEW_DELAYS,
}.items():
    ROLE_PERMISSIONS[_role] = ROLE_PERMISSIONS[_role] + _permissions

# EDI and channel imports (edi/): the order desk works the EDI inbox (sees failed messages, maps partner
# product codes, processes again); sales import shop/CRM exports through the channel profiles (the orders are
# theirs to submit); managers keep trading partners and channel profiles.
_SEE_EDI = ["edi.view_edimessage", "edi.view_tradingpartner", "edi.view_productmapping", "edi.view_channelprofile"]
for _role, _permissions in {
    ORDER_DESK: _SEE_EDI + ["edi.process_edimessage", "edi.add_productmapping", "edi.change_productmapping"],
    SALES: _SEE_EDI + ["edi.import_channel_orders"],
    MANAGER: _SEE_EDI + ["edi.process_edimessage", "edi.add_productmapping", "edi.change_productmapping",
                         "edi.add_tradingpartner", "edi.change_tradingpartner", "edi.add_channelprofile",
                         "edi.change_channelprofile"],
}.items():
    ROLE_PERMISSIONS[_role] = ROLE_PERMISSIONS[_role] + _permissions


# Seed 003 (issue 17.1/17.2): temporary drawings of rush orders (rush.drawings) and finished-goods receipts
# (inventory.finished_goods). Everyone who sees orders sees both; planners (PMC, who keep the engineering
# data), the production head and managers issue drawings; the warehouse's finished-goods receiver, planners
# and managers take copies back; planners and managers void them. The warehouse confirms finished-goods
# receipts (the receiver).
_SEE_DRAWINGS = ["rush.view_temporarydrawing", "inventory.view_finishedgoodsreceipt"]
for _role, _permissions in {
    SALES: _SEE_DRAWINGS, ORDER_DESK: _SEE_DRAWINGS, QC: _SEE_DRAWINGS, SHIPPING: _SEE_DRAWINGS,
    PRODUCTION: _SEE_DRAWINGS, GENERAL_MANAGER: _SEE_DRAWINGS, CUSTOMER_SERVICE: _SEE_DRAWINGS,
    FINANCE: _SEE_DRAWINGS,
    WAREHOUSE: _SEE_DRAWINGS + ["rush.return_drawingcopy", "inventory.add_finishedgoodsreceiptconfirmation"],
    PRODUCTION_HEAD: _SEE_DRAWINGS + ["rush.add_temporarydrawing"],
    PLANNER: _SEE_DRAWINGS + ["rush.add_temporarydrawing", "rush.return_drawingcopy", "rush.void_drawingcopy"],
    MANAGER: _SEE_DRAWINGS + ["rush.add_temporarydrawing", "rush.return_drawingcopy", "rush.void_drawingcopy"],
}.items():
    ROLE_PERMISSIONS[_role] = ROLE_PERMISSIONS[_role] + _permissions

# Customer notices, logistics delays and compensation (notices/): customer service (客服) owns complaints,
# tracking links, logistics delays and customer notifications; shipping records delays too (the logistics
# department hears of them first); managers and the general manager's office approve compensation.
_SEE_NOTICES = ["notices.view_customermessage", "notices.view_shipmentdelay", "notices.view_compensation"]
_RECORD_DELAYS = ["notices.add_shipmentdelay", "notices.change_shipmentdelay"]
for _role, _permissions in {
    CUSTOMER_SERVICE: _SEE_NOTICES + _RECORD_DELAYS + _VIEW_DELIVERY + _TRACKING_LINKS + [
        "notices.add_compensation", "shipping.add_complaint", "shipping.investigate_complaint",
        "reports.view_reports", "notices.view_noticerule"],
    SHIPPING: _SEE_NOTICES + _RECORD_DELAYS,
    SALES: _SEE_NOTICES,
    ORDER_DESK: _SEE_NOTICES,
    MANAGER: _SEE_NOTICES + _RECORD_DELAYS + ["notices.add_compensation", "notices.approve_compensation",
                                              "notices.view_noticerule", "notices.change_noticerule"],
    GENERAL_MANAGER: _SEE_NOTICES + ["notices.approve_compensation"],
}.items():
    ROLE_PERMISSIONS[_role] = ROLE_PERMISSIONS[_role] + _permissions


# Carriers and transport modes (shipping/, master data): the shipping role and managers keep them; order desk
# and customer service see them.
_SEE_CARRIERS = ["shipping.view_carrier", "shipping.view_transportmode"]
_KEEP_CARRIERS = _SEE_CARRIERS + ["shipping.add_carrier", "shipping.change_carrier", "shipping.add_transportmode",
                                  "shipping.change_transportmode"]
for _role, _permissions in {SHIPPING: _KEEP_CARRIERS, MANAGER: _KEEP_CARRIERS, ORDER_DESK: _SEE_CARRIERS,
                            CUSTOMER_SERVICE: _SEE_CARRIERS}.items():
    ROLE_PERMISSIONS[_role] = ROLE_PERMISSIONS[_role] + _permissions

# The commercial front (sales/, issue 18): sales quote, write contracts and place orders against them; the
# manager (the sales manager) approves discounts above the rule, keeps price lists and the discount rule,
# activates and terminates contracts; the order desk, customer service, finance and the GM's office read them.
_VIEW_SALES = ["sales.view_quotation", "sales.view_pricelist", "sales.view_contract", "sales.view_discountrule"]
_QUOTE = ["sales.add_quotation", "sales.change_quotation", "sales.send_quotation"]
_KEEP_CONTRACTS = ["sales.add_contract", "sales.call_off_contract"]
_KEEP_PRICES = ["sales.add_pricelist", "sales.change_pricelist", "sales.add_discountrule"]
for _role, _permissions in {
    SALES: _VIEW_SALES + _QUOTE + _KEEP_CONTRACTS,
    ORDER_DESK: _VIEW_SALES + ["sales.call_off_contract"],
    MANAGER: _VIEW_SALES + _QUOTE + _KEEP_CONTRACTS + _KEEP_PRICES + ["sales.approve_quotation",
                                                                      "sales.change_contract"],
    GENERAL_MANAGER: _VIEW_SALES,
    CUSTOMER_SERVICE: _VIEW_SALES,
    FINANCE: _VIEW_SALES,
}.items():
    ROLE_PERMISSIONS[_role] = ROLE_PERMISSIONS[_role] + _permissions


# Settlement (结算, issue 18 item 4): finance records invoices and payments, exports for the accounting
# system and decides settlement exceptions; sales, the order desk, the general manager's office and managers
# see invoices and receivables; the order desk records invoices at shipment too.
_VIEW_INVOICES = ["settlement.view_invoice"]
_KEEP_INVOICES = _VIEW_INVOICES + ["settlement.add_invoice", "settlement.record_payment",
                                   "settlement.export_invoice", "settlement.settle_exception"]
for _role, _permissions in {
    FINANCE: _KEEP_INVOICES + ["shipping.view_shipment"],
    SALES: _VIEW_INVOICES,
    ORDER_DESK: _VIEW_INVOICES + ["settlement.add_invoice"],
    GENERAL_MANAGER: _VIEW_INVOICES + ["settlement.export_invoice"],
    MANAGER: _KEEP_INVOICES,
}.items():
    ROLE_PERMISSIONS[_role] = ROLE_PERMISSIONS[_role] + _permissions


def sync_role_permissions(sender=None, **kwargs):
    """Create the role groups and give each exactly its permissions (admin gets all of ours)."""
    # post_migrate fires once per app; permissions of all apps exist only at the last one.
    if sender is not None and sender is not list(apps.get_app_configs())[-1]:
        return
    ours = Permission.objects.filter(
        content_type__app_label__in=[
            "orders", "planning", "production", "inventory", "quality", "shipping", "reports",
            "documents", "alerts", "accounts", "rush", "api", "operations", "edi", "notices", "sales", "settlement",
        ]
    )
    by_name = {f"{p.content_type.app_label}.{p.codename}": p for p in ours.select_related("content_type")}
    for role in ROLES:
        group, _created = Group.objects.get_or_create(name=role)
        if role == ADMIN:
            group.permissions.set(list(by_name.values()))
        else:
            group.permissions.set([by_name[name] for name in ROLE_PERMISSIONS.get(role, []) if name in by_name])


def roles_of(user):
    """The role names of a user, cached on the user object for the request."""
    if not user.is_authenticated:
        return set()
    if not hasattr(user, "_orderflow_roles"):
        user._orderflow_roles = set(user.groups.values_list("name", flat=True))
    return user._orderflow_roles


def role_label(role):
    return ROLE_LABELS.get(role, role)


# Seed 003 forms and delay decisions (rush.decisions): the PMC head — a planner other than the person who
# recorded it, or a manager — approves or rejects material delay requests; the general manager's office
# decides on delays that threaten a rush order's date; planners and the production office ask for that
# decision; the business office (sales, order desk) and planners see what was decided.
for _role, _permissions in {
    PLANNER: ["inventory.decide_materialdelay", "rush.view_delaydecision", "rush.add_delaydecision"],
    MANAGER: ["inventory.decide_materialdelay", "rush.view_delaydecision", "rush.add_delaydecision",
              "orders.change_promised_date"],
    PRODUCTION_HEAD: ["rush.view_delaydecision", "rush.add_delaydecision", "production.view_exceptionreport"],
    GENERAL_MANAGER: ["rush.view_delaydecision", "rush.decide_delaydecision", "rush.view_rushrequest",
                      "production.view_exceptionreport", "inventory.view_materialdelay",
                      # carrying a decision out: a new promised date, overtime on a work center's calendar
                      "orders.change_promised_date", "planning.change_workcalendar"],
    SALES: ["rush.view_delaydecision"],
    ORDER_DESK: ["rush.view_delaydecision"],
    PRODUCTION: ["rush.view_delaydecision"],
}.items():
    ROLE_PERMISSIONS[_role] = ROLE_PERMISSIONS[_role] + _permissions
