"""The rush completion summary as a printable document (急单完成总结), registered with the document pipeline
from RushConfig.ready(): 急单 stamped, QR with the order number, bilingual labels, A4."""

from django.utils import timezone
from django.utils.translation import gettext_lazy

from documents import registry

from .models import RushSummary

KIND = "rush_summary"


def summaries_visible_to(user):
    return RushSummary.objects.all() if user.has_perm("rush.view_rushsummary") else RushSummary.objects.none()


def build_rush_summary(summary, language):
    summary = RushSummary.objects.select_related("order__customer").get(pk=summary.pk)
    return registry.DocumentContent(
        template_name="rush/pdf/rush_summary.html",
        context={"summary": summary, "order": summary.order, "customer": summary.order.customer,
                 "f": summary.figures, "rush": True, "printed_at": timezone.localtime()},
        filename=f"{summary.order.number}-rush-summary.pdf",
    )


registry.register(KIND, label=gettext_lazy("Rush completion summary"), model=RushSummary, builder=build_rush_summary,
                  permission="rush.view_rushsummary", visible_to=summaries_visible_to)
