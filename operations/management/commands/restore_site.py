"""`manage.py restore_site --from FOLDER`: a backup made by backup_site into the configured (new) database and
MEDIA_ROOT, then the row counts are compared with the backup's manifest (operations/backup.py)."""

from django.core.management.base import BaseCommand, CommandError

from operations.backup import BackupError, restore


class Command(BaseCommand):
    help = "Restore a backup_site folder into the configured database (empty, or --force) and MEDIA_ROOT."

    def add_arguments(self, parser):
        parser.add_argument("--from", dest="source", required=True, help="The backup folder.")
        parser.add_argument("--force", action="store_true", help="Replace a database that is not empty.")

    def handle(self, *args, source, force=False, **options):
        try:
            manifest = restore(source, force=force)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(self.style.SUCCESS(
            f"Restored {manifest['engine']} ({manifest['row_counts']['orders.Order']} orders, row counts checked) "
            f"and {manifest['media_files']} media files from {source}. Run `manage.py check_stock_ledger` next."))
