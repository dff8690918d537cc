"""Orders ready to ship, made through the real services: finished goods as stock items, an order moved
to awaiting QC by the admin and its inspections recorded and signed by a QC user
(tests.fixtures.stage_records), and its goods put into stock by the test as production output of the
order (inventory's own service, as quality does when a lot passes and the finished-goods location
exists; here it does not, so each test chooses its lots and locations)."""

import io
import itertools
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from inventory import stock_services
from inventory.stock_services import LotInput
from orders.models import Order, OrderStatus
from shipping import deliveries, services
from shipping.services import PickInput, ShipmentDetails
from tests.fixtures.factories import CustomerFactory, ProductFactory, make_order, user_with_role
from tests.fixtures.stage_records import pass_qc
from tests.inventory.masterdata import make_item
from tests.inventory.stockdata import keeper, make_location

_numbers = itertools.count(1)


def finished_good(sku=None, **product_fields):
    """A product and its finished-good stock item (same unit)."""
    product = ProductFactory(**({"sku": sku} if sku else {}), **product_fields)
    item = make_item(f"FG-{product.sku}", name=product.name, item_type="finished_good", sourcing="make",
                     product=product, unit=product.unit)
    return product, item


def fg_location(code=None):
    return make_location(code or f"FG-{next(_numbers):03d}")


def qc_passed_order(products, quantities, *, priority="normal", customer=None, promised=None):
    """An order of `products` moved to qc_passed, the last step by a QC user."""
    order = make_order(creator=user_with_role("sales"), status=OrderStatus.AWAITING_QC, products=products,
                       quantities=[Decimal(str(q)) for q in quantities], priority=priority,
                       rush_reason="customer line stop" if priority == "rush" else "",
                       customer=customer or CustomerFactory(shipping_address="上海市浦东新区张江路 88 号",
                                                            contact_name="王经理", contact_phone="021-5555 0101"))
    if promised:
        Order.objects.filter(pk=order.pk).update(promised_date=promised)
    pass_qc(order, inspector=user_with_role("qc"), into_stock=False)
    return Order.objects.get(pk=order.pk)


def produce(order, item, location, quantity, lot, *, expiry=None):
    """`quantity` of `item` made for `order`, put into `location` as lot `lot` (production output)."""
    return stock_services.record_production_output(
        actor=keeper(), item=item, location=location, quantity=Decimal(str(quantity)),
        lot_input=LotInput(number=lot, expiry_date=expiry), order=order)


def details(**overrides):
    values = {"ship_to_name": "客户收货部", "ship_to_address": "上海市浦东新区张江路 88 号", "contact_name": "王经理",
              "contact_phone": "021-5555 0101", "carrier": "顺丰速运 SF Express", "tracking_number": "SF1234567890"}
    values.update(overrides)
    return ShipmentDetails(**values)


def pick(order, line_no, lot, location, quantity, packages=1):
    line = order.lines.get(line_no=line_no)
    return PickInput(order_line=line, lot=lot, location=location, quantity=Decimal(str(quantity)), packages=packages)


def ship(shipper, order, picks, **kwargs):
    kwargs.setdefault("details", details())
    return services.create_shipment(actor=shipper, order=order, picks=picks, ship_now=True, **kwargs)


def png_upload(name="pod.png"):
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (20, 120, 40)).save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def pdf_upload(name="pod.pdf"):
    content = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def deliver(shipper, shipment, *, name="李四"):
    return deliveries.record_delivery(actor=shipper, shipment=shipment, received_by=name,
                                    received_at=timezone.now(), upload=png_upload())
