"""A CSR-sponsored worker handed over to self-payment with an auto-debit mandate (issue scenario).

January–March 2026 the company pays; from April the worker pays himself by auto-debit. The bank debits
April and May, returns June as insufficient funds (the worker stays a member: his membership continues),
then July and August fail too: the mandate is suspended after the third failure in a row and the
membership lapses by the usual rule (RULES.md §3: three consecutive unpaid months). Figures from
RULES.md §3: JKK+JKM at the minimum income is Rp16,800, and PP 50/2025 halves it for a self-paying BPU
worker outside transport from April to December 2026 — Rp8,400 a month.
"""

import datetime as dt

import pytest

from lindung.accounts.access import Access
from lindung.autodebit.models import Debit, Mandate, MandateState, Outcome, Reason, debit_reference
from lindung.autodebit.services import (bank_for, export_debit_file, follow_up, import_return_file, open_failures,
                                        register_mandate)
from lindung.billing.models import Channel, Invoice, Payment
from lindung.billing.payments import record_payment
from lindung.billing.runs import bill
from lindung.coverage import services as coverage
from lindung.funding.lifecycle import continue_as_self_payer
from tests.autodebit_support import returned
from tests.billing_support import funder, month, sponsor
from tests.conftest import DADAPKUNING, create_worker

pytestmark = pytest.mark.django_db

ACCOUNT = "0123456789"


@pytest.fixture
def handed_over(cerme_agent):
    worker = create_worker(DADAPKUNING, registered_by=cerme_agent, name="Sutrisno")
    company = funder("company", "PT Sinar Gresik Lestari (CSR)", "3525")
    [csr] = sponsor(company, [worker], start=month("2026-01"), months=3)
    for m in ("2026-01", "2026-02", "2026-03"):
        bill(Access.console(), month(m))
        invoice = Invoice.objects.get(funder=company, month=month(m))
        record_payment(invoice, amount=invoice.total, reference=f"CSR-{m}", paid_on=month(m) + dt.timedelta(days=9))
    agent = Access(cerme_agent)
    self_paid = continue_as_self_payer(agent, csr, months=12, today=dt.date(2026, 3, 25))
    mandate = register_mandate(agent, worker, bank=bank_for("GENERIC"), account_holder="Sutrisno",
                               account_number=ACCOUNT, debit_day=20, programs="jkk,jkm", start_month=month("2026-04"))
    return worker, self_paid, mandate


