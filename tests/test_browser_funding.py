"""Funding in a real browser: a donor matches and confirms; a village head approves the operator's list."""

import datetime as dt

import pytest

from lindung.accounts.access import Access
from lindung.funding import matching
from lindung.funding.budget import set_budget
from lindung.funding.models import BatchState, Funder, FunderKind, SponsorshipBatch
from lindung.funding.sponsorships import propose_sponsorships

from .browser import browser_page, log_in
from .conftest import DADAPKUNING, make_user
from .funding_support import bulk_workers, villages

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
NEXT_JAN = f"{dt.date.today().year + 1}-01"


def test_donor_matches_and_confirms(live_server):
    csr = Funder.objects.create(kind=FunderKind.COMPANY, name="PT Sinar Gresik Lestari (CSR)", region_id="3525")
    make_user("csr.sinar", "funder_user", funder=csr)
    agent = make_user("agen.sukabumi", "agent", ["3202"])
    workers = bulk_workers(villages("3202", 2), 3, registered_by=agent)
    matching.add_to_pool(Access(agent), [w.pk for w in workers])
    with browser_page() as page:
        log_in(page, live_server.url, "csr.sinar")
        page.goto(f"{live_server.url}/funding/")
        page.click(f"a[href='/funding/funders/{csr.pk}/match/']")
        page.fill("input[name=count]", "4")
        page.fill("input[name=region]", "3202")
        page.fill("input[name=start_month]", NEXT_JAN)
        page.fill("input[name=months]", "6")
        page.click("form.card button[type=submit]")
        assert page.locator("input[name=worker]:checked").count() == 4
        assert page.get_attribute("[data-total]", "data-total") == str(4 * 6 * 16_800)
        assert workers[0].nik not in page.content()
        page.click("button[name=confirm]")
        page.wait_for_url(f"{live_server.url}/funding/funders/{csr.pk}/")
    assert SponsorshipBatch.objects.get().sponsorships.count() == 4


def test_village_head_approves_the_operators_list(live_server):
    village = Funder.objects.create(kind=FunderKind.VILLAGE, name="Pemerintah Desa Dadapkuning", region_id=DADAPKUNING)
    operator = make_user("desa.dadapkuning", "village_operator", [DADAPKUNING])
    head = make_user("kades.dadapkuning", "village_operator", [DADAPKUNING])
    heads = bulk_workers([DADAPKUNING], 3, segment="rt_rw")
    set_budget(Access(head), village, fiscal_year=int(NEXT_JAN[:4]), source="village-budget",
               amount=10_000_000)
    batch = propose_sponsorships(Access(operator), village, [w.pk for w in heads], ["jkk", "jkm"],
                                 dt.date.fromisoformat(NEXT_JAN + "-01"), 12, "village-budget")
    with browser_page() as page:
        log_in(page, live_server.url, "kades.dadapkuning")
        page.goto(f"{live_server.url}/funding/")
        assert page.inner_text("[data-count=to-approve]") == "1"
        page.click(f"a[href='/funding/lists/{batch.pk}/']")
        page.click(f"form[action='/funding/lists/{batch.pk}/approve/'] button[type=submit]")
        assert page.get_attribute("[data-state]", "data-state") == "approved"
    batch.refresh_from_db()
    assert batch.state == BatchState.APPROVED and batch.approved_by == head
