"""Name search at scale: the same substring semantics on both databases, scoped by the access layer,
and on PostgreSQL served by the trigram index rather than a scan of the registry."""

import pytest
from django.db import connection

from lindung.accounts.access import Access
from lindung.dialect import is_postgres
from lindung.people.services import search_workers

from .conftest import DADAPKUNING, JAMBI_VILLAGE, LENGKONG, create_worker


@pytest.fixture
def three_aminahs(db):
    return {"dadapkuning": create_worker(DADAPKUNING, serial=1, name="Siti Aminah"),
            "lengkong": create_worker(LENGKONG, serial=2, name="Nur Aminah Ṣaleh"),
            "jambi": create_worker(JAMBI_VILLAGE, serial=3, name="Aminah Binti Ahmad"),
            "other": create_worker(LENGKONG, serial=4, name="Budi Santoso")}


def ids(queryset):
    return set(queryset.values_list("pk", flat=True))


def test_a_fragment_anywhere_in_the_name_finds_the_worker_nationally(three_aminahs):
    w = three_aminahs
    console = Access.console()
    assert ids(search_workers(console, q="amin")) == {w["dadapkuning"].pk, w["lengkong"].pk, w["jambi"].pk}
    assert ids(search_workers(console, q="MINAH SAL")) == {w["lengkong"].pk}  # accents and case folded
    assert ids(search_workers(console, q="  santoso ")) == {w["other"].pk}
    assert ids(search_workers(console, q="aminah", region="15")) == {w["jambi"].pk}


def test_a_regency_operator_finds_only_the_workers_of_the_regency(three_aminahs, gresik_regency_operator):
    w = three_aminahs
    found = ids(search_workers(Access(gresik_regency_operator), q="aminah"))
    assert found == {w["dadapkuning"].pk, w["lengkong"].pk}


def test_postgresql_answers_a_name_search_from_the_trigram_index(three_aminahs):
    if not is_postgres():
        pytest.skip("the trigram index exists on PostgreSQL only; SQLite scans its (regency-sized) table")
    sql, params = search_workers(Access.console(), q="aminah").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'worker_name_trigram'")
        assert "gin_trgm_ops" in cursor.fetchone()[0]
        # Four rows are cheaper to scan than to look up; forbid the scan to see which index the
        # planner can use for this exact query.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "worker_name_trigram" in plan, plan
