"""/api/v1/: orders in (idempotent), orders and their lines, shipments and status out. Every endpoint
takes `Authorization: Api-Key <key>`, answers with the key user's permissions as in the UI, and, for a
key bound to a customer, only that customer's orders (another's are 404, as if they did not exist)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.response import Response

from orders.models import OrderStatus, Priority
from orders.selectors import orders_visible_to
from orders.services import LineInput

from . import selectors, services
from .pagination import KeysetPages
from .serializers import (
    OrderInSerializer,
    OrderOutSerializer,
    ShipmentOutSerializer,
    WebhookCreatedSerializer,
    WebhookInSerializer,
    WebhookOutSerializer,
    order_out_serializer,
)


class HasModelPermissions(BasePermission):
    """The Django permissions the view names for the request's method (those of the UI's same action)."""

    def has_permission(self, request, view):
        needed = view.required_permissions.get(request.method, view.required_permissions.get("GET", []))
        return request.user.has_perms(needed)


def scoped_orders(request):
    orders = orders_visible_to(request.user)
    if request.auth is not None and request.auth.customer_id:
        orders = orders.filter(customer_id=request.auth.customer_id)
    return orders.select_related("customer").prefetch_related("lines__product", Prefetch("shipments"))


class OrderFilterSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=OrderStatus.choices, required=False)
    priority = serializers.ChoiceField(choices=Priority.choices, required=False)
    customer = serializers.CharField(required=False, max_length=40)
    customer_po = serializers.CharField(required=False, max_length=60)
    created_from = serializers.DateField(required=False)
    created_to = serializers.DateField(required=False)
    updated_since = serializers.DateTimeField(required=False)


FILTERS = {"status": "status", "priority": "priority", "customer": "customer__code", "customer_po": "customer_po",
           "created_from": "created_at__date__gte", "created_to": "created_at__date__lte",
           "updated_since": "updated_at__gte"}


class OrderListCreate(GenericAPIView):
    permission_classes = [IsAuthenticated, HasModelPermissions]
    required_permissions = {"GET": ["orders.view_order"], "POST": ["orders.add_order", "orders.submit_order"]}
    pagination_class = KeysetPages
    serializer_class = OrderOutSerializer

    @extend_schema(parameters=[OrderFilterSerializer], responses=OrderOutSerializer(many=True))
    def get(self, request):
        filters = OrderFilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        wanted = {FILTERS[name]: value for name, value in filters.validated_data.items()}
        orders = scoped_orders(request).filter(**wanted)
        page = self.paginate_queryset(orders.order_by("-created_at", "-id"))
        return self.get_paginated_response(order_out_serializer(request.auth)(page, many=True).data)

    @extend_schema(request=OrderInSerializer, responses={201: OrderOutSerializer},
                   parameters=[OpenApiParameter("Idempotency-Key", str, OpenApiParameter.HEADER, required=False,
                                                description="The same key and body always give the same answer "
                                                            "and make one order.")])
    def post(self, request):
        payload = request.data
        incoming = OrderInSerializer(data=payload, context={"api_key": request.auth,
                                                            "products": OrderInSerializer.products_for(payload)})
        incoming.is_valid(raise_exception=True)
        data = dict(incoming.validated_data)
        data["lines"] = [LineInput(line["product"], line["quantity"], line["unit_price"], line.get("requested_date"))
                         for line in data["lines"]]
        try:
            code, body, replayed = services.create_order_from_api(
                api_key=request.auth, data=data, payload=payload,
                idempotency_key=request.headers.get("Idempotency-Key", "").strip(),
                render=lambda order: order_out_serializer(request.auth)(
                    scoped_orders(request).get(pk=order.pk)).data)
        except services.IdempotencyConflict as exc:
            return Response({"errors": [{"field": "", "code": "idempotency_conflict", "message": str(exc)}]},
                            status=status.HTTP_422_UNPROCESSABLE_ENTITY)
        except ValidationError as exc:
            return Response({"errors": [{"field": "", "code": "invalid", "message": m} for m in exc.messages]},
                            status=status.HTTP_400_BAD_REQUEST)
        return Response(body, status=code, headers={"Idempotent-Replayed": "true"} if replayed else {})


class OrderDetail(GenericAPIView):
    permission_classes = [IsAuthenticated, HasModelPermissions]
    required_permissions = {"GET": ["orders.view_order"]}
    serializer_class = OrderOutSerializer

    def get(self, request, number):
        order = get_object_or_404(scoped_orders(request), number=number)
        return Response(order_out_serializer(request.auth)(order).data)


class OrderShipments(GenericAPIView):
    permission_classes = [IsAuthenticated, HasModelPermissions]
    required_permissions = {"GET": ["orders.view_order"]}
    serializer_class = ShipmentOutSerializer

    @extend_schema(responses=ShipmentOutSerializer(many=True))
    def get(self, request, number):
        order = get_object_or_404(scoped_orders(request), number=number)
        return Response(ShipmentOutSerializer(order.shipments.order_by("created_at"), many=True).data)


class Webhooks(GenericAPIView):
    """The calling key's webhooks: list them, add one (its secret is given back once), remove one."""
    permission_classes = [IsAuthenticated, HasModelPermissions]
    required_permissions = {"GET": ["orders.view_order"], "POST": ["orders.view_order"]}
    serializer_class = WebhookOutSerializer

    @extend_schema(responses=WebhookOutSerializer(many=True))
    def get(self, request):
        subscriptions = selectors.active_webhooks(request.auth)
        return Response(WebhookOutSerializer(subscriptions, many=True).data)

    @extend_schema(request=WebhookInSerializer, responses={201: WebhookCreatedSerializer})
    def post(self, request):
        incoming = WebhookInSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        subscription = services.add_webhook(api_key=request.auth, **incoming.validated_data)
        return Response(WebhookCreatedSerializer(subscription).data, status=status.HTTP_201_CREATED)


