"""make backup / make restore: a site with orders, stock and rendered documents is backed up, restored into
a fresh database and media folder, and checked as an operator would: row counts, the stock ledger check,
and every document file opens."""

import os
import subprocess
import sys
import uuid
from pathlib import Path

import psycopg2
import pytest
from django.core.management import call_command
from django.db import connection

from documents import services as documents
from documents.models import Document, DocumentStatus
from orders.models import OrderStatus
from tests.fixtures.factories import make_order, user_with_role
from tests.fixtures.services import BASE_DIR, database_url
from tests.inventory.masterdata import make_item
from tests.inventory.stockdata import make_location, receive

OPEN_EVERY_DOCUMENT = """
from documents.models import Document
opened = 0
for document in Document.objects.exclude(file=""):
    with document.file.open("rb") as handle:
        assert handle.read(5) == b"%PDF-", document.pk
    opened += 1
print("opened", opened)
"""


def manage(env, *args):
    return subprocess.run([sys.executable, "manage.py", *args], cwd=BASE_DIR, env=env, capture_output=True,
                          text=True, timeout=600, stdin=subprocess.DEVNULL)


@pytest.fixture
def fresh_postgres_database():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (set DATABASE_URL)")
    name = f"orderflow_restore_{uuid.uuid4().hex[:10]}"
    settings_dict = dict(connection.settings_dict, NAME="postgres")
    admin = psycopg2.connect(database_url(settings_dict))
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')
    try:
        yield database_url(dict(connection.settings_dict, NAME=name))
    finally:
        with admin.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_backup_restores_into_a_fresh_database_and_media_folder(settings, tmp_path, fresh_postgres_database):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    sales = user_with_role("sales")
    orders = [make_order(creator=sales, status=status) for status in
              (OrderStatus.SUBMITTED, OrderStatus.APPROVED, OrderStatus.APPROVED)]
    location = make_location()
    for code in ("RM-1", "RM-2"):
        receive(make_item(code), location, "125")
    for order in orders[1:]:
        documents.request_document(actor=sales, kind="order_confirmation", obj=order)  # eager: rendered now
    assert Document.objects.filter(status=DocumentStatus.READY).count() == 2

    backup_folder = tmp_path / "backup"
    call_command("backup_site", to=str(backup_folder))
    assert {p.name for p in backup_folder.iterdir()} == {"database.dump", "media.tar.gz", "manifest.json"}

    restored_media = tmp_path / "restored-media"
    env = dict(os.environ, DATABASE_URL=fresh_postgres_database, MEDIA_ROOT=str(restored_media),
               DJANGO_SETTINGS_MODULE="config.settings.test")
    result = manage(env, "restore_site", "--from", str(backup_folder))
    assert result.returncode == 0, result.stderr
    assert "row counts checked" in result.stdout
    ledger = manage(env, "check_stock_ledger")
    assert ledger.returncode == 0 and "Stock ledger OK" in ledger.stdout, ledger.stdout + ledger.stderr
    opened = manage(env, "shell", "-c", OPEN_EVERY_DOCUMENT)
    assert opened.returncode == 0 and "opened 2" in opened.stdout, opened.stdout + opened.stderr

    # A second restore into the now filled database is refused unless forced: nothing is overwritten by mistake.
    again = manage(env, "restore_site", "--from", str(backup_folder))
    assert again.returncode != 0 and "is not empty" in again.stderr


def test_the_embedded_sqlite_database_backs_up_and_restores(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "CELERY_BROKER_URL"}}
    env.update(DJANGO_SETTINGS_MODULE="config.settings.local", DATABASE_URL=f"sqlite:///{tmp_path / 'site.sqlite3'}",
               MEDIA_ROOT=str(tmp_path / "media"))
    assert manage(env, "migrate", "--noinput", "-v", "0").returncode == 0
    made = manage(env, "shell", "-c", "from tests.fixtures.factories import make_order, user_with_role; "
                                      "[make_order(creator=user_with_role('sales')) for _ in range(3)]")
    assert made.returncode == 0, made.stderr
    (tmp_path / "media" / "pod").mkdir(parents=True)
    (tmp_path / "media" / "pod" / "scan.png").write_bytes(b"\x89PNG\r\n\x1a\n scan")

    backup_folder = tmp_path / "backup"
    result = manage(env, "backup_site", "--to", str(backup_folder))
    assert result.returncode == 0, result.stderr
    assert "3 orders" in result.stdout and "1 media files" in result.stdout

    env.update(DATABASE_URL=f"sqlite:///{tmp_path / 'restored.sqlite3'}", MEDIA_ROOT=str(tmp_path / "restored"))
    result = manage(env, "restore_site", "--from", str(backup_folder))
    assert result.returncode == 0, result.stderr
    assert (Path(tmp_path / "restored" / "pod" / "scan.png")).read_bytes().endswith(b"scan")
    counted = manage(env, "shell", "-c", "from orders.models import Order; print('orders', Order.objects.count())")
    assert "orders 3" in counted.stdout


def test_a_folder_that_is_not_a_backup_is_refused_and_nothing_is_written(tmp_path):
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="config.settings.local",
               DATABASE_URL=f"sqlite:///{tmp_path / 'target.sqlite3'}", MEDIA_ROOT=str(tmp_path / "media"))
    (tmp_path / "junk").mkdir()
    result = manage(env, "restore_site", "--from", str(tmp_path / "junk"))
    assert result.returncode != 0 and "not a backup folder" in result.stderr
    assert not (tmp_path / "media").exists()
