"""Reads that can leave the primary (docs/operations.md, "A read replica").

With DATABASE_REPLICA_URL set, the settings add the database alias REPLICA_ALIAS and `ReplicaRouter`
sends the reads of a view marked `@reads_from_replica` (reports, dashboards, exports) there; every
other read and every write stays on the primary. The page says how fresh the replica's data is
(`replica_as_of`, from the replica's replay position), since a replica may lag the primary.

Only whole read-only views are marked: a view that writes and reads back what it wrote would not see it on
a lagging replica. Writes inside a marked view (the dashboard's missing facts) still go to the primary."""

import contextvars
from contextlib import contextmanager
from functools import wraps

from django.conf import settings
from django.db import connections
from django.utils import timezone

REPLICA_ALIAS = "replica"
_reading = contextvars.ContextVar("orderflow_replica_reads", default=False)


def replica_alias():
    """The alias reads may go to, or None when no replica is configured (the router then does nothing)."""
    alias = getattr(settings, "REPLICA_DATABASE_ALIAS", None)
    return alias if alias and alias in settings.DATABASES else None


class ReplicaRouter:
    """Reads inside `replica_reads()` go to the replica; everything else is left to the default routing."""

    def db_for_read(self, model, **hints):
        return replica_alias() if _reading.get() else None

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the replica holds the same rows as the primary

    def allow_migrate(self, db, app_label, **hints):
        return db != REPLICA_ALIAS  # the replica follows the primary's schema by replication


@contextmanager
def replica_reads():
    token = _reading.set(True)
    try:
        yield
    finally:
        _reading.reset(token)


def reads_from_replica(view):
    """Serve a read-only view from the replica (when one is configured) and tell the page how fresh it is."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        alias = replica_alias()
        if alias is None:
            return view(request, *args, **kwargs)
        request.replica_as_of = replica_as_of(alias)
        with replica_reads():
            return view(request, *args, **kwargs)

    return wrapper


# On a standby: when it has replayed all it received it is current; otherwise its data is as of the last
# transaction it replayed. On a primary (or a test mirror) pg_is_in_recovery() is false: current.
REPLAY_SQL = """
SELECT CASE WHEN NOT pg_is_in_recovery() OR pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN now()
            ELSE pg_last_xact_replay_timestamp() END
"""


def replica_as_of(alias):
    """The time up to which the replica's data is complete."""
    connection = connections[alias]
    if connection.vendor != "postgresql":
        return timezone.now()
    with connection.cursor() as cursor:
        cursor.execute(REPLAY_SQL)
        as_of = cursor.fetchone()[0]
    return as_of or timezone.now()


def replica_context(request):
    """Context processor: `replica_as_of` on pages served from the replica (the note in base.html)."""
    return {"replica_as_of": getattr(request, "replica_as_of", None)}
