"""One base for refusals (lindung/errors.py) and its one adapter per kind of door: API, page, command line."""

import click
import pytest
from click.testing import CliRunner
from django import forms
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.test import RequestFactory

from lindung.agents.services import AgentError
from lindung.autodebit.services import AutodebitError
from lindung.backup import BackupError
from lindung.billing.payments import PaymentError
from lindung.billing.statements import StatementError
from lindung.claims.errors import ClaimError
from lindung.cli import main
from lindung.coverage.services import CoverageError
from lindung.errors import Conflict, DomainError, InvalidInput, to_form, to_messages
from lindung.funding.errors import AlreadyCovered, BudgetShortfall, FundingError
from lindung.imports.columns import CellError
from lindung.imports.pipeline import MappingError
from lindung.imports.readers import UnreadableFile
from lindung.imports.services import ImportRefused
from lindung.people.services import TooManyRefusals, WorkerInvalid
from lindung.programmes.services import ProgrammeError
from lindung.regions.loader import WorkingPopulationError
from lindung.reports.services import ReportRefused
from lindung.rules.services import RuleError
from lindung.rules.shipped import RuleDataError
from lindung.uploads import UploadTooLarge

EVERY_DOMAIN_ERROR = [PaymentError, StatementError, CoverageError, FundingError, CellError, MappingError,
                      UnreadableFile, ImportRefused, WorkerInvalid, WorkingPopulationError, RuleDataError, RuleError,
                      AgentError, AutodebitError, BackupError, ClaimError, TooManyRefusals, ProgrammeError,
                      ReportRefused, UploadTooLarge]


@pytest.mark.parametrize("error_class", EVERY_DOMAIN_ERROR)
def test_every_refusal_shares_the_one_base(error_class):
    assert issubclass(error_class, DomainError)


def test_an_error_carries_message_field_and_status():
    refused = InvalidInput("Income below the minimum.", "income")
    assert (refused.message, refused.field, refused.status) == ("Income below the minimum.", "income", 422)
    assert isinstance(refused, ValueError)            # bad input stays a ValueError for callers that expect one
    assert Conflict("Already paid.").status == 409
    assert DomainError("Gone.", status=410).status == 410
    assert AlreadyCovered([1, 2]).status == 409 and AlreadyCovered([1, 2]).details == {"worker_ids": [1, 2]}
    assert BudgetShortfall([]).status == 409
    assert refused.as_dict() == {"detail": "Income below the minimum.", "message": "Income below the minimum.",
                                 "field": "income"}


# --- the page adapter ----------------------------------------------------------------------------

def test_the_page_adapter_puts_a_refusal_on_the_field_it_names():
    class WorkerForm(forms.Form):
        nik = forms.CharField()
        name = forms.CharField()

    form = WorkerForm({"nik": "1", "name": "Sri"})
    assert form.is_valid()
    to_form(form, WorkerInvalid({"nik": ["NIK must have 16 digits."], "village": ["Unknown village."]}))
    assert form.errors["nik"] == ["NIK must have 16 digits."]
    assert form.non_field_errors() == ["Unknown village."]      # no such field on the form: the form as a whole


def _page_messages(exc) -> list[str]:
    request = RequestFactory().post("/")
    request.session = {}
    request._messages = FallbackStorage(request)
    to_messages(request, exc)
    return [str(m) for m in get_messages(request)]


def test_the_page_adapter_shows_every_line_as_a_message():
    assert _page_messages(CoverageError("Explain the correction (at least 10 characters).")) == [
        "Explain the correction (at least 10 characters)."]
    assert _page_messages(ReportRefused(["Period: required.", "Region: unknown code 99."])) == [
        "Period: required.", "Region: unknown code 99."]
    rows = [{"row": 3, "message": "no amount"}, {"row": 7, "message": "no date"}]
    assert _page_messages(StatementError(rows)) == ["Baris 3: no amount", "Baris 7: no date"]


# --- the API adapter -----------------------------------------------------------------------------

@pytest.mark.django_db
def test_the_api_answers_a_refusal_with_its_status_message_and_field(client, jambi_province_operator):
    client.force_login(jambi_province_operator)
    response = client.get("/api/v1/rules/quote", {"income": "5", "funding": "csr", "month": "2026-06"})
    assert response.status_code == 422
    assert response.json()["field"] == "income" and response.json()["message"]


# --- the command-line adapter --------------------------------------------------------------------

def refusing_command(monkeypatch, refusal: Exception):
    """Run ``lindung refuse``, a command that raises ``refusal``, as the console would."""
    @click.command("refuse")
    def refuse():
        raise refusal

    main.add_command(refuse)
    try:
        result = CliRunner().invoke(main, ["--help"])   # the group loads without Django set up
        assert result.exit_code == 0
        monkeypatch.setattr("lindung.cli.setup_django", lambda mode=None: None)
        monkeypatch.setattr("lindung.cli.activate_language", lambda lang: None)
        return CliRunner().invoke(main, ["refuse"])
    finally:
        main.commands.pop("refuse", None)


def test_the_command_line_turns_any_refusal_into_one_line_and_exit_1(monkeypatch):
    result = refusing_command(monkeypatch, FundingError("Not enough budget."))
    assert result.exit_code == 1
    assert result.output.strip() == "Galat: Not enough budget."  # "Error:" in English (--lang en)


def test_the_command_line_writes_a_refusal_of_several_lines_on_one(monkeypatch):
    result = refusing_command(monkeypatch, ReportRefused(["Period: required.", "Region: unknown code 99."]))
    assert result.exit_code == 1
    assert result.output.strip() == "Galat: Period: required. Region: unknown code 99."
