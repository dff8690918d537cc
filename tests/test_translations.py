"""Simplified Chinese ships with English: the catalog covers every string in the source, and pages
really come out in Chinese (compiled catalog, translated statuses and errors, Chinese dates)."""

import os
import re
import shutil
import subprocess
import sys
from datetime import timedelta
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.signals import setting_changed
from django.urls import reverse
from django.utils import timezone, translation

from orders.models import Currency, Order, OrderStatus
from tests.fixtures.factories import CustomerFactory, ProductFactory, make_order, user_with_role

BASE_DIR = Path(settings.BASE_DIR)
LOCALE_DIR = BASE_DIR / "locale"
CATALOG = LOCALE_DIR / "zh_Hans" / "LC_MESSAGES" / "django.po"
# Folders that `make messages` leaves out (the virtualenv holds Django's own catalogs).
NOT_SOURCE = [".venv", "staticfiles", "var", "node_modules", "tests", "bench"]
SOURCE_SUFFIXES = {".py", ".html", ".txt", ".js"}
# Translations that may stay in Latin letters: the badge already reads "RUSH 急单", and the standard
# abbreviations Chinese factories use as they are (GB/T 2828.1 prints AQL, Ac and Re; NCR, SPC, PDF, EDI).
LATIN_TRANSLATIONS = {"RUSH", "AQL", "Ac", "Re", "NCR", "SPC", "PDF", "EDI"}
CURRENCY_CODES = set(Currency.values)
CHINESE = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")


def gettext_tool(*args):
    """Run a GNU gettext program (Debian package gettext, installed by `make install`)."""
    if shutil.which(args[0]) is None:
        pytest.fail(f"{args[0]} is missing: install the gettext package (make install)")
    return subprocess.run(args, capture_output=True, text=True, check=False)


def msgids(po_text):
    """The msgids (with their context) of the entries in gettext output; the header is left out."""
    found = []
    for block in re.split(r"\n\s*\n", po_text):
        context = re.search(r'^msgctxt "(.*)"', block, re.M)
        match = re.search(r'^msgid ((?:".*"\n?)+)', block, re.M)
        if match:
            text = "".join(re.findall(r'"(.*)"', match.group(1)))
            if text:
                found.append(f"[{context.group(1)}] {text}" if context else text)
    return found


def translations(po_path):
    """{msgid: [msgstr, ...]} of a .po file (plural entries have one msgstr per form)."""
    result = {}
    for block in re.split(r"\n\s*\n", po_path.read_text(encoding="utf-8")):
        lines = [ln for ln in block.splitlines() if not ln.startswith("#")]
        fields, current = {}, None
        for ln in lines:
            head = re.match(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?) "(.*)"$', ln)
            if head:
                current = head.group(1)
                fields[current] = head.group(2)
            elif current and ln.startswith('"'):
                fields[current] += ln[1:-1]
        if fields.get("msgid"):
            result[fields["msgid"]] = [v for k, v in fields.items() if k.startswith("msgstr")]
    return result


def copy_sources(destination):
    """The project's source files (what makemessages reads) and the committed locale/ folder."""
    def skipped(folder, names):
        here = Path(folder)
        return [name for name in names
                if name in NOT_SOURCE or name.startswith(".") or name == "__pycache__" or name == "locale"
                or ((here / name).is_file() and Path(name).suffix not in SOURCE_SUFFIXES)]
    shutil.copytree(BASE_DIR, destination, ignore=skipped)
    shutil.copytree(LOCALE_DIR, destination / "locale")


def test_committed_catalog_compiles_with_every_entry_translated():
    result = gettext_tool("msgfmt", "--check", "--statistics", "-o", os.devnull, str(CATALOG))
    # --check also compares the %(name)s placeholders of every python-format entry with its msgid.
    assert result.returncode == 0, result.stderr
    assert "fuzzy" not in result.stderr and "untranslated" not in result.stderr, result.stderr


