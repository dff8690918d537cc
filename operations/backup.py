"""Backup and restore of a whole site: the database and the media files (generated PDFs, inspection
photos, exception photos, proof-of-delivery scans) in one folder.

A backup folder holds:
- database.dump (PostgreSQL, `pg_dump --format=custom`) or database.sqlite3 (SQLite, the backup API, a
  consistent copy of a live database);
- media.tar.gz, every file under MEDIA_ROOT;
- manifest.json: when, from which engine, and the row counts of the main tables, which `restore_site`
  checks after restoring.

Restoring writes into the database the settings name (DATABASE_URL): for PostgreSQL an empty database
(`createdb` it first, or pass --create), for SQLite a file that does not exist yet, unless --force.
Both commands run pg_dump/pg_restore as subprocesses with the password in PGPASSWORD, never on a command line.
"""

import json
import os
import sqlite3
import subprocess
import tarfile
from datetime import UTC, datetime
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.db import connection

FORMAT = 1
# Tables whose row counts go into the manifest and are compared after a restore.
COUNTED = ["orders.Order", "orders.OrderLine", "orders.OrderEvent", "planning.WorkOrder", "inventory.StockMove",
           "inventory.StockBalance", "quality.Inspection", "shipping.Shipment", "documents.Document",
           "alerts.Alert", "auth.User"]


class BackupError(Exception):
    pass


def row_counts():
    return {label: apps.get_model(label).objects.count() for label in COUNTED}


def _pg_env(db):
    env = dict(os.environ)
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    return env


def _pg_args(db):
    args = ["--host", str(db.get("HOST") or "127.0.0.1"), "--port", str(db.get("PORT") or 5432)]
    if db.get("USER"):
        args += ["--username", str(db["USER"])]
    return args


def _run(command, env=None):
    try:
        result = subprocess.run(command, env=env, capture_output=True, text=True, stdin=subprocess.DEVNULL)
    except FileNotFoundError as exc:
        raise BackupError(f"{command[0]} is not installed (Debian package postgresql-client)") from exc
    if result.returncode != 0:
        raise BackupError(f"{command[0]} failed: {result.stderr.strip()[-2000:]}")
    return result


def backup(folder):
    """Write a backup of the current database and MEDIA_ROOT into `folder` (created; must be empty)."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    if any(folder.iterdir()):
        raise BackupError(f"{folder} is not empty: give each backup a folder of its own")
    db = settings.DATABASES["default"]
    counts = row_counts()
    if connection.vendor == "postgresql":
        target = folder / "database.dump"
        _run(["pg_dump", "--format=custom", "--no-owner", "--no-privileges", "--file", str(target), *_pg_args(db),
              str(db["NAME"])], env=_pg_env(db))
    elif connection.vendor == "sqlite":
        target = folder / "database.sqlite3"
        source = sqlite3.connect(str(db["NAME"]))
        copy = sqlite3.connect(str(target))
        try:
            source.backup(copy)  # a consistent snapshot, also while the site is running
        finally:
            copy.close()
            source.close()
    else:
        raise BackupError(f"backups support PostgreSQL and SQLite, not {connection.vendor}")
    media_root = Path(settings.MEDIA_ROOT)
    files = 0
    with tarfile.open(folder / "media.tar.gz", "w:gz") as archive:
        if media_root.exists():
            for path in sorted(media_root.rglob("*")):
                if path.is_file():
                    archive.add(path, arcname=str(path.relative_to(media_root)))
                    files += 1
    manifest = {"format": FORMAT, "created_at": datetime.now(UTC).isoformat(), "engine": connection.vendor,
                "database_file": target.name, "media_files": files, "row_counts": counts}
    (folder / "manifest.json").write_text(json.dumps(manifest, indent=2))
    return manifest


def _safe_members(archive, destination):
    root = destination.resolve()
    for member in archive.getmembers():
        if not (member.isfile() or member.isdir()):
            raise BackupError(f"media archive holds an unexpected entry {member.name!r}")
        if not (root / member.name).resolve().is_relative_to(root):
            raise BackupError(f"media archive entry {member.name!r} points outside the media folder")
        yield member


def restore(folder, *, force=False):
    """Restore the backup in `folder` into the configured database and MEDIA_ROOT; returns the manifest after
    checking that the restored row counts equal the backed-up ones."""
    folder = Path(folder)
    manifest_path = folder / "manifest.json"
    if not manifest_path.exists():
        raise BackupError(f"{folder} holds no manifest.json: not a backup folder")
    manifest = json.loads(manifest_path.read_text())
    if manifest.get("format") != FORMAT:
        raise BackupError(f"unknown backup format {manifest.get('format')!r}")
    db = settings.DATABASES["default"]
    if manifest["engine"] != connection.vendor:
        raise BackupError(f"the backup is of {manifest['engine']}, the configured database is {connection.vendor}")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")
            tables = cursor.fetchone()[0]
        if tables and not force:
            raise BackupError(f"database {db['NAME']} is not empty ({tables} tables): restore into a new database, "
                              "or pass --force to replace it")
        connection.close()
        _run(["pg_restore", "--clean", "--if-exists", "--no-owner", "--no-privileges", "--exit-on-error",
              *_pg_args(db), "--dbname", str(db["NAME"]), str(folder / manifest["database_file"])], env=_pg_env(db))
    else:
        target = Path(db["NAME"])
        if target.exists() and target.stat().st_size and not force:
            raise BackupError(f"{target} exists: restore into a new file, or pass --force to replace it")
        connection.close()
        source = sqlite3.connect(str(folder / manifest["database_file"]))
        copy = sqlite3.connect(str(target))
        try:
            source.backup(copy)
        finally:
            copy.close()
            source.close()
    media_root = Path(settings.MEDIA_ROOT)
    media_root.mkdir(parents=True, exist_ok=True)
    with tarfile.open(folder / "media.tar.gz", "r:gz") as archive:
        archive.extractall(media_root, members=list(_safe_members(archive, media_root)))
    restored = row_counts()
    if restored != manifest["row_counts"]:
        differences = {k: (manifest["row_counts"].get(k), v) for k, v in restored.items()
                       if manifest["row_counts"].get(k) != v}
        raise BackupError(f"row counts differ after the restore (backed up, restored): {differences}")
    return manifest


