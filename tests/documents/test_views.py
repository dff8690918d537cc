"""Document pages: request, htmx status polling, download, retry; permission checked on the server."""

import pytest
from django.urls import reverse

from documents import services
from documents.models import Document, DocumentStatus
from documents.tasks import render_document
from orders.models import OrderStatus
from tests.fixtures.factories import UserFactory, make_order

HTMX = {"HTTP_HX_REQUEST": "true", "HTTP_HX_CURRENT_URL": "http://testserver/orders/1/"}


def request_url(order):
    return reverse("documents:request", args=["order_confirmation", order.pk])


def ready_document(actor, order):
    document = services.request_document(actor=actor, kind="order_confirmation", obj=order)
    render_document(document.pk)
    document.refresh_from_db()
    assert document.status == DocumentStatus.READY, document.error
    return document


@pytest.mark.django_db
def test_generate_button_requests_a_document_and_returns_to_the_order(client, sales, approved_order,
                                                                       django_capture_on_commit_callbacks):
    client.force_login(sales)
    order_url = reverse("orders:detail", args=[approved_order.pk])
    page = client.get(order_url).content.decode()
    assert 'data-testid="generate-order_confirmation"' in page and request_url(approved_order) in page

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(request_url(approved_order), {"next": order_url})
    assert response.status_code == 302 and response.url == order_url
    document = Document.objects.get()
    assert document.status == DocumentStatus.PENDING and document.requested_by == sales
    assert len(callbacks) == 1

    page = client.get(order_url).content.decode()
    assert f'hx-get="{reverse("documents:status", args=[document.pk])}"' in page
    assert 'hx-trigger="every 2s"' in page


@pytest.mark.django_db
def test_generate_with_htmx_swaps_in_the_panel_that_polls(client, sales, approved_order,
                                                          django_capture_on_commit_callbacks):
    client.force_login(sales)
    with django_capture_on_commit_callbacks(execute=False):
        response = client.post(request_url(approved_order), **HTMX)
    assert response.status_code == 200
    body = response.content.decode()
    document = Document.objects.get()
    assert 'data-testid="documents-order_confirmation"' in body
    assert 'hx-trigger="every 2s"' in body and reverse("documents:status", args=[document.pk]) in body
    assert 'name="next" value="/orders/1/"' in body


@pytest.mark.django_db
def test_external_next_is_not_followed(client, sales, approved_order):
    client.force_login(sales)
    response = client.post(request_url(approved_order), {"next": "https://evil.example/"})
    assert response.status_code == 302 and response.url == reverse("home")


@pytest.mark.django_db
def test_status_fragment_polls_while_pending_and_links_the_file_when_ready(client, sales, approved_order):
    client.force_login(sales)
    document = services.request_document(actor=sales, kind="order_confirmation", obj=approved_order)
    status_url = reverse("documents:status", args=[document.pk])

    pending = client.get(status_url, **HTMX)
    assert pending.status_code == 200 and "no-store" in pending["Cache-Control"]
    body = pending.content.decode()
    assert 'hx-trigger="every 2s"' in body and f'hx-get="{status_url}"' in body and 'hx-swap="outerHTML"' in body
    assert "documents:download" not in body and reverse("documents:download", args=[document.pk]) not in body

    render_document(document.pk)
    ready = client.get(status_url, **HTMX).content.decode()
    assert "hx-trigger" not in ready  # polling stops
    assert f'href="{reverse("documents:download", args=[document.pk])}"' in ready
    assert f"{approved_order.number}-order-confirmation.pdf" in ready


@pytest.mark.django_db
def test_failed_status_shows_the_error_and_retry_queues_it_again(client, sales, approved_order,
                                                                 django_capture_on_commit_callbacks):
    client.force_login(sales)
    document = services.request_document(actor=sales, kind="order_confirmation", obj=approved_order)
    Document.objects.filter(pk=document.pk).update(status=DocumentStatus.FAILED,
                                                   error="WeasyPrint: <b>font</b> missing")
    body = client.get(reverse("documents:status", args=[document.pk]), **HTMX).content.decode()
    assert "hx-trigger" not in body
    assert "WeasyPrint: &lt;b&gt;font&lt;/b&gt; missing" in body  # the error, escaped
    retry_url = reverse("documents:retry", args=[document.pk])
    assert f'hx-post="{retry_url}"' in body and 'data-testid="document-retry"' in body

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(retry_url, **HTMX)
    assert response.status_code == 200 and len(callbacks) == 1
    assert 'hx-trigger="every 2s"' in response.content.decode()
    document.refresh_from_db()
    assert document.status == DocumentStatus.PENDING and document.error == ""


