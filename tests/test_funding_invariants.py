"""Invariants: no worker-programme-month paid by two funders (also under concurrent confirmation on
PostgreSQL), budgets never negative (also under concurrent approval), cancellation releases months."""

import datetime as dt
import random
import threading

import pytest
from django.db import IntegrityError, connection, transaction

from lindung.accounts.access import Access
from lindung.funding import budget as budgets
from lindung.funding import approval, matching, sponsorships
from lindung.funding.approval import approve_batch, cancel_batch, cancel_sponsorship
from lindung.funding.budget import set_budget
from lindung.funding.errors import AlreadyCovered, BudgetShortfall
from lindung.funding.matching import MatchRequest
from lindung.funding.sponsorships import propose_sponsorships
from lindung.funding.models import (
    Budget, ReservedMonth, Funder, FunderKind, Sponsorship, SponsorshipBatch, SponsorshipState,
)

from .conftest import make_user
from .funding_support import bulk_workers, villages

JAN = dt.date(2026, 1, 1)
postgres_only = pytest.mark.skipif("connection.vendor != 'postgresql'",
                                   reason="SQLite serialises writers; the constraint itself is tested below")


def a(user):
    return Access(user)


@pytest.fixture
def two_companies(db):
    first = Funder.objects.create(kind=FunderKind.COMPANY, name="PT Satu")
    second = Funder.objects.create(kind=FunderKind.COMPANY, name="PT Dua")
    return first, second, make_user("satu", "funder_user", funder=first), make_user("dua", "funder_user", funder=second)


def test_the_database_refuses_a_second_payer_for_the_same_month(national_admin, two_companies):
    first, second, *_ = two_companies
    worker = bulk_workers(villages("3202", 1), 1)[0]
    batch = propose_sponsorships(a(national_admin), first, [worker.pk], ["jkk", "jkm"], JAN, 3, "csr")
    approve_batch(a(national_admin), batch, today=JAN)
    s = batch.sponsorships.get()
    with pytest.raises(IntegrityError), transaction.atomic():
        ReservedMonth.objects.create(sponsorship=s, worker=worker, program="jkk", month=JAN, funder=second,
                                    funding_source="csr")


def test_an_approval_racing_past_the_checks_is_translated_and_saves_nothing(national_admin, two_companies,
                                                                           monkeypatch):
    first, second, *_ = two_companies
    workers = bulk_workers(villages("3202", 1), 3)
    batch = propose_sponsorships(a(national_admin), first, [w.pk for w in workers], ["jkk", "jkm"],
                                 JAN, 3, "csr")
    monkeypatch.setattr(sponsorships, "conflicting_worker_ids", lambda *args, **kw: set())  # as if both checked at once
    late = propose_sponsorships(a(national_admin), second, [workers[2].pk], ["jkm"], dt.date(2026, 3, 1),
                                6, "csr")
    approve_batch(a(national_admin), batch, today=JAN)
    with pytest.raises(AlreadyCovered) as lost:
        approve_batch(a(national_admin), late, today=JAN)
    assert lost.value.worker_ids == [workers[2].pk]
    assert not ReservedMonth.objects.filter(funder=second).exists()
    late.refresh_from_db()
    assert late.state == "proposed"


def test_a_list_can_be_approved_without_the_workers_taken_meanwhile(national_admin, two_companies):
    first, second, *_ = two_companies
    workers = bulk_workers(villages("3202", 1), 4)
    village_list = propose_sponsorships(a(national_admin), first, [w.pk for w in workers], ["jkk", "jkm"],
                                        JAN, 12, "csr")
    with pytest.raises(AlreadyCovered):  # the open proposal already holds these workers
        propose_sponsorships(a(national_admin), second, [workers[0].pk], ["jkk", "jkm"], JAN, 1, "csr")
    cancel_batch(a(national_admin), village_list)
    donor = propose_sponsorships(a(national_admin), second, [workers[0].pk], ["jkk", "jkm"], JAN, 1, "csr")
    approve_batch(a(national_admin), donor, today=JAN)
    again = propose_sponsorships(a(national_admin), first, [w.pk for w in workers], ["jkk", "jkm"], JAN, 12,
                                 "csr", skip_covered=True)
    assert again.skipped_worker_ids == [workers[0].pk]
    approve_batch(a(national_admin), again, today=JAN)
    assert again.sponsorships.count() == 3


def test_cancelling_releases_later_months_to_another_funder(national_admin, two_companies):
    first, second, *_ = two_companies
    worker = bulk_workers(villages("3202", 1), 1)[0]
    batch = propose_sponsorships(a(national_admin), first, [worker.pk], ["jkk", "jkm"], JAN, 12, "csr")
    approve_batch(a(national_admin), batch, today=JAN)
    s = batch.sponsorships.get()
    cancel_sponsorship(a(national_admin), s, today=dt.date(2026, 4, 10), reason="moved away")
    s.refresh_from_db()
    assert s.state == SponsorshipState.CANCELLED
    assert sorted(set(ReservedMonth.objects.filter(sponsorship=s).values_list("month", flat=True))) == [
        dt.date(2026, m, 1) for m in range(1, 5)]
    taker = propose_sponsorships(a(national_admin), second, [worker.pk], ["jkk", "jkm"],
                                 dt.date(2026, 5, 1), 8, "csr")
    approve_batch(a(national_admin), taker, today=dt.date(2026, 4, 10))
    assert ReservedMonth.objects.filter(worker=worker).count() == 24


