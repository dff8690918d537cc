"""App boundaries (docs/architecture.md): the direction of imports between our apps, nobody importing
`reports` or `bench`, the size of app modules, and function-level imports that say why they are not at
module level. The source is read with `ast`, so every import counts, at module level or in a function."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

# The one table of the import direction, as docs/architecture.md shows it. An app imports its own layer's
# earlier rows and the layers above it in this table, never a later row: cross-cutting apps import no stage
# and nothing built on the stages; a stage imports the cross-cutting apps and the stages before it; the apps
# over several stages import the cross-cutting apps, the stages and the earlier rows of their own layer.
# config (settings, URLs, Celery) is the composition root: it may import anything, and anything may import it.
LAYERS = (
    ("cross-cutting", ("inputs", "systemtext", "history", "accounts", "numbering", "outbound", "alerts", "documents",
                       "audit", "imports",
                       "exports", "record_pages", "demo"), False),
    ("stages", ("orders", "inventory", "planning", "production", "quality", "shipping", "settlement"), True),
    ("over the stages", ("api", "rush", "notices", "sales", "operations", "reports", "edi"), True),
)
# Cross-cutting apps may use each other in any order (none is a stage); stages and the layer over them are
# ordered: the flag above says a row may import only the rows before it in its own layer.
COMPOSITION_ROOT = "config"
# Nothing imports the reports app except the URLs (the benchmarks may): it only reads the other apps.
REPORTS_IMPORTERS = {"config/urls.py"}

# No app module over MAX_LINES lines (issue 15); the set below lists justified exceptions (none today).
MAX_LINES = 600
OVER_LIMIT_FOR_NOW = set()
# A function-level import says why on its line or in the comment just above it.
REASONS = ("# cycle:", "# lazy:", "# migrations:")
UNEXPLAINED_FOR_NOW = set()

APPS = {app: (layer, index, ordered) for layer, apps, ordered in LAYERS for index, app in enumerate(apps)}


def our_packages():
    return sorted(p.parent.name for p in ROOT.glob("*/__init__.py") if p.parent.name not in {"tests", "bench"})


def app_modules():
    """(path relative to the root, parsed tree) of every app module outside migrations."""
    for package in our_packages():
        for path in sorted((ROOT / package).rglob("*.py")):
            if "migrations" not in path.parts:
                yield path.relative_to(ROOT).as_posix(), ast.parse(path.read_text(encoding="utf-8"))


MODULES = list(app_modules())


def imported_packages(tree):
    """(top-level package, line) of every absolute import in the tree."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from ((alias.name.split(".")[0], node.lineno) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.module.split(".")[0], node.lineno


def may_import(importer, imported):
    if importer == imported or COMPOSITION_ROOT in (importer, imported):
        return True
    (layer, index, ordered), (other_layer, other_index, _) = APPS[importer], APPS[imported]
    layer_rank = [name for name, _apps, _ordered in LAYERS]
    if layer == other_layer:
        return not ordered or other_index < index
    return layer_rank.index(other_layer) < layer_rank.index(layer)


def test_every_package_of_ours_is_in_the_direction_table():
    assert set(our_packages()) == set(APPS) | {COMPOSITION_ROOT}


def test_the_table_reads_as_documented():
    assert may_import("planning", "inventory") and may_import("quality", "planning") and may_import("rush", "orders")
    assert not may_import("orders", "planning") and not may_import("inventory", "planning")
    assert not may_import("alerts", "orders") and not may_import("shipping", "rush")
    assert may_import("operations", "api") and not may_import("api", "operations")


def test_apps_import_only_in_the_documented_direction():
    wrong = [f"{path}:{line} imports {package}"
             for path, tree in MODULES
             for package, line in imported_packages(tree)
             if package in APPS and not may_import(path.split("/")[0], package)]
    assert wrong == []


def test_nothing_imports_reports_but_the_urls():
    importers = {path for path, tree in MODULES if "reports" in {p for p, _line in imported_packages(tree)}
                 and not path.startswith("reports/")}
    assert importers <= REPORTS_IMPORTERS


def test_no_app_imports_the_benchmarks():
    assert [path for path, tree in MODULES if "bench" in {p for p, _line in imported_packages(tree)}] == []


@pytest.mark.parametrize(("path", "tree"), MODULES, ids=[path for path, _tree in MODULES])
def test_app_modules_stay_under_the_size_limit(path, tree):
    lines = len((ROOT / path).read_text(encoding="utf-8").splitlines())
    if path in OVER_LIMIT_FOR_NOW:
        assert lines > MAX_LINES, f"{path} is {lines} lines now: take it off OVER_LIMIT_FOR_NOW"
    else:
        assert lines <= MAX_LINES, f"{path} has {lines} lines (at most {MAX_LINES}): split it by what it holds"


def unexplained_function_imports(path, tree):
    source = (ROOT / path).read_text(encoding="utf-8").splitlines()
    found = []
    for function in ast.walk(tree):
        if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef) or function.name == "ready":
            continue  # AppConfig.ready(): Django's place for imports that need the loaded app registry
        for node in ast.walk(function):
            if isinstance(node, ast.Import | ast.ImportFrom):
                above, index = [], node.lineno - 2
                while index >= 0 and source[index].strip().startswith("#"):
                    above.append(source[index])
                    index -= 1
                if not any(reason in text for text in [source[node.lineno - 1], *above] for reason in REASONS):
                    found.append(f"{path}:{node.lineno} {source[node.lineno - 1].strip()}")
    return found


def test_function_level_imports_say_which_cycle_or_cost_they_avoid():
    found = {line for path, tree in MODULES if path not in UNEXPLAINED_FOR_NOW
             and not path.endswith("/apps.py") for line in unexplained_function_imports(path, tree)}
    assert found == set()


def test_the_import_check_sees_a_function_level_import():
    tree = ast.parse("def f():\n    from orders import models\n")
    assert ("orders", 2) in list(imported_packages(tree))
