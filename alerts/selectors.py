from .models import AlertRecipient


def alerts_for(user):
    return AlertRecipient.objects.filter(user=user).select_related("alert").order_by("-alert__created_at", "-id")
