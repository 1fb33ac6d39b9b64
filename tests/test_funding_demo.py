"""The demo's funding story: every role logs in to real work waiting."""

import datetime as dt

import pytest
from django.db.models import Count

from lindung.accounts.access import Access
from lindung.accounts.models import User
from lindung.demo.scenario import seed
from lindung.funding import matching
from lindung.funding.budget import summary
from lindung.funding.lifecycle import ending_soon
from lindung.funding.matching import MatchRequest
from lindung.funding.models import Budget, Funder, FunderKind, ReservedMonth, SponsorshipState
from lindung.funding.scope import visible_batches, visible_sponsorships
from lindung.funding.scope import awaiting_approval


@pytest.mark.parametrize("today", [dt.date(2026, 11, 21), dt.date(2026, 1, 10), dt.date(2026, 12, 31)])
def test_every_demo_role_finds_work_waiting(db, today):
    seed(today)
    def proposals(username):
        user = User.objects.get(username=username)
        return visible_batches(Access(user)).filter(state="proposed", proposed_by=user).count()

    def approvals(username):
        return len(awaiting_approval(Access(User.objects.get(username=username))))

    def ending(username):
        return ending_soon(Access(User.objects.get(username=username)), today=today).count()

    def pool(username):
        return matching.pool(Access(User.objects.get(username=username))).count()

    for approver in ("pemprov.jambi", "bpkad.jambi", "kades.dadapkuning", "pemkab.gresik", "sertakan.hartono"):
        assert approvals(approver) >= 1, approver
    for proposer in ("desa.jambi", "desa.dadapkuning", "desa.lengkong", "agen.cerme"):
        assert proposals(proposer) >= 1, proposer
    for watcher in ("csr.sinar", "agen.cerme", "agen.sukabumi", "cabang.gresik", "pemkab.gresik", "admin"):
        assert ending(watcher) >= 1, watcher
    for pooler in ("agen.cerme", "agen.sukabumi", "admin"):
        assert pool(pooler) >= 1, pooler
    csr = Funder.objects.get(kind=FunderKind.COMPANY)
    offer = matching.preview(Access(User.objects.get(username="csr.sinar")), csr,
                             MatchRequest(count=20, months=6, start_month=today, region="3202"))
    assert len(offer["candidates"]) == 20

    jambi = Budget.objects.get(funder__kind=FunderKind.PROVINCE, fiscal_year=today.year)
    line = summary(jambi)
    assert line["amount"] == 15_620_000_000 and 0 < line["committed"] < line["amount"]
    assert not ReservedMonth.objects.values("worker_id", "program", "month").order_by().annotate(
        n=Count("id")).filter(n__gt=1).exists()
    # Eight self-payers whose term ends this month, and six paying by auto-debit (docs/autodebit.md).
    assert Funder.objects.filter(kind=FunderKind.SELF, agent__username="agen.cerme").count() == 8 + 6
    assert Funder.objects.filter(kind=FunderKind.SELF, agent__username="agen.cerme", mandates__isnull=True).count() == 8
    assert visible_sponsorships(Access(User.objects.get(username="sertakan.hartono"))).filter(
        state=SponsorshipState.ACTIVE).count() == 1
