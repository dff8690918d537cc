"""The 400/403/404/500 pages and the CSRF failure page are OrderFlow pages (the usual layout and
stylesheet) in the reader's language, without internal detail; the 500 page reads nothing from the
database, so it renders whatever broke (issue 13, "Chinese users")."""

import pytest
from django.test import Client
from django.urls import reverse
from django.views.defaults import server_error

from tests.error_urls import SECRET_DETAIL
from tests.fixtures.factories import user_with_role

ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
STYLESHEET = "css/orderflow.css"


def assert_orderflow_page(response, status, *texts, absent=()):
    html = response.content.decode()
    assert response.status_code == status
    assert STYLESHEET in html and 'class="topbar"' in html and f'data-status="{status}"' in html
    for text in texts:
        assert text in html, text
    for text in (SECRET_DETAIL, "Traceback", "Django", *absent):
        assert text not in html, text
    return html


@pytest.mark.django_db
def test_page_not_found_in_chinese_for_a_signed_in_user_with_the_menu(client):
    client.force_login(user_with_role("sales"))
    html = assert_orderflow_page(client.get("/orders/no-such-page/", **ZH), 404, "页面不存在", "返回首页",
                                 absent=("Not Found", "The requested resource"))
    assert 'class="mainnav"' in html and "订单" in html


@pytest.mark.django_db
def test_page_not_found_in_english_for_a_visitor(client):
    assert_orderflow_page(client.get("/no-such-page/", **EN), 404, "Page not found", "Go to the start page")


@pytest.mark.django_db
def test_a_page_of_another_role_is_refused_in_chinese_without_detail(client):
    client.force_login(user_with_role("sales"))
    response = client.get(reverse("quality:queue"), **ZH)
    assert_orderflow_page(response, 403, "您无权打开此页面", absent=("403 Forbidden",))


@pytest.mark.django_db
def test_an_out_of_date_form_gets_the_403_page_saying_to_reload(settings):
    csrf_checking = Client(enforce_csrf_checks=True)
    response = csrf_checking.post(reverse("accounts:login"), {"username": "x", "password": "y"}, **ZH)
    assert_orderflow_page(response, 403, "表单已过期", absent=("CSRF verification", "Forbidden"))


# No django_db mark: a query from the 500 page would fail the test ("Database access not allowed").
@pytest.mark.urls("tests.error_urls")
@pytest.mark.parametrize(("language", "text"), [("zh-hans", "出错了"), ("en", "Something went wrong")])
def test_a_server_error_gives_the_500_page_in_the_readers_language_without_the_database(language, text):
    client = Client(raise_request_exception=False)
    response = client.get("/test-errors/500/", HTTP_ACCEPT_LANGUAGE=language)
    html = assert_orderflow_page(response, 500, text)
    assert f'lang="{language}"' in html
    assert "langswitch" not in html  # the switch needs the session, which the 500 page does not read


def test_the_500_handler_itself_makes_no_query(rf):
    assert server_error(rf.get("/")).status_code == 500


@pytest.mark.urls("tests.error_urls")
def test_a_request_that_cannot_be_read_gives_the_400_page_in_chinese():
    client = Client(raise_request_exception=False)
    assert_orderflow_page(client.get("/test-errors/400/", **ZH), 400, "无法读取请求")


# No django_db mark: the page for a database outage must not query the database either.
def test_the_database_outage_page_is_an_orderflow_page_in_chinese(rf):
    from django.core.signals import got_request_exception
    from django.db import OperationalError

    from config.database_outage import DatabaseUnavailableMiddleware

    def failing_view(request):
        # What Django does with an exception raised below the middleware: the signal, then a 500 response.
        try:
            raise OperationalError(SECRET_DETAIL)
        except OperationalError:
            got_request_exception.send(sender=None, request=request)
        from django.http import HttpResponseServerError

        return HttpResponseServerError("bare")

    request = rf.get("/orders/", HTTP_ACCEPT_LANGUAGE="zh-CN")
    response = DatabaseUnavailableMiddleware(failing_view)(request)
    assert_orderflow_page(response, 503, "OrderFlow 暂时繁忙", 'data-testid="database-unavailable"')
