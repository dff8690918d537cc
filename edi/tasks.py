from celery import shared_task

from . import dropfolder


@shared_task
def read_drop_folder():
    """Run by Celery beat: the interchanges partners dropped into EDI_DROP_DIR/inbox (edi.dropfolder)."""
    return dropfolder.read_drop_folder()
