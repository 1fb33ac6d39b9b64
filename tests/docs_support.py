"""One helper for every docs test: documented commands, options, API paths and permissions are looked up
in the code, so each guide's test only says which part of which guide it checks."""

import re
from pathlib import Path

import click

from lindung.accounts.access import PERMISSIONS
from lindung.cli import main

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"


def read(name: str) -> str:
    return (ROOT / name).read_text()


def command_for(line: str) -> tuple[click.Command, list[str]]:
    """The command a documented line (``lindung coverage snapshot --month 2026-06``) runs, and the words
    left after the command names (options and arguments). Fails when a command name does not exist."""
    words = line.split()[1:]
    command, ctx = main, click.Context(main)
    while isinstance(command, click.Group) and words and not words[0].startswith("-"):
        sub = command.get_command(ctx, words[0])
        if sub is None:
            assert isinstance(command, click.Group) and command is not main, f"no command for {line!r}"
            break  # an argument of a group invoked without a subcommand
        command = sub
        words.pop(0)
    return command, words


def options_of(command: click.Command) -> set[str]:
    return {opt for param in command.params for opt in getattr(param, "opts", [])}


def assert_command_and_options_exist(line: str) -> None:
    command, words = command_for(line)
    options = options_of(command)
    for word in words:
        if word.startswith("--"):
            assert word.strip("[]").split("=")[0] in options, f"{word} in {line!r}"


def normalised(path: str) -> str:
    return re.sub(r"\{(?:int:)?[a-z_]+\}", "{}", path).rstrip("/") or "/"


def routes(router, prefix: str = "") -> set[tuple[str, str]]:
    """(method, path) of every operation of a django-ninja router, path parameters as ``{}``."""
    return {(method, normalised(prefix + path)) for path, view in router.path_operations.items()
            for op in view.operations for method in op.methods}


def permissions(*families: str) -> set[str]:
    """The permissions of the access layer whose first word is one of ``families``."""
    return {name for name in PERMISSIONS if name.split(".")[0] in families}
