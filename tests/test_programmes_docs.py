"""docs/programmes.md is checked against the code: commands, options, API paths, permissions."""

import pytest

from lindung.programmes.api import router

from .docs_support import (
    assert_command_and_options_exist, assert_settings_are_read, command_lines, documented_routes, permissions,
    read, routes, section, subcommands,
)

TEXT = read("docs/programmes.md")


def test_the_guide_shows_every_subcommand():
    documented = {line.split()[2] for line in command_lines(TEXT, "programmes") if len(line.split()) > 2}
    assert documented == subcommands("programmes")


@pytest.mark.parametrize("line", command_lines(TEXT, "programmes"))
def test_every_documented_command_and_option_exists(line):
    assert_command_and_options_exist(line)


def test_documented_api_paths_are_exactly_the_routes():
    assert documented_routes(section(TEXT, "API")) == routes(router)


def test_documented_permissions_are_exactly_the_programmes():
    import re

    assert set(re.findall(r"`(programme\.[a-z_]+)`", TEXT)) == permissions("programme")


def test_documented_settings_are_read():
    assert_settings_are_read(TEXT)
