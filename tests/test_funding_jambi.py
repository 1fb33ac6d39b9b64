"""Jambi province funds its villages' vulnerable workers for 12 months (BKBK grant, Pergub Jambi 16/2022).

1,562 villages × Rp100,000,000 × 10 % = Rp15,620,000,000; at Rp16,800 a month for 12 months
(Rp201,600 a worker) that covers 77,480 workers.
"""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied

from lindung.accounts.access import Access
from lindung.funding.approval import approve_batch
from lindung.funding.budget import set_budget
from lindung.funding.budget import committed, summary
from lindung.funding.errors import BudgetShortfall, FundingError
from lindung.funding.lifecycle import advance_sponsorships
from lindung.funding.sponsorships import propose_sponsorships
from lindung.funding.models import (
    BatchState, Budget, ReservedMonth, Funder, FunderKind, Sponsorship, SponsorshipState,
)
from lindung.funding.pricing import QuoteCache
from lindung.rules.planner import plan_budget
from lindung.rules.services import quote

from .conftest import make_user
from .funding_support import bulk_workers, villages

JAN = dt.date(2026, 1, 1)


@pytest.fixture
def jambi(db):
    return Funder.objects.create(kind=FunderKind.PROVINCE, name="Pemerintah Provinsi Jambi", region_id="15")


@pytest.fixture
def jambi_finance_head(db):
    """A second province account: the one who signs the lists the operator prepares."""
    return make_user("bpkad.jambi", "regional_operator", ["15"])


@pytest.fixture
def jambi_villages(db):
    return villages("1501", 5)


@pytest.fixture
def jambi_workers(jambi_villages):
    return bulk_workers(jambi_villages, 4)


def a(user):
    return Access(user)


def test_one_worker_year_costs_201600_and_the_grant_covers_77480_workers(db):
    cache = QuoteCache()
    year = sum(cache.total(segment="bpu_rentan", income=1_000_000, programs="jkk,jkm",
                           month=dt.date(2026, m, 1), funding_source="apbd-province", sector="other")
               for m in range(1, 13))
    assert year == 201_600  # PP 50/2025 relief does not apply to APBD-funded workers
    # The BKBK grant's 10 % (1,562 villages × Rp100,000,000 × 10 % = Rp15,620,000,000), through the planner
    # a province operator uses: 77,480 workers for 12 months (Rp15,619,968,000), Rp32,000 left over.
    plan = plan_budget(budget=15_620_000_000, programs="jkk,jkm", income=1_000_000, funding_source="apbd-province",
                       start=JAN, months=12)
    assert (plan.cost_per_worker, plan.workers, plan.remainder) == (201_600, 77_480, 32_000)


def test_province_operator_proposes_another_approves_twelve_months(jambi, jambi_province_operator,
                                                                   jambi_finance_head, jambi_workers):
    set_budget(a(jambi_finance_head), jambi, fiscal_year=2026, source="apbd-province",
               amount=15_620_000_000)
    batch = propose_sponsorships(a(jambi_province_operator), jambi, [w.pk for w in jambi_workers],
                                 ["jkm", "jkk"], JAN, 12, "apbd-province", "BKBK 2026")
    assert batch.state == BatchState.PROPOSED
    assert batch.sponsorships.count() == 20
    s = batch.sponsorships.first()
    assert (s.programs, s.end_month, s.monthly_amount) == ("jkk,jkm", dt.date(2026, 12, 1), 16_800)
    assert not ReservedMonth.objects.exists()  # proposals reserve nothing

    with pytest.raises(FundingError):  # maker–checker: the proposer cannot approve his own list
        approve_batch(a(jambi_province_operator), batch, today=dt.date(2025, 12, 20))

    approve_batch(a(jambi_finance_head), batch, today=dt.date(2025, 12, 20))
    batch.refresh_from_db()
    assert batch.state == BatchState.APPROVED and batch.approved_by == jambi_finance_head
    assert set(batch.sponsorships.values_list("state", flat=True)) == {SponsorshipState.APPROVED}
    assert ReservedMonth.objects.filter(funder=jambi).count() == 20 * 12 * 2
    budget = Budget.objects.get(funder=jambi)
    assert committed(budget) == 20 * 201_600
    assert summary(budget)["remaining"] == 15_620_000_000 - 20 * 201_600


