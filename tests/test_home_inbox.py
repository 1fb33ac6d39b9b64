"""The home page is a work inbox per role, each count linking to the list it counts (issue 11, item 1),
with the user's coverage for the last complete month (item 2)."""

import datetime as dt
import re

import pytest
from django.test import Client

from lindung.accounts.access import Access
from lindung.billing.runs import bill
from lindung.funding.sponsorships import propose_sponsorships
from lindung.imports.models import ImportJob
from lindung.regions.models import WorkingPopulation

from .billing_support import funder, month, sponsor
from .conftest import DADAPKUNING, create_worker

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 12, 10)  # November's invoice is overdue (due the 15th), December's due in 5 days


@pytest.fixture
def today(monkeypatch):
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *args, **kwargs: TODAY)
    return TODAY


@pytest.fixture
def gresik(today, gresik_regency_operator, dadapkuning_operator):
    """Gresik regency pays for three Dadapkuning workers from November to December 2026 (so both months are
    billed and the sponsorships end within 30 days); the village operator proposes two more for approval;
    one worker's NIK is flagged; one import report has rejected rows."""
    regency = funder("regency", "Pemerintah Kabupaten Gresik", "3525")
    paid = [create_worker(DADAPKUNING, serial=i) for i in (1, 2, 3)]
    sponsor(regency, paid, start=month("2026-11"), months=2)
    bill(Access.console(), month("2026-11"))
    bill(Access.console(), month("2026-12"))
    proposed = [create_worker(DADAPKUNING, serial=i) for i in (4, 5)]
    propose_sponsorships(Access(dadapkuning_operator), regency, [w.pk for w in proposed[:1]],
                         ["jkk", "jkm"], month("2027-01"), 12, "apbd-regency")
    flagged = create_worker(DADAPKUNING, serial=6)
    flagged.nik_flags = ["sex_mismatch"]
    flagged.save()
    ImportJob.objects.create(created_by=dadapkuning_operator, region_code=DADAPKUNING, original_name="desa.xlsx",
                             file_hash="x" * 64, file_format="xlsx", status="done",
                             counts={"rows": 10, "rejected": 3})
    ImportJob.objects.create(created_by=dadapkuning_operator, region_code=DADAPKUNING, original_name="ok.xlsx",
                             file_hash="y" * 64, file_format="xlsx", status="done", counts={"rows": 5, "rejected": 0})
    WorkingPopulation.objects.create(region_id="3525", year=2026, count=300)
    return regency


def inbox(client) -> dict[str, tuple[str, str]]:
    html = client.get("/").content.decode()
    return {key: (count, url.replace("&amp;", "&")) for url, key, count in re.findall(
        r'<a class="tile[^"]*" href="([^"]+)" data-inbox="([^"]+)"><span class="num">([^<]+)</span>', html)}


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_regency_operator_finds_each_piece_of_work_counted_and_linked(gresik, gresik_regency_operator):
    client = logged_in(gresik_regency_operator)
    items = inbox(client)
    assert {key: count for key, (count, _url) in items.items()} == {
        "lists-to-approve": "1", "sponsorships-ending": "3", "invoices-overdue": "1", "invoices-due": "1",
        "imports-rejected": "1", "nik-flags": "1"}
    # each link opens the list with exactly the rows counted
    lists = client.get(items["lists-to-approve"][1]).content.decode()
    assert len(set(re.findall(r'href="/funding/lists/(\d+)/"', lists))) == 1
    for key in ("invoices-overdue", "invoices-due"):
        page = client.get(items[key][1]).content.decode()
        assert re.search(r'id="invoice-count">1<', page), key
    ending = client.get(items["sponsorships-ending"][1]).content.decode()
    assert len(re.findall(r'href="/workers/\d+/"', ending)) == 3
    workers = client.get(items["nik-flags"][1]).content.decode()
    assert "1 pekerja ditemukan" in workers
    imports = client.get(items["imports-rejected"][1]).content.decode()
    assert "desa.xlsx" in imports and "ok.xlsx" not in imports


def test_roles_are_offered_only_the_work_they_can_do(gresik, cerme_agent, gresik_branch_officer,
                                                     dadapkuning_operator):
    agent = inbox(logged_in(cerme_agent))
    assert "lists-to-approve" not in agent and "statement-rows" not in agent and "claims-documents" not in agent
    village = inbox(logged_in(dadapkuning_operator))
    assert village["claims-documents"] == ("0", "/claims/?state=documents_missing")
    officer = inbox(logged_in(gresik_branch_officer))
    assert officer["statement-rows"][0] == "0" and "lists-to-approve" not in officer


def test_a_funder_sees_its_own_invoices_due(gresik, today):
    from .conftest import make_user

    treasurer = make_user("bpkad.gresik", "funder_user", funder=gresik)
    items = inbox(logged_in(treasurer))
    assert items["invoices-overdue"][0] == "1" and items["invoices-due"][0] == "1"


def test_the_home_page_shows_the_last_complete_month_of_my_region(gresik, gresik_regency_operator):
    html = logged_in(gresik_regency_operator).get("/").content.decode()
    assert "November 2026" in html  # on 10 December, November is the last complete month
    assert "Kabupaten Gresik" in html or "KABUPATEN GRESIK" in html.upper()
