"""The monthly billing run: invoices per funder, lines per worker-programme-month, priced by the rules."""

import datetime as dt

import pytest

from lindung.accounts.access import Access
from lindung.billing.models import BillingPlan, BillingRun, Invoice, InvoiceLine, RunPrice
from lindung.billing.runs import bill, period_end
from lindung.rules.services import quote

from .billing_support import funder, month, sponsor
from .conftest import DADAPKUNING, LENGKONG, create_worker

pytestmark = pytest.mark.django_db


@pytest.fixture
def cerme_workers(db):
    return [create_worker(DADAPKUNING, serial=i) for i in range(1, 4)] + [create_worker(LENGKONG, serial=9)]


@pytest.fixture
def gresik(db):
    return funder("regency", "Pemerintah Kabupaten Gresik", "3525")


def test_bills_each_funder_with_a_line_per_worker_programme_and_month(cerme_workers, gresik, csr_funder):
    sponsor(gresik, cerme_workers[:3], start=month("2025-01"), months=12)
    sponsor(csr_funder, cerme_workers[3:], start=month("2025-01"), months=6, programs="jht,jkk,jkm")

    result = bill(Access.console(), month("2025-01"))

    assert result.invoices == 2 and result.lines == 3 * 2 + 3
    regency = Invoice.objects.get(funder=gresik)
    assert regency.lines.count() == 6 and regency.first_month == regency.last_month == month("2025-01")
    assert regency.total == 3 * 16_800  # JKK 1 % of Rp1,000,000 + JKM Rp6,800 (RULES.md §3)
    company = Invoice.objects.get(funder=csr_funder)
    assert sorted(company.lines.values_list("program", flat=True)) == ["jht", "jkk", "jkm"]
    assert company.total == 36_800
    assert result.amount == regency.total + company.total


def test_running_the_same_month_twice_creates_nothing_new(cerme_workers, gresik):
    sponsor(gresik, cerme_workers, start=month("2025-03"), months=3)
    first = bill(Access.console(), month("2025-03"))
    counts = (Invoice.objects.count(), InvoiceLine.objects.count(), BillingRun.objects.count(), RunPrice.objects.count())

    second = bill(Access.console(), month("2025-03"))

    assert first.lines == 8 and second.lines == 0 and second.invoices == 0 and second.run_id is None
    assert (Invoice.objects.count(), InvoiceLine.objects.count(), BillingRun.objects.count(),
            RunPrice.objects.count()) == counts


def test_a_worker_programme_month_can_be_billed_only_once(cerme_workers, gresik):
    from django.db import IntegrityError, transaction

    sponsor(gresik, cerme_workers[:1], start=month("2025-03"), months=1)
    bill(Access.console(), month("2025-03"))
    line = InvoiceLine.objects.get(program="jkk")
    with pytest.raises(IntegrityError), transaction.atomic():
        InvoiceLine.objects.create(invoice=line.invoice, worker=line.worker, program="jkk", month=line.month,
                                   sponsorship=line.sponsorship, price=line.price, amount=1)


def test_sponsorships_approved_after_the_run_go_on_a_supplementary_invoice(cerme_workers, gresik):
    sponsor(gresik, cerme_workers[:2], start=month("2025-05"), months=2)
    bill(Access.console(), month("2025-05"))
    sponsor(gresik, cerme_workers[2:], start=month("2025-05"), months=2)

    again = bill(Access.console(), month("2025-05"))

    assert again.invoices == 1 and again.lines == 4
    assert list(Invoice.objects.filter(funder=gresik).order_by("seq").values_list("seq", "total")) == [
        (1, 2 * 16_800), (2, 2 * 16_800)]


def test_amounts_and_discounts_come_from_the_rules_and_depend_on_who_pays(cerme_workers, gresik, csr_funder):
    # PP 50/2025: 50 % off JKK and JKM for informal BPU, except when APBN/APBD pays.
    june = month("2026-06")
    sponsor(gresik, cerme_workers[:1], start=june, months=1)
    sponsor(csr_funder, cerme_workers[1:2], start=june, months=1)

    bill(Access.console(), june)

    for payer, source in ((gresik, "apbd-regency"), (csr_funder, "csr")):
        expected = quote(segment="bpu_rentan", income=1_000_000, programs=["jkk", "jkm"], month=june,
                         funding_source=source)
        invoice = Invoice.objects.get(funder=payer)
        assert invoice.total == expected.total
        assert invoice.due_date == expected.due_date
        for line in invoice.lines.select_related("price"):
            rule = next(q for q in expected.lines if q.program == line.program)
            assert (line.amount, line.price.gross, line.price.discount) == (rule.net, rule.gross, rule.discount)
    assert Invoice.objects.get(funder=csr_funder).total < Invoice.objects.get(funder=gresik).total


def test_due_date_is_the_fifteenth_or_the_next_working_day(cerme_workers, gresik):
    sponsor(gresik, cerme_workers[:1], start=month("2025-06"), months=1)
    bill(Access.console(), month("2025-06"))
    # 15 June 2025 is a Sunday.
    assert Invoice.objects.get().due_date == dt.date(2025, 6, 16)


def test_prepayment_bills_the_period_in_advance_and_then_only_new_workers(cerme_workers, gresik):
    BillingPlan.objects.create(funder=gresik, prepay_months=3)
    sponsor(gresik, cerme_workers[:2], start=month("2025-01"), months=12)

    january = bill(Access.console(), month("2025-01"))
    invoice = Invoice.objects.get()
    assert (invoice.first_month, invoice.last_month, invoice.months) == (month("2025-01"), month("2025-03"), 3)
    assert january.lines == 2 * 2 * 3

    sponsor(gresik, cerme_workers[2:3], start=month("2025-02"), months=11)
    february = bill(Access.console(), month("2025-02"))
    assert february.lines == 2 * 2  # the newcomer's February and March only
    assert bill(Access.console(), month("2025-03")).lines == 0
    assert bill(Access.console(), month("2025-04")).lines == 3 * 2 * 3


def test_prepayment_periods_follow_the_calendar():
    assert period_end(month("2025-02"), 1) == month("2025-02")
    assert period_end(month("2025-02"), 3) == month("2025-03")
    assert period_end(month("2025-08"), 6) == month("2025-12")
    assert period_end(month("2025-01"), 12) == month("2025-12")


def test_combinations_the_rules_cannot_price_are_reported_and_not_billed(cerme_workers, gresik):
    wage_earner = create_worker(DADAPKUNING, serial=40, segment="pu")
    sponsor(gresik, [wage_earner], start=month("2025-01"), months=1)  # PU JKK needs a risk class
    sponsor(gresik, cerme_workers[:1], start=month("2025-01"), months=1)

    result = bill(Access.console(), month("2025-01"))

    assert result.lines == 2
    assert [u["segment"] for u in result.unpriced] == ["pu"] and result.unpriced[0]["rows"] == 2
    assert not InvoiceLine.objects.filter(worker=wage_earner).exists()
    assert BillingRun.objects.get().unpriced == result.unpriced

    # Running again: only the unpriced combination is left; it is reported and nothing is kept.
    again = bill(Access.console(), month("2025-01"))
    assert again.lines == 0 and again.run_id is None and len(again.unpriced) == 1
    assert BillingRun.objects.count() == 1
