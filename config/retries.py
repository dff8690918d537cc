"""Declarative retries for the row-first background tasks (alert, webhook and document delivery).

Each task declares on its decorator what Celery retries (`autoretry_for`), the back-off (`retry_backoff`
seconds, doubling per retry up to `retry_backoff_max`, with full `retry_jitter` so a burst of failures
does not come back at the same moment) and how often (`max_retries`). A task's own body only records,
on the row, a failure that Celery will not retry (`is_final_attempt`): the System status page lists it
with its Retry button.
"""

from django.conf import settings

# The longest wait between two tries (seconds); it also bounds the broker's visibility timeout
# (settings.base). Tests that watch a real worker retry shorten it.
BACKOFF_MAX = settings.TASK_RETRY_BACKOFF_MAX


def is_final_attempt(task):
    """True when a failure now is the last: out of retries, or a direct call (which cannot retry)."""
    return task.request.called_directly or task.request.retries >= task.max_retries
