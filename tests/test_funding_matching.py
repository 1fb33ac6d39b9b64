"""GN Lingkaran: a company sponsors 100 vulnerable workers in Sukabumi for 6 months through matching;
the sponsorships end and half of the workers continue as self-payers without a gap (RULES.md §2, §8)."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from lindung.accounts.access import Access
from lindung.funding import matching
from lindung.funding.approval import approve_batch
from lindung.funding.errors import AlreadyCovered
from lindung.funding.impact import graduation_report
from lindung.funding.lifecycle import advance_sponsorships, continue_as_self_payer, ending_soon
from lindung.funding.matching import MatchRequest
from lindung.funding.sponsorships import propose_sponsorships
from lindung.funding.models import (
    ReservedMonth, Funder, FunderKind, Sponsorship, SponsorshipState, WaitingEntry,
)
from lindung.months import add_months
from lindung.rules.services import quote

from .conftest import make_user
from .funding_support import bulk_workers, villages

JAN = dt.date(2026, 1, 1)


@pytest.fixture
def sukabumi_villages(db):
    return villages("3202", 5)


@pytest.fixture
def sukabumi_agent(sukabumi_villages):
    return make_user("agen.sukabumi", "agent", ["3202"])


@pytest.fixture
def sukabumi_pool(sukabumi_villages, sukabumi_agent):
    """120 waiting workers: 30 in the first village, 30 in the second, 20 in each of the other three;
    the first village's workers have waited longest."""
    workers = bulk_workers(sukabumi_villages[:2], 30, registered_by=sukabumi_agent) + \
        bulk_workers(sukabumi_villages[2:], 20, registered_by=sukabumi_agent)
    base = timezone.now() - dt.timedelta(days=400)
    for i, village in enumerate(sukabumi_villages):
        ids = [w.pk for w in workers if w.village_id == village]
        matching.add_to_pool(Access(sukabumi_agent), ids, since=base + dt.timedelta(days=10 * i))
    return workers


def six_months(count=100, **extra):
    return MatchRequest(count=count, months=6, start_month=JAN, programs="jkk,jkm", region="3202", **extra)


def test_matching_proposes_100_fairly_with_the_cost_from_the_rules(csr_funder, csr_donor_user, sukabumi_pool,
                                                                   sukabumi_villages):
    proposal = matching.preview(Access(csr_donor_user), csr_funder, six_months())
    assert proposal["available"] == 120 and len(proposal["candidates"]) == 100
    per_village = {}
    for c in proposal["candidates"]:
        per_village[c["village_code"]] = per_village.get(c["village_code"], 0) + 1
    # round-robin: the three smaller villages give all 20, the two larger 20 each as well
    assert per_village == {v: 20 for v in sukabumi_villages}
    # the first round takes one from each village, oldest village first
    assert [c["village_code"] for c in proposal["candidates"][:5]] == sukabumi_villages
    expected = sum(100 * quote(segment="bpu_rentan", income=1_000_000, programs=["jkk", "jkm"],
                               month=add_months(JAN, m), funding_source="csr").total for m in range(6))
    assert proposal["total"] == expected
    assert proposal["funding_source"] == "csr"
    assert all("•" in c["masked_nik"] and "name" not in c for c in proposal["candidates"])


def test_confirmation_creates_the_obligation_and_the_donor_sees_its_workers_masked(
        csr_funder, csr_donor_user, sukabumi_pool):
    access = Access(csr_donor_user)
    assert access.workers().count() == 0
    proposal = matching.preview(access, csr_funder, six_months())
    batch = matching.confirm(access, csr_funder, [c["worker_id"] for c in proposal["candidates"]], six_months(),
                             today=dt.date(2025, 12, 20))
    assert batch.sponsorships.filter(state=SponsorshipState.APPROVED).count() == 100
    assert ReservedMonth.objects.filter(funder=csr_funder).count() == 100 * 6 * 2
    assert WaitingEntry.objects.filter(closed_at__isnull=True).count() == 20
    assert WaitingEntry.objects.filter(sponsorship__batch=batch).count() == 100
    visible = Access(csr_donor_user).workers()
    assert visible.count() == 100
    worker = visible.first()
    assert Access(csr_donor_user).nik_for_display(worker) != worker.nik
    # a second matching offers only the 20 still waiting
    assert matching.preview(access, csr_funder, six_months())["available"] == 20


