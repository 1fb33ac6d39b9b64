"""docs/claims.md is checked against the code both ways: commands and options, API paths,
permissions, the document checklists and the rejection reasons."""

import re
from pathlib import Path

import click
import pytest

from lindung.accounts.access import PERMISSIONS
from lindung.claims import data
from lindung.claims.api import dci_router, router
from lindung.claims.cli import claims, deaths
from lindung.cli import main

TEXT = (Path(__file__).resolve().parent.parent / "docs" / "claims.md").read_text()


def documented_commands() -> list[str]:
    found = re.findall(r"(?:^\$ |`)(lindung (?:claims|deaths)\b[^`\n#]*)", TEXT, flags=re.M)
    return sorted({line.strip() for line in found})


@pytest.mark.parametrize("line", documented_commands())
def test_every_documented_command_and_option_exists(line):
    words = line.split()[1:]
    command, ctx = main, click.Context(main)
    while isinstance(command, click.Group) and words and not words[0].startswith("-"):
        sub = command.get_command(ctx, words[0])
        assert sub is not None, line
        command = sub
        words.pop(0)
    options = {opt for param in command.params for opt in getattr(param, "opts", [])}
    for word in words:
        if word.startswith("--"):
            assert word in options, f"{word} in {line!r}"


def test_every_command_and_option_is_documented():
    text = "\n".join(documented_commands())
    for group in (claims, deaths):
        for name, command in group.commands.items():
            assert f"lindung {group.name} {name}" in text, f"lindung {group.name} {name}"
            for param in command.params:
                for opt in getattr(param, "opts", []):
                    if opt.startswith("--"):
                        assert opt in TEXT, f"{opt} of lindung {group.name} {name}"


def paths(r, prefix: str) -> set[tuple[str, str]]:
    return {(method, prefix + re.sub(r"\{(int:)?([a-z_]+)\}", r"{\2}", path).rstrip("/"))
            for path, view in r.path_operations.items() for op in view.operations for method in op.methods}


def test_api_paths_documented_exactly():
    section = TEXT.split("## API", 1)[1].split("## Command line", 1)[0]
    documented = {(m, "/api/v1/claims" + p.rstrip("/")) for m, p in re.findall(r"`(GET|POST) (/[a-z/{}_]*)`", section)}
    documented |= {(m, p) for m, p in re.findall(r"`(GET|POST) (/api/dci/[a-z/{}_-]+)`", TEXT)}
    actual = paths(router, "/api/v1/claims") | paths(dci_router, "/api/dci")
    assert documented == actual


def test_permissions_documented_exactly():
    ours = {n for n in PERMISSIONS if n.split(".")[0] in ("claim", "event", "registry")}
    documented = set(re.findall(r"`((?:claim|event|registry)\.[a-z_]+)`", TEXT))
    assert documented == ours


ROWS = {"jkm": "JKM", "jkk_death": "JKK death", "jkk_disability": "JKK disability", "stmb": "STMB",
        "scholarship": "scholarship"}
WORDS = {"death_certificate": "death certificate", "family_card": "family card", "heir_ktp": "heirs' KTP",
         "heir_statement": "heir statement", "savings_book": "savings book", "accident_report": "accident report",
         "doctor_statement": "doctor's statement", "worker_ktp": "worker's KTP",
         "enrolment_letter": "enrolment letter", "report_card": "report card"}


def test_checklists_and_rejection_reasons_are_described():
    for code in data.rejection_reasons():
        assert f"`{code}`" in TEXT
    table = {line.split("|")[1].strip(): line.split("|")[2] for line in TEXT.splitlines()
             if line.startswith("| ") and line.count("|") == 3}
    for kind, label in ROWS.items():
        row = table[label]
        wanted = set(data.checklist(kind)) | set(data.yearly_checklist(kind))
        for code, words in WORDS.items():
            assert (words in row) == (code in wanted), (kind, code)
