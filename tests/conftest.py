"""Shared fixtures. The region tree is loaded once per test database (all 91,599 rows)."""

import datetime as dt
import os
import threading

import pytest
from django.core.servers.basehttp import ThreadedWSGIServer
from django.test.testcases import LiveServerThread

# Playwright's sync API runs an event loop in the test thread; Django must still allow ORM calls there.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


class _LiveServer(ThreadedWSGIServer):
    """The live server of the browser tests. On SQLite the test database lives in memory, and every
    request thread is handed the test's one connection: two requests at once (a page and a script's
    fetch the browser starts beside it) would then run on one connection, and one's transaction would
    meet the other's ("cannot start a transaction within a transaction"). There, requests take turns:
    each holds the lock until its response is read in full. On PostgreSQL every thread has its own
    connection and requests run side by side, as in production."""

    _turn = threading.Lock()

    def set_app(self, app):
        if not self.connections_override:
            return super().set_app(app)
        turn = self._turn

        def one_at_a_time(environ, start_response):
            with turn:
                response = app(environ, start_response)
                try:
                    return [b"".join(response)]
                finally:
                    if hasattr(response, "close"):
                        response.close()

        super().set_app(one_at_a_time)


LiveServerThread.server_class = _LiveServer


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    from lindung.reference import load_reference_data

    with django_db_blocker.unblock():
        load_reference_data()
    yield


DB_FIXTURES = {"db", "transactional_db", "live_server", "django_db_reset_sequences"}


@pytest.fixture(autouse=True)
def _reference_data_survives_transactional_tests(request, django_db_blocker):
    """Transactional tests (live server, concurrency, kill tests) end by emptying every table;
    the next test that uses the database puts the shipped reference data back before it starts."""
    if not (DB_FIXTURES & set(request.fixturenames) or request.node.get_closest_marker("django_db")):
        yield
        return
    request.getfixturevalue("django_db_setup")
    from lindung.regions.models import Region

    with django_db_blocker.unblock():
        if not Region.objects.exists():
            from lindung.reference import load_reference_data

            load_reference_data()
    yield
    if TRANSACTIONAL & set(request.fixturenames) or getattr(request.node.get_closest_marker("django_db"), "kwargs",
                                                            {}).get("transaction"):
        from lindung.regions import cache

        cache.clear()  # the test may have read codes from a database it built itself (migrations, restore)


@pytest.fixture(autouse=True)
def _fresh_rule_book():
    """Rule rows changed inside a rolled-back test must not outlive it. The region codes cached for
    validation (``lindung.regions.cache``, 83,762 villages read in one query) are kept from test to
    test: no test changes which codes exist, and loading the reference data clears them."""
    from lindung.rules import book as rule_book

    rule_book.clear()
    yield
    rule_book.clear()


@pytest.fixture(autouse=True)
def _indonesian(settings):
    from django.utils import translation

    translation.activate("id")
    yield
    translation.deactivate()


def make_nik(district: str, birth: dt.date, sex: str = "M", serial: int = 1) -> str:
    day = birth.day + (40 if sex == "F" else 0)
    return f"{district}{day:02d}{birth.month:02d}{birth.year % 100:02d}{serial:04d}"


def worker_data(village: str, *, serial: int = 1, sex: str = "M", birth=dt.date(1985, 3, 12), **extra) -> dict:
    data = {
        "nik": make_nik(village[:6], birth, sex, serial), "name": extra.pop("name", f"Pekerja {serial}"),
        "birth_date": birth, "sex": sex, "village_code": village, "declared_income": 1_000_000,
        "segment": "bpu_rentan", "ecosystem": "rentan", "sector": "other", "phone": "", "occupation": "Petani",
        "birth_place": "",
    }
    data.update(extra)
    return data


def create_worker(village: str, *, registered_by=None, **kwargs):
    """A worker inserted directly (bypassing scope checks), for setting up scenarios."""
    from lindung.people.models import Worker

    data = worker_data(village, **kwargs)
    data["village_id"] = data.pop("village_code")
    worker = Worker(registered_by=registered_by, **data)
    worker.save()
    return worker


def make_user(username, role, regions=(), funder=None):
    from lindung.accounts.services import create_user

    return create_user(username, "rahasia-123", role, list(regions), funder)


# Villages used across tests: Cerme (Gresik) and a Jambi village.
DADAPKUNING = "3525112001"   # Kab. Gresik › Cerme
LENGKONG = "3525112002"      # Kab. Gresik › Cerme
JAMBI_VILLAGE = "1501012001"


@pytest.fixture
def national_admin(db):
    return make_user("admin", "national_admin")


@pytest.fixture
def gresik_branch_officer(db):
    return make_user("cabang.gresik", "branch_officer", ["3525"])


@pytest.fixture
def jambi_province_operator(db):
    return make_user("pemprov.jambi", "regional_operator", ["15"])


@pytest.fixture
def gresik_regency_operator(db):
    return make_user("pemkab.gresik", "regional_operator", ["3525"])


@pytest.fixture
def dadapkuning_operator(db):
    return make_user("desa.dadapkuning", "village_operator", [DADAPKUNING])


@pytest.fixture
def cerme_agent(db):
    return make_user("agen.cerme", "agent", ["352511"])


@pytest.fixture
def csr_funder(db):
    from lindung.funding.models import Funder

    return Funder.objects.create(kind="company", name="PT Sinar Gresik Lestari (CSR)", region_id="3525")


@pytest.fixture
def csr_donor_user(db, csr_funder):
    return make_user("csr.sinar", "funder_user", funder=csr_funder)


# --- tiers -------------------------------------------------------------------------------------------
# `pytest -m "not slow and not browser"` is the fast tier a developer runs while working (under two
# minutes on an idle machine); CI (scripts/test) runs everything. Slow: whole demo scenarios, real
# subprocesses and memory-limited readers, concurrency and migration tests (which empty the database
# and reload the region tree afterwards), the API schema fuzzing, and volume scenarios.
SLOW_MODULES = {
    "test_autodebit_demo", "test_claims_demo", "test_coverage_demo", "test_funding_demo", "test_programmes_demo",
    "test_imports_commit", "test_imports_lifecycle", "test_imports_limits", "test_imports_formats",
    "test_backup", "test_api_schema_fuzz", "test_migrations", "test_layers",
    # the longest of the rest (measured with --durations): the full region tree reloaded, and role ×
    # field matrices of claims, funding and worker fields; test_access_matrix stays in the fast tier
    "test_regions", "test_access_fields", "test_claims_access", "test_funding_access",
}
TRANSACTIONAL = {"transactional_db", "live_server"}


def pytest_collection_modifyitems(config, items):
    for item in items:
        module = item.module.__name__.rsplit(".", 1)[-1]
        marker = item.get_closest_marker("django_db")
        transactional = bool(TRANSACTIONAL & set(item.fixturenames)) or bool(
            marker and marker.kwargs.get("transaction"))
        if module in SLOW_MODULES or (transactional and not item.get_closest_marker("browser")):
            item.add_marker(pytest.mark.slow)