def test_sponsorships_end_and_half_continue_as_self_payers_without_a_gap(
        csr_funder, csr_donor_user, sukabumi_pool, sukabumi_agent):
    proposal = matching.preview(Access(csr_donor_user), csr_funder, six_months())
    matching.confirm(Access(csr_donor_user), csr_funder, [c["worker_id"] for c in proposal["candidates"]],
                     six_months(), today=dt.date(2025, 12, 20))
    advance_sponsorships(dt.date(2026, 1, 1))
    soon = ending_soon(Access(csr_donor_user), today=dt.date(2026, 6, 5))
    assert soon.count() == 100
    assert ending_soon(Access(csr_donor_user), today=dt.date(2026, 5, 1)).count() == 0
    agent_view = ending_soon(Access(sukabumi_agent), today=dt.date(2026, 6, 5))
    assert agent_view.count() == 100  # the agent registered them

    half = list(soon.order_by("id")[:50])
    for s in half:
        continue_as_self_payer(Access(sukabumi_agent), s, months=12, today=dt.date(2026, 6, 5))
    result = advance_sponsorships(dt.date(2026, 7, 1))
    assert (result["handed_over"], result["ended"]) == (50, 50)

    for s in half:
        s.refresh_from_db()
        nxt = s.continued_by
        assert s.state == SponsorshipState.HANDED_OVER
        assert nxt.funder.kind == FunderKind.SELF and nxt.funder.worker_id == s.worker_id
        assert nxt.funder.agent == sukabumi_agent
        assert nxt.start_month == dt.date(2026, 7, 1) and nxt.state == SponsorshipState.ACTIVE
        months = sorted(ReservedMonth.objects.filter(worker_id=s.worker_id, program="jkm")
                        .values_list("month", flat=True))
        assert months == [add_months(JAN, i) for i in range(18)]  # continuous membership

    report = graduation_report(Access(csr_donor_user))
    assert [(r["finished"], r["graduated"], r["rate_percent"]) for r in report] == [(100, 50, 50.0)]
    # the self-payers are no longer the donor's business after the hand-over: once its sponsorships
    # ended, the donor no longer sees the workers' records (only live sponsorships give sight)
    assert Access(csr_donor_user).workers().count() == 0
    assert ending_soon(Access(csr_donor_user), today=dt.date(2026, 7, 5)).count() == 0


def test_another_funder_picking_up_the_worker_counts_as_picked_up(csr_funder, csr_donor_user, sukabumi_pool,
                                                                   national_admin):
    proposal = matching.preview(Access(csr_donor_user), csr_funder, six_months(count=1))
    matching.confirm(Access(csr_donor_user), csr_funder, [proposal["candidates"][0]["worker_id"]], six_months(1),
                     today=dt.date(2025, 12, 20))
    second = Funder.objects.create(kind=FunderKind.COMPANY, name="PT Kedua")
    worker_id = proposal["candidates"][0]["worker_id"]
    batch = propose_sponsorships(Access(national_admin), second, [worker_id], ["jkk", "jkm"],
                                 dt.date(2026, 7, 1), 6, "csr")
    approve_batch(Access(national_admin), batch, today=dt.date(2026, 6, 1))
    advance_sponsorships(dt.date(2026, 7, 1))
    report = {r["funder_id"]: r for r in graduation_report(Access(national_admin))}
    assert report[csr_funder.pk]["picked_up"] == 1 and report[csr_funder.pk]["graduated"] == 0


def test_workers_with_a_payer_are_not_offered(csr_funder, csr_donor_user, sukabumi_pool, national_admin):
    village = Funder.objects.create(kind=FunderKind.COMPANY, name="PT Lain")
    taken = sukabumi_pool[0]
    batch = propose_sponsorships(Access(national_admin), village, [taken.pk], ["jkk", "jkm"],
                                 dt.date(2026, 3, 1), 1, "csr")
    approve_batch(Access(national_admin), batch, today=dt.date(2026, 1, 1))
    offered = {c["worker_id"] for c in matching.preview(Access(csr_donor_user), csr_funder,
                                                          six_months(count=200))["candidates"]}
    assert taken.pk not in offered and len(offered) == 119
    # JHT alone is still free for that month: a donor may add it
    jht = MatchRequest(count=200, months=6, start_month=JAN, programs="jht", region="3202")
    assert taken.pk in {c["worker_id"] for c in matching.preview(Access(csr_donor_user), csr_funder,
                                                                   jht)["candidates"]}


