"""The demo's billing and coverage story: real invoices, payments and cover behind every dashboard."""

import datetime as dt

import pytest

from lindung.accounts.access import Access
from lindung.accounts.models import User
from lindung.billing.models import AgentCommission, Invoice
from lindung.billing.statements import open_items
from lindung.coverage.indicators import indicators, percent
from lindung.coverage.models import CoveredMonth
from lindung.coverage.services import status_of
from lindung.demo.scenario import seed
from lindung.people.models import Worker

TODAY = dt.date(2026, 11, 21)


@pytest.fixture
def demo(db):
    seed(TODAY)


def test_gresik_december_2022_coverage_is_computed_from_members(demo):
    data = indicators("3525", dt.date(2022, 12, 1))
    assert data["working_population"] == 628_952 and data["active"] == 250  # test-mode cohort
    assert data["coverage_pct"] == percent(250, 628_952)
    assert data["parent"]["working_population"] == 21_610_000
    assert data["source"] == "snapshot"


def test_this_years_months_are_billed_and_mostly_paid(demo):
    assert not Invoice.objects.filter(month__lt=dt.date(2026, 11, 1), paid=0,
                                      funder__name="Pemerintah Provinsi Jambi").exists()
    heads = Worker.objects.filter(segment="rt_rw", sponsorships__funder__kind="village")
    lengkong_head = heads.filter(village_id="3525112002").first()
    covered = set(CoveredMonth.objects.filter(worker=lengkong_head).values_list("month", flat=True))
    assert dt.date(2026, 7, 1) not in covered and dt.date(2026, 9, 1) in covered  # lapsed, then new membership
    kandangan_head = heads.filter(village_id="3525112003").first()
    assert status_of(kandangan_head, dt.date(2026, 11, 1)) == "grace"
    assert AgentCommission.objects.filter(agent__username="agen.cerme").exists()
    branch = Access(User.objects.get(username="cabang.gresik"))
    assert {row.match for row in open_items(branch)} == {"underpaid", "unmatched"}


def test_every_demo_login_opens_its_billing_and_coverage_pages(demo, client):
    for username in ("admin", "cabang.gresik", "pemkab.gresik", "pemprov.jambi", "desa.dadapkuning", "csr.sinar",
                     "agen.cerme", "sertakan.hartono"):
        client.force_login(User.objects.get(username=username))
        coverage = client.get("/coverage/", follow=True)
        assert coverage.status_code == 200 and b'id="active-members"' in coverage.content, username
        billing = client.get("/billing/")
        assert billing.status_code == 200, username
        if username != "desa.dadapkuning":
            assert b"INV-2026" in billing.content, username
