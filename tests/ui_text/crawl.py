"""Walks the pages a role reaches from its menu, one level of object links deep, in Simplified Chinese,
with the Django test client; used by test_chinese_pages.py (and by hand against a seeded database)."""

import re
from html.parser import HTMLParser
from urllib.parse import urlsplit

from django.apps import apps
from django.db import models

from accounts.middleware import SESSION_LANGUAGE_KEY

from .detector import findings

# Master data people type in (names, specifications, addresses): its words are data, not interface.
TYPED_IN = {
    "orders.Customer", "orders.CustomerContact", "orders.Product", "inventory.Item", "inventory.Warehouse",
    "inventory.Location", "inventory.Supplier", "inventory.Lot", "planning.WorkCalendar", "planning.WorkCenter",
    "planning.RoutingOperation", "planning.CalendarException", "quality.Characteristic", "auth.User",
    "shipping.Shipment", "inventory.ItemCategory", "inventory.StockWarningRule",
    # master data of the later stages, named by the people who keep them
    "planning.Skill", "planning.Crew", "shipping.Carrier", "shipping.TransportMode",
}
# Pages that are files, or act on GET, or leave the app: not crawled.
SKIPPED_PATHS = re.compile(r"^/(admin|api|jsi18n|static|media|documents/\d+/download)|\.(csv|xlsx|pdf|png|svg)$|"
                           r"/(logout|export)")


def data_words():
    words = set()
    for label in TYPED_IN:
        model = apps.get_model(label)
        fields = [f.name for f in model._meta.get_fields() if isinstance(f, (models.CharField, models.TextField))
                  and not f.choices and f.concrete]
        for row in model.objects.values_list(*fields):
            for value in row:
                words.update(re.findall(r"[A-Za-z_]+", value or ""))
    return frozenset(words)


class Links(HTMLParser):
    """The menu's links and the links inside <main>."""

    def __init__(self):
        super().__init__()
        self.menu, self.main, self._nav, self._main = [], [], 0, 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "nav" and "mainnav" in (attrs.get("class") or ""):
            self._nav += 1
        if tag == "main":
            self._main += 1
        if tag == "a" and attrs.get("href"):
            (self.menu if self._nav else self.main if self._main else []).append(attrs["href"])

    def handle_endtag(self, tag):
        if tag == "nav" and self._nav:
            self._nav -= 1
        if tag == "main" and self._main:
            self._main -= 1


def links(html):
    parser = Links()
    parser.feed(html)
    return parser.menu, parser.main


def shape(path):
    """/orders/12/ and /orders/13/ are one kind of page: the first one is enough."""
    return re.sub(r"\d+", "N", path)


def chinese(client, user):
    client.force_login(user)
    session = client.session
    session[SESSION_LANGUAGE_KEY] = "zh-hans"
    session.save()
    return client


def crawl(client, *, words, allowed_on=lambda url: frozenset(), seen_shapes=None):
    """{url: [finding, ...]} for every page of the menu and the first object link of each kind."""
    seen_shapes = set() if seen_shapes is None else seen_shapes
    report, errors = {}, {}
    home = client.get("/")
    menu, _main = links(home.content.decode())
    queue = [url for url in menu if url.startswith("/")]
    object_links = []

    def visit(url):
        response = client.get(url)
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            if response.status_code not in (200, 302):
                errors[url] = response.status_code
            return None
        html = response.content.decode()
        found = findings(html, data_words=words, allowed=allowed_on(url))
        if found:
            report[url] = found
        return html

    for url in ["/", *queue]:
        html = visit(url)
        if html is None:
            continue
        for href in links(html)[1]:
            parts = urlsplit(href)
            path = parts.path
            if not path.startswith("/") or SKIPPED_PATHS.search(path):
                continue
            if shape(path) not in seen_shapes:  # the query is kept: some pages need theirs (?figure=...)
                seen_shapes.add(shape(path))
                object_links.append(f"{path}?{parts.query}" if parts.query else path)
    for url in object_links:
        visit(url)
    return report, errors
