"""The README is checked against the code so it cannot drift."""

import re
from pathlib import Path

import click
import pytest

from lindung.cli import main

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
