"""What the API takes and gives. Input is checked field by field with the entry form's rules
(orders.rules), so an error names its field path (lines[1].quantity); the order itself is then made by
the same services as the entry form."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import URLValidator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import serializers

from orders import rules
from orders.models import Customer, Priority, Product
from orders.quantities import read_number

MAX_LINES = 200


def _django_errors(call, *args):
    try:
        call(*args)
    except DjangoValidationError as exc:
        raise serializers.ValidationError(exc.messages) from None


class TypedDecimalField(serializers.DecimalField):
    """A number sent as JSON number or plain string. A string that only reads as a number by
    reinterpreting it ("１２", "1,000", "1e3") is refused: an API client cannot be shown what was
    understood, as a form's user is (orders.quantities)."""

    def to_internal_value(self, data):
        if isinstance(data, str) and data.strip():
            try:
                number = read_number(data, field_label=self.field_name)
            except DjangoValidationError:
                number = None  # not a number at all: the field's own message
            if number is not None and not number.is_plain:
                raise serializers.ValidationError(
                    _("“%(typed)s” is not a plain number: send %(value)s.") % {"typed": number.typed,
                                                                            "value": number.shown})
        return super().to_internal_value(data)


class LineInSerializer(serializers.Serializer):
    product = serializers.CharField(max_length=40, help_text="The product's SKU.")
    quantity = TypedDecimalField(max_digits=14, decimal_places=3, help_text="In the product's unit.")
    unit_price = TypedDecimalField(max_digits=14, decimal_places=2, required=False,
                                          help_text="Blank: the product's list price.")
    requested_date = serializers.DateField(required=False, allow_null=True)

    def validate_product(self, sku):
        product = self.context["products"].get(sku)
        if product is None:
            raise serializers.ValidationError(_("No product with SKU %(sku)s.") % {"sku": sku})
        _django_errors(rules.validate_product, product)
        return product

    def validate(self, data):
        product = data["product"]
        try:
            rules.validate_quantity(data["quantity"], product)
        except DjangoValidationError as exc:
            raise serializers.ValidationError({"quantity": exc.messages}) from None
        price = data.get("unit_price")
        if price is None:
            data["unit_price"] = product.list_price
        else:
            try:
                rules.validate_unit_price(price)
            except DjangoValidationError as exc:
                raise serializers.ValidationError({"unit_price": exc.messages}) from None
        return data


class OrderInSerializer(serializers.Serializer):
    customer = serializers.CharField(max_length=40, required=False,
                                     help_text="Customer code; may be left out with a key bound to one customer.")
    customer_po = serializers.CharField(max_length=60, required=False, allow_blank=True, default="")
    requested_date = serializers.DateField()
    priority = serializers.ChoiceField(choices=Priority.choices, default=Priority.NORMAL)
    rush_reason = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    internal_notes = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="",
                                           help_text="For the factory's staff only; never on a customer document.")
    customer_notes = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="",
                                           help_text="Printed on the order confirmation and the delivery note.")
    notes = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="",
                                  help_text="Deprecated: taken as internal_notes.")
    lines = LineInSerializer(many=True, allow_empty=False, max_length=MAX_LINES)

    def validate_requested_date(self, value):
        _django_errors(rules.validate_requested_date, value)
        return value

    def validate_customer(self, code):
        customer = Customer.objects.filter(code=code).first()
        scope = self.context["api_key"].customer if self.context.get("api_key") else None
        if customer is None or (scope is not None and customer.pk != scope.pk):
            raise serializers.ValidationError(_("No customer with code %(code)s.") % {"code": code})
        _django_errors(rules.validate_customer, customer)
        return customer

    def validate(self, data):
        scope = self.context["api_key"].customer if self.context.get("api_key") else None
        if "customer" not in data:
            if scope is None:
                raise serializers.ValidationError({"customer": [_("This field is required.")]})
            data["customer"] = scope
        if data["priority"] == Priority.RUSH and not data["rush_reason"].strip():
            raise serializers.ValidationError({"rush_reason": [_("Give the reason for the rush.")]})
        # The old single "notes" field is internal, as the order's old notes were (the safe reading).
        legacy = data.pop("notes", "").strip()
        if legacy:
            if data["internal_notes"].strip():
                raise serializers.ValidationError(
                    {"notes": [_("Give internal_notes or the older notes, not both.")]})
            data["internal_notes"] = legacy
        return data

    @classmethod
    def products_for(cls, payload):
        """The products the payload names, read once for all its lines."""
        lines = payload.get("lines") if isinstance(payload, dict) else None
        lines = lines if isinstance(lines, list) else []
        # Unchecked input: only what could be a SKU is looked up (PostgreSQL refuses NUL characters).
        skus = {str(line.get("product")) for line in lines if isinstance(line, dict)}
        skus = {sku for sku in skus if len(sku) <= 40 and "\x00" not in sku}
        return {p.sku: p for p in Product.objects.filter(sku__in=skus)}


class CustomerOutSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class LineOutSerializer(serializers.Serializer):
    line = serializers.IntegerField(source="line_no")
    product = serializers.CharField(source="product.sku")
    name = serializers.CharField(source="product.name")
    quantity = serializers.DecimalField(max_digits=14, decimal_places=3)
    unit_price = serializers.DecimalField(max_digits=14, decimal_places=2)
    shipped_quantity = serializers.DecimalField(max_digits=14, decimal_places=3)
    requested_date = serializers.DateField(allow_null=True)


class ShipmentOutSerializer(serializers.Serializer):
    number = serializers.CharField()
    status = serializers.CharField()
    carrier = serializers.CharField()
    tracking_number = serializers.CharField()
    ship_date = serializers.DateField(source="actual_ship_date", allow_null=True)
    shipped_at = serializers.DateTimeField(allow_null=True)


class OrderOutSerializer(serializers.Serializer):
    number = serializers.CharField()
    status = serializers.CharField()
    status_label = serializers.CharField(source="get_status_display")
    customer = CustomerOutSerializer()
    customer_po = serializers.CharField()
    channel = serializers.CharField()
    priority = serializers.CharField()
    requested_date = serializers.DateField()
    promised_date = serializers.DateField(allow_null=True)
    currency = serializers.CharField()
    total_amount = serializers.DecimalField(max_digits=16, decimal_places=2)
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()
    customer_notes = serializers.CharField()
    lines = LineOutSerializer(many=True)
    shipments = ShipmentOutSerializer(many=True)


class StaffOrderOutSerializer(OrderOutSerializer):
    """An order as a key that is not bound to a customer sees it (the factory's own integrations): with the
    internal notes. A key bound to a customer may be in the customer's hands, so it never gets them."""

    internal_notes = serializers.CharField()


def order_out_serializer(api_key):
    """The order serializer for this key: internal fields only for keys not bound to a customer."""
    if api_key is None or not getattr(api_key, "customer_id", None):
        return StaffOrderOutSerializer
    return OrderOutSerializer


class WebhookInSerializer(serializers.Serializer):
    url = serializers.URLField(max_length=500, help_text="Where order status changes are POSTed (http or https).",
                               validators=[URLValidator(schemes=["http", "https"], message=gettext_lazy(
                                   "Give the full http:// or https:// address the messages go to."))])
    secret = serializers.CharField(max_length=100, required=False, allow_blank=True, default="",
                                   help_text="Signing secret; left out, one is made and given back once.")


class WebhookOutSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    url = serializers.CharField()
    active = serializers.BooleanField(source="is_active")
    created_at = serializers.DateTimeField()


class WebhookCreatedSerializer(WebhookOutSerializer):
    secret = serializers.CharField(help_text="The signing secret: X-OrderFlow-Signature is its HMAC-SHA256.")