class WebhookDetail(GenericAPIView):
    permission_classes = [IsAuthenticated, HasModelPermissions]
    required_permissions = {"DELETE": ["orders.view_order"]}
    serializer_class = WebhookOutSerializer

    @extend_schema(responses={204: None})
    def delete(self, request, pk):
        subscription = selectors.webhook_of(request.auth, pk)
        services.remove_webhook(subscription=subscription)
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- pages for people: the API's documentation and its keys -------------------------------------------

def documentation(request):
    return render(request, "api/documentation.html")


NEW_KEY_SESSION = "api_new_key"
NEW_SECRET_SESSION = "api_new_webhook_secret"


@login_required
@permission_required(services.MANAGE_KEYS, raise_exception=True)
def keys(request):
    # The new key is shown once, on the page the POST redirects to: reloading it makes no second key.
    new_key = request.session.pop(NEW_KEY_SESSION, None) if request.method == "GET" else None
    if request.method == "POST":
        user = selectors.user_by_username(request.POST.get("user", ""))
        customer = selectors.customer_by_code(request.POST.get("customer", ""))
        if request.POST.get("customer") and customer is None:
            messages.error(request, _("No customer with code %(code)s.") % {"code": request.POST.get("customer")})
        else:
            try:
                _key, raw = services.create_api_key(actor=request.user, name=request.POST.get("name", ""),
                                                    user=user, customer=customer)
            except ValidationError as exc:
                for message in exc.messages:
                    messages.error(request, message)
            else:
                request.session[NEW_KEY_SESSION] = raw
                return redirect("api:keys")
    return render(request, "api/keys.html", {
        "keys": selectors.keys_with_webhooks(),
        "new_key": new_key, "new_secret": request.session.pop(NEW_SECRET_SESSION, None),
        "users": selectors.active_users()})


@login_required
@permission_required(services.MANAGE_KEYS, raise_exception=True)
@require_POST
def webhook_add(request, pk):
    key = selectors.api_key(pk)
    try:
        subscription = services.add_webhook(api_key=key, url=request.POST.get("url", ""),
                                            secret=request.POST.get("secret", ""))
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("%(key)s now sends its order status changes to %(url)s.")
                         % {"key": key.name, "url": subscription.url})
        request.session[NEW_SECRET_SESSION] = {"url": subscription.url, "secret": subscription.secret}
    return redirect("api:keys")


@login_required
@permission_required(services.MANAGE_KEYS, raise_exception=True)
@require_POST
def webhook_remove(request, pk):
    subscription = selectors.active_webhook(pk)
    services.remove_webhook(subscription=subscription)
    messages.success(request, _("Messages are no longer sent to %(url)s.") % {"url": subscription.url})
    return redirect("api:keys")


@login_required
@permission_required(services.MANAGE_KEYS, raise_exception=True)
def revoke(request, pk):
    if request.method == "POST":
        services.revoke_api_key(actor=request.user, key=selectors.api_key(pk))
        messages.success(request, _("The key is revoked: requests with it are refused from now on."))
    return redirect("api:keys")


