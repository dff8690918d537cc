from django.db.models import Q

from .models import Direction, EdiMessage, MessageStatus


def inbox_messages(*, direction=Direction.INBOUND, status="", q=""):
    """The inbox's messages, newest first, with what the list shows (a fixed number of queries)."""
    messages = (EdiMessage.objects.filter(direction=direction).select_related("partner", "order")
                .defer("payload"))
    if status:
        messages = messages.filter(status=status)
    q = q.strip()
    if q:
        messages = messages.filter(Q(message_ref__icontains=q) | Q(interchange_ref__icontains=q)
                                   | Q(document_number__icontains=q) | Q(order__number__icontains=q))
    return messages.order_by("-created_at", "-id")


def message_for_page(pk):
    return EdiMessage.objects.select_related("partner__customer", "order", "shipment").get(pk=pk)


def failed_inbound_count():
    """Inbound messages waiting for the order desk (the inbox's "needs attention" button)."""
    return EdiMessage.objects.filter(direction=Direction.INBOUND, status=MessageStatus.FAILED).count()
