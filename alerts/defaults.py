"""The default alert rules (rush approved, rush at risk, a process exception, material delay or QC failure
on a rush order, order late), each escalating to the production supervisor and then the general manager
when nobody acknowledges it; a high or critical process exception goes to the manager on any order; a
rejected or dispatched order is told to its sales owner (seed 000 §6.3). Written by migrations 0004 and
0006 and kept by ensure_default_rules() (a database emptied by a test's flush gets them back); an
administrator changes them in the admin."""

MINUTE = 60
# kind, name, only for rush orders, roles told, [(level, delay seconds, roles)]
DEFAULT_RULES = [
    ("rush_approved", "急单已批准 Rush order approved", False, ["planner", "production", "warehouse", "qc"],
     [(1, 15 * MINUTE, ["production"]), (2, 30 * MINUTE, ["manager"])]),
    ("rush_at_risk", "急单预计延期 Rush order at risk", False, ["planner", "production"],
     [(1, 10 * MINUTE, ["production"]), (2, 30 * MINUTE, ["manager"])]),
    ("process_exception", "急单异常立即升级 Process exception on a rush order", True, ["production", "planner"],
     [(1, 0, ["manager"])]),
    ("material_delay", "急单缺料立即升级 Material delay on a rush order", True, ["planner", "warehouse"],
     [(1, 0, ["manager"])]),
    ("inspection_failed", "急单检验不合格 QC failure of a rush order", True, ["qc", "planner", "production"],
     [(1, 0, ["manager"])]),
    ("order_late", "订单延期 Order late", False, ["planner", "order_desk"],
     [(1, 60 * MINUTE, ["production"]), (2, 4 * 60 * MINUTE, ["manager"])]),
    # The rules below use fields added by migration 0005 (severities, tell_owner) and come with 0006.
    ("process_exception", "高/严重异常升级经理 High or critical process exception", False, ["production", "planner"],
     [(1, 0, ["manager"])], {"severities": ["high", "critical"]}),
    ("order_rejected", "订单被退回通知销售 Order rejected: its sales owner", False, [], [], {"tell_owner": True}),
    ("order_dispatched", "订单已发货通知销售 Order dispatched: its sales owner", False, [], [], {"tell_owner": True}),
    # Issue 17.6: a rush purchase order's supplier did not answer within one working day (rush.supplier_replies).
    ("supplier_reply_overdue", "急单供应商未按时答复 Supplier answer overdue on a rush purchase order", False,
     ["planner"], [(1, 60 * MINUTE, ["manager"]), (2, 4 * 60 * MINUTE, ["general_manager"])]),
    # Seed 003: a temporary drawing not back 24 hours after its rush order's completion (rush.drawings tells
    # the holder and their department head) goes to the manager, then the general manager's office.
    ("drawing_overdue", "临时图纸逾期未交回 Temporary drawing overdue", True, [],
     [(1, 2 * 60 * MINUTE, ["manager"]), (2, 8 * 60 * MINUTE, ["general_manager"])]),
]




def ensure_default_rules(apps=None):
    """Create the default rules that do not exist (by kind and name); `apps` in a migration."""
    AlertRule = apps.get_model("alerts", "AlertRule") if apps else None
    EscalationStep = apps.get_model("alerts", "EscalationStep") if apps else None
    if AlertRule is None:
        # migrations: they import this module; live models only when no historical apps are given
        from .models import AlertRule, EscalationStep
    fields = {field.name for field in AlertRule._meta.get_fields()}
    for kind, name, only_rush, roles, steps, *more in DEFAULT_RULES:
        extra = more[0] if more else {}
        if not set(extra) <= fields:
            continue  # an earlier migration's model: the migration that adds the fields writes this rule
        if AlertRule.objects.filter(kind=kind, name=name).exists():
            continue
        rule = AlertRule.objects.create(kind=kind, name=name, only_rush=only_rush, roles=roles, **extra)
        for level, delay, step_roles in steps:
            EscalationStep.objects.create(rule=rule, level=level, delay_seconds=delay, roles=step_roles)
