"""The one permission helper, and that no module keeps a copy of its own."""

import ast
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import translation

from accounts.permissions import require
from tests.fixtures.factories import UserFactory, user_with_role

ROOT = Path(__file__).resolve().parents[2]
REFUSED = {"en": "Your role may not do this.", "zh-hans": "您的角色无权执行此操作。"}


@pytest.mark.django_db
def test_all_permissions_are_needed_unless_any_of():
    sales = user_with_role("sales")  # may add orders, may not plan them
    require(sales, "orders.add_order", "orders.view_order")
    with pytest.raises(PermissionDenied):
        require(sales, "orders.add_order", "orders.plan_order")
    require(sales, "orders.plan_order", "orders.add_order", any_of=True)
    with pytest.raises(PermissionDenied):
        require(sales, "orders.plan_order", "orders.review_order", any_of=True)


@pytest.mark.django_db
def test_a_superuser_may_do_everything_unless_inactive():
    admin = UserFactory(is_superuser=True)
    require(admin, "orders.plan_order", "quality.approve_inspection")
    admin.is_active = False
    with pytest.raises(PermissionDenied):
        require(admin, "orders.plan_order")


@pytest.mark.django_db
def test_an_inactive_user_keeps_no_permission_of_the_role():
    planner = user_with_role("planner")
    require(planner, "orders.plan_order")
    planner.is_active = False
    planner.save()
    planner = type(planner).objects.get(pk=planner.pk)  # a fresh permission cache
    with pytest.raises(PermissionDenied):
        require(planner, "orders.plan_order")


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_the_refusal_is_translated_and_a_page_may_say_more(language):
    sales = user_with_role("sales")
    with translation.override(language):
        with pytest.raises(PermissionDenied) as refused:
            require(sales, "orders.plan_order")
        assert str(refused.value) == REFUSED[language]
        with pytest.raises(PermissionDenied, match="^Managers only$"):
            require(sales, "operations.view_operations", message="Managers only")


def test_a_check_without_a_permission_is_a_mistake():
    with pytest.raises(ValueError):
        require(object())


# --- no copies -------------------------------------------------------------------------------------

SKIPPED = {".venv", "migrations", "tests", "bench", "node_modules", ".git"}
HELPER = ROOT / "accounts" / "permissions.py"


def _is_a_permission_helper(function):
    """A function named require, _require or _require_any, or one whose whole body is "if not …has_perm…: raise
    PermissionDenied" (the shape of the old copies, whatever their name)."""
    if function.name in ("require", "_require", "_require_any"):
        return True
    body = [node for node in function.body if not (isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant))]
    if len(body) != 1 or not isinstance(body[0], ast.If) or body[0].orelse:
        return False
    test, then = body[0].test, body[0].body
    checks_perm = any(isinstance(n, ast.Attribute) and n.attr == "has_perm" for n in ast.walk(test))
    raises = len(then) == 1 and isinstance(then[0], ast.Raise) and "PermissionDenied" in ast.unparse(then[0])
    return checks_perm and raises


def _helpers_in(source):
    return [f.name for f in ast.walk(ast.parse(source))
            if isinstance(f, ast.FunctionDef | ast.AsyncFunctionDef) and _is_a_permission_helper(f)]


def test_the_detector_finds_the_old_copies():
    assert _helpers_in("def _require(actor, perm):\n"
                       "    if not actor.has_perm(perm):\n"
                       "        raise PermissionDenied(_('Your role may not do this.'))\n") == ["_require"]
    assert _helpers_in("class Import:\n"
                       "    def _need(self, user):\n"
                       "        if not (user.has_perm('a') and user.has_perm('b')):\n"
                       "            raise PermissionDenied\n") == ["_need"]
    assert _helpers_in("def view(request):\n"
                       "    if not request.user.has_perm('a'):\n"
                       "        raise PermissionDenied\n"
                       "    return render(request)\n") == []


def test_no_module_defines_its_own_permission_helper():
    offenders = []
    for path in ROOT.rglob("*.py"):
        if path == HELPER or SKIPPED & set(path.relative_to(ROOT).parts):
            continue
        offenders += [f"{path.relative_to(ROOT)}: {name}" for name in _helpers_in(path.read_text(encoding="utf-8"))]
    assert offenders == [], "use accounts.permissions.require instead:\n" + "\n".join(offenders)
