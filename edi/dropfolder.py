"""The drop folder (settings.EDI_DROP_DIR) for partners who deliver interchanges as files: every file in
inbox/ is read (edi.inbound.receive_interchange) and moved to processed/ when each of its messages made
an order (or had made it before), else to failed/ (its messages stay in the EDI inbox with the reason).
Run by beat (edi.tasks.read_drop_folder); reading a file twice makes its orders once."""

import logging
from pathlib import Path

from django.conf import settings

from .inbound import InterchangeRefused, receive_interchange
from .models import MessageStatus

log = logging.getLogger(__name__)
FOLDERS = ("inbox", "processed", "failed")


def read_text(path: Path) -> str:
    """An interchange's text: UNOC is ISO 8859-1; UTF-8 (UNOW) is read as such when it decodes."""
    data = path.read_bytes()
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("iso-8859-1")


def interchange_files(path: Path):
    """A file, or the files of a folder (sorted by name, hidden files left out)."""
    if path.is_dir():
        return sorted(p for p in path.iterdir() if p.is_file() and not p.name.startswith("."))
    return [path]


def read_drop_folder(root=None) -> dict:
    root = Path(root or settings.EDI_DROP_DIR)
    if not str(root) or not root.is_dir():
        return {"files": 0}
    for name in FOLDERS:
        (root / name).mkdir(exist_ok=True)
    counts = {"files": 0, "processed": 0, "failed": 0}
    for path in interchange_files(root / "inbox"):
        counts["files"] += 1
        try:
            outcomes = receive_interchange(actor=None, text=read_text(path), file_name=path.name)
            ok = bool(outcomes) and all(o.message.status == MessageStatus.PROCESSED for o in outcomes)
        except InterchangeRefused as exc:
            log.warning("EDI file %s is not an interchange: %s", path.name, exc)
            ok = False
        target = root / ("processed" if ok else "failed") / path.name
        if target.exists():  # the same name delivered again: keep both
            target = target.with_name(f"{path.stem}.{counts['files']}{path.suffix}")
        path.rename(target)
        counts["processed" if ok else "failed"] += 1
    return counts
