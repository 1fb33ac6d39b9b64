"""Lists count up to a bound (lindung.paging): past it a page says "more than N" instead of counting a
national registry, and the count stops in the database."""

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from lindung import paging
from lindung.people.models import Worker

from .conftest import DADAPKUNING, LENGKONG, create_worker


@pytest.fixture
def five_aminahs(db):
    return [create_worker(DADAPKUNING if n % 2 else LENGKONG, serial=n, name=f"Siti Aminah {n}") for n in range(1, 6)]


def test_the_count_stops_at_the_bound_and_says_there_are_more(five_aminahs):
    rows = Worker.objects.order_by("name_key")
    assert paging.bounded_count(rows, 3) == (3, True)
    assert paging.bounded_count(rows, 5) == (5, False)
    assert paging.bounded_count(rows, 10) == (5, False)
    assert paging.bounded_count(list(rows), 4) == (4, True)


def test_the_database_stops_counting_at_the_bound_and_does_not_sort(five_aminahs):
    with CaptureQueriesContext(connection) as seen:
        paging.bounded_count(Worker.objects.order_by("name_key"), 3)
    (query,) = seen.captured_queries
    assert "LIMIT 4" in query["sql"] and "ORDER BY" not in query["sql"]


def test_the_worker_list_says_more_than_the_bound(five_aminahs, national_admin, monkeypatch):
    client = Client()
    client.force_login(national_admin)
    page = client.get("/workers/", {"q": "aminah"}).content.decode()
    assert "5 pekerja ditemukan" in page and "Lebih dari" not in page
    monkeypatch.setattr(paging, "COUNT_LIMIT", 3)
    page = client.get("/workers/", {"q": "aminah"}).content.decode()
    assert "Lebih dari 3 pekerja ditemukan" in page
    assert "persempit pencarian" in page
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    page = client.get("/workers/", {"q": "aminah"}).content.decode()
    assert "More than 3 workers found" in page


def test_the_pager_offers_the_pages_up_to_the_bound_and_keeps_the_search(db, monkeypatch):
    for n in range(1, 8):
        create_worker(DADAPKUNING, serial=n, name=f"Budi {n}")
    monkeypatch.setattr(paging, "COUNT_LIMIT", 4)
    request = RequestFactory().get("/workers/", {"q": "budi", "region": "3525", "page": "2"})
    page = paging.page_of(request, Worker.objects.order_by("name_key"), 2)
    # 7 rows, counted up to 4: two pages of 2 are offered, and the list says it goes on
    assert (page.number, page.paginator.num_pages, page.paginator.more) == (2, 2, True)
    assert [w.name for w in page] == ["Budi 3", "Budi 4"]
    with translation.override("en"):
        html = render_to_string("_pager.html", {"page": page, "request": request})
    assert "2 / 2+" in html
    assert "?q=budi&region=3525&page=1" in html and "Next" not in html
    assert "past the first 4 rows" in html


def test_the_api_gives_the_bounded_count_and_more(five_aminahs, national_admin, monkeypatch):
    client = Client()
    client.force_login(national_admin)
    body = client.get("/api/v1/workers", {"q": "aminah"}).json()
    assert (body["count"], body["more"], len(body["results"])) == (5, False, 5)
    monkeypatch.setattr(paging, "COUNT_LIMIT", 3)
    body = client.get("/api/v1/workers", {"q": "aminah"}).json()
    assert (body["count"], body["more"], len(body["results"])) == (3, True, 5)


def test_a_first_page_that_holds_the_whole_list_is_one_query(five_aminahs):
    rows = Worker.objects.filter(name_key__contains="AMINAH").order_by("name_key")
    with CaptureQueriesContext(connection) as seen:
        page = paging.paginate(rows, 50)
        shown = [w.name for w in page]
        assert (page.paginator.count, page.paginator.more, page.paginator.num_pages) == (5, False, 1)
    assert shown == [f"Siti Aminah {n}" for n in range(1, 6)]
    assert len(seen.captured_queries) == 1


def test_a_longer_list_reads_its_first_page_once_and_counts_to_the_bound(five_aminahs):
    rows = Worker.objects.filter(name_key__contains="AMINAH").order_by("name_key")
    with CaptureQueriesContext(connection) as seen:
        page = paging.paginate(rows, 2)
        shown = [w.name for w in page]
        assert (page.paginator.count, page.paginator.num_pages, page.has_next()) == (5, 3, True)
    assert shown == ["Siti Aminah 1", "Siti Aminah 2"]
    assert len(seen.captured_queries) == 2  # the page (and one row more), then the count
    second = paging.paginate(rows, 2, "2")
    assert [w.name for w in second] == ["Siti Aminah 3", "Siti Aminah 4"]
