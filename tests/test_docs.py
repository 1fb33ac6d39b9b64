"""The README is checked against the code so it cannot drift."""

import ast
import re
from pathlib import Path

import click
import pytest

from lindung.cli import main

from .docs_support import variables_in_the_readme, variables_read_in_settings

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text()


def quick_start_commands() -> list[str]:
    section = README.split("## Quick start", 1)[1].split("## Using it", 1)[0]
    return re.findall(r"```sh\n(.+?)\n```", section)


def test_quick_start_is_exactly_two_commands():
    commands = quick_start_commands()
    assert commands == ["python3 -m venv .venv && .venv/bin/pip install . && .venv/bin/lindung demo",
                        "./scripts/test"]


def test_ci_runs_the_readme_test_command_on_both_databases():
    ci = (ROOT / ".ci" / "run").read_text()
    assert ci.count(quick_start_commands()[1]) == 2
    assert "DATABASE_URL=postgres://" in ci


def documented_commands() -> set[tuple[str, ...]]:
    found = set()
    for line in re.findall(r"`lindung ([a-z][a-z\- ]*)", README):
        words = tuple(w for w in line.split() if re.fullmatch(r"[a-z][a-z\-]*", w))
        if words:
            found.add(words)
    return found


@pytest.mark.parametrize("words", sorted(documented_commands()))
def test_every_command_in_the_readme_exists(words):
    ctx = click.Context(main)
    command = main
    for depth, word in enumerate(words):
        if not isinstance(command, click.Group):
            break  # the rest are arguments
        sub = command.get_command(ctx, word)
        assert sub is not None, f"`lindung {' '.join(words[:depth + 1])}` is in the README but not in the CLI"
        command = sub


def test_architecture_lists_every_app_folder():
    apps = {p.parent.name for p in (ROOT / "lindung").glob("*/apps.py")}
    section = README.split("## Architecture", 1)[1].split("Principles", 1)[0]
    listed = set(re.findall(r"^  ([a-z_]+)/", section, flags=re.M))
    assert apps <= listed, f"apps missing from the README architecture: {apps - listed}"
    assert listed - {"templates"} <= apps | {"static", "locale"}, f"README lists folders that do not exist: {listed - apps}"


def test_region_licence_ships_with_the_data():
    data = ROOT / "lindung" / "regions" / "data"
    assert (data / "LICENSE-cahyadsn-wilayah.txt").read_text().startswith("MIT License")
    assert (data / "wilayah.csv").exists()


# --- both directions: the configuration table and settings.py ------------------------------------------

def test_every_environment_variable_is_documented_and_every_documented_one_is_read():
    read, documented = variables_read_in_settings(), set(variables_in_the_readme())
    assert {"DATABASE_URL", "LINDUNG_SECRET_KEY", "LINDUNG_LOG_LEVEL", "LINDUNG_LANG"} <= read
    assert read - documented == set(), "read in settings.py but missing from the README table"
    assert documented - read == set(), "in the README table but never read"


def test_the_configuration_table_names_each_variable_once():
    rows = variables_in_the_readme()
    assert sorted({name for name in rows if rows.count(name) > 1}) == []


def test_no_module_outside_settings_reads_the_environment():
    readers = []
    for path in (ROOT / "lindung").rglob("*.py"):
        if path.name == "settings.py" or "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            # os.environ.get(...), os.environ[...] read, os.getenv(...)
            if isinstance(node, ast.Attribute) and node.attr in ("get", "getenv") and \
                    getattr(node.value, "attr", getattr(node.value, "id", "")) in ("environ", "os"):
                readers.append(f"{path.relative_to(ROOT)}:{node.lineno}")
            if isinstance(node, ast.Subscript) and isinstance(node.ctx, ast.Load) and \
                    getattr(node.value, "attr", "") == "environ":
                readers.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert readers == []


# --- every path the README and the guides name exists -------------------------------------------------

def documented_paths() -> set[str]:
    texts = [README] + [p.read_text() for p in (ROOT / "docs").glob("*.md")]
    found = set()
    for text in texts:
        found |= set(re.findall(r"`((?:lindung|tests|benchmarks|scripts|docs)/[A-Za-z0-9_./-]+)`", text))
    return found


@pytest.mark.parametrize("path", sorted(documented_paths()))
def test_every_documented_path_exists(path):
    assert (ROOT / path.rstrip("/")).exists(), path
