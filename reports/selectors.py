"""Read-only figures over the other apps (reports may read everything)."""

from django.db.models import Count, Q, Sum

from orders.models import Order, OrderStatus, Priority


def home_figures(user):
    by_status = {row["status"]: row for row in
                 Order.objects.values("status").annotate(n=Count("id"), value=Sum("total_amount"))}
    stages = [{"status": value, "label": label, "count": by_status.get(value, {}).get("n", 0)}
              for value, label in OrderStatus.choices]
    counts = Order.objects.aggregate(
        rush_open=Count("id", filter=Q(priority=Priority.RUSH) & ~Q(status__in=[
            OrderStatus.CLOSED, OrderStatus.CANCELLED, OrderStatus.DELIVERED])),
        my_drafts=Count("id", filter=Q(created_by=user, status__in=[OrderStatus.DRAFT, OrderStatus.REJECTED])),
        to_review=Count("id", filter=Q(status=OrderStatus.SUBMITTED)),
    )
    return {"stages": stages, **counts,
            "can_review": user.has_perm("orders.review_order"),
            "can_enter": user.has_perm("orders.add_order")}
