"""Read queries for the API's key and webhook pages and endpoints."""

from django.contrib.auth import get_user_model
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404

from orders.models import Customer

from .models import ApiKey, WebhookSubscription


def active_webhooks(api_key):
    return WebhookSubscription.objects.filter(api_key=api_key, is_active=True)


def webhook_of(api_key, pk):
    """The key's own active webhook (another key's is 404, as if it did not exist)."""
    return get_object_or_404(WebhookSubscription, pk=pk, api_key=api_key, is_active=True)


def user_by_username(username):
    return get_user_model().objects.filter(username=username).first()


def customer_by_code(code):
    return Customer.objects.filter(code=code).first()


def keys_with_webhooks():
    """Every key with its user, customer and active webhooks (three queries)."""
    webhooks = Prefetch("webhooks", queryset=WebhookSubscription.objects.filter(is_active=True),
                        to_attr="active_webhooks")
    return ApiKey.objects.select_related("user", "customer").prefetch_related(webhooks).order_by("name")


def active_users():
    return get_user_model().objects.filter(is_active=True).order_by("username")


def api_key(pk):
    return get_object_or_404(ApiKey, pk=pk)


def active_webhook(pk):
    return get_object_or_404(WebhookSubscription, pk=pk, is_active=True)
