"""The demo's auto-debit story: active mandates (this month's debit file is not empty) and a failure to follow up."""

import datetime as dt

import pytest

from lindung.accounts.access import Access
from lindung.accounts.models import User
from lindung.autodebit.models import Mandate, MandateState, Reason
from lindung.autodebit.services import bank_for, debit_lines, open_failures
from lindung.coverage.services import status_of
from lindung.demo.scenario import seed

TODAY = dt.date(2026, 11, 21)


@pytest.fixture
def demo(db):
    seed(TODAY)


def test_the_demo_has_self_payers_on_auto_debit_and_a_returned_failure(demo):
    branch = Access(User.objects.get(username="cabang.gresik"))
    mandates = Mandate.objects.filter(state=MandateState.ACTIVE)
    assert mandates.count() == 6
    run = debit_lines(branch, dt.date(2026, 11, 1), bank_for("GENERIC"))
    assert len(run.lines) == 6 and {line.amount for line in run.lines} == {8_400}  # PP 50/2025, self-paid BPU
    [failure] = open_failures(Access(User.objects.get(username="agen.cerme")))
    assert failure.month == dt.date(2026, 10, 1) and failure.reason == Reason.INSUFFICIENT_FUNDS
    assert status_of(failure.mandate.worker, dt.date(2026, 11, 1)) == "grace"
    others = mandates.exclude(pk=failure.mandate_id)
    assert all(status_of(m.worker, dt.date(2026, 10, 1)) == "active" for m in others)
