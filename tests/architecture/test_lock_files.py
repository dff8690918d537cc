"""The lock files (requirements/runtime.txt, requirements/dev.txt, `make lock`) hold every pinned
dependency of pyproject.toml at the same version, with hashes; runtime holds none of the dev extras."""

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PIN = re.compile(r"^([A-Za-z0-9_.\-]+)(?:\[[^\]]*\])?==([^\s;\\#]+)")


def normal(name):
    return re.sub(r"[-_.]+", "-", name).lower()


def pins(lines):
    return {normal(m.group(1)): m.group(2) for m in map(PIN.match, lines) if m}


def locked(name):
    text = (ROOT / "requirements" / name).read_text(encoding="utf-8")
    return pins(line.strip() for line in text.splitlines()), text


def project():
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]


def test_runtime_lock_holds_every_runtime_pin_with_hashes_and_no_dev_tools():
    runtime, text = locked("runtime.txt")
    wanted = pins(project()["dependencies"])
    assert {name: runtime.get(name) for name in wanted} == wanted, "pyproject.toml changed: run make lock"
    dev_only = set(pins(project()["optional-dependencies"]["dev"])) - set(wanted)
    assert not dev_only & {"pytest", "ruff", "playwright", "locust"} & set(runtime), "a dev tool in the runtime lock"
    assert all("--hash=sha256:" in block for block in re.split(r"\n(?=[A-Za-z0-9])", text) if "==" in block)


def test_dev_lock_holds_every_pin_of_both():
    dev, text = locked("dev.txt")
    wanted = pins(project()["dependencies"]) | pins(project()["optional-dependencies"]["dev"])
    assert {name: dev.get(name) for name in wanted} == wanted, "pyproject.toml changed: run make lock"
    assert all("--hash=sha256:" in block for block in re.split(r"\n(?=[A-Za-z0-9])", text) if "==" in block)


def test_pillow_is_declared_because_it_is_imported():
    assert "pillow" in pins(project()["dependencies"])
