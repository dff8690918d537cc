"""`manage.py state_diagrams --to docs/state-machines` (`make diagrams`): one Graphviz .dot file per state
machine (every FSMField of every model), drawn by django-fsm-2's graph_transitions from the transitions
declared on the models, so the diagrams in docs/architecture.md never drift from the code.
Render one with `dot -Tsvg docs/state-machines/orders.order.status.dot -o order.svg`."""

from pathlib import Path

from django.apps import apps
from django.core.management.base import BaseCommand
from django.utils import translation
from django_fsm.management.commands.graph_transitions import all_fsm_fields_data, generate_dot


def state_machines():
    """(file stem, [(field, model)]) of every FSMField, sorted: e.g. ("orders.order.status", ...)."""
    machines = []
    for model in apps.get_models():
        for field, owner in all_fsm_fields_data(model):
            machines.append((f"{model._meta.label_lower}.{field.name}", [(field, owner)]))
    return sorted(machines, key=lambda machine: machine[0])


def stable_dot(source):
    """generate_dot walks sets, so its statements come in a new order on every run: sorted here (nodes, then
    edges) so that a file changes only when its machine does."""
    lines = source.splitlines()
    body = [line for line in lines if line.startswith("\t\t") and not line.startswith("\t\tgraph [")]
    head = [line for line in lines if line not in body and not line.strip() == "}"]
    return "\n".join(head + sorted(body, key=lambda line: ("->" in line, line)) + ["\t}", "}", ""])


class Command(BaseCommand):
    help = "Write one Graphviz .dot file per state machine (FSMField) into a folder."

    def add_arguments(self, parser):
        parser.add_argument("--to", default="docs/state-machines", help="Folder for the .dot files.")

    def handle(self, *args, to, **options):
        folder = Path(to)
        folder.mkdir(parents=True, exist_ok=True)
        written = []
        with translation.override("en"):  # state labels in English: the files are the same on every machine
            for stem, fields_data in state_machines():
                path = folder / f"{stem}.dot"
                path.write_text(stable_dot(generate_dot(fields_data).source), encoding="utf-8")
                written.append(path)
        for stale in set(folder.glob("*.dot")) - set(written):  # a machine that no longer exists
            stale.unlink()
        self.stdout.write(f"{len(written)} state machines written to {folder}.")
