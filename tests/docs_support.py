"""One helper for every docs test: documented commands, options, API paths, permissions and settings are
looked up in the code (and the code's in the text), so each guide's test only says which part of which
guide it checks."""

import ast
import re
from pathlib import Path

import click

from lindung.accounts.access import PERMISSIONS
from lindung.cli import main

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"


def read(name: str) -> str:
    return (ROOT / name).read_text()


def section(text: str, heading: str) -> str:
    """The text under ``## heading`` up to the next ``## `` heading."""
    return text.split(f"## {heading}", 1)[1].split("\n## ", 1)[0]


def command_lines(text: str, *groups: str) -> list[str]:
    """Every ``lindung GROUP …`` line the text shows: in backticks, after ``$ `` or indented as console
    lines; comments cut off, spaces normalised."""
    names = "|".join(groups)
    found = re.findall(rf"(?:^\$ |^    |^|`)(lindung (?:--lang en )?(?:{names})\b[^`\n#]*)", text, flags=re.M)
    return sorted({" ".join(line.replace("--lang en ", "").split()) for line in found})


def subcommands(group: str) -> set[str]:
    return set(main.get_command(click.Context(main), group).commands)


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
    return re.sub(r"\{(?:int:)?[a-z_]+\}", "{}", path.strip()).rstrip("/") or "/"


def documented_routes(text: str, prefix: str = "") -> set[tuple[str, str]]:
    """(method, path) of every ```METHOD /path``` in the text (a query string left out, path parameters as
    ``{}``); with ``prefix`` instead every ``METHOD prefix/path`` written in full, without the prefix."""
    if prefix:
        return {(m, normalised(p or "/")) for m, p in
                re.findall(rf"(GET|POST|PUT|PATCH|DELETE) {re.escape(prefix)}(/[a-z/{{}}_:-]*)?", text)}
    return {(m, normalised(p)) for m, p in
            re.findall(r"`(GET|POST|PUT|PATCH|DELETE) (/?[a-z/{}_:-]*)(?:\?[^`]*)? ?`", text)}


def routes(router, prefix: str = "") -> set[tuple[str, str]]:
    """(method, path) of every operation of a django-ninja router, path parameters as ``{}``."""
    return {(method, normalised(prefix + path)) for path, view in router.path_operations.items()
            for op in view.operations for method in op.methods}


def permissions(*families: str) -> set[str]:
    """The permissions of the access layer whose first word is one of ``families``."""
    return {name for name in PERMISSIONS if name.split(".")[0] in families}


# --- settings: read in settings.py, documented in the README table and the guides ------------------------

def variables_read_in_settings() -> set[str]:
    """Every environment variable settings.py reads (through its env_* helpers or os.environ)."""
    tree = ast.parse((ROOT / "lindung" / "settings.py").read_text())
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant):
            name = getattr(node.func, "id", getattr(node.func, "attr", ""))
            if name.startswith("env_") or name in ("get", "getenv"):
                found.add(node.args[0].value)
    return {v for v in found if isinstance(v, str) and re.fullmatch(r"[A-Z][A-Z0-9_]+", v)}


def variables_in_the_readme() -> list[str]:
    """The variables of the README's configuration table, one per row, in order (a repeat shows twice)."""
    return re.findall(r"^\| `([A-Z][A-Z0-9_]+)` \|", section(read("README.md"), "Configuration"), flags=re.M)


def settings_named(text: str) -> set[str]:
    return set(re.findall(r"`(LINDUNG_[A-Z0-9_]+)`", text))


def assert_settings_are_read(text: str, *, read_elsewhere: dict[str, str] | None = None) -> None:
    """Every ``LINDUNG_…`` variable the text names is read in settings.py (or, for one of
    ``read_elsewhere``, {name: file}, named in that file) and is in the README's table."""
    read, table = variables_read_in_settings(), set(variables_in_the_readme())
    for name in settings_named(text):
        if name in (read_elsewhere or {}):
            assert f'"{name}"' in (ROOT / read_elsewhere[name]).read_text(), name
            continue
        assert name in read, f"{name} is documented but settings.py does not read it"
        assert name in table, f"{name} is documented but missing from the README's configuration table"
