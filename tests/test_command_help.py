"""`--help` works for every management command of the project, in both languages, and for the bench's
schedule_file script (a lazy translation string as a help text once made argparse crash)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import get_commands, load_command_class
from django.utils import translation

ROOT = Path(__file__).resolve().parents[1]


def project_commands():
    """(app, command) for every command an app of this project defines (Django's own are left out)."""
    return sorted((app, name) for name, app in get_commands().items()
                  if (ROOT / app.replace(".", "/") / "management" / "commands" / f"{name}.py").exists())


def test_the_project_commands_are_found():
    names = {name for _app, name in project_commands()}
    assert {"setup_demo", "state_diagrams", "backup_site", "seed_planning_demo"} <= names


@pytest.mark.parametrize("language", ["en", "zh-hans"])
@pytest.mark.parametrize(("app", "name"), project_commands())
def test_help_of_every_project_command(app, name, language):
    # format_help is what `manage.py NAME --help` prints: argparse formats each help text with "%".
    with translation.override(language):
        text = load_command_class(app, name).create_parser("manage.py", name).format_help()
    assert f"manage.py {name}" in text
    assert "--help" in text


def _run(*args):
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test"}
    return subprocess.run([sys.executable, *args], cwd=ROOT, capture_output=True, text=True, timeout=120, env=env)


def test_manage_py_help_lists_the_commands_and_one_help_runs():
    listed = _run("manage.py", "help", "--commands")
    assert listed.returncode == 0, listed.stderr
    assert "setup_demo" in listed.stdout.split()
    shown = _run("manage.py", "state_diagrams", "--help")
    assert shown.returncode == 0, shown.stderr
    assert "usage: manage.py state_diagrams" in shown.stdout


def test_bench_schedule_file_help():
    shown = _run("bench/schedule_file.py", "--help")
    assert shown.returncode == 0, shown.stderr
    assert "usage: python bench/schedule_file.py" in shown.stdout
    for option in ("--time-limit", "--optimum", "--no-optimiser", "--plain"):
        assert option in shown.stdout
