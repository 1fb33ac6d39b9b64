"""Coverage is honest about the running month (issue 11, item 2): dashboards open on the last complete
month and say so, an older working-population year is flagged, and the worker page leads to the cover."""

import datetime as dt

import pytest
from django.test import Client

from lindung.accounts.access import Access
from lindung.billing.models import Invoice
from lindung.billing.payments import record_payment
from lindung.billing.runs import bill
from lindung.regions.models import WorkingPopulation

from .billing_support import funder, month, sponsor
from .conftest import DADAPKUNING, create_worker

pytestmark = pytest.mark.django_db
FIRST_OF_DECEMBER = dt.date(2026, 12, 1)


@pytest.fixture
def gresik(monkeypatch):
    """Two Dadapkuning workers paid for by the regency from September to December 2026; November paid,
    December not yet (due on the 15th). The working population on record is from 2022."""
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *args, **kwargs: FIRST_OF_DECEMBER)
    regency = funder("regency", "Pemerintah Kabupaten Gresik", "3525")
    workers = [create_worker(DADAPKUNING, serial=i) for i in (1, 2)]
    sponsor(regency, workers, start=month("2026-09"), months=4)
    for m in ("2026-09", "2026-10", "2026-11", "2026-12"):
        bill(Access.console(), month(m))
    for invoice in Invoice.objects.filter(month__lte=month("2026-11")):
        record_payment(invoice, amount=invoice.outstanding, reference=f"P-{invoice.pk}",
                       paid_on=invoice.month.replace(day=10))
    WorkingPopulation.objects.create(region_id="3525", year=2022, count=628_952)
    return workers


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def test_on_the_first_of_the_month_the_dashboard_shows_the_last_complete_month(gresik, gresik_regency_operator):
    html = client_for(gresik_regency_operator).get("/coverage/region/3525/").content.decode()
    assert 'id="month-note"' in html and "November 2026" in html
    assert 'value="2026-11"' in html
    assert '<span class="num" id="active-members">2</span>' in html   # not 0 on 1 December


def test_choosing_the_running_month_says_it_is_still_running(gresik, gresik_regency_operator):
    html = client_for(gresik_regency_operator).get("/coverage/region/3525/?month=2026-12").content.decode()
    assert "masih berjalan" in html and "November 2026" in html


def test_an_older_working_population_is_flagged(gresik, gresik_regency_operator):
    html = client_for(gresik_regency_operator).get("/coverage/region/3525/").content.decode()
    assert 'id="denominator-note"' in html and "2022" in html


def test_the_worker_page_leads_to_the_cover_with_who_pays(gresik, gresik_regency_operator):
    client = client_for(gresik_regency_operator)
    worker = gresik[0]
    page = client.get(f"/workers/{worker.pk}/").content.decode()
    assert f'hx-get="/coverage/workers/{worker.pk}/card/"' in page and f'href="/coverage/workers/{worker.pk}/"' in page
    card = client.get(f"/coverage/workers/{worker.pk}/card/").content.decode()
    assert "Pemerintah Kabupaten Gresik" in card and "2026-11" in card and "2026-09 – 2026-12" in card
