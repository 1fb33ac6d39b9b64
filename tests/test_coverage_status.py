"""Cover derived from payments: paid months, the lapse after three unpaid months, no back-dating."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied

from lindung.accounts.access import Access
from lindung.billing.models import Invoice
from lindung.billing.payments import record_payment
from lindung.billing.runs import bill
from lindung.coverage.models import MemberStatus, CoveredMonth, Status
from lindung.coverage.services import (add_correction, contribution_months, is_active, paid_through, status_of,
                                       worker_summary)
from lindung.coverage.status import covered_months, refresh_all

from .billing_support import funder, month, sponsor
from .conftest import DADAPKUNING, create_worker

pytestmark = pytest.mark.django_db


def idx(text: str) -> int:
    d = month(text)
    return d.year * 12 + d.month - 1


# --- the rule, month by month (pure) -------------------------------------------------------------

def test_months_paid_on_time_all_count():
    facts = {idx("2025-01"): idx("2025-01"), idx("2025-02"): idx("2025-02"), idx("2025-03"): idx("2025-01")}
    assert covered_months(facts, 3) == set(facts)


def test_a_month_paid_late_within_the_grace_period_counts():
    facts = {idx("2025-01"): idx("2025-01"), idx("2025-02"): idx("2025-04"), idx("2025-03"): idx("2025-04")}
    assert covered_months(facts, 3) == set(facts)


def test_after_three_unpaid_months_a_late_payment_starts_a_new_membership_from_the_month_paid():
    # Jan paid; Feb–Apr unpaid when May begins → lapsed; all of Feb–May paid in May.
    facts = {idx(m): idx("2025-05") for m in ("2025-02", "2025-03", "2025-04", "2025-05")}
    facts[idx("2025-01")] = idx("2025-01")
    assert covered_months(facts, 3) == {idx("2025-01"), idx("2025-05")}


def test_months_never_billed_count_as_unpaid_for_the_lapse():
    facts = {idx("2025-01"): idx("2025-01"), idx("2025-06"): idx("2025-07")}  # Feb–May: no sponsorship
    assert covered_months(facts, 3) == {idx("2025-01")}


def test_a_correction_back_dates_months_paid_late():
    late = ("2025-02", "2025-03", "2025-04", "2025-05", "2025-06")
    facts = {idx("2025-01"): idx("2025-01"), **{idx(m): idx("2025-07") for m in late}}
    assert covered_months(facts, 3) == {idx("2025-01")}
    # February counted: March–May are still three unpaid months, so the later months stay uncovered.
    assert covered_months(facts, 3, {idx("2025-02")}) == {idx("2025-01"), idx("2025-02")}
    assert covered_months(facts, 3, backdate=True) == set(facts)


def test_the_lapse_period_is_a_parameter():
    facts = {idx("2025-01"): idx("2025-01"), idx("2025-02"): idx("2025-04"), idx("2025-03"): idx("2025-04")}
    assert covered_months(facts, 2) == {idx("2025-01")}


# --- through billing and payments ------------------------------------------------------------------

@pytest.fixture
def village_payer(db):
    return funder("village", "Pemerintah Desa Dadapkuning", DADAPKUNING)


@pytest.fixture
def rt_head(db):
    return create_worker(DADAPKUNING, serial=7, segment="rt_rw", ecosystem="desa")


def pay(payer, billing_month: str, on: dt.date, reference: str):
    invoice = Invoice.objects.get(funder=payer, month=month(billing_month))
    return record_payment(invoice, amount=invoice.outstanding, reference=reference, paid_on=on)[0]


def bill_months(*months):
    for m in months:
        bill(Access.console(), month(m))


def test_a_worker_with_three_unpaid_months_is_inactive_and_a_later_payment_does_not_backdate(village_payer, rt_head):
    sponsor(village_payer, [rt_head], start=month("2025-01"), months=12)
    bill_months("2025-01", "2025-02", "2025-03", "2025-04", "2025-05")
    pay(village_payer, "2025-01", dt.date(2025, 1, 10), "P-JAN")

    assert is_active(rt_head, month("2025-01"))
    assert status_of(rt_head, month("2025-02")) == Status.GRACE
    assert status_of(rt_head, month("2025-04")) == Status.LAPSED
    assert not is_active(rt_head, month("2025-04"))

    for m, ref in (("2025-02", "P-FEB"), ("2025-03", "P-MAR"), ("2025-04", "P-APR"), ("2025-05", "P-MAY")):
        pay(village_payer, m, dt.date(2025, 5, 20), ref)

    assert [m.strftime("%Y-%m") for m in CoveredMonth.objects.filter(worker=rt_head).order_by("month")
            .values_list("month", flat=True)] == ["2025-01", "2025-05"]
    assert not is_active(rt_head, month("2025-02")) and not is_active(rt_head, month("2025-04"))
    assert is_active(rt_head, month("2025-05"))
    status = MemberStatus.objects.get(worker=rt_head)
    assert (status.active_since, status.paid_through, status.contribution_months, status.memberships) == (
        month("2025-05"), month("2025-05"), 2, 2)


def test_paid_through_and_contribution_months_are_right_across_a_lapse(village_payer, rt_head):
    sponsor(village_payer, [rt_head], start=month("2025-01"), months=12)
    bill_months(*[f"2025-{m:02d}" for m in range(1, 13)])
    for m in ("01", "02", "03"):
        pay(village_payer, f"2025-{m}", dt.date(2025, int(m), 12), f"ON-{m}")
    # April–June unpaid: lapsed from July. From August the village pays on time again; July paid in August.
    pay(village_payer, "2025-07", dt.date(2025, 8, 2), "LATE-07")
    for m in ("08", "09", "10"):
        pay(village_payer, f"2025-{m}", dt.date(2025, int(m), 12), f"ON-{m}")

    assert contribution_months(rt_head) == 6
    assert contribution_months(rt_head, until=month("2025-03")) == 3
    assert contribution_months(rt_head, until=dt.date(2025, 9, 30)) == 5
    assert paid_through(rt_head) == month("2025-10")
    summary = worker_summary(rt_head, month("2025-10"))
    assert summary["covered_months"] == ["2025-01", "2025-02", "2025-03", "2025-08", "2025-09", "2025-10"]
    assert (summary["active_since"], summary["memberships"], summary["status"]) == ("2025-08", 2, "active")
    assert status_of(rt_head, month("2025-07")) == Status.LAPSED
    assert status_of(rt_head, month("2025-11")) == Status.GRACE
    assert status_of(rt_head, month("2026-02")) == Status.LAPSED


def test_a_month_paid_late_but_before_the_lapse_counts(village_payer, rt_head):
    sponsor(village_payer, [rt_head], start=month("2025-01"), months=3)
    bill_months("2025-01", "2025-02", "2025-03")
    for m in ("01", "02", "03"):
        pay(village_payer, f"2025-{m}", dt.date(2025, 3, 28), f"Q1-{m}")
    assert contribution_months(rt_head) == 3 and status_of(rt_head, month("2025-01")) == Status.ACTIVE


def test_an_authorised_correction_back_dates_cover(village_payer, rt_head, gresik_branch_officer,
                                                   dadapkuning_operator):
    sponsor(village_payer, [rt_head], start=month("2025-01"), months=6)
    bill_months("2025-01", "2025-02", "2025-03", "2025-04", "2025-05")
    for m in ("01", "02", "03", "04", "05"):
        pay(village_payer, f"2025-{m}", dt.date(2025, 5, 6), f"ALL-{m}")
    assert contribution_months(rt_head) == 1  # only May: the payment came after the lapse

    with pytest.raises(PermissionDenied):
        add_correction(Access(dadapkuning_operator), rt_head, from_month=month("2025-01"), to_month=month("2025-04"),
                       reason="Village budget released late by the regency")
    correction = add_correction(Access(gresik_branch_officer), rt_head, from_month=month("2025-01"),
                                to_month=month("2025-04"), reason="Village budget released late by the regency")

    assert correction.made_by == gresik_branch_officer
    assert contribution_months(rt_head) == 5 and is_active(rt_head, month("2025-02"))
    assert MemberStatus.objects.get(worker=rt_head).active_since == month("2025-01")


def test_a_full_rebuild_gives_the_same_cover(village_payer, rt_head):
    sponsor(village_payer, [rt_head], start=month("2025-01"), months=6)
    bill_months("2025-01", "2025-02", "2025-03", "2025-04", "2025-05", "2025-06")
    for m, on in (("01", dt.date(2025, 1, 3)), ("02", dt.date(2025, 6, 9)), ("06", dt.date(2025, 6, 9))):
        pay(village_payer, f"2025-{m}", on, f"R-{m}")
    before = sorted(CoveredMonth.objects.values_list("worker_id", "month", "starts", "last"))
    CoveredMonth.objects.all().delete()
    MemberStatus.objects.all().delete()
    refresh_all()
    assert sorted(CoveredMonth.objects.values_list("worker_id", "month", "starts", "last")) == before
    assert before == [(rt_head.pk, month("2025-01"), True, True), (rt_head.pk, month("2025-06"), True, True)]
