"""Print the "Repeated shapes we keep" tables of docs/architecture.md from the `duplicates` tool.

App code is every tracked (or untracked, not ignored) file outside tests/, bench/, docs/ and migrations/.
`duplicates` lists at most 200 pairs a run, so Python and the other files (templates, CSS, JS) are read
apart (a pair never joins a Python file to a template), each in three runs over two of three chunks of
the files (pairs_by_parts). Each pair is put in
the group of what both of its files are (model declarations, URL lists, ...); the tables are written to
stdout in Markdown. Run: `python scripts/repeated_shapes.py > /tmp/shapes.md` and paste it into the doc.
"""

import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LEFT_OUT = re.compile(r"^(tests|bench|docs|scripts|\.venv)/|/migrations/")
ROW = re.compile(r"^D\d+ (?P<a>\S+):(?P<a_lines>\d+-\d+) ~ (?P<b>\S+):(?P<b_lines>\d+-\d+)(?P<rest>.*)$")

# (title, justification, test of one file's path): a pair is in the first group both of its files pass.
GROUPS = [
    ("Model declarations", "fields, `Meta` (ordering, names, permissions, indexes), `__str__` and django-fsm "
     "transitions of different models: a transition belongs to one model's field and a model's fields are read "
     "in one place, so an abstract base would hide what each table holds.",
     lambda p: re.search(r"(^|/)(models(/|\.py$)|\w+_models\.py$)", p)),
    ("URL lists", "each app's namespaced `urlpatterns`: one line per page, read as a table of the app's addresses.",
     lambda p: p.endswith("urls.py")),
    ("PDF layouts", "each printed document's own columns, widths and bilingual labels over the shared "
     "`documents/pdf/base.html`; a shared table would need a parameter per column.",
     lambda p: "/pdf/" in p),
    ("Document kind registrations", "`documents.registry.register(...)` calls and their builders: the same "
     "keywords, each kind's own model, template, permission and visibility.",
     lambda p: p.endswith("documents.py")),
    ("Demo, scale and seed data", "rows of example data written through the services: each call says what it "
     "creates; a loop over a table would hide the story the demo tells.",
     lambda p: re.search(r"demo|scale_data|seed|management/commands", p)),
    ("Admin declarations", "`list_display`, `list_filter`, `search_fields` of different models over the shared "
     "`history.admin.ReadOnlyAdmin` and `record_pages.admin.ServiceRulesAdminForm`.",
     lambda p: p.endswith("admin.py")),
    ("Import declarations", "each import's columns (header names in English and Chinese, parsers, formats) and "
     "its own row rules over `imports.previews`.",
     lambda p: p.endswith("importing.py")),
    ("Form and filter declarations", "form fields, widgets, choices and FilterSets of different records: "
     "declarations read field by field.",
     lambda p: re.search(r"forms?\.py$|_forms\.py$|filters\.py$", p)),
    ("Page templates", "the same page parts (heading, actions, filter form, table, pager, history) filled "
     "with each page's own fields, labels and test ids; the shared parts are includes "
     "(`templates/includes/`, `templates/record_pages/`), what remains is each page's content.",
     lambda p: p.startswith("templates/") or p.endswith((".html", ".css", ".js"))),
    ("Thin views", "decorators (login, permission), a selector, a service call, a message and a redirect: "
     "the same few steps with each page's own permission, service and message (the shared steps are in "
     "`record_pages.views`).",
     lambda p: re.search(r"views?\.py$|_views\.py$", p)),
    ("Service and selector steps", "the same order of steps (permission, lock, transition, event, message) on "
     "different documents, or querysets of the same shape over different models; each reads as the "
     "use-case it is, and the shared steps are in `config.transitions`, `history`, `numbering`, "
     "`record_pages.checks` and `accounts.permissions`.",
     lambda p: p.endswith(".py")),
]


def app_files():
    listed = subprocess.run(["git", "ls-files", "-co", "--exclude-standard"], cwd=ROOT, check=True,
                            capture_output=True, text=True).stdout.splitlines()
    return [name for name in listed if not LEFT_OUT.search(name) and (ROOT / name).is_file()]


def pairs_in(names):
    with tempfile.TemporaryDirectory() as copy:
        for name in names:
            target = Path(copy, name)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(ROOT / name, target)
        out = subprocess.run(["duplicates", "--seconds", "300", "--most", "200"], cwd=copy, check=True,
                             capture_output=True, text=True).stdout
    if "more pairs)" in out or "incomplete:" in out:
        sys.exit("duplicates did not list every pair; split the files further:\n" + out[-500:])
    return [m for m in map(ROW.match, out.splitlines()) if m]


def pairs_by_parts(names, parts=3):
    """Every pair among `names` when one run would list more than 200: the files in `parts` chunks, one run
    over each two chunks together (each pair's two files are together in at least one run), rows merged."""
    chunks = [names[k::parts] for k in range(parts)]
    found = {}
    for i in range(parts):
        for j in range(i + 1, parts):
            for row in pairs_in(chunks[i] + chunks[j]):
                found.setdefault(tuple(sorted([(row["a"], row["a_lines"]), (row["b"], row["b_lines"])])), row)
    return list(found.values())


def main():
    files = app_files()
    rows = (pairs_by_parts([f for f in files if f.endswith(".py")])
            + pairs_by_parts([f for f in files if not f.endswith(".py")]))
    grouped = {title: [] for title, _, _ in GROUPS}
    for row in rows:
        title = next(t for t, _, test in GROUPS if test(row["a"]) and test(row["b"]))
        kind = "shape" if "shape" in row["rest"] else "same lines"
        grouped[title].append(f"| {row['a']}:{row['a_lines']} ~ {row['b']}:{row['b_lines']} | {kind} |")
    print(f"{len(rows)} pairs, in {sum(1 for r in grouped.values() if r)} groups.\n")
    for title, why, _ in GROUPS:
        if grouped[title]:
            print(f"### {title} ({len(grouped[title])})\n\nWhy kept: {why}\n")
            print("| pair | kind |\n| --- | --- |")
            print("\n".join(sorted(grouped[title])) + "\n")


if __name__ == "__main__":
    main()
