"""manage.py import_edi PATH [--partner CODE]: read a file or a folder of UN/EDIFACT interchanges and make
their ORDERS messages into orders (edi.inbound). One line per message:
ORDERS <message ref>: created SO-YYYY-NNNNN, or ORDERS <message ref>: error: <reason>."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from edi.dropfolder import interchange_files, read_text
from edi.inbound import InterchangeRefused, receive_interchange


class Command(BaseCommand):
    help = "Import UN/EDIFACT ORDERS interchanges (a file or a folder of files) as orders."

    def add_arguments(self, parser):
        parser.add_argument("path", help="An interchange file or a folder of them.")
        parser.add_argument("--partner", help="The trading partner's code (default: found from the UNB sender).")

    def handle(self, *args, path, partner=None, **options):
        translation.activate("en")
        source = Path(path)
        if not source.exists():
            raise CommandError(f"{path} does not exist")
        failed = False
        for file in interchange_files(source):
            try:
                outcomes = receive_interchange(actor=None, text=read_text(file), file_name=file.name,
                                               partner_code=partner)
            except InterchangeRefused as exc:
                self.stdout.write(f"{file.name}: error: {exc}")
                failed = True
                continue
            for outcome in outcomes:
                self.stdout.write(outcome.line)
                failed = failed or not outcome.created
        if failed:
            raise CommandError("some messages were not imported (see the lines above)", returncode=2)
