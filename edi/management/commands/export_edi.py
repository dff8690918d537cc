"""manage.py export_edi --order SO-… --type ORDRSP|DESADV: print the order's order response, or the
despatch advice of each of its shipped shipments (made now when not made yet; edi.outbound)."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import translation

from edi.models import MessageType
from edi.outbound import export_interchanges


class Command(BaseCommand):
    help = "Print the UN/EDIFACT ORDRSP or DESADV interchange of an order."

    def add_arguments(self, parser):
        parser.add_argument("--order", required=True, help="The order number, e.g. SO-2026-00042.")
        parser.add_argument("--type", required=True, choices=[MessageType.ORDRSP, MessageType.DESADV],
                            dest="message_type")

    def handle(self, *args, order, message_type, **options):
        translation.activate("en")
        try:
            with transaction.atomic():
                messages = export_interchanges(order_number=order, message_type=message_type)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from None
        for message in messages:
            self.stdout.write(message.payload)