def test_budget_never_goes_negative(jambi_province_operator, db):
    approver = make_user("bpkad.jambi", "regional_operator", ["15"])
    jambi = Funder.objects.create(kind=FunderKind.PROVINCE, name="Pemprov Jambi", region_id="15")
    workers = bulk_workers(villages("1501", 6), 5)
    set_budget(a(approver), jambi, fiscal_year=2026, source="apbd-province", amount=17 * 201_600 + 5_000)
    rng = random.Random(7)
    ids, refused = [w.pk for w in workers], 0
    while ids:
        k = rng.randint(1, 4)
        take, ids = ids[:k], ids[k:]
        batch = propose_sponsorships(a(jambi_province_operator), jambi, take, ["jkk", "jkm"], JAN, 12,
                                     "apbd-province")
        try:
            approve_batch(a(approver), batch, today=JAN)
        except BudgetShortfall as exc:
            refused += 1
            assert exc.shortfalls[0]["shortfall"] > 0
        remaining = budgets.summary(Budget.objects.get(funder=jambi))["remaining"]
        assert remaining >= 0
    assert refused >= 1


# --- concurrency (PostgreSQL: two connections) ---------------------------------------------------------

def _race(targets):
    """Run the callables in two threads, each on its own database connection; return results/errors."""
    results = [None] * len(targets)

    def run(i, target):
        try:
            results[i] = ("ok", target())
        except Exception as exc:  # collected and asserted by the test
            results[i] = ("error", exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, t)) for i, t in enumerate(targets)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return results


@postgres_only
def test_two_donors_confirming_at_once_exactly_one_wins(transactional_db, monkeypatch):
    first = Funder.objects.create(kind=FunderKind.COMPANY, name="PT Satu")
    second = Funder.objects.create(kind=FunderKind.DONOR, name="Donatur Dua")
    users = [make_user("satu", "funder_user", funder=first), make_user("dua", "funder_user", funder=second)]
    agent = make_user("agen", "agent", ["3202"])
    workers = bulk_workers(villages("3202", 2), 5, registered_by=agent)
    matching.add_to_pool(a(agent), [w.pk for w in workers])
    ids = [w.pk for w in workers]
    request = MatchRequest(count=10, months=6, start_month=JAN, region="3202")

    # Let both pass every check, then meet right before reserving the months: only the database decides.
    barrier, real = threading.Barrier(2, timeout=30), approval.reserve

    def meeting(*args, **kwargs):
        barrier.wait()
        return real(*args, **kwargs)

    monkeypatch.setattr(approval, "reserve", meeting)
    outcomes = _race([lambda f=f, u=u: matching.confirm(a(u), f, ids, request, today=dt.date(2025, 12, 20))
                      for f, u in ((first, users[0]), (second, users[1]))])
    kinds = sorted(o[0] for o in outcomes)
    assert kinds == ["error", "ok"], outcomes
    loser = next(o[1] for o in outcomes if o[0] == "error")
    assert isinstance(loser, AlreadyCovered) and sorted(loser.worker_ids) == sorted(ids)
    assert ReservedMonth.objects.count() == 10 * 6 * 2
    assert ReservedMonth.objects.values("funder_id").distinct().count() == 1
    assert SponsorshipBatch.objects.count() == 1 and Sponsorship.objects.count() == 10


@postgres_only
def test_two_approvals_against_one_budget_at_once_never_overdraw(transactional_db, monkeypatch):
    operator = make_user("pemprov.jambi", "regional_operator", ["15"])
    approvers = [make_user("bpkad.jambi", "regional_operator", ["15"]), make_user("sekda.jambi", "regional_operator",
                                                                                  ["15"])]
    jambi = Funder.objects.create(kind=FunderKind.PROVINCE, name="Pemprov Jambi", region_id="15")
    workers = bulk_workers(villages("1501", 2), 3)
    set_budget(a(approvers[0]), jambi, fiscal_year=2026, source="apbd-province", amount=4 * 201_600)
    lists = [propose_sponsorships(a(operator), jambi, [w.pk for w in half], ["jkk", "jkm"], JAN, 12,
                                  "apbd-province") for half in (workers[:3], workers[3:])]
    barrier, real = threading.Barrier(2, timeout=30), budgets.check_and_lock

    def meeting(*args, **kwargs):
        barrier.wait()
        return real(*args, **kwargs)

    monkeypatch.setattr(budgets, "check_and_lock", meeting)
    outcomes = _race([lambda b=b, u=u: approve_batch(a(u), b, today=JAN)
             for b, u in zip(lists, approvers)])
    assert sorted(o[0] for o in outcomes) == ["error", "ok"], outcomes
    assert isinstance(next(o[1] for o in outcomes if o[0] == "error"), BudgetShortfall)
    assert budgets.summary(Budget.objects.get(funder=jambi))["remaining"] == 201_600
