"""docs/agents.md is checked against the code: commands, options, API paths, permissions."""

import re
from pathlib import Path

import click
import pytest

from lindung.accounts.access import PERMISSIONS
from lindung.agents.api import router
from lindung.cli import main

TEXT = (Path(__file__).resolve().parent.parent / "docs" / "agents.md").read_text()


def commands() -> list[str]:
    found = re.findall(r"(?:^    |`)(lindung agents\b[^`\n#]*)", TEXT, flags=re.M)
    return sorted({" ".join(line.split()) for line in found})


def test_the_guide_shows_every_subcommand():
    documented = {line.split()[2] for line in commands() if len(line.split()) > 2}
    assert documented == set(main.get_command(click.Context(main), "agents").commands)


@pytest.mark.parametrize("line", commands())
def test_every_documented_command_and_option_exists(line):
    words = line.split()[1:]
    command, ctx = main, click.Context(main)
    while isinstance(command, click.Group) and words and not words[0].startswith("-"):
        command = command.get_command(ctx, words.pop(0))
        assert command is not None, line
    options = {opt for param in command.params for opt in getattr(param, "opts", [])}
    for word in words:
        if word.startswith("--"):
            assert word.strip("[]") in options, f"{word} in {line!r}"


def test_documented_api_paths_are_exactly_the_routes():
    routes = {(m, re.sub(r"\{[a-z_]+\}", "{}", p)) for p, view in router.path_operations.items()
              for op in view.operations for m in op.methods}
    section = TEXT.split("## API", 1)[1].split("\n## ", 1)[0]
    documented = {(m, re.sub(r"\{[a-z_]+\}", "{}", p)) for m, p in re.findall(r"`(GET|POST) (/[a-z/{}_]+)", section)}
    assert documented == routes


def test_documented_permissions_and_roles_match_the_table():
    from lindung.accounts.models import Role

    labels = {"national administrator": {Role.NATIONAL_ADMIN}, "BPJS branch officer": {Role.BRANCH_OFFICER},
              "regional and village operators": {Role.REGIONAL_OPERATOR, Role.VILLAGE_OPERATOR},
              "agents": {Role.AGENT}}
    rows = dict(re.findall(r"^\| `(agents\.[a-z_]+)` \| ([^|]+)\|", TEXT, flags=re.M))
    assert set(rows) == {name for name in PERMISSIONS if name.startswith("agents.")}
    for name, roles in rows.items():
        wanted = set().union(*(labels[part.strip()] for part in roles.split(",")))
        assert {str(r) for r in wanted} == {str(r) for r in PERMISSIONS[name]}, name
