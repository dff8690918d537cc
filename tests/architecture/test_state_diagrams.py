"""`manage.py state_diagrams` (`make diagrams`): one Graphviz file per FSMField, drawn from the declared
transitions, the same bytes on every run."""

from io import StringIO
from pathlib import Path

from django.core.management import call_command

from operations.management.commands.state_diagrams import state_machines


def draw(folder):
    call_command("state_diagrams", "--to", str(folder), stdout=StringIO())
    return {path.name: path.read_text(encoding="utf-8") for path in sorted(folder.glob("*.dot"))}


def test_one_file_per_state_machine_with_its_transitions(tmp_path):
    files = draw(tmp_path)
    assert set(files) == {f"{stem}.dot" for stem, _fields in state_machines()}
    assert {"orders.order.status.dot", "planning.workorder.status.dot", "quality.inspection.status.dot"} <= set(files)
    order = files["orders.order.status.dot"]
    assert '"orders.order.status.awaiting_qc" -> "orders.order.status.qc_passed" [label=pass_qc]' in order
    assert '"orders.order.status.closed" [label=Closed shape=doublecircle]' in order
    assert order.startswith("digraph {") and order.rstrip().endswith("}")


def test_the_files_are_stable_and_stale_ones_go(tmp_path):
    first = draw(tmp_path)
    (tmp_path / "gone.model.status.dot").write_text("digraph {}", encoding="utf-8")
    assert draw(tmp_path) == first


def test_the_committed_diagrams_list_every_machine():
    folder = Path(__file__).resolve().parents[2] / "docs" / "state-machines"
    committed = {path.name for path in folder.glob("*.dot")}
    assert {f"{stem}.dot" for stem, _fields in state_machines()} <= committed, "run make diagrams"