def test_sponsorships_become_active_in_january_and_end_after_december(jambi, jambi_province_operator,
                                                                     jambi_finance_head, jambi_workers):
    set_budget(a(jambi_finance_head), jambi, fiscal_year=2026, source="apbd-province", amount=10**10)
    batch = propose_sponsorships(a(jambi_province_operator), jambi, [w.pk for w in jambi_workers],
                                 ["jkk", "jkm"], JAN, 12, "apbd-province")
    approve_batch(a(jambi_finance_head), batch, today=dt.date(2025, 12, 1))
    assert advance_sponsorships(dt.date(2025, 12, 31))["activated"] == 0
    assert advance_sponsorships(dt.date(2026, 1, 1))["activated"] == 20
    assert advance_sponsorships(dt.date(2026, 12, 31))["ended"] == 0
    result = advance_sponsorships(dt.date(2027, 1, 1))
    assert result["ended"] == 20
    assert set(Sponsorship.objects.values_list("state", flat=True)) == {SponsorshipState.ENDED}
    assert advance_sponsorships(dt.date(2027, 1, 2))["ended"] == 0  # idempotent


def test_a_list_approved_after_its_start_is_active_at_once(jambi, jambi_province_operator, jambi_finance_head,
                                                            jambi_workers):
    set_budget(a(jambi_finance_head), jambi, fiscal_year=2026, source="apbd-province", amount=10**10)
    batch = propose_sponsorships(a(jambi_province_operator), jambi, [jambi_workers[0].pk],
                                 ["jkk", "jkm"], JAN, 12, "apbd-province")
    approve_batch(a(jambi_finance_head), batch, today=dt.date(2026, 3, 5))
    assert batch.sponsorships.get().state == SponsorshipState.ACTIVE


def test_approval_beyond_the_budget_is_refused_with_the_shortfall(jambi, jambi_province_operator,
                                                                   jambi_finance_head, jambi_workers):
    set_budget(a(jambi_finance_head), jambi, fiscal_year=2026, source="apbd-province",
               amount=10 * 201_600)
    batch = propose_sponsorships(a(jambi_province_operator), jambi, [w.pk for w in jambi_workers[:11]],
                                 ["jkk", "jkm"], JAN, 12, "apbd-province")
    with pytest.raises(BudgetShortfall) as refused:
        approve_batch(a(jambi_finance_head), batch, today=dt.date(2025, 12, 1))
    assert refused.value.shortfalls == [{"fiscal_year": 2026, "source": "apbd-province", "needed": 11 * 201_600,
                                         "remaining": 10 * 201_600, "shortfall": 201_600}]
    assert "kurang Rp201.600" in refused.value.message and "APBD provinsi" in refused.value.message
    assert not ReservedMonth.objects.exists()
    batch.refresh_from_db()
    assert batch.state == BatchState.PROPOSED


def test_a_span_across_two_fiscal_years_needs_both_budgets(jambi, jambi_province_operator, jambi_finance_head,
                                                          jambi_workers):
    set_budget(a(jambi_finance_head), jambi, fiscal_year=2026, source="apbd-province", amount=10**9)
    batch = propose_sponsorships(a(jambi_province_operator), jambi, [jambi_workers[0].pk],
                                 ["jkk", "jkm"], dt.date(2026, 7, 1), 12, "apbd-province")
    with pytest.raises(FundingError) as refused:
        approve_batch(a(jambi_finance_head), batch, today=dt.date(2026, 6, 1))
    assert refused.value.details["fiscal_year"] == 2027
    set_budget(a(jambi_finance_head), jambi, fiscal_year=2027, source="apbd-province", amount=10**9)
    approve_batch(a(jambi_finance_head), batch, today=dt.date(2026, 6, 1))
    assert committed(Budget.objects.get(funder=jambi, fiscal_year=2026)) == 6 * 16_800
    assert committed(Budget.objects.get(funder=jambi, fiscal_year=2027)) == 6 * 16_800


