"""The Celery worker's heartbeat: every HEARTBEAT_SECONDS each worker writes the time into a Redis hash on
the broker, so /readyz and the operations page can tell whether a worker is alive without asking it over
the broker (which waits for replies). Registered as a worker bootstep in config/celery_app.py."""

import time

from celery import bootsteps

HEARTBEAT_SECONDS = 15
HEARTBEAT_KEY = "orderflow:worker-heartbeats"


def redis_client(broker_url, timeout=2.0):
    import redis  # lazy: ~75 ms on every start-up; only a worker with a broker needs it

    return redis.Redis.from_url(broker_url, socket_connect_timeout=timeout, socket_timeout=timeout)


def beat(broker_url, hostname, queue):
    try:
        client = redis_client(broker_url)
        client.hset(HEARTBEAT_KEY, f"{hostname}|{queue}", f"{time.time():.3f}")
        client.close()
    except Exception:  # noqa: BLE001 - a missed beat shows as an old heartbeat, never as a dead worker
        pass


def latest_heartbeat(broker_url, queue):
    """Seconds since epoch of the newest heartbeat of a worker consuming `queue`, or None."""
    client = redis_client(broker_url)
    try:
        values = client.hgetall(HEARTBEAT_KEY)
    finally:
        client.close()
    times = [float(value) for key, value in values.items() if key.decode().rsplit("|", 1)[-1] == queue]
    return max(times) if times else None


class WorkerHeartbeat(bootsteps.StartStopStep):
    requires = {"celery.worker.components:Timer"}

    def __init__(self, worker, **kwargs):
        super().__init__(worker, **kwargs)
        self.timer_ref = None

    def start(self, worker):
        broker_url = worker.app.conf.broker_url
        queue = worker.app.conf.task_default_queue
        if not broker_url or not broker_url.startswith(("redis://", "rediss://")):
            return
        beat(broker_url, worker.hostname, queue)
        self.timer_ref = worker.timer.call_repeatedly(HEARTBEAT_SECONDS, beat, (broker_url, worker.hostname, queue),
                                                      priority=10)

    def stop(self, worker):
        if self.timer_ref is not None:
            self.timer_ref.cancel()
            self.timer_ref = None
