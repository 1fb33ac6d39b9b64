"""docs/reports.md is checked against the catalogue, the permissions, the command and the API."""

import re

from lindung.reports.api import router
from lindung.reports.catalogue import catalogue

from .docs_support import (
    assert_command_and_options_exist, assert_settings_are_read, command_for, command_lines, documented_routes,
    options_of, permissions, read, routes, section,
)

TEXT = read("docs/reports.md")


def test_every_report_is_documented_and_every_documented_report_exists():
    documented = set(re.findall(r"^### `([a-z_]+)` — ", TEXT, flags=re.M))
    assert documented == set(catalogue())
    for name, report in catalogue().items():
        part = TEXT.split(f"### `{name}`", 1)[1].split("\n### ", 1)[0].split("\n## ", 1)[0]
        for fmt in report.formats:
            assert fmt.upper() in part, f"{name}: format {fmt} not documented"
        for param in report.params:
            if param != "period" or "--period" in part:
                assert f"--{param}" in part, f"{name}: parameter {param} not documented"


def test_documented_permissions_match_the_access_layer():
    documented = set(re.findall(r"^\| `((?:report|regulation)\.[a-z_]+)` \|", TEXT, flags=re.M))
    assert documented == permissions("report", "regulation")
    assert {r.permission for r in catalogue().values()} <= documented


def test_documented_options_exist():
    options = options_of(command_for("lindung report")[0])
    for option in re.findall(r"`(--[a-z]+)", section(TEXT, "The catalogue")):
        assert option in options, option
    for line in command_lines(TEXT, "report"):
        assert_command_and_options_exist(line)


def test_documented_api_paths_exist():
    documented = documented_routes(TEXT, prefix="/api/v1/reports")
    assert len(documented) == 8
    assert documented <= routes(router)


def test_documented_settings_are_read():
    assert_settings_are_read(TEXT)