def test_a_handed_over_self_payer_pays_by_auto_debit_until_his_mandate_fails(handed_over, gresik_branch_officer):
    worker, self_paid, mandate = handed_over
    assert self_paid.start_month == month("2026-04") and self_paid.funder_id == mandate.funder_id
    branch = Access(gresik_branch_officer)
    bank = bank_for("GENERIC")

    files = {}
    for m in ("2026-04", "2026-05", "2026-06"):
        bill(Access.console(), month(m))
        text, run = export_debit_file(branch, month(m), bank, today=month(m))
        assert [line.amount for line in run.lines] == [8_400]
        files[m] = text
    # One line per mandate, a stable reference per mandate and month, the debit day rolled past the weekend
    # (20 June 2026 is a Saturday), header and trailer with the count and total.
    june = files["2026-06"].splitlines()
    reference = f"AD{mandate.pk:010d}202606"
    assert june == ["H,GENERIC,2026-06,2026-06-01,1,8400",
                    f"D,{reference},{ACCOUNT},Sutrisno,8400,2026-06-22",
                    "T,1,8400"]
    assert export_debit_file(branch, month("2026-06"), bank, today=month("2026-06"))[0] == files["2026-06"]

    answer = (returned(files["2026-04"], "00", "2026-04-20") + returned(files["2026-05"], "00", "2026-05-20")
              + returned(files["2026-06"], "51", "2026-06-22")).encode()
    result = import_return_file(branch, bank, "return-q2.csv", answer)
    assert (result.debited, result.failed, result.suspended) == (2, 1, [])

    payments = Payment.objects.filter(invoice__funder=mandate.funder).order_by("paid_on")
    assert [(p.reference, p.amount, p.allocated, p.channel) for p in payments] == [
        (f"AD{mandate.pk:010d}202604", 8_400, 8_400, Channel.AUTODEBIT),
        (f"AD{mandate.pk:010d}202605", 8_400, 8_400, Channel.AUTODEBIT)]
    failure = Debit.objects.get(mandate=mandate, month=month("2026-06"))
    assert (failure.outcome, failure.reason_code, failure.reason) == (Outcome.FAILED, "51", Reason.INSUFFICIENT_FUNDS)
    assert list(open_failures(Access(worker.registered_by))) == [failure]

    # Still a member: April and May are covered, June unpaid but the membership continues.
    summary = coverage.worker_summary(worker, month("2026-06"))
    assert summary["covered_months"] == ["2026-01", "2026-02", "2026-03", "2026-04", "2026-05"]
    assert summary["status"] == "grace"
    mandate.refresh_from_db()
    assert mandate.state == MandateState.ACTIVE

    # The same return file again records nothing new.
    before = (Payment.objects.count(), Debit.objects.count())
    again = import_return_file(branch, bank, "return-q2.csv", answer)
    assert again.imported_before and (Payment.objects.count(), Debit.objects.count()) == before

    # July and August fail as well: three failures in a row suspend the mandate.
    for m, day in (("2026-07", "2026-07-20"), ("2026-08", "2026-08-20")):
        bill(Access.console(), month(m))
        text, run = export_debit_file(branch, month(m), bank, today=month(m))
        assert len(run.lines) == 1
        result = import_return_file(branch, bank, f"return-{m}.csv", returned(text, "51", day).encode())
    assert result.suspended == [mandate.pk]
    mandate.refresh_from_db()
    assert mandate.state == MandateState.SUSPENDED
    assert coverage.status_of(worker, month("2026-07")) == "grace"
    assert coverage.status_of(worker, month("2026-09")) == "lapsed"

    # A suspended mandate is not debited any more.
    bill(Access.console(), month("2026-09"))
    assert export_debit_file(branch, month("2026-09"), bank, today=month("2026-09"))[1].lines == []

    # The agent follows the failures up.
    follow_up(Access(worker.registered_by), failure, note="Visited; collects cash from October")
    assert failure.pk not in {d.pk for d in open_failures(Access(worker.registered_by))}


def test_a_row_of_another_file_already_recorded_is_counted_not_recorded_twice(handed_over, gresik_branch_officer):
    worker, _self_paid, mandate = handed_over
    branch, bank = Access(gresik_branch_officer), bank_for("GENERIC")
    bill(Access.console(), month("2026-04"))
    text, _run = export_debit_file(branch, month("2026-04"), bank)
    first = import_return_file(branch, bank, "a.csv", returned(text, "00", "2026-04-20").encode())
    second = import_return_file(branch, bank, "b.csv", ("X\n" + returned(text, "00", "2026-04-20")).encode())
    assert (first.debited, second.debited, second.duplicates) == (1, 0, 1)
    assert Payment.objects.filter(reference__startswith="AD").count() == 1


def test_a_retried_debit_that_succeeds_replaces_the_failure(handed_over, gresik_branch_officer):
    _worker, _self_paid, mandate = handed_over
    branch, bank = Access(gresik_branch_officer), bank_for("GENERIC")
    bill(Access.console(), month("2026-04"))
    text, _run = export_debit_file(branch, month("2026-04"), bank)
    import_return_file(branch, bank, "fail.csv", returned(text, "51", "2026-04-20").encode())
    result = import_return_file(branch, bank, "retry.csv", returned(text, "00", "2026-04-27").encode())
    assert result.debited == 1
    debit = Debit.objects.get(mandate=mandate)
    assert debit.outcome == Outcome.DEBITED and debit.payment.paid_on == dt.date(2026, 4, 27)


