"""docs/reminders.md is checked against the code: command options, API path, permission, settings."""

import re
from pathlib import Path

import click

from lindung.accounts.access import PERMISSIONS
from lindung.cli import main
from lindung.reminders.api import router

TEXT = (Path(__file__).resolve().parent.parent / "docs" / "reminders.md").read_text()
SETTINGS = (Path(__file__).resolve().parent.parent / "lindung" / "settings.py").read_text()


def test_documented_options_exist():
    command = main.get_command(click.Context(main), "reminders")
    options = {opt for param in command.params for opt in getattr(param, "opts", [])}
    documented = set(re.findall(r"(--[a-z][a-z-]*)", TEXT))
    assert documented <= options and {"--date", "--send", "--sender", "--json"} <= documented


def test_documented_api_path_and_permission():
    assert [(m, p) for p, view in router.path_operations.items() for op in view.operations for m in op.methods] == [
        ("GET", "")]
    assert "`GET /api/v1/reminders?date=YYYY-MM-DD`" in TEXT
    assert set(re.findall(r"`(reminders\.[a-z_]+)`", TEXT)) == {n for n in PERMISSIONS if n.startswith("reminders.")}


def test_documented_settings_are_read():
    for name in re.findall(r"`(LINDUNG_[A-Z_]+)`", TEXT):
        assert f'"{name}"' in SETTINGS, name
