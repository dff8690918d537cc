"""Exception report pages through Django's test client: reporting from the tablet with photos, photo type
and size limits, the permission-checked photo view, list filters, the detail timeline and its actions."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from PIL import Image

from production.exception_reports import report_exception, resolve_exception
from production.models import ExceptionPhoto, ExceptionReport
from production.photos import PHOTO_MAX_BYTES
from tests.fixtures.factories import user_with_role
from tests.inventory.masterdata import make_work_center

from .helpers import operations_of, released_order

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def image_file(name="leak.png", image_format="PNG", size=(40, 30)):
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, format=image_format)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def create_url(**query):
    url = reverse("production:exception_create")
    return url + ("?" + "&".join(f"{key}={value}" for key, value in query.items()) if query else "")


def test_tablet_links_to_a_report_prefilled_with_the_operation(shop, operator_client):
    order = released_order(shop)
    sub_op, _first, _second = operations_of(order)
    tablet = operator_client.get(reverse("production:tablet", args=[shop["cut"].pk])).content.decode()
    assert f'href="{create_url(work_center=shop["cut"].pk)}"' in tablet
    assert f'href="{create_url(operation=sub_op.pk)}"' in tablet

    page = operator_client.get(create_url(operation=sub_op.pk)).content.decode()
    assert f'name="operation" value="{sub_op.pk}"' in page
    assert f'<option value="{shop["cut"].pk}" selected>' in page
    assert f"On operation 10 of {sub_op.work_order.number} (order {order.number})." in page


def test_report_with_photos_from_the_tablet(shop, operator_client, operator, media):
    order = released_order(shop)
    sub_op, _first, _second = operations_of(order)
    response = operator_client.post(create_url(operation=sub_op.pk), {
        "type": "quality_problem", "severity": "high", "work_center": shop["cut"].pk, "operation": sub_op.pk,
        "description": "Cracks on the weld", "photos": [image_file("one.png"), image_file("two.jpg", "JPEG")],
    })
    report = ExceptionReport.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("production:exception_detail",
                                                                            args=[report.pk])
    assert list(report.affected_orders.all()) == [order]
    photos = list(report.photos.order_by("pk"))
    assert [(p.original_name, p.content_type) for p in photos] == [("one.png", "image/png"),
                                                                  ("two.jpg", "image/jpeg")]
    stored = media / photos[0].file.name
    assert stored.is_file() and photos[0].file.name.startswith("production/exceptions/")
    assert "one" not in photos[0].file.name  # stored under a random name

    detail = operator_client.get(response["Location"]).content.decode()
    photo_url = reverse("production:exception_photo", args=[report.pk, photos[0].pk])
    assert f'src="{photo_url}"' in detail and "Cracks on the weld" in detail
    served = operator_client.get(photo_url)
    assert served.status_code == 200 and served["Content-Type"] == "image/png"
    assert b"".join(served.streaming_content) == stored.read_bytes()


@pytest.mark.parametrize("role", ["sales", "warehouse", "qc"])
def test_photos_and_reports_are_not_shown_to_other_roles(shop, operator, client, role):
    report = report_exception(actor=operator, type="other", work_center=shop["cut"], description="x",
                              photos=[image_file()])
    client.force_login(user_with_role(role))
    photo = report.photos.get()
    assert client.get(reverse("production:exception_photo", args=[report.pk, photo.pk])).status_code == 403
    assert client.get(reverse("production:exception_detail", args=[report.pk])).status_code == 403
    assert client.get(reverse("production:exception_list")).status_code == 403
    assert client.get(create_url()).status_code == 403


def test_a_photo_is_found_only_through_its_own_report(shop, operator, operator_client):
    one = report_exception(actor=operator, type="other", work_center=shop["cut"], description="x",
                           photos=[image_file()])
    two = report_exception(actor=operator, type="other", work_center=shop["cut"], description="y")
    photo = one.photos.get()
    assert operator_client.get(reverse("production:exception_photo", args=[two.pk, photo.pk])).status_code == 404


@pytest.mark.parametrize(("upload", "message"), [
    (SimpleUploadedFile("fake.png", b"this is not an image at all", content_type="image/png"), "is not a photo"),
    (SimpleUploadedFile("drawing.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
                        content_type="image/svg+xml"), "is not a photo"),
    ("gif", "is not a photo"),
    (SimpleUploadedFile("empty.png", b"", content_type="image/png"), "empty"),
    ("huge", "is larger than 5.0"),
])
def test_bad_photos_are_refused_and_nothing_is_written(shop, operator_client, media, upload, message):
    if upload == "gif":
        upload = image_file("anim.gif", "GIF")
    elif upload == "huge":
        upload = SimpleUploadedFile("huge.jpg", b"\xff\xd8\xff" + b"0" * PHOTO_MAX_BYTES, content_type="image/jpeg")
    response = operator_client.post(create_url(), {
        "type": "tooling", "severity": "low", "work_center": shop["cut"].pk, "description": "Worn tool",
        "photos": [image_file("good.png"), upload]})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not ExceptionReport.objects.exists() and not ExceptionPhoto.objects.exists()
    assert not any(path.is_file() for path in media.rglob("*"))


def test_too_many_photos_are_refused(shop, operator_client):
    response = operator_client.post(create_url(), {
        "type": "tooling", "work_center": shop["cut"].pk, "description": "x", "severity": "low",
        "photos": [image_file(f"p{n}.png") for n in range(7)]})
    assert "Attach at most 6 photos" in response.content.decode()
    assert not ExceptionReport.objects.exists()


def test_form_errors_keep_what_was_typed(shop, operator_client):
    response = operator_client.post(create_url(), {
        "type": "tooling", "severity": "low", "work_center": shop["cut"].pk, "description": "Worn tool",
        "down_until": "2020-01-01T08:00"})
    page = response.content.decode()
    assert "Only a machine breakdown takes the work center down" in page
    assert "Worn tool" in page
    assert not ExceptionReport.objects.exists()


def test_more_photos_can_be_added_until_resolved(shop, operator, operator_client):
    report = report_exception(actor=operator, type="other", work_center=shop["cut"], description="x")
    url = reverse("production:exception_add_photos", args=[report.pk])
    operator_client.post(url, {"expected_status": "open", "photos": [image_file("later.png")]})
    assert list(report.photos.values_list("original_name", flat=True)) == ["later.png"]
    assert report.events.filter(action="photos_added", note="later.png").exists()
    bad = operator_client.post(url, {"photos": [SimpleUploadedFile("x.png", b"nope")]}, follow=True)
    assert "is not a photo" in bad.content.decode()
    operator_client.post(reverse("production:exception_action", args=[report.pk, "resolve"]),
                         {"action_taken": "fixed"})
    refused = operator_client.post(url, {"photos": [image_file("late.png")]}, follow=True)
    assert "is resolved; no more photos can be added" in refused.content.decode()
    assert report.photos.count() == 1


def test_detail_actions_acknowledge_and_resolve(shop, operator, client):
    report = report_exception(actor=operator, type="other", work_center=shop["cut"], description="x")
    client.force_login(user_with_role("planner"))
    detail_url = reverse("production:exception_detail", args=[report.pk])
    page = client.get(detail_url).content.decode()
    assert 'data-testid="acknowledge-form"' in page and 'data-testid="resolve-form"' in page
    client.post(reverse("production:exception_action", args=[report.pk, "acknowledge"]),
                {"expected_status": "open", "note": "seen"})
    stale = client.post(reverse("production:exception_action", args=[report.pk, "acknowledge"]),
                        {"expected_status": "open"}, follow=True)
    assert "changed by someone else" in stale.content.decode()
    empty = client.post(reverse("production:exception_action", args=[report.pk, "resolve"]),
                        {"expected_status": "acknowledged", "action_taken": ""}, follow=True)
    assert "Describe the action taken" in empty.content.decode()
    client.post(reverse("production:exception_action", args=[report.pk, "resolve"]),
                {"expected_status": "acknowledged", "action_taken": "Replaced the belt"})
    page = client.get(detail_url).content.decode()
    assert page.count('data-action="') == 3 and "Replaced the belt" in page
    assert 'data-testid="resolve-form"' not in page
    assert client.post(reverse("production:exception_action", args=[report.pk, "explode"])).status_code == 404


def test_sales_cannot_act_on_a_report(shop, operator, client):
    report = report_exception(actor=operator, type="other", work_center=shop["cut"], description="x")
    client.force_login(user_with_role("sales"))
    assert client.post(reverse("production:exception_action", args=[report.pk, "resolve"]),
                       {"action_taken": "x"}).status_code == 403
    assert ExceptionReport.objects.get(pk=report.pk).status == "open"


def test_list_filters_search_and_query_count(shop, operator, client):
    press = make_work_center("PRESS")
    order = released_order(shop)
    on_order = report_exception(actor=operator, type="tooling", operation=operations_of(order)[0],
                                description="Jig worn")
    on_press = report_exception(actor=operator, type="machine_breakdown", work_center=press, description="Oil leak")
    resolved = report_exception(actor=operator, type="other", work_center=press, description="Light out")
    resolve_exception(actor=operator, report=resolved, action_taken="bulb")
    client.force_login(user_with_role("manager"))
    url = reverse("production:exception_list")

    def numbers(**query):
        page = client.get(url, query).content.decode()
        return {number for number in (on_order.number, on_press.number, resolved.number) if number in page}

    assert numbers() == {on_order.number, on_press.number, resolved.number}
    assert numbers(status="open_all") == {on_order.number, on_press.number}
    assert numbers(status="resolved") == {resolved.number}
    assert numbers(type="machine_breakdown") == {on_press.number}
    assert numbers(work_center=press.pk) == {on_press.number, resolved.number}
    assert numbers(q=order.number) == {on_order.number}
    assert numbers(q="oil") == {on_press.number}
    assert numbers(q=resolved.number) == {resolved.number}

    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for n in range(20):
        report_exception(actor=operator, type="other", operation=operations_of(order)[n % 3], description=f"#{n}")
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many) == len(few)
