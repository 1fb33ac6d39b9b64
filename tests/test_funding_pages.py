"""Funding pages: each role's daily work, through the browser-facing views (Django test client)."""

import datetime as dt

import pytest
from django.urls import reverse

from lindung.accounts.access import Access
from lindung.funding import matching
from lindung.funding.approval import approve_batch
from lindung.funding.budget import set_budget
from lindung.funding.models import BatchState, Funder, FunderKind, SponsorshipBatch, WaitingEntry
from lindung.funding.sponsorships import propose_sponsorships

from .conftest import DADAPKUNING, make_user
from .funding_support import bulk_workers, villages

NEXT_JAN = dt.date(dt.date.today().year + 1, 1, 1)


@pytest.fixture
def dadapkuning(db):
    return Funder.objects.create(kind=FunderKind.VILLAGE, name="Pemerintah Desa Dadapkuning", region_id=DADAPKUNING)


@pytest.fixture
def village_head(db):
    return make_user("kades.dadapkuning", "village_operator", [DADAPKUNING])


@pytest.fixture
def heads(db):
    return bulk_workers([DADAPKUNING], 4, segment="rt_rw", occupation="Ketua RT")


def login(client, user):
    client.force_login(user)
    return client


def test_village_operator_proposes_a_list_and_the_village_head_approves_it(client, dadapkuning, village_head,
                                                                          dadapkuning_operator, heads):
    set_budget(Access(village_head), dadapkuning, fiscal_year=NEXT_JAN.year, source="village-budget",
               amount=10_000_000)
    login(client, dadapkuning_operator)
    page = client.get(reverse("funding-propose"), {"segment": "rt_rw"})
    assert page.status_code == 200 and heads[0].nik.encode() in page.content
    response = client.post(reverse("funding-propose"), {
        "funder": dadapkuning.pk, "funding_source": "village-budget", "programs": "jkk,jkm",
        "start_month": f"{NEXT_JAN:%Y-%m}", "months": 12, "note": "Musdes", "segment": "rt_rw",
        "worker": [w.pk for w in heads]})
    batch = SponsorshipBatch.objects.get()
    assert response.status_code == 302 and response.url == reverse("funding-list", args=[batch.pk])
    detail = client.get(reverse("funding-list", args=[batch.pk]))
    assert b"funding-list-approve" not in detail.content and reverse("funding-list-approve", args=[batch.pk]).encode() \
        not in detail.content  # the proposer sees no approve button
    client.post(reverse("funding-list-approve", args=[batch.pk]))
    batch.refresh_from_db()
    assert batch.state == BatchState.PROPOSED

    login(client, village_head)
    home = client.get(reverse("funding-home"))
    assert b'data-count="to-approve">1<' in home.content
    detail = client.get(reverse("funding-list", args=[batch.pk]))
    assert reverse("funding-list-approve", args=[batch.pk]).encode() in detail.content
    assert detail.context["impact"][0]["needed"] == 4 * 12 * 16_800
    client.post(reverse("funding-list-approve", args=[batch.pk]))
    batch.refresh_from_db()
    assert batch.state == BatchState.APPROVED and batch.approved_by == village_head


def test_budget_form_on_the_funder_page(client, dadapkuning, village_head, dadapkuning_operator):
    login(client, village_head)
    client.post(reverse("funding-funder", args=[dadapkuning.pk]),
                {"fiscal_year": 2026, "source": "village-budget", "amount": 5_000_000, "note": "ADD"})
    assert dadapkuning.budgets.get().amount == 5_000_000
    login(client, make_user("desa.lengkong", "village_operator", ["3525112002"]))
    assert client.get(reverse("funding-funder", args=[dadapkuning.pk])).status_code == 404


def test_donor_matches_confirms_and_sees_its_workers(client, csr_funder, csr_donor_user):
    agent = make_user("agen.sukabumi", "agent", ["3202"])
    workers = bulk_workers(villages("3202", 3), 4, registered_by=agent)
    matching.add_to_pool(Access(agent), [w.pk for w in workers])
    login(client, csr_donor_user)
    params = {"count": 6, "months": 6, "start_month": f"{NEXT_JAN:%Y-%m}", "programs": "jkk,jkm", "region": "3202",
              "segment": "", "occupation": ""}
    page = client.get(reverse("funding-match", args=[csr_funder.pk]), params)
    assert page.status_code == 200
    proposal = page.context["proposal"]
    assert len(proposal["candidates"]) == 6 and proposal["villages"] == 3
    assert workers[0].nik.encode() not in page.content and workers[0].name.encode() not in page.content
    chosen = [c["worker_id"] for c in proposal["candidates"]]
    response = client.post(reverse("funding-match", args=[csr_funder.pk]),
                           params | {"confirm": "1", "worker": chosen})
    assert response.status_code == 302
    assert WaitingEntry.objects.filter(closed_at__isnull=True).count() == 6
    detail = client.get(reverse("funding-funder", args=[csr_funder.pk]))
    sponsored = [w for w in workers if w.pk in chosen]
    assert sponsored[0].masked_nik.encode() in detail.content and sponsored[0].nik.encode() not in detail.content
    export = b"".join(client.get(reverse("funding-sponsorships-export")).streaming_content).decode()
    assert len(export.strip().splitlines()) == 7 and sponsored[0].nik not in export


def test_operator_fills_the_waiting_pool(client, dadapkuning_operator, heads):
    login(client, dadapkuning_operator)
    page = client.get(reverse("funding-pool"))
    assert heads[0].nik.encode() in page.content
    client.post(reverse("funding-pool"), {"worker": [heads[0].pk, heads[1].pk], "note": "musdes"})
    assert WaitingEntry.objects.filter(closed_at__isnull=True).count() == 2
    entry = WaitingEntry.objects.get(worker=heads[0])
    client.post(reverse("funding-pool-withdraw", args=[entry.pk]))
    assert WaitingEntry.objects.filter(closed_at__isnull=True).count() == 1


def test_ending_soon_and_hand_over_from_the_page(client, cerme_agent, csr_funder, national_admin):
    workers = bulk_workers([DADAPKUNING], 2, registered_by=cerme_agent)
    today = dt.date.today()
    start = dt.date(today.year, today.month, 1)
    batch = propose_sponsorships(Access(national_admin), csr_funder, [w.pk for w in workers],
                                 ["jkk", "jkm"], start, 1, "csr")
    approve_batch(Access(national_admin), batch, today=today)
    login(client, cerme_agent)
    page = client.get(reverse("funding-ending"))
    assert page.context["page"].paginator.count == 2
    s = batch.sponsorships.first()
    client.post(reverse("funding-handover", args=[s.pk]), {"months": 6})
    s.refresh_from_db()
    assert s.continued_by.funder.kind == FunderKind.SELF and s.continued_by.months == 6


@pytest.mark.parametrize("name", ["funding-home", "funding-funders", "funding-lists", "funding-sponsorships",
                                  "funding-ending", "funding-pool", "funding-graduation"])
def test_every_role_opens_the_funding_pages(client, name, national_admin, gresik_branch_officer,
                                            jambi_province_operator, dadapkuning_operator, cerme_agent, csr_donor_user):
    for user in (national_admin, gresik_branch_officer, jambi_province_operator, dadapkuning_operator, cerme_agent,
                 csr_donor_user):
        login(client, user)
        assert client.get(reverse(name)).status_code == 200, (name, user.username)
