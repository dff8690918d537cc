"""The customer notice rule pages (record_pages pattern): the list of rules and a rule's edit page with
activate/deactivate and its change history."""

from django.contrib.auth.decorators import login_required, permission_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from audit.history import history_of
from record_pages.views import edit_record_post

from . import rule_services, selectors
from .rule_forms import NoticeRuleForm, event_choices


@login_required
@permission_required("notices.view_noticerule", raise_exception=True)
def rule_list(request):
    rules = list(selectors.notice_rules())
    for rule in rules:
        labels = dict(event_choices(rule))
        rule.event_labels = [labels.get(action, action) for action in rule.order_actions or []]
    return render(request, "notices/rule_list.html", {
        "rules": rules, "can_change": request.user.has_perm("notices.change_noticerule")})


@login_required
@permission_required("notices.view_noticerule", raise_exception=True)
def rule_edit(request, pk):
    rule = get_object_or_404(selectors.notice_rules(), pk=pk)
    can_change = request.user.has_perm("notices.change_noticerule")
    if request.method == "POST":
        form = NoticeRuleForm(request.POST, rule=rule)
        name = rule.get_kind_display()
        if edit_record_post(
                request, can_change=can_change, form=form,
                save=lambda: rule_services.update_notice_rule(actor=request.user, rule=rule, **form.service_fields()),
                saved_message=_("The rule for “%(notice)s” was saved.") % {"notice": name},
                set_active=lambda active: rule_services.update_notice_rule(actor=request.user, rule=rule,
                                                                           is_active=active),
                activated_message=_("The rule for “%(notice)s” is active again.") % {"notice": name},
                deactivated_message=_("The rule for “%(notice)s” was deactivated: this notice is no longer sent.")
                % {"notice": name}):
            return redirect("notices:rule_edit", pk=rule.pk)
        rule.refresh_from_db()
    else:
        form = NoticeRuleForm(rule=rule)
    labels = dict(event_choices(rule))
    rule.event_labels = [labels.get(action, action) for action in rule.order_actions or []]
    return render(request, "notices/rule_form.html", {"form": form, "rule": rule, "can_change": can_change,
                                                      "history": history_of(rule)})
