import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from accounts.models import UserProfile
from accounts.roles import ROLE_PERMISSIONS, ROLES
from tests.fixtures.factories import user_with_role

PASSWORD = "pw-OrderFlow-2026"


@pytest.mark.django_db
def test_role_groups_exist_with_their_permissions():
    assert set(Group.objects.values_list("name", flat=True)) >= set(ROLES)
    for role, perms in ROLE_PERMISSIONS.items():
        group = Group.objects.get(name=role)
        granted = {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.select_related("content_type")}
        assert granted == set(perms), role
    assert Group.objects.get(name="admin").permissions.filter(codename="review_order").exists()


@pytest.mark.django_db
def test_login_logout(client):
    user_with_role("sales", username="li.na")
    response = client.post(reverse("accounts:login"), {"username": "li.na", "password": PASSWORD})
    assert response.status_code == 302
    assert client.get(reverse("orders:list")).status_code == 200
    client.post(reverse("accounts:logout"))
    assert client.get(reverse("orders:list")).status_code == 302


@pytest.mark.django_db
def test_lockout_after_repeated_failed_logins(client, settings):
    user_with_role("sales", username="wang.wei")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = client.post(reverse("accounts:login"), {"username": "wang.wei", "password": "wrong"})
        assert response.status_code == 200
        assert "correct username and password" in response.content.decode()
    # The failure that reaches the limit locks the account at once...
    assert client.post(reverse("accounts:login"), {"username": "wang.wei", "password": "wrong"}).status_code == 429
    # ...and the right password does not get in while it is locked.
    locked = client.post(reverse("accounts:login"), {"username": "wang.wei", "password": PASSWORD})
    assert locked.status_code == 429
    assert "Too many failed logins" in locked.content.decode()
    assert client.get(reverse("orders:list")).status_code == 302  # still not signed in


@pytest.mark.django_db
def test_password_change_applies_validators(client):
    user = user_with_role("sales")
    client.force_login(user)
    weak = client.post(reverse("accounts:password_change"),
                       {"old_password": PASSWORD, "new_password1": "123", "new_password2": "123"})
    assert weak.status_code == 200
    assert "too short" in weak.content.decode()
    user.refresh_from_db()
    assert user.check_password(PASSWORD)
    new = "Sturdy-Factory-42"
    good = client.post(reverse("accounts:password_change"),
                       {"old_password": PASSWORD, "new_password1": new, "new_password2": new})
    assert good.status_code == 302
    user.refresh_from_db()
    assert user.check_password("Sturdy-Factory-42")


@pytest.mark.django_db
def test_language_is_switched_and_remembered_per_user(client):
    user = user_with_role("sales", username="zhang.min")
    client.force_login(user)
    response = client.post(reverse("accounts:switch_language"), {"language": "zh-hans", "next": "/orders/"})
    assert response.status_code == 302 and response.url == "/orders/"
    assert UserProfile.objects.get(user=user).language == "zh-hans"
    assert client.get(reverse("orders:list"))["Content-Language"] == "zh-hans"
    # A new session on another machine (no cookie) gets the saved language at login.
    from django.test import Client

    other = Client()
    other.post(reverse("accounts:login"), {"username": "zhang.min", "password": PASSWORD})
    assert other.get(reverse("orders:list"))["Content-Language"] == "zh-hans"


@pytest.mark.django_db
def test_unknown_language_and_foreign_redirect_are_refused(client):
    user = user_with_role("sales")
    client.force_login(user)
    assert client.post(reverse("accounts:switch_language"), {"language": "xx"}).status_code == 400
    response = client.post(reverse("accounts:switch_language"), {"language": "en", "next": "https://evil.example/"})
    assert response.url == "/"


@pytest.mark.django_db
@pytest.mark.parametrize("role, visible, hidden", [
    ("sales", ["New order", "Customers"], ["Review queue"]),
    ("order_desk", ["Review queue"], ["New order"]),
    ("qc", ["Orders"], ["New order", "Review queue"]),
])
def test_navigation_shows_what_the_role_may_do(client, role, visible, hidden):
    client.force_login(user_with_role(role))
    nav = client.get(reverse("home")).content.decode().split('class="mainnav"')[1].split("</nav>")[0]
    for label in visible:
        assert f">{label}</a>" in nav
    for label in hidden:
        assert f">{label}</a>" not in nav


def test_the_readme_demo_table_names_each_demo_users_language():
    """The README says which demo user gets which language, as seed_demo sets it (orders/demo_data.py)."""
    import re
    from pathlib import Path

    from django.conf import settings

    from orders.demo_data import DEMO_USERS

    names = {code: str(name) for code, name in settings.LANGUAGES}
    readme = (Path(settings.BASE_DIR) / "README.md").read_text(encoding="utf-8")
    readme = readme[readme.index("## Demo logins"):].split("\n## ")[0]
    rows = dict(re.findall(r"^\| `(\w+)` \| [^|]+ \| ([^|]+?) \|$", readme, re.M))
    assert rows == {user: names[language] for user, (_name, _mail, language) in DEMO_USERS.items()}


@pytest.mark.django_db
def test_the_login_page_offers_the_language_switch_before_signing_in(client):
    page = client.get(reverse("accounts:login"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'name="language"' in page and "简体中文" in page and "English" in page
    response = client.post(reverse("accounts:switch_language"), {"language": "zh-hans", "next": "/accounts/login/"})
    assert response.status_code == 302 and response.url == "/accounts/login/"
    page = client.get(reverse("accounts:login"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<html lang="zh-hans">' in page and "登录" in page
