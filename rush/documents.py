"""The production notice (生产通知单) of an approved rush request, registered with the document
pipeline from RushConfig.ready(): it tells production, the warehouse and QC that the order is a rush
order, by when, why, what was agreed in the review (each area's verdict and conditions) and who
approved it. RUSH / 急单 stamped, bilingual labels, A4."""

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from documents import registry

from .models import ReviewArea, RushRequest, RushStatus
from .selectors import requests_visible_to

KIND = "production_notice"


def notice_unavailable_reason(request):
    if request.status == RushStatus.APPROVED:
        return None
    return _("The production notice is issued when the rush request is approved.")


def build_production_notice(request, language):
    request = (RushRequest.objects.select_related("order__customer", "requested_by", "decided_by")
               .prefetch_related("reviews__reviewer").get(pk=request.pk))
    order = request.order
    return registry.DocumentContent(
        template_name="rush/pdf/production_notice.html",
        context={"request": request, "order": order, "customer": order.customer,
                 "lines": list(order.lines.select_related("product").order_by("line_no")),
                 "reviews": list(request.reviews.all()), "schedule": request.decision_facts.get("schedule", {}),
                 "rush": True, "printed_at": timezone.localtime()},
        filename=f"{request.number}-production-notice.pdf",
    )


registry.register(KIND, label=gettext_lazy("Production notice"), model=RushRequest, builder=build_production_notice,
                  permission="rush.view_rushrequest", visible_to=requests_visible_to,
                  unavailable_reason=notice_unavailable_reason)


# The rush order review record (紧急订单评审记录表): the review as a form of its own, printable from the
# rush request page once any area has signed: each area's verdict, conditions, who signed and when, the
# impact the system showed (from the facts at the decision, else at the request), and the decision.
REVIEW_RECORD_KIND = "rush_review_record"


def review_record_unavailable_reason(request):
    if request.reviews.exists():
        return None
    return _("The review record can be printed once an area has signed.")


def build_review_record(request, language):
    request = (RushRequest.objects.select_related("order__customer", "requested_by", "decided_by")
               .prefetch_related("reviews__reviewer").get(pk=request.pk))
    order = request.order
    signed = {review.area: review for review in request.reviews.all()}
    areas = [{"label": ReviewArea(area).label, "review": signed.get(area)} for area in ReviewArea.values]
    facts = request.decision_facts or request.facts
    return registry.DocumentContent(
        template_name="rush/pdf/review_record.html",
        context={"request": request, "order": order, "customer": order.customer, "areas": areas,
                 "schedule": facts.get("schedule", {}), "materials": facts.get("materials", {}),
                 "quality": facts.get("quality", {}),
                 "lines": list(order.lines.select_related("product").order_by("line_no")),
                 "rush": True, "printed_at": timezone.localtime()},
        filename=f"{request.number}-review-record.pdf",
    )


registry.register(REVIEW_RECORD_KIND, label=gettext_lazy("Rush order review record"), model=RushRequest,
                  builder=build_review_record, permission="rush.view_rushrequest", visible_to=requests_visible_to,
                  unavailable_reason=review_record_unavailable_reason)
