from .models import AlertRecipient


def unread_alerts(request):
    """The bell's unread count (one query, signed-in pages only)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_alert_count": AlertRecipient.objects.filter(user=user, read_at__isnull=True).count()}
