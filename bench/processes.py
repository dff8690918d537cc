"""Child processes of the bench (gunicorn, a Celery worker): started in their own process group on
127.0.0.1 and always stopped by that group's id, so nothing the bench started outlives it."""

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


_handed_out = set()


def free_port():
    """A free port on 127.0.0.1 for a server of this run: the kernel's choice, or the first free one from
    BENCH_PORT upwards when that is set (a run that must fit a firewall rule, or two runs side by side on
    known ports). Each port is handed out once per run."""
    first = int(os.environ.get("BENCH_PORT") or 0)
    for port in range(first, first + 200) if first else [0]:
        if port in _handed_out:
            continue
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            chosen = sock.getsockname()[1]
        _handed_out.add(chosen)
        return chosen
    raise RuntimeError(f"no free port on 127.0.0.1 in {first}-{first + 199} (BENCH_PORT)")


def child_env(**extra):
    """The environment a child needs to run the bench settings against the same database."""
    env = dict(os.environ)
    env.update({"DJANGO_SETTINGS_MODULE": "bench.settings", "PYTHONPATH": str(ROOT)}, **extra)
    return env


def start(args, *, env, log_path):
    log = open(log_path, "wb")  # noqa: SIM115 - closed in stop()
    proc = subprocess.Popen([sys.executable, *args], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                            start_new_session=True)
    proc.bench_log = log
    return proc


def stop(proc, *, timeout=15):
    """SIGTERM to the child's process group (its workers too), SIGKILL after `timeout` seconds."""
    if proc is None:
        return
    try:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=5)
        # Workers the master forked may linger for a moment after it exits.
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    finally:
        proc.bench_log.close()


def wait_until(check, *, timeout, interval=0.2, proc=None, what="process"):
    """Call check() until it returns true, at most `timeout` seconds; fail early if `proc` died."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"{what} exited with {proc.returncode}; see {proc.bench_log.name}")
        if check():
            return
        time.sleep(interval)
    raise RuntimeError(f"{what} not ready after {timeout} s")
