"""No service stores a translated string where the system writes text for people (event notes, reasons,
at-risk reasons, stock notes…): those are systemtext.Text (message id + values), translated when read.
The scan reads the source: a note=/reason=… argument built with gettext (`_()`), a get_FOO_display()
or a choice's .label outside a Text is stored in the writer's language and fails here."""

import ast
from pathlib import Path

from django.conf import settings

KEYWORDS = {"note", "reason", "order_note", "at_risk_reason", "stock_note", "status_reason", "close_reason",
            "decision_note"}
TRANSLATING_CALLS = {"_", "gettext", "pgettext", "ngettext", "npgettext", "gettext_lazy", "pgettext_lazy"}
# Not stored: Closure is the scheduler's in-memory calendar closure (its reason is shown in the same request).
NOT_STORED_HERE = {"Closure"}
SKIPPED_FOLDERS = {".venv", "tests", "bench", "migrations", "node_modules", "staticfiles"}


def _name(func):
    return func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""


# Calls whose arguments end up in the text (other calls, e.g. a service returning an object, do not).
PASSING_CALLS = {"joined", "str", "join", "format", "strip", "capitalize", "lower"}


def _offence(node, *, in_text=False, tainted=frozenset()):
    """Why `node` is a translated string (None if it is not)."""
    if isinstance(node, ast.Name) and node.id in tainted:
        return f"{node.id} (assigned a translated string)"
    if isinstance(node, ast.Attribute) and node.attr == "label":
        return None if in_text else ".label (translated when formatted)"
    children = list(ast.iter_child_nodes(node))
    if isinstance(node, ast.Call):
        name = _name(node.func)
        if name == "Text":  # its values may be lazy labels (stored as message ids), never translated text
            children, in_text = [*node.args[1:], *(kw.value for kw in node.keywords)], True
        elif name in TRANSLATING_CALLS:
            return f"{name}()"
        elif name.startswith("get_") and name.endswith("_display") and name != "get_full_name":
            return f"{name}()"
        elif name not in PASSING_CALLS:
            return None
        elif isinstance(node.func, ast.Attribute):  # "…".strip(), ", ".join(…)
            children = [node.func.value, *node.args]
    for child in children:
        found = _offence(child, in_text=in_text, tainted=tainted)
        if found:
            return found
    return None


def _tainted_names(function):
    """Local names assigned a translated string in this function (note = _("…") % {…})."""
    names = set()
    for node in ast.walk(function):
        if isinstance(node, ast.Assign) and _offence(node.value, tainted=frozenset(names)):
            names.update(target.id for target in node.targets if isinstance(target, ast.Name))
    return frozenset(names)


def offences(source, filename="<source>"):
    tree = ast.parse(source, filename)
    found = []
    functions = [node for node in ast.walk(tree) if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))]
    for function in functions or [tree]:
        tainted = _tainted_names(function)
        for node in ast.walk(function):
            if not isinstance(node, ast.Call) or _name(node.func) in NOT_STORED_HERE:
                continue
            for keyword in node.keywords:
                if keyword.arg in KEYWORDS:
                    why = _offence(keyword.value, tainted=tainted)
                    if why:
                        found.append(f"{filename}:{keyword.value.lineno} {keyword.arg}= {why}")
    return sorted(set(found))


def source_files():
    base = Path(settings.BASE_DIR)
    for path in sorted(base.rglob("*.py")):
        if not SKIPPED_FOLDERS & set(path.relative_to(base).parts):
            yield path


def test_no_service_stores_a_translated_note():
    found = []
    for path in source_files():
        found += offences(path.read_text(encoding="utf-8"), str(path.relative_to(settings.BASE_DIR)))
    assert found == [], "Store a systemtext.Text instead:\n" + "\n".join(found)


def test_the_scan_finds_the_ways_a_translated_note_is_written():
    """The scan itself: each way the timeline got notes in the writer's language is found; Text is not."""
    bad = '''
def finish(order, actor, note, request, area):
    transition_order(actor=actor, order=order, note=_("All work orders of the order are done."))
    order.events.record(note=_("Received by %(name)s.") % {"name": "x"})
    text = _("Made a rush order: %(reason)s") % {"reason": "r"}
    order.events.record(note=f"{text} {note}".strip())
    order.events.record(note=f"{request.number}: {request.get_kind_display()} — {note}")
    request.events.record(note=f"{ReviewArea(area).label}: {note}")
'''
    assert [line.split(" ", 1)[0] for line in offences(bad)] == [f"<source>:{n}" for n in (3, 4, 6, 7, 8)]
    good = '''
def finish(order, actor, note, request, area):
    transition_order(actor=actor, order=order, note=Text(gettext_noop("All work orders of the order are done.")))
    request.events.record(note=joined(Text(gettext_noop("%(area)s: %(verdict)s."),
                                            area=ReviewArea(area).label), note))
    order.events.record(note=note)
'''
    assert offences(good) == []
