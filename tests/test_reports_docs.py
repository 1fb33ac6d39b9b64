"""docs/reports.md is checked against the catalogue, the permissions, the command and the API."""

import re
from pathlib import Path

import click

from lindung.accounts.access import PERMISSIONS
from lindung.cli import main
from lindung.reports.api import router
from lindung.reports.catalogue import catalogue

TEXT = (Path(__file__).resolve().parent.parent / "docs" / "reports.md").read_text()


def test_every_report_is_documented_and_every_documented_report_exists():
    documented = set(re.findall(r"^### `([a-z_]+)` — ", TEXT, flags=re.M))
    assert documented == set(catalogue())
    for name, report in catalogue().items():
        section = TEXT.split(f"### `{name}`", 1)[1].split("\n### ", 1)[0].split("\n## ", 1)[0]
        for fmt in report.formats:
            assert fmt.upper() in section, f"{name}: format {fmt} not documented"
        for param in report.params:
            if param != "period" or "--period" in section:
                assert f"--{param}" in section, f"{name}: parameter {param} not documented"


def test_documented_permissions_match_the_access_layer():
    documented = set(re.findall(r"^\| `((?:report|regulation)\.[a-z_]+)` \|", TEXT, flags=re.M))
    assert documented == {p for p in PERMISSIONS if p.startswith(("report.", "regulation."))}
    assert {r.permission for r in catalogue().values()} <= documented


def test_documented_options_exist():
    command = main.get_command(click.Context(main), "report")
    options = {opt for param in command.params for opt in getattr(param, "opts", [])}
    catalogue_text = TEXT.split("## The catalogue", 1)[1].split("\n## ", 1)[0]
    for option in re.findall(r"`(--[a-z]+)", catalogue_text):
        assert option in options, option
    for line in re.findall(r"`(lindung (?:--lang en )?report [^`]*)`", TEXT):
        for word in line.split():
            if word.startswith("--") and word != "--lang":
                assert word in options, f"{word} in {line!r}"


def test_documented_api_paths_exist():
    routes = {(method, re.sub(r"\{[a-z_]+\}", "{}", path)) for path, view in router.path_operations.items()
              for op in view.operations for method in op.methods}
    documented = re.findall(r"`(GET|POST|DELETE) /api/v1/reports(/[a-z/{}_]*)?", TEXT)
    assert len(documented) == 8
    for method, path in documented:
        assert (method, re.sub(r"\{[a-z_]+\}", "{}", path or "")) in routes, f"{method} {path}"
