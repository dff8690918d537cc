"""What an alert is about, and whether that is settled so its escalation stops.

An alert's `link` is the page of what it is about (an order, an exception report, an NCR, a rush
request…). Each stage app registers, for the URL names of its pages, a function telling whether the
thing on that page is settled (order closed or cancelled, exception resolved, NCR closed, rush request
decided…). alerts imports no stage app: the stage apps register here from their AppConfig.ready().

A settled function takes the alert and the URL's arguments and returns None (still open) or a
(message, params) pair: an English source message marked with gettext_noop and its values, stored on
the alert and shown in each reader's language."""

from urllib.parse import urlsplit

from django.urls import Resolver404, resolve

_SETTLED = {}


def register(url_name, settled):
    """`settled(alert, **url_kwargs)` → None or (message, params) for alerts linking to `url_name`."""
    _SETTLED[url_name] = settled


def settled(alert):
    """Why the alert's subject needs no more escalation, as (message, params); None while it is open or
    when the alert's link names nothing known."""
    if not alert.link:
        return None
    try:
        match = resolve(urlsplit(alert.link).path)
    except Resolver404:
        return None
    check = _SETTLED.get(match.view_name)
    return check(alert, **match.kwargs) if check else None
