"""docs/programmes.md is checked against the code: commands, options, API paths, permissions."""

import re
from pathlib import Path

import click
import pytest

from lindung.accounts.access import PERMISSIONS
from lindung.cli import main
from lindung.programmes.api import router

TEXT = (Path(__file__).resolve().parent.parent / "docs" / "programmes.md").read_text()


def commands() -> list[str]:
    found = re.findall(r"(?:^    |`)(lindung programmes\b[^`\n#]*)", TEXT, flags=re.M)
    return sorted({" ".join(line.split()) for line in found})


def test_the_guide_shows_every_subcommand():
    documented = {line.split()[2] for line in commands() if len(line.split()) > 2}
    assert documented == set(main.get_command(click.Context(main), "programmes").commands)


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
            assert word in options, f"{word} in {line!r}"


def test_documented_api_paths_are_exactly_the_routes():
    routes = {(m, re.sub(r"\{[a-z_]+\}", "{}", p)) for p, view in router.path_operations.items()
              for op in view.operations for m in op.methods}
    section = TEXT.split("## API", 1)[1].split("\n## ", 1)[0]
    documented = {(m, re.sub(r"\{[a-z_]+\}", "{}", p.strip()))
                  for m, p in re.findall(r"`(GET|POST|PUT|DELETE) (/?[a-z/{}_]*)(?:\?[^`]*)? ?`", section)}
    assert documented == routes


def test_documented_permissions_are_exactly_the_programmes():
    assert set(re.findall(r"`(programme\.[a-z_]+)`", TEXT)) == {n for n in PERMISSIONS if n.startswith("programme.")}
