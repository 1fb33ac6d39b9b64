"""The claims app's reference data: heirs' order of precedence, document checklists, rejection
reasons and deadlines (``data/claims.json``), with the translated labels of their codes."""

import json
from functools import cache
from pathlib import Path

from django.utils.translation import gettext_lazy as _

DATA = Path(__file__).resolve().parent / "data" / "claims.json"

DOCUMENT_LABELS = {
    "death_certificate": _("Death certificate"),
    "family_card": _("Family card (KK)"),
    "heir_ktp": _("Heirs' identity cards (KTP)"),
    "heir_statement": _("Heir statement signed by the village head"),
    "savings_book": _("Savings book of the payee"),
    "accident_report": _("Work accident report (within 2 × 24 hours)"),
    "doctor_statement": _("Doctor's statement"),
    "worker_ktp": _("Worker's identity card (KTP)"),
    "enrolment_letter": _("School enrolment letter"),
    "report_card": _("Report card"),
}

REJECTION_LABELS = {
    "not_active": _("membership not active on the date of the event"),
    "claim_window_passed": _("the 5-year claim window has passed"),
    "not_an_heir": _("the claimant is not the entitled heir"),
    "documents_invalid": _("documents invalid or incomplete"),
    "duplicate": _("already claimed"),
    "other": _("other reason"),
}


@cache
def load() -> dict:
    return json.loads(DATA.read_text(encoding="utf-8"))


def checklist(kind: str) -> list[str]:
    return list(load()["checklists"][kind])


def yearly_checklist(kind: str) -> list[str]:
    return list(load()["yearly_checklists"].get(kind, []))


def heir_precedence() -> list[list[str]]:
    return [list(group) for group in load()["heir_precedence"]]


def adult_age() -> int:
    return int(load()["adult_age"])


def rejection_reasons() -> list[str]:
    return list(load()["rejection_reasons"])


def deadline(name: str) -> int:
    return int(load()["deadlines"][name])


def document_label(code: str) -> str:
    return str(DOCUMENT_LABELS.get(code, code))
