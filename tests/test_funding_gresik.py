"""Gresik's villages pay JKK+JKM for RT/RW heads from the village budget (ADD), maker–checker
(RULES.md §2 seeds 000/001, §5: lists signed by the village head; never the central Dana Desa)."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied

from lindung.accounts.access import Access
from lindung.funding.approval import approve_batch, cancel_batch
from lindung.funding.budget import set_budget
from lindung.funding.errors import FundingError
from lindung.funding.kinds import allowed_sources
from lindung.funding.models import BatchState, Funder, FunderKind, FunderKindSource, ReservedMonth, SponsorshipState
from lindung.funding.sponsorships import propose_sponsorships

from .conftest import DADAPKUNING, LENGKONG, make_user
from .funding_support import bulk_workers

JAN = dt.date(2026, 1, 1)


@pytest.fixture
def dadapkuning(db):
    return Funder.objects.create(kind=FunderKind.VILLAGE, name="Pemerintah Desa Dadapkuning", region_id=DADAPKUNING)


@pytest.fixture
def dadapkuning_head(db):
    """The village head's account: a village operator of the same village who signs the list."""
    return make_user("kades.dadapkuning", "village_operator", [DADAPKUNING])


@pytest.fixture
def rt_rw_heads(db):
    return bulk_workers([DADAPKUNING], 8, segment="rt_rw", occupation="Ketua RT")


def a(user):
    return Access(user)


def test_village_may_pay_from_its_budget_but_not_from_dana_desa(db):
    assert allowed_sources(FunderKind.VILLAGE) == {"village-budget"}
    assert not FunderKindSource.objects.filter(kind="village", source__in=["apbn", "apbd-regency"]).exists()


def test_operator_proposes_rt_rw_heads_and_the_village_head_approves(dadapkuning, dadapkuning_operator,
                                                                    dadapkuning_head, rt_rw_heads):
    set_budget(a(dadapkuning_head), dadapkuning, fiscal_year=2026, source="village-budget",
               amount=25_000_000, note="ADD 2026")
    batch = propose_sponsorships(a(dadapkuning_operator), dadapkuning, [w.pk for w in rt_rw_heads],
                                 ["jkk", "jkm"], JAN, 12, "village-budget", "Musdes 2025")
    with pytest.raises(FundingError):
        approve_batch(a(dadapkuning_operator), batch, today=dt.date(2025, 12, 15))
    approve_batch(a(dadapkuning_head), batch, today=dt.date(2025, 12, 15))
    batch.refresh_from_db()
    assert (batch.state, batch.proposed_by, batch.approved_by) == (BatchState.APPROVED, dadapkuning_operator,
                                                                  dadapkuning_head)
    assert ReservedMonth.objects.filter(funder=dadapkuning, funding_source="village-budget").count() == 8 * 24


def test_village_list_cannot_use_the_regency_budget_source(dadapkuning, dadapkuning_operator, rt_rw_heads):
    with pytest.raises(FundingError):
        propose_sponsorships(a(dadapkuning_operator), dadapkuning, [rt_rw_heads[0].pk], ["jkk", "jkm"],
                             JAN, 12, "apbd-regency")


def test_neither_the_regency_nor_a_neighbouring_village_approves_a_village_list(
        dadapkuning, dadapkuning_operator, gresik_regency_operator, rt_rw_heads):
    lengkong_operator = make_user("desa.lengkong", "village_operator", [LENGKONG])
    batch = propose_sponsorships(a(dadapkuning_operator), dadapkuning, [rt_rw_heads[0].pk],
                                 ["jkk", "jkm"], JAN, 12, "village-budget")
    for outsider in (gresik_regency_operator, lengkong_operator):
        with pytest.raises(PermissionDenied):
            approve_batch(a(outsider), batch, today=dt.date(2025, 12, 15))


def test_neighbouring_village_cannot_propose_dadapkuning_people(dadapkuning, rt_rw_heads):
    lengkong_operator = make_user("desa.lengkong", "village_operator", [LENGKONG])
    with pytest.raises(PermissionDenied):
        propose_sponsorships(a(lengkong_operator), dadapkuning, [rt_rw_heads[0].pk], ["jkk", "jkm"],
                             JAN, 12, "village-budget")


def test_the_village_budget_limits_the_list(dadapkuning, dadapkuning_operator, dadapkuning_head, rt_rw_heads):
    set_budget(a(dadapkuning_head), dadapkuning, fiscal_year=2026, source="village-budget",
               amount=5 * 201_600)
    batch = propose_sponsorships(a(dadapkuning_operator), dadapkuning, [w.pk for w in rt_rw_heads],
                                 ["jkk", "jkm"], JAN, 12, "village-budget")
    with pytest.raises(FundingError) as refused:
        approve_batch(a(dadapkuning_head), batch, today=dt.date(2025, 12, 15))
    assert refused.value.details["shortfalls"][0]["shortfall"] == 3 * 201_600
    cancel_batch(a(dadapkuning_head), batch)
    smaller = propose_sponsorships(a(dadapkuning_operator), dadapkuning, [w.pk for w in rt_rw_heads[:5]],
                                   ["jkk", "jkm"], JAN, 12, "village-budget")
    approve_batch(a(dadapkuning_head), smaller, today=dt.date(2025, 12, 15))
    assert smaller.sponsorships.filter(state=SponsorshipState.APPROVED).count() == 5


def test_the_regency_pays_for_village_officials_from_apbd(gresik_regency_operator, dadapkuning_operator, db):
    gresik = Funder.objects.create(kind=FunderKind.REGENCY, name="Pemkab Gresik", region_id="3525")
    head = make_user("bpkad.gresik", "regional_operator", ["3525"])
    officials = bulk_workers([DADAPKUNING, LENGKONG], 2, segment="perangkat_desa", occupation="Kepala Dusun")
    set_budget(a(head), gresik, fiscal_year=2026, source="apbd-regency", amount=10**9)
    batch = propose_sponsorships(a(gresik_regency_operator), gresik, [w.pk for w in officials],
                                 ["jkk", "jkm"], JAN, 12, "apbd-regency")
    approve_batch(a(head), batch, today=dt.date(2025, 12, 1))
    assert ReservedMonth.objects.filter(funder=gresik).count() == 4 * 24
