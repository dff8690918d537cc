"""Who holds a claimed row (a document being rendered, an alert or webhook being sent), so that a row
claimed by a worker that died can be taken over at once instead of after the claim's staleness timeout.

A claim records `host|pid` of the process that took it. On the same host a claim whose process no longer
exists is dead (a worker killed with SIGKILL, by the OOM killer, a pool child lost); on another host we
cannot look, and the claim's lease (a time that the holder renews while it works) decides. docs/locking.md
has the figures."""

import os
import socket


def holder() -> str:
    """This process, as written into a claim."""
    return f"{socket.gethostname()}|{os.getpid()}"[:120]


def holder_is_dead(claimed_by: str) -> bool:
    """True when the claim was taken by a process of this host that does not exist any more."""
    host, _sep, pid = (claimed_by or "").rpartition("|")
    if host != socket.gethostname() or not pid.isdigit():
        return False
    if int(pid) == os.getpid():
        return False
    try:
        os.kill(int(pid), 0)  # signal 0: only asks whether the process exists
    except ProcessLookupError:
        return True
    except PermissionError:  # exists, belongs to another user
        return False
    return False
