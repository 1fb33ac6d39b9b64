"""docs/claims.md is checked against the code both ways: commands and options, API paths,
permissions, the document checklists and the rejection reasons."""

import re

import pytest

from lindung.claims import data
from lindung.claims.api import dci_router, router
from lindung.claims.cli import claims, deaths

from .docs_support import (
    assert_command_and_options_exist, assert_settings_are_read, command_lines, documented_routes, permissions,
    read, routes, section,
)

TEXT = read("docs/claims.md")


def documented_commands() -> list[str]:
    return command_lines(TEXT, "claims", "deaths")


@pytest.mark.parametrize("line", documented_commands())
def test_every_documented_command_and_option_exists(line):
    assert_command_and_options_exist(line)


def test_every_command_and_option_is_documented():
    text = "\n".join(documented_commands())
    for group in (claims, deaths):
        for name, command in group.commands.items():
            assert f"lindung {group.name} {name}" in text, f"lindung {group.name} {name}"
            for param in command.params:
                for opt in getattr(param, "opts", []):
                    if opt.startswith("--"):
                        assert opt in TEXT, f"{opt} of lindung {group.name} {name}"


def claims_path(path: str) -> str:
    return "/api/v1/claims" + ("" if path == "/" else path)


def test_api_paths_documented_exactly():
    documented = {(m, claims_path(p)) for m, p in documented_routes(section(TEXT, "API"))}
    documented |= {(m, "/api/dci" + p) for m, p in documented_routes(TEXT, prefix="/api/dci")}
    assert documented == {(m, claims_path(p)) for m, p in routes(router)} | routes(dci_router, "/api/dci")


def test_permissions_documented_exactly():
    documented = set(re.findall(r"`((?:claim|event|registry)\.[a-z_]+)`", TEXT))
    assert documented == permissions("claim", "event", "registry")


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
