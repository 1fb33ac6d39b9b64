"""docs/autodebit.md and docs/agents.md are checked against the code: commands, options, API paths,
permissions."""

import re
from pathlib import Path

import click
import pytest

from lindung.accounts.access import PERMISSIONS
from lindung.autodebit.api import router
from lindung.cli import main

TEXT = (Path(__file__).resolve().parent.parent / "docs" / "autodebit.md").read_text()


def commands() -> list[str]:
    found = re.findall(r"(?:^\$ |^    |`)(lindung autodebit\b[^`\n#]*)", TEXT, flags=re.M)
    return sorted({line.strip() for line in found})


def test_the_guide_shows_every_subcommand():
    documented = {line.split()[2] for line in commands() if len(line.split()) > 2}
    assert documented == set(main.get_command(click.Context(main), "autodebit").commands)


@pytest.mark.parametrize("line", commands())
def test_every_documented_command_and_option_exists(line):
    words = line.split()[1:]
    command, ctx = main, click.Context(main)
    while isinstance(command, click.Group) and words and not words[0].startswith("-"):
        sub = command.get_command(ctx, words[0])
        assert sub is not None, line
        command = sub
        words.pop(0)
    options = {opt for param in command.params for opt in getattr(param, "opts", [])}
    for word in words:
        if word.startswith("--"):
            assert word.strip("[]") in options, f"{word} in {line!r}"


def routes() -> set[tuple[str, str]]:
    return {(method, re.sub(r"\{[a-z_]+\}", "{}", path)) for path, view in router.path_operations.items()
            for op in view.operations for method in op.methods}


def test_documented_api_paths_exist_and_every_route_is_documented():
    section = TEXT.split("## API", 1)[1].split("\n## ", 1)[0]
    documented = {(m, re.sub(r"\{[a-z_]+\}", "{}", p)) for m, p in re.findall(r"`(GET|POST|PUT|DELETE) (/[a-z/{}_]+)",
                                                                              section)}
    documented |= {(m, re.sub(r"\{[a-z_]+\}", "{}", p))
                   for m, p in re.findall(r"(GET|POST|PUT|DELETE) /api/v1/autodebit(/[a-z/{}_]+)", TEXT)}
    assert documented == routes()


def test_documented_permissions_are_exactly_autodebits():
    ours = {name for name in PERMISSIONS if name.startswith("autodebit.")}
    assert set(re.findall(r"`(autodebit\.[a-z_]+)`", TEXT)) == ours


def test_documented_roles_match_the_permission_table():
    from lindung.accounts.models import Role

    labels = {"national administrator": Role.NATIONAL_ADMIN, "BPJS branch officer": Role.BRANCH_OFFICER,
              "regional and village operators": {Role.REGIONAL_OPERATOR, Role.VILLAGE_OPERATOR},
              "village operators": Role.VILLAGE_OPERATOR, "agents": Role.AGENT}
    for name, roles in re.findall(r"^\| `(autodebit\.[a-z_]+)` \| ([^|]+)\|", TEXT, flags=re.M):
        if roles.startswith("the same four"):
            roles = "national administrator, BPJS branch officer, village operators, agents"
        wanted = set()
        for part in re.split(r", | — ", roles.split(":")[0].strip()):
            value = labels.get(part.strip())
            if value is not None:
                wanted |= value if isinstance(value, set) else {value}
        assert wanted == {str(r) for r in PERMISSIONS[name]}, name
