"""`manage.py backup_site --to FOLDER`: the database and the media files into one folder (operations/backup.py)."""

from django.core.management.base import BaseCommand, CommandError

from operations.backup import BackupError, backup


class Command(BaseCommand):
    help = "Back up the database (pg_dump or SQLite's backup API) and MEDIA_ROOT into a new folder."

    def add_arguments(self, parser):
        parser.add_argument("--to", required=True, help="An empty or new folder for this backup.")

    def handle(self, *args, to, **options):
        try:
            manifest = backup(to)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        orders = manifest["row_counts"]["orders.Order"]
        self.stdout.write(self.style.SUCCESS(
            f"Backed up {manifest['engine']} ({orders} orders) and {manifest['media_files']} media files to {to}."))
