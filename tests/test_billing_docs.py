"""docs/billing.md and docs/coverage.md are checked against the code: commands, options, API paths,
permissions."""

import re
from pathlib import Path

import click
import pytest

from lindung.accounts.access import PERMISSIONS
from lindung.billing.api import router as billing_router
from lindung.cli import main
from lindung.coverage.api import router as coverage_router

DOCS = Path(__file__).resolve().parent.parent / "docs"
TEXT = {name: (DOCS / name).read_text() for name in ("billing.md", "coverage.md")}
ROUTERS = {"billing": billing_router, "coverage": coverage_router}


def commands() -> list[str]:
    found = []
    for text in TEXT.values():
        found += re.findall(r"(?:^\$ |`)(lindung (?:bill|payments|coverage)\b[^`\n#]*)", text, flags=re.M)
    return sorted({line.strip() for line in found})


@pytest.mark.parametrize("line", commands())
def test_every_documented_command_and_option_exists(line):
    words = line.split()[1:]
    command, ctx = main, click.Context(main)
    while isinstance(command, click.Group) and words and not words[0].startswith("-"):
        sub = command.get_command(ctx, words[0])
        if sub is None:
            break
        command = sub
        words.pop(0)
    options = {opt for param in command.params for opt in getattr(param, "opts", [])}
    if isinstance(command, click.Group):
        options |= {opt for param in command.params for opt in getattr(param, "opts", [])}
    for word in words:
        if word.startswith("--"):
            assert word.strip("[]") in options, f"{word} in {line!r}"


def routes(prefix: str) -> set[tuple[str, str]]:
    router = ROUTERS[prefix]
    return {(method, re.sub(r"\{[a-z_]+\}", "{}", path)) for path, view in router.path_operations.items()
            for op in view.operations for method in op.methods}


def test_documented_api_paths_exist():
    documented = []
    for name, text in TEXT.items():
        documented += re.findall(r"`(GET|POST|PUT) /api/v1/(billing|coverage)(/[a-z/{}_]*)", text)
        section = text.split("## API", 1)[1] if "## API" in text else ""
        prefix = name.split(".")[0]
        documented += [(m, prefix, p) for m, p in re.findall(r"`(GET|POST|PUT) (/[a-z/{}_]+)", section)]
    assert len(documented) > 15
    for method, prefix, path in documented:
        assert (method, re.sub(r"\{[a-z_]+\}", "{}", path)) in routes(prefix), f"{method} /{prefix}{path}"


def test_documented_permissions_are_exactly_billings_and_coverages():
    ours = {n for n in PERMISSIONS if n.split(".")[0] in ("billing", "payment", "coverage")}
    documented = set()
    for text in TEXT.values():
        documented |= set(re.findall(r"`((?:billing|payment|coverage)\.[a-z_.]+[a-z])`", text))
    assert documented == ours