def test_a_debit_whose_payment_was_typed_in_by_hand_keeps_that_payment(handed_over, gresik_branch_officer):
    """The return file's successes are recorded all at once; a reference someone already recorded by hand
    is not recorded twice (the unique reference), the debit points at that payment."""
    _worker, _self_paid, mandate = handed_over
    branch, bank = Access(gresik_branch_officer), bank_for("GENERIC")
    bill(Access.console(), month("2026-04"))
    text, _run = export_debit_file(branch, month("2026-04"), bank)
    answer = returned(text, "00", "2026-04-20")
    reference = debit_reference(mandate.pk, month("2026-04"))
    april = Invoice.objects.get(funder=mandate.funder, month=month("2026-04"))
    by_hand, _created = record_payment(april, amount=8_400, reference=reference, paid_on=dt.date(2026, 4, 20))

    result = import_return_file(branch, bank, "a.csv", answer.encode())

    assert result.debited == 1
    assert Debit.objects.get(mandate=mandate).payment == by_hand
    assert Payment.objects.filter(reference=reference).count() == 1
    april.refresh_from_db()
    assert (april.paid, april.status) == (8_400, "paid")


def test_a_failure_and_a_retry_in_the_same_file_record_one_debit(handed_over, gresik_branch_officer):
    _worker, _self_paid, mandate = handed_over
    branch, bank = Access(gresik_branch_officer), bank_for("GENERIC")
    bill(Access.console(), month("2026-04"))
    text, _run = export_debit_file(branch, month("2026-04"), bank)
    failed, retried = returned(text, "51", "2026-04-20"), returned(text, "00", "2026-04-27")
    both = failed.replace("\nT\n", "\n") + retried.split("\n", 1)[1]  # the bank's two answers in one file
    result = import_return_file(branch, bank, "both.csv", both.encode())
    assert (result.failed, result.debited) == (1, 1)
    debit = Debit.objects.get(mandate=mandate)
    assert debit.outcome == Outcome.DEBITED and debit.payment.paid_on == dt.date(2026, 4, 27)
    assert Payment.objects.filter(reference=debit.reference).count() == 1


def test_the_suspension_threshold_is_effective_dated_rule_data(handed_over, gresik_branch_officer, national_admin):
    from lindung.rules.changes import add_rule
    from lindung.rules.models import Parameter

    _worker, _self_paid, mandate = handed_over
    branch, bank = Access(gresik_branch_officer), bank_for("GENERIC")
    # From May 2026 one failed debit suspends a mandate (shipped: three in a row).
    add_rule(national_admin, Parameter(key="autodebit", value={"failures_until_suspended": 1},
                                       valid_from=dt.date(2026, 5, 1), reference="example"))
    for m, status in (("2026-04", "51"), ("2026-05", "51")):
        bill(Access.console(), month(m))
        text, _run = export_debit_file(branch, month(m), bank)
        result = import_return_file(branch, bank, f"{m}.csv", returned(text, status, f"{m}-20").encode())
        mandate.refresh_from_db()
        # April is judged by the shipped rule (one failure of three); May by the new one.
        assert (mandate.state, result.suspended) == (
            (MandateState.ACTIVE, []) if m == "2026-04" else (MandateState.SUSPENDED, [mandate.pk])), m


def test_a_return_file_with_a_bad_row_records_nothing(handed_over, gresik_branch_officer):
    from lindung.autodebit.services import AutodebitError

    _worker, _self_paid, mandate = handed_over
    branch, bank = Access(gresik_branch_officer), bank_for("GENERIC")
    bill(Access.console(), month("2026-04"))
    text, _run = export_debit_file(branch, month("2026-04"), bank)
    good = returned(text, "00", "2026-04-20")
    bad = good.replace("\nT", "\nD,AD9999999999202604,1,x,8400,2026-04-20,00\nT")
    with pytest.raises(AutodebitError) as caught:
        import_return_file(branch, bank, "bad.csv", bad.encode())
    assert "AD9999999999202604" in caught.value.messages[0]
    assert not Payment.objects.filter(reference__startswith="AD").exists() and not Debit.objects.exists()
    assert Mandate.objects.get(pk=mandate.pk).state == MandateState.ACTIVE
