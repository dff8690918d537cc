"""What a Chinese and an English reader see on the rush pages and the production notice: times in the
reader's format (never ISO 8601 with its "T" and offset), delays as "1 天 2 小时" / "1 d 2 h" (never bare
minutes), each heading once (not "急单评审 急单评审")."""

import re
import subprocess

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.dateparse import parse_datetime

from documents.models import Document, DocumentStatus
from rush import services
from systemtext.text import duration_text
from tests.test_translations import VisibleText, compiled_catalog  # noqa: F401  (fixture)

from .test_rush_review import factory, people, sign_all  # noqa: F401  (fixtures)
from .test_rush_review import request as ask_rush

pytestmark = pytest.mark.django_db
ISO_TIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")
CHINESE_WORDS = re.compile(r"[\u4e00-\u9fff]+")


def doubled(heading):
    """The same Chinese phrase twice in a row ("急单评审 急单评审")."""
    words = CHINESE_WORDS.findall(heading)
    return any(first == second for first, second in zip(words, words[1:], strict=False))


def page_as(client, user, language, url):
    client.force_login(user)
    client.post(reverse("accounts:switch_language"), {"language": language, "next": "/"})
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def headings(html):
    return [re.sub(r"<[^>]+>", " ", text) for text in re.findall(r"<h[12][^>]*>(.*?)</h[12]>", html, re.S)]


def visible(html):
    parser = VisibleText()
    parser.feed(html)
    return " ".join(parser.parts)


def test_the_rush_review_page_shows_times_and_delays_for_each_reader(client, people, factory,  # noqa: F811
                                                                     compiled_catalog):  # noqa: F811
    _shop, _a, _b, r = factory
    rush_request = ask_rush(people, r)
    moves = rush_request.facts["schedule"]["moves"]
    assert moves and all(move["delay_minutes"] >= 60 for move in moves)
    url = reverse("rush:detail", args=[rush_request.pk])
    finish = timezone.localtime(parse_datetime(rush_request.facts["schedule"]["finish"]))

    chinese = page_as(client, people["manager"], "zh-hans", url)
    text = visible(chinese)
    assert not ISO_TIME.search(text) and "+08:00" not in text
    assert f"{finish.year}年{finish.month}月{finish.day}日 {finish:%H:%M}" in text
    with translation.override("zh-hans"):
        delays = [duration_text(move["delay_minutes"]) for move in moves]
    assert all("小时" in delay or "天" in delay for delay in delays)
    cells = re.findall(r'data-testid="rush-delay">([^<]*)<', chinese)
    assert cells == delays
    assert "推迟（分钟）" not in text

    english = page_as(client, people["manager"], "en", url)
    text = visible(english)
    assert not ISO_TIME.search(text) and f"{finish:%Y-%m-%d %H:%M}" in text
    assert "Later by (min)" not in text and "Later by" in text
    with translation.override("en"):
        assert re.findall(r'data-testid="rush-delay">([^<]*)<', english) == [
            duration_text(move["delay_minutes"]) for move in moves]


def test_rush_headings_are_not_doubled_in_chinese(client, people, factory, compiled_catalog):  # noqa: F811
    _shop, _a, _b, r = factory
    rush_request = ask_rush(people, r)
    manager = people["manager"]
    pages = [(manager, reverse("rush:board")), (manager, reverse("rush:report")),
             (manager, reverse("rush:detail", args=[rush_request.pk])),
             (manager, reverse("rush:order_panel", args=[r.pk])),
             (people["production"], reverse("production:exception_create"))]
    for user, url in pages:
        shown = headings(page_as(client, user, "zh-hans", url))
        assert shown, url
        assert not [h for h in shown if doubled(h)], (url, shown)
    page = page_as(client, manager, "zh-hans", reverse("rush:detail", args=[rush_request.pk]))
    assert "急单评审 急单评审" not in page and headings(page)[0].count("急单评审") == 1
    assert headings(page_as(client, manager, "zh-hans", reverse("rush:board")))[0].strip() == "急单看板"
    assert headings(page_as(client, people["sales"], "zh-hans", reverse("rush:request", args=[r.pk])))[0].count(
        "急单") == 1


def test_the_production_notice_prints_the_expected_finish_for_the_reader(
        people, factory, settings, tmp_path, django_capture_on_commit_callbacks, compiled_catalog):  # noqa: F811
    settings.MEDIA_ROOT = tmp_path
    _shop, _a, _b, r = factory
    rush_request = ask_rush(people, r)
    sign_all(people, rush_request)
    with translation.override("zh-hans"), django_capture_on_commit_callbacks(execute=True):
        services.approve_rush(actor=people["manager"], request=rush_request)
    rush_request.refresh_from_db()
    notice = Document.objects.get(kind="production_notice", object_id=rush_request.pk)
    assert notice.status == DocumentStatus.READY, notice.error
    text = subprocess.run(["pdftotext", "-layout", notice.file.path, "-"], capture_output=True, text=True,
                          check=True).stdout
    finish = timezone.localtime(parse_datetime(rush_request.decision_facts["schedule"]["finish"]))
    assert not ISO_TIME.search(text) and "+08:00" not in text
    assert f"{finish.year}年{finish.month}月{finish.day}日 {finish:%H:%M}" in text


def test_why_the_schedule_has_no_answer_reads_in_each_language(client, people, factory,  # noqa: F811
                                                               compiled_catalog):  # noqa: F811
    from orders.models import Order
    from planning.models import WorkOrder

    _shop, _a, _b, r = factory
    Order.objects.filter(pk=r.pk).update(status="in_production")
    WorkOrder.objects.filter(order=r).update(status="cancelled")  # nothing left to speed up
    with translation.override("zh-hans"):  # asked by a Chinese user…
        rush_request = ask_rush(people, r)
    [reason] = rush_request.facts["schedule"]["reasons"]
    assert reason["id"] == "Order %(number)s has no open work orders left to speed up."
    url = reverse("rush:detail", args=[rush_request.pk])
    # …read by an English manager and by a Chinese one.
    assert f"Order {r.number} has no open work orders left to speed up." in visible(
        page_as(client, people["manager"], "en", url))
    assert "has no open work orders" not in visible(page_as(client, people["manager"], "zh-hans", url))
