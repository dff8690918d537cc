"""The order list's search at any length (issue 19, item 3): 2-character Chinese terms are served by the
GIN-indexed search_grams, 3+ characters by the trigram index, and shorter terms match exact codes only,
with a note on the page in the reader's language."""

from decimal import Decimal

import pytest
from django.db import connection
from django.urls import reverse

from orders import masterdata_services, services
from orders.models import Order
from orders.search import cjk_bigrams, is_short, order_search
from tests.fixtures.factories import CustomerFactory, ProductFactory, make_order

pytestmark = pytest.mark.django_db


def test_bigrams_are_the_two_character_runs_of_the_chinese_text_only():
    assert cjk_bigrams("so-2026-00001 hz01 杭州酒店 hotel 毛巾 x") == ["杭州", "州酒", "酒店", "毛巾"]
    assert cjk_bigrams("abc 1") == [] and cjk_bigrams("店") == []


@pytest.mark.parametrize("term, short", [("酒店", False), ("x", True), ("店", True), ("ab", True), ("12", True),
                                         ("a店", True), ("abc", False), ("  ", False)])
def test_which_terms_are_too_short_for_an_index(term, short):
    assert is_short(term) is short


@pytest.fixture
def hotel_and_school(sales):
    hotel = make_order(creator=sales, customer=CustomerFactory(code="HZ01", name="杭州酒店用品"),
                       products=[ProductFactory(sku="TWL-1", name="毛巾 白色")])
    school = make_order(creator=sales, customer=CustomerFactory(code="H", name="南京学校"),
                        products=[ProductFactory(sku="PEN-2", name="圆珠笔")])
    return hotel, school


def listed(client, q):
    return {o.number for o in client.get(reverse("orders:list"), {"q": q}).context["page"]}


def test_two_chinese_characters_find_names_and_products(client, sales, hotel_and_school):
    hotel, school = hotel_and_school
    client.force_login(sales)
    assert listed(client, "酒店") == {hotel.number}
    assert listed(client, "毛巾") == {hotel.number}
    assert listed(client, "学校") == {school.number}
    assert listed(client, "店用品") == {hotel.number}  # three characters: the trigram path


def test_one_character_matches_exact_codes_only_and_the_page_says_so(client, sales, hotel_and_school):
    hotel, school = hotel_and_school
    client.force_login(sales)
    assert listed(client, "店") == set()  # in the hotel's name, but one character matches codes only
    assert listed(client, "h") == {school.number}  # customer code "H", not every order with an h
    page = client.get(reverse("orders:list"), {"q": "店"}).content.decode()
    assert 'data-testid="short-search"' in page and "exact order numbers and customer codes only" in page
    assert 'data-testid="short-search"' not in client.get(reverse("orders:list"), {"q": "酒店"}).content.decode()
    client.post(reverse("accounts:switch_language"), {"language": "zh-hans", "next": "/"})
    page = client.get(reverse("orders:list"), {"q": "店"}).content.decode()
    assert "只匹配完整的订单号和客户代码" in page


def test_the_grams_follow_edits_and_customer_renames(client, sales, role_users, hotel_and_school):
    hotel, _school = hotel_and_school
    client.force_login(sales)
    towel = ProductFactory(sku="TWL-9", name="浴袍")
    services.update_order(actor=sales, order=hotel, customer=hotel.customer, requested_date=hotel.requested_date,
                          lines=[services.LineInput(towel, Decimal("5"), towel.list_price)])
    assert listed(client, "浴袍") == {hotel.number} and listed(client, "毛巾") == set()
    masterdata_services.update_customer(actor=role_users["manager"], customer=hotel.customer, name="西湖宾馆")
    assert listed(client, "宾馆") == {hotel.number} and listed(client, "酒店") == set()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the GIN index is PostgreSQL's")
def test_a_two_character_search_is_an_index_lookup(hotel_and_school):
    sql, params = Order.objects.filter(order_search("酒店")).order_by().values("id").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "order_search_grams" in plan, plan