def test_every_string_in_the_source_is_translated(tmp_path):
    """Regenerate the catalog from the current source in a copy of the project: a string added to a
    template or a Python file without its Chinese translation fails here."""
    project = tmp_path / "project"
    copy_sources(project)
    ignores = [f"--ignore={name}" for name in NOT_SOURCE]
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test"}
    for domain_args in (["-d", "django"], ["-d", "djangojs", "--ignore=static/vendor"]):
        made = subprocess.run([sys.executable, "manage.py", "makemessages", "-l", "zh_Hans", "--no-obsolete",
                               *domain_args, *ignores], cwd=project, env=env, capture_output=True, text=True,
                              check=False)
        assert made.returncode == 0, made.stderr
    catalogs = sorted((project / "locale" / "zh_Hans" / "LC_MESSAGES").glob("*.po"))
    assert project / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po" in catalogs
    for po in catalogs:
        untranslated = msgids(gettext_tool("msgattrib", "--untranslated", "--no-obsolete", str(po)).stdout)
        fuzzy = msgids(gettext_tool("msgattrib", "--only-fuzzy", "--no-obsolete", str(po)).stdout)
        assert not untranslated, f"{po.name}: translate these (make messages): {untranslated}"
        assert not fuzzy, f"{po.name}: check these guessed translations and remove 'fuzzy': {fuzzy}"
        checked = gettext_tool("msgfmt", "--check", "-o", os.devnull, str(po))
        assert checked.returncode == 0, checked.stderr


def test_translations_are_chinese_not_copied_english():
    for msgid, msgstrs in translations(CATALOG).items():
        for msgstr in msgstrs:
            assert CHINESE.search(msgstr) or msgid in LATIN_TRANSLATIONS, f"not Chinese: {msgid!r} -> {msgstr!r}"


# --- pages in Chinese -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def compiled_catalog():
    """The .mo files are not committed: compile them as `make test` does (skipped when up to date),
    and drop any catalog Django loaded before they existed."""
    call_command("compilemessages", locale=["zh_Hans"], ignore_patterns=NOT_SOURCE + [".git"], verbosity=0)
    assert CATALOG.with_suffix(".mo").exists()
    # Django's own receiver clears its translation caches when LOCALE_PATHS "changes".
    setting_changed.send(sender=None, setting="LOCALE_PATHS", value=settings.LOCALE_PATHS, enter=False)


@pytest.fixture(autouse=True)
def back_to_default_language():
    # Requests activate a language in this thread; later tests must not inherit Chinese.
    yield
    translation.deactivate()


@pytest.fixture
def chinese_client(client, compiled_catalog, db):
    """A sales user who chose Simplified Chinese on the language switch."""
    user = user_with_role("sales")
    client.force_login(user)
    response = client.post(reverse("accounts:switch_language"), {"language": "zh-hans", "next": "/orders/"})
    assert response.status_code == 302
    client.user = user
    return client


class VisibleText(HTMLParser):
    """What a person reads on a page: text outside script/style, and placeholders, labels, titles."""

    def __init__(self):
        super().__init__()
        self.parts, self._hidden = [], 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._hidden += 1
        for name, value in attrs:
            if name in ("placeholder", "aria-label", "title", "alt") and value:
                self.parts.append(value)

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self._hidden -= 1

    def handle_data(self, data):
        if not self._hidden:
            self.parts.append(data)


def english_words(html, allowed):
    parser = VisibleText()
    parser.feed(html)
    words = set(re.findall(r"(?<![\w-])[A-Za-z]{3,}(?![\w-])", " ".join(parser.parts)))
    return sorted(words - allowed)


def test_language_switch_turns_the_interface_chinese(chinese_client):
    page = chinese_client.get(reverse("orders:list")).content.decode()
    assert '<html lang="zh-hans">' in page
    for text in ("订单", "新建订单", "提醒", "退出登录", "筛选", "客户采购单号", "销售"):
        assert text in page, text
    assert ">Orders<" not in page and "Log out" not in page


def test_order_page_in_chinese_shows_status_timeline_and_chinese_dates(chinese_client):
    order = make_order(creator=chinese_client.user, status=OrderStatus.SUBMITTED, priority="rush",
                       rush_reason="客户产线停线")
    page = chinese_client.get(reverse("orders:detail", args=[order.pk])).content.decode()
    assert "已提交" in page and "急单" in page and "处理记录" in page and "提交审核" in page
    requested = order.requested_date
    # Django's zh_Hans formats: DATE_FORMAT "Y年n月j日", DATETIME_FORMAT "Y年n月j日 H:i".
    assert f"{requested.year}年{requested.month}月{requested.day}日" in page
    created = timezone.localtime(order.created_at)
    assert f"{created.year}年{created.month}月{created.day}日 {created:%H:%M}" in page


