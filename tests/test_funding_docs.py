"""docs/funding.md is checked against the code: its commands, options, API paths and permissions exist."""

import re
from pathlib import Path

import click
import pytest

from lindung.accounts.access import PERMISSIONS
from lindung.cli import main
from lindung.funding.api import router

DOC = (Path(__file__).resolve().parent.parent / "docs" / "funding.md").read_text()


def console_lines() -> list[str]:
    return re.findall(r"^    (lindung (?:funders|sponsorships) .+?)(?:\s+#.*)?$", DOC, flags=re.M)


@pytest.mark.parametrize("line", console_lines())
def test_every_documented_command_and_option_exists(line):
    words = line.split()[1:]
    command, ctx = main, click.Context(main)
    while isinstance(command, click.Group):
        command = command.get_command(ctx, words.pop(0))
        assert command is not None, line
    options = {opt for param in command.params for opt in getattr(param, "opts", [])}
    for word in words:
        if word.startswith("--"):
            assert word.strip("[]") in options, f"{word} in {line!r}"


def test_documented_api_paths_exist():
    routes = {(method, path) for path, view in router.path_operations.items()
              for op in view.operations for method in op.methods}
    documented = re.findall(r"`(GET|POST|PUT|DELETE) (/[a-z/{}_]+)`", DOC)
    assert documented
    normalised = {(m, re.sub(r"\{[a-z_]+\}", "{}", p)) for m, p in routes}
    for method, path in documented:
        assert (method, re.sub(r"\{[a-z_]+\}", "{}", path)) in normalised, f"{method} {path}"


def test_documented_permissions_exist():
    names = re.findall(r"^\| `([a-z_.]+)` \|", DOC, flags=re.M)
    assert {n for n in names if n.startswith(("funding", "funder", "budget", "sponsorship", "pool", "matching"))} == {
        n for n in PERMISSIONS if n.split(".")[0] in ("funding", "funder", "budget", "sponsorship", "pool",
                                                       "matching")}
