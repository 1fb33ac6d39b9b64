"""docs/autodebit.md is checked against the code: commands, options, API paths, permissions and roles."""

import re

import pytest

from lindung.accounts.access import PERMISSIONS
from lindung.accounts.models import Role
from lindung.autodebit.api import router

from .docs_support import (
    assert_command_and_options_exist, assert_settings_are_read, command_lines, documented_routes, permissions,
    read, routes, section, subcommands,
)

TEXT = read("docs/autodebit.md")


def test_the_guide_shows_every_subcommand():
    documented = {line.split()[2] for line in command_lines(TEXT, "autodebit") if len(line.split()) > 2}
    assert documented == subcommands("autodebit")


@pytest.mark.parametrize("line", command_lines(TEXT, "autodebit"))
def test_every_documented_command_and_option_exists(line):
    assert_command_and_options_exist(line)


def test_documented_api_paths_exist_and_every_route_is_documented():
    documented = documented_routes(section(TEXT, "API")) | documented_routes(TEXT, prefix="/api/v1/autodebit")
    assert documented == routes(router)


def test_documented_permissions_are_exactly_autodebits():
    assert set(re.findall(r"`(autodebit\.[a-z_]+)`", TEXT)) == permissions("autodebit")


def test_documented_roles_match_the_permission_table():
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


def test_documented_settings_are_read():
    assert_settings_are_read(TEXT)