def test_english_stays_english_without_the_switch(client, compiled_catalog, db):
    user = user_with_role("sales")
    order = make_order(creator=user, status=OrderStatus.SUBMITTED)
    client.force_login(user)
    page = client.get(reverse("orders:detail", args=[order.pk])).content.decode()
    assert "Submitted" in page and "Timeline" in page
    assert "已提交" not in page and "年" not in page


def test_bad_order_input_is_refused_in_chinese(chinese_client):
    customer, product = CustomerFactory(), ProductFactory()
    response = chinese_client.post(reverse("orders:create"), {
        "customer": customer.code, "channel": "browser", "priority": "normal",
        "requested_date": (timezone.localdate() + timedelta(days=30)).isoformat(),
        "lines-TOTAL_FORMS": "2", "lines-INITIAL_FORMS": "0",
        "lines-0-product": product.sku, "lines-0-quantity": "12,5",
        "lines-1-product": product.sku, "lines-1-quantity": "0"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "数量：小数点请用“.”（例如 12.5），不要用逗号。" in page
    assert "数量必须大于零。" in page
    assert Order.objects.count() == 0

    missing = chinese_client.post(reverse("orders:create"), {
        "channel": "browser", "priority": "rush", "lines-TOTAL_FORMS": "0", "lines-INITIAL_FORMS": "0"})
    page = missing.content.decode()
    assert "请选择客户。" in page and "请输入要求交期。" in page and "请填写急单原因。" in page
    assert Order.objects.count() == 0


@pytest.mark.parametrize("url_name", [
    "home", "orders:list", "orders:create", "orders:customer_list", "orders:product_list", "alerts:list",
    "accounts:password_change",
])
def test_pages_in_chinese_have_no_english_left(chinese_client, url_name):
    customer = CustomerFactory(name="华东精密机械有限公司", name_en="", contact_name="王小明")
    make_order(creator=chinese_client.user, customer=customer, status=OrderStatus.SUBMITTED, priority="rush",
               rush_reason="客户产线停线")
    response = chinese_client.get(reverse(url_name))
    assert response.status_code == 200
    # The brand, the language's own name, currency codes and abbreviations Chinese staff use as they are.
    allowed = {"OrderFlow", "English", "RUSH", "PMC", "PDF", "CSV", "Excel", "API", "EDI", *CURRENCY_CODES}
    assert english_words(response.content.decode(), allowed) == []


def test_review_queue_in_chinese(client, compiled_catalog, db):
    desk = user_with_role("order_desk")
    sales = user_with_role("sales")
    make_order(creator=sales, status=OrderStatus.SUBMITTED, priority="rush", rush_reason="客户产线停线")
    client.force_login(desk)
    client.post(reverse("accounts:switch_language"), {"language": "zh-hans", "next": "/"})
    page = client.get(reverse("orders:review_queue")).content.decode()
    assert "待审核订单" in page and "提交时间" in page and "要求交期" in page and "订单审核员" in page
    assert english_words(page, {"OrderFlow", "English", "RUSH", "PMC", "EDI", *CURRENCY_CODES}) == []


@pytest.mark.parametrize("url_name", [
    "inventory:item_list", "inventory:item_create", "planning:work_center_list", "planning:work_center_create",
    "planning:calendar_list", "planning:routing_list",  # (the new-calendar page lists IANA time zone names)
])
def test_master_data_pages_of_the_planner_in_chinese_have_no_english_left(client, compiled_catalog, db, url_name):
    planner = user_with_role("planner")
    client.force_login(planner)
    client.post(reverse("accounts:switch_language"), {"language": "zh-hans", "next": "/"})
    response = client.get(reverse(url_name))
    assert response.status_code == 200
    page = response.content.decode()
    assert '<html lang="zh-hans">' in page
    assert english_words(page, {"OrderFlow", "English", "RUSH", "PMC", "BOM", *CURRENCY_CODES}) == []
