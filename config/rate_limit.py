"""Requests per client and time window, counted in the cache (CACHE_URL: Redis, shared by every web
process; in-process otherwise). Used by the public pages that need no login (the customer's tracking page),
where guessing or scraping would otherwise cost nothing.

The client is the connecting address, or, behind RATE_LIMIT_PROXY_COUNT trusted reverse proxies, the
address the outermost of them saw (counted from the right of X-Forwarded-For, so a client cannot choose
its own by sending the header)."""

import time

from django.conf import settings
from django.core.cache import cache

PERIODS = {"second": 1, "minute": 60, "hour": 3600, "day": 86400}


def parse_rate(rate):
    """"30/minute" -> (30, 60)."""
    count, _slash, period = rate.partition("/")
    return int(count), PERIODS[period.strip().lower()]


def client_address(request):
    proxies = settings.RATE_LIMIT_PROXY_COUNT
    if proxies:
        hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
        if len(hops) >= proxies:
            return hops[-proxies]
    return request.META.get("REMOTE_ADDR", "")


def hit(scope, request, rate):
    """Count one request of this client in `scope`; None while within `rate`, else the seconds until the
    window ends (for Retry-After)."""
    limit, period = parse_rate(rate)
    now = time.time()
    window = int(now // period)
    key = f"rate:{scope}:{client_address(request)}:{window}"
    cache.add(key, 0, timeout=period + 1)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr: this request opens the window
        cache.add(key, 1, timeout=period + 1)
        count = 1
    if count <= limit:
        return None
    return max(1, int((window + 1) * period - now + 0.999))