@pytest.mark.django_db
def test_download_streams_the_pdf_as_an_attachment(client, sales, approved_order):
    document = ready_document(sales, approved_order)
    client.force_login(sales)
    response = client.get(reverse("documents:download", args=[document.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="{approved_order.number}-order-confirmation.pdf"'
    assert b"".join(response.streaming_content).startswith(b"%PDF-")


@pytest.mark.django_db
def test_download_of_a_pending_document_is_not_found(client, sales, approved_order):
    document = services.request_document(actor=sales, kind="order_confirmation", obj=approved_order)
    client.force_login(sales)
    assert client.get(reverse("documents:download", args=[document.pk])).status_code == 404


@pytest.mark.django_db
def test_user_without_the_permission_gets_403_everywhere(client, sales, approved_order):
    document = ready_document(sales, approved_order)
    outsider = UserFactory()  # no role: no orders.view_order
    client.force_login(outsider)
    assert client.post(request_url(approved_order)).status_code == 403
    assert client.get(reverse("documents:download", args=[document.pk])).status_code == 403
    assert client.get(reverse("documents:status", args=[document.pk])).status_code == 403
    assert client.post(reverse("documents:retry", args=[document.pk])).status_code == 403
    assert Document.objects.count() == 1


@pytest.mark.django_db
def test_anonymous_users_are_sent_to_login(client, sales, approved_order):
    document = ready_document(sales, approved_order)
    response = client.get(reverse("documents:download", args=[document.pk]))
    assert response.status_code == 302 and reverse("accounts:login") in response.url
    assert client.post(request_url(approved_order)).status_code == 302
    assert Document.objects.count() == 1


@pytest.mark.django_db
def test_unknown_objects_and_kinds_are_not_found(client, sales, approved_order):
    client.force_login(sales)
    assert client.post(reverse("documents:request", args=["order_confirmation", 999999])).status_code == 404
    assert client.post(reverse("documents:request", args=["no_such_kind", approved_order.pk])).status_code == 404
    assert client.get(reverse("documents:status", args=[999999])).status_code == 404
    assert client.get(request_url(approved_order)).status_code == 405  # requesting is a POST
    assert not Document.objects.exists()


@pytest.mark.django_db
def test_draft_order_shows_why_no_confirmation_and_refuses_it(client, sales):
    order = make_order(creator=sales, status=OrderStatus.DRAFT)
    client.force_login(sales)
    page = client.get(reverse("orders:detail", args=[order.pk])).content.decode()
    assert 'data-testid="documents-unavailable"' in page
    assert 'data-testid="generate-order_confirmation"' not in page
    response = client.post(request_url(order), **HTMX)
    assert response.status_code == 200
    assert 'data-testid="documents-error"' in response.content.decode()
    assert not Document.objects.exists()


@pytest.mark.django_db
def test_generated_files_have_no_public_url(client, sales, approved_order):
    document = ready_document(sales, approved_order)
    client.force_login(sales)
    assert client.get("/media/" + document.file.name).status_code == 404
    assert client.get("/static/" + document.file.name).status_code == 404


@pytest.mark.django_db
def test_the_language_is_chosen_on_the_panel_and_defaults_to_the_customers(client, sales, approved_order):
    client.force_login(sales)
    page = client.get(reverse("orders:detail", args=[approved_order.pk])).content.decode()
    assert '<option value="zh-hans" selected>' in page  # the customer's document language

    client.post(request_url(approved_order), {"language": "en"})
    assert Document.objects.get().language == "en"

    response = client.post(request_url(approved_order), {"language": "xx-evil"}, **HTMX)
    assert "cannot be made in the language" in response.content.decode()
    assert Document.objects.count() == 1