def test_allocation_cannot_fall_below_what_is_committed(jambi, jambi_province_operator, jambi_finance_head,
                                                        jambi_workers):
    set_budget(a(jambi_finance_head), jambi, fiscal_year=2026, source="apbd-province", amount=10**9)
    batch = propose_sponsorships(a(jambi_province_operator), jambi, [w.pk for w in jambi_workers],
                                 ["jkk", "jkm"], JAN, 12, "apbd-province")
    approve_batch(a(jambi_finance_head), batch, today=dt.date(2025, 12, 1))
    with pytest.raises(FundingError):
        set_budget(a(jambi_finance_head), jambi, fiscal_year=2026, source="apbd-province",
                   amount=20 * 201_600 - 1)
    set_budget(a(jambi_finance_head), jambi, fiscal_year=2026, source="apbd-province", amount=20 * 201_600)
    assert summary(Budget.objects.get(funder=jambi))["remaining"] == 0


def test_a_province_pays_only_for_workers_inside_the_province(jambi, jambi_province_operator, national_admin):
    gresik_worker = bulk_workers(villages("3525", 1), 1)[0]
    with pytest.raises(FundingError):
        propose_sponsorships(a(national_admin), jambi, [gresik_worker.pk], ["jkk", "jkm"], JAN, 12,
                             "apbd-province")


def test_a_province_may_not_pay_from_a_village_budget(jambi, jambi_province_operator, jambi_workers):
    with pytest.raises(FundingError):
        propose_sponsorships(a(jambi_province_operator), jambi, [jambi_workers[0].pk], ["jkk", "jkm"],
                             JAN, 12, "village-budget")


def test_village_operator_proposes_for_the_province_but_cannot_approve(jambi, jambi_villages, jambi_workers,
                                                                       jambi_finance_head):
    operator = make_user("desa.jambi", "village_operator", [jambi_villages[0]])
    mine = [w.pk for w in jambi_workers if w.village_id == jambi_villages[0]]
    other = [w.pk for w in jambi_workers if w.village_id != jambi_villages[0]]
    with pytest.raises(FundingError):  # not his village's people
        propose_sponsorships(a(operator), jambi, mine + other[:1], ["jkk", "jkm"], JAN, 12,
                             "apbd-province")
    batch = propose_sponsorships(a(operator), jambi, mine, ["jkk", "jkm"], JAN, 12, "apbd-province")
    with pytest.raises(PermissionDenied):
        approve_batch(a(operator), batch, today=dt.date(2025, 12, 1))
    set_budget(a(jambi_finance_head), jambi, fiscal_year=2026, source="apbd-province", amount=10**9)
    approve_batch(a(jambi_finance_head), batch, today=dt.date(2025, 12, 1))
    assert batch.sponsorships.filter(state=SponsorshipState.APPROVED).count() == len(mine)


def test_government_lists_need_a_budget_before_approval(jambi, jambi_province_operator, jambi_finance_head,
                                                         jambi_workers):
    batch = propose_sponsorships(a(jambi_province_operator), jambi, [jambi_workers[0].pk],
                                 ["jkk", "jkm"], JAN, 12, "apbd-province")
    with pytest.raises(FundingError):
        approve_batch(a(jambi_finance_head), batch, today=dt.date(2025, 12, 1))


def test_quote_is_asked_once_per_combination_not_per_worker_month(jambi, jambi_province_operator,
                                                                    jambi_finance_head, jambi_workers,
                                                                    monkeypatch):
    import lindung.rules.services as rules

    calls = []
    real = rules.quote

    def counting(**kwargs):
        calls.append(kwargs["month"])
        return real(**kwargs)

    monkeypatch.setattr(rules, "quote", counting)
    set_budget(a(jambi_finance_head), jambi, fiscal_year=2026, source="apbd-province", amount=10**9)
    batch = propose_sponsorships(a(jambi_province_operator), jambi, [w.pk for w in jambi_workers],
                                 ["jkk", "jkm"], JAN, 12, "apbd-province")
    calls.clear()
    approve_batch(a(jambi_finance_head), batch, today=dt.date(2025, 12, 1))
    assert len(calls) <= 12  # 20 workers × 12 months share one combination per month
    assert quote(segment="bpu_rentan", income=1_000_000, programs=["jkk", "jkm"], month=JAN,
                 funding_source="apbd-province").total == 16_800
