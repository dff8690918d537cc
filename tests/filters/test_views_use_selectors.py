"""Views stay thin: every read goes through the app's selectors module. A views module that runs a query
itself (`Model.objects…`, or `get_object_or_404(Model, …)` on a bare model) fails here, with the line."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SKIPPED = {".venv", "tests", "bench", "migrations", "node_modules", "static", "templates"}
SHORTCUTS = {"get_object_or_404", "get_list_or_404"}


def _view_modules():
    for path in sorted(ROOT.rglob("*views.py")):
        is_views = path.name == "views.py" or path.name.endswith("_views.py")
        if is_views and not SKIPPED & set(path.relative_to(ROOT).parts):
            yield path


def queries_in(source: str) -> list[int]:
    """Lines where a function body queries the database directly. Class bodies (a form's queryset
    declared in a views module) are declarations, not queries run by the view."""
    found = []

    class Visitor(ast.NodeVisitor):
        depth = 0

        def visit_FunctionDef(self, node):
            self.depth += 1
            self.generic_visit(node)
            self.depth -= 1

        visit_AsyncFunctionDef = visit_FunctionDef
        visit_Lambda = visit_FunctionDef

        def visit_Attribute(self, node):
            if self.depth and node.attr == "objects":
                found.append(node.lineno)
            self.generic_visit(node)

        def visit_Call(self, node):
            name = getattr(node.func, "id", getattr(node.func, "attr", ""))
            first = node.args[0] if node.args else None
            if self.depth and name in SHORTCUTS and isinstance(first, ast.Name) and first.id[:1].isupper():
                found.append(node.lineno)
            self.generic_visit(node)

    Visitor().visit(ast.parse(source))
    return found


def test_the_project_has_views_modules_to_check():
    names = {path.relative_to(ROOT).as_posix() for path in _view_modules()}
    assert {"orders/views.py", "inventory/stock_views.py", "quality/views.py", "reports/views.py"} <= names


@pytest.mark.parametrize("path", list(_view_modules()), ids=lambda p: p.relative_to(ROOT).as_posix())
def test_views_read_through_selectors(path):
    lines = queries_in(path.read_text(encoding="utf-8"))
    assert not lines, f"{path.relative_to(ROOT)} queries the database at lines {lines}: move it into selectors.py"


@pytest.mark.parametrize("source", [
    "def view(request):\n    return Order.objects.filter(pk=1)\n",
    "def view(request):\n    return get_user_model().objects.first()\n",
    "def view(request, pk):\n    return get_object_or_404(Order, pk=pk)\n",
    "class Page:\n    def get(self, request):\n        return Lot.objects.all()\n",
])
def test_the_check_sees_a_query_in_a_view(source):
    assert queries_in(source) == [source.count("\n")]


@pytest.mark.parametrize("source", [
    "def view(request, pk):\n    return get_object_or_404(selectors.orders_visible_to(request.user), pk=pk)\n",
    "class Form:\n    center = ModelChoiceField(queryset=WorkCenter.objects.all())\n",
    "def view(request, model, pk):\n    return get_object_or_404(model, pk=pk)\n",
])
def test_the_check_leaves_selector_calls_and_declarations_alone(source):
    assert queries_in(source) == []
