"""docs/reminders.md is checked against the code: command options, API path, permission, settings."""

import re

from lindung.reminders.api import router

from .docs_support import (
    assert_command_and_options_exist, assert_settings_are_read, command_for, command_lines, options_of, permissions,
    read, routes,
)

TEXT = read("docs/reminders.md")


def test_documented_options_exist():
    options = options_of(command_for("lindung reminders")[0])
    documented = set(re.findall(r"(--[a-z][a-z-]*)", TEXT))
    assert documented <= options and {"--date", "--send", "--sender", "--json"} <= documented
    for line in command_lines(TEXT, "reminders"):
        assert_command_and_options_exist(line)


def test_documented_api_path_and_permission():
    assert routes(router) == {("GET", "/")}
    assert "`GET /api/v1/reminders?date=YYYY-MM-DD`" in TEXT
    assert set(re.findall(r"`(reminders\.[a-z_]+)`", TEXT)) == permissions("reminders")


def test_documented_settings_are_read():
    assert_settings_are_read(TEXT)
