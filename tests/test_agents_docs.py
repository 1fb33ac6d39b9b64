"""docs/agents.md is checked against the code: commands, options, API paths, permissions."""

import re

import pytest

from lindung.accounts.access import PERMISSIONS
from lindung.accounts.models import Role
from lindung.agents.api import router

from .docs_support import (
    assert_command_and_options_exist, assert_settings_are_read, command_lines, documented_routes, read, routes,
    section, subcommands,
)

TEXT = read("docs/agents.md")


def test_the_guide_shows_every_subcommand():
    documented = {line.split()[2] for line in command_lines(TEXT, "agents") if len(line.split()) > 2}
    assert documented == subcommands("agents")


@pytest.mark.parametrize("line", command_lines(TEXT, "agents"))
def test_every_documented_command_and_option_exists(line):
    assert_command_and_options_exist(line)


def test_documented_api_paths_are_exactly_the_routes():
    assert documented_routes(section(TEXT, "API")) == routes(router)


def test_documented_permissions_and_roles_match_the_table():
    labels = {"national administrator": {Role.NATIONAL_ADMIN}, "BPJS branch officer": {Role.BRANCH_OFFICER},
              "regional and village operators": {Role.REGIONAL_OPERATOR, Role.VILLAGE_OPERATOR},
              "agents": {Role.AGENT}}
    rows = dict(re.findall(r"^\| `(agents\.[a-z_]+)` \| ([^|]+)\|", TEXT, flags=re.M))
    assert set(rows) == {name for name in PERMISSIONS if name.startswith("agents.")}
    for name, roles in rows.items():
        wanted = set().union(*(labels[part.strip()] for part in roles.split(",")))
        assert {str(r) for r in wanted} == {str(r) for r in PERMISSIONS[name]}, name


def test_documented_settings_are_read():
    assert_settings_are_read(TEXT)