def test_confirming_workers_taken_meanwhile_saves_nothing(csr_funder, csr_donor_user, sukabumi_pool):
    other = Funder.objects.create(kind=FunderKind.COMPANY, name="PT Cepat")
    other_user = make_user("cepat", "funder_user", funder=other)
    mine = matching.preview(Access(csr_donor_user), csr_funder, six_months(count=10))
    theirs = matching.preview(Access(other_user), other, six_months(count=10))
    ids = [c["worker_id"] for c in mine["candidates"]]
    assert ids == [c["worker_id"] for c in theirs["candidates"]]
    matching.confirm(Access(other_user), other, ids, six_months(10), today=dt.date(2025, 12, 20))
    with pytest.raises(AlreadyCovered) as lost:
        matching.confirm(Access(csr_donor_user), csr_funder, ids, six_months(10), today=dt.date(2025, 12, 20))
    assert sorted(lost.value.worker_ids) == sorted(ids)
    assert not Sponsorship.objects.filter(funder=csr_funder).exists()


def test_filters_by_segment_and_occupation(csr_funder, csr_donor_user, sukabumi_villages, sukabumi_agent):
    drivers = bulk_workers(sukabumi_villages[:1], 3, occupation="Pengemudi ojek", registered_by=sukabumi_agent)
    farmers = bulk_workers(sukabumi_villages[:1], 3, registered_by=sukabumi_agent)
    matching.add_to_pool(Access(sukabumi_agent), [w.pk for w in drivers + farmers])
    found = matching.preview(Access(csr_donor_user), csr_funder, six_months(count=10, occupation="ojek"))
    assert {c["worker_id"] for c in found["candidates"]} == {w.pk for w in drivers}
    none = matching.preview(Access(csr_donor_user), csr_funder, six_months(count=10, segment="rt_rw"))
    assert none["candidates"] == []


def test_pool_only_takes_workers_in_the_proposers_scope(dadapkuning_operator, sukabumi_pool):
    with pytest.raises(PermissionDenied):
        matching.add_to_pool(Access(dadapkuning_operator), [sukabumi_pool[0].pk])


def test_a_worker_waits_once_and_keeps_his_place(sukabumi_agent, sukabumi_pool):
    before = WaitingEntry.objects.get(worker=sukabumi_pool[0]).since
    assert matching.add_to_pool(Access(sukabumi_agent), [sukabumi_pool[0].pk]) == 0
    assert WaitingEntry.objects.get(worker=sukabumi_pool[0]).since == before


def test_only_the_funders_own_users_run_its_matching(csr_funder, sukabumi_pool, gresik_regency_operator):
    other = Funder.objects.create(kind=FunderKind.DONOR, name="Donatur")
    other_user = make_user("donatur", "funder_user", funder=other)
    with pytest.raises(PermissionDenied):
        matching.preview(Access(other_user), csr_funder, six_months())
    with pytest.raises(PermissionDenied):
        matching.preview(Access(gresik_regency_operator), csr_funder, six_months())


def test_fair_order_round_robins_villages_by_waiting_time():
    rows = [(1, "A", 1), (2, "A", 2), (3, "B", 3), (4, "A", 4), (5, "C", 5), (6, "B", 6)]
    assert matching.fair_order(rows, 5) == [1, 3, 5, 2, 6]
    assert matching.fair_order(rows, 10) == [1, 3, 5, 2, 6, 4]


def test_governments_propose_lists_instead_of_matching(national_admin, sukabumi_pool):
    from lindung.funding.errors import FundingError

    province = Funder.objects.create(kind=FunderKind.PROVINCE, name="Pemprov Jawa Barat", region_id="32")
    with pytest.raises(FundingError):
        matching.preview(Access(national_admin), province, six_months())


def test_back_office_lists_funding(client, national_admin, csr_funder):
    client.force_login(national_admin)
    for name in ("funder", "funderkindsource", "budget", "sponsorshipbatch", "sponsorship", "reservedmonth",
                 "waitingentry"):
        assert client.get(f"/admin/funding/{name}/").status_code == 200, name
