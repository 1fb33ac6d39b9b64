"""Read replicas: the router sends read-only work to a healthy standby and everything else to the primary.

The first tests decide routes without a database (the replica's health is given); the last ones run
against a real primary and hot standby, which CI starts (.ci/run passes LINDUNG_TEST_REPLICA_URL).
"""

import re
import time

import pytest
from django.db import connections, router, transaction
from django.test.utils import CaptureQueriesContext

from lindung import routing
from lindung.regions.models import Region

STANDBY = "replica1" in connections.settings
needs_standby = pytest.mark.skipif(
    not STANDBY, reason="no hot standby configured: set LINDUNG_TEST_REPLICA_URL on PostgreSQL (.ci/run does)")


@pytest.fixture
def healthy_replica(settings, monkeypatch):
    settings.LINDUNG_REPLICAS = ["replica_a"]
    monkeypatch.setattr(routing, "replica_healthy", lambda alias: True)
    return "replica_a"


def test_reads_outside_read_only_work_go_to_the_primary(healthy_replica):
    assert router.db_for_read(Region) == "default"


def test_read_only_work_reads_from_a_healthy_replica(healthy_replica):
    with routing.replica_reads():
        assert router.db_for_read(Region) == healthy_replica


def test_writes_never_go_to_a_replica(healthy_replica):
    with routing.replica_reads():
        assert router.db_for_write(Region) == "default"
    assert router.db_for_write(Region) == "default"


def test_after_a_write_the_same_work_reads_from_the_primary(healthy_replica):
    with routing.replica_reads():
        router.db_for_write(Region)
        assert router.db_for_read(Region) == "default"


def test_sessions_accounts_and_job_state_are_read_from_the_primary(healthy_replica):
    from django.contrib.sessions.models import Session

    from lindung.accounts.models import User
    from lindung.imports.models import ImportJob
    from lindung.reports.models import ReportRun

    with routing.replica_reads():
        for model in (Session, User, ImportJob, ReportRun):
            assert router.db_for_read(model) == "default", model


def test_a_user_who_just_wrote_reads_from_the_primary(healthy_replica, rf, settings):
    settings.LINDUNG_READ_YOUR_WRITES_SECONDS = 15
    seen = []
    view = routing.replica_view(lambda request: seen.append(router.db_for_read(Region)) or "ok")
    view(rf.get("/"))
    request = rf.get("/")
    request.COOKIES[routing.WROTE_COOKIE] = f"{time.time() - 5:.3f}"  # wrote 5 s ago
    view(request)
    request = rf.get("/")
    request.COOKIES[routing.WROTE_COOKIE] = f"{time.time() - 20:.3f}"  # wrote 20 s ago: window over
    view(request)
    assert seen == [healthy_replica, "default", healthy_replica]


def test_a_successful_write_request_leaves_the_read_your_writes_cookie(healthy_replica, rf, settings):
    from django.http import HttpResponse

    settings.LINDUNG_READ_YOUR_WRITES_SECONDS = 15
    middleware = routing.ReadYourWritesMiddleware(lambda request: HttpResponse(status=302))
    written = middleware(rf.post("/"))
    cookie = written.cookies[routing.WROTE_COOKIE]
    assert abs(float(cookie.value) - time.time()) < 5 and cookie["max-age"] == 15
    assert routing.WROTE_COOKIE not in middleware(rf.get("/")).cookies
    refused = routing.ReadYourWritesMiddleware(lambda request: HttpResponse(status=400))(rf.post("/"))
    assert routing.WROTE_COOKIE not in refused.cookies


def test_no_replica_configured_means_the_primary(settings):
    settings.LINDUNG_REPLICAS = []
    with routing.replica_reads():
        assert router.db_for_read(Region) == "default"


def test_a_streamed_export_reads_inside_the_read_only_work(healthy_replica, rf):
    from django.http import StreamingHttpResponse

    def export(request):
        return StreamingHttpResponse(router.db_for_read(Region) for _ in range(2))

    response = routing.replica_view(export)(rf.get("/"))
    assert b"".join(response.streaming_content) == f"{healthy_replica}{healthy_replica}".encode()


# --- against a real primary and hot standby -------------------------------------------------------------

def _replicated(predicate, seconds=20.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return False


@pytest.fixture
def standby(settings):
    settings.LINDUNG_REPLICAS = ["replica1"]
    settings.LINDUNG_REPLICA_CHECK_SECONDS = 0  # probe at every read: the test changes the replicas' state
    routing.forget_health()
    yield "replica1"
    routing.forget_health()


@needs_standby
@pytest.mark.django_db(transaction=True, databases=["default", "replica1", "replica_down"])
def test_the_standby_serves_read_only_work_and_sees_committed_writes(standby):
    assert routing.probe("replica1") is True
    Region.objects.filter(code="3525").update(name="KAB. GRESIK (replicated)")  # committed on the primary
    with routing.replica_reads():
        assert router.db_for_read(Region) == "replica1"
        assert _replicated(lambda: Region.objects.get(code="3525").name == "KAB. GRESIK (replicated)")
        with CaptureQueriesContext(connections["replica1"]) as on_replica:
            Region.objects.get(code="3525")
        assert [q for q in on_replica.captured_queries if '"regions_region"' in q["sql"]]


@needs_standby
@pytest.mark.django_db(transaction=True, databases=["default", "replica1", "replica_down"])
def test_a_write_is_read_back_at_once_through_the_router(standby):
    """Read-your-own-writes: inside the work that wrote, the row is read from the primary, whatever
    the standby has replayed yet."""
    with routing.replica_reads():
        Region.objects.filter(code="3525112001").update(name="DADAPKUNING (written)")
        with CaptureQueriesContext(connections["replica1"]) as on_replica:
            assert Region.objects.get(code="3525112001").name == "DADAPKUNING (written)"
        assert on_replica.captured_queries == []


@needs_standby
@pytest.mark.django_db(transaction=True, databases=["default", "replica1", "replica_down"])
def test_pages_read_from_the_standby_until_the_user_writes(standby, client, national_admin):
    client.force_login(national_admin)
    with CaptureQueriesContext(connections["replica1"]) as on_replica:
        assert client.get("/api/v1/coverage/indicators?region=3525&month=2026-06").status_code == 200
    assert on_replica.captured_queries, "the indicators were not read from the standby"
    client.cookies[routing.WROTE_COOKIE] = f"{time.time():.3f}"
    with CaptureQueriesContext(connections["replica1"]) as on_replica:
        assert client.get("/api/v1/coverage/indicators?region=3525&month=2026-06").status_code == 200
    assert on_replica.captured_queries == []


@needs_standby
@pytest.mark.django_db(transaction=True, databases=["default", "replica1", "replica_down"])
def test_a_replica_that_is_down_degrades_to_the_primary(standby, settings, client, national_admin):
    settings.LINDUNG_REPLICAS = ["replica_down"]
    assert routing.probe("replica_down") is False
    with routing.replica_reads():
        assert router.db_for_read(Region) == "default"
    client.force_login(national_admin)
    assert client.get("/api/v1/coverage/indicators?region=3525&month=2026-06").status_code == 200
    settings.LINDUNG_REPLICAS = ["replica_down", "replica1"]
    with routing.replica_reads():
        assert {router.db_for_read(Region) for _ in range(20)} == {"replica1"}


@needs_standby
@pytest.mark.django_db(transaction=True, databases=["default", "replica1", "replica_down"])
def test_a_lagging_replica_is_not_read(standby, settings, monkeypatch):
    from lindung import dialect

    monkeypatch.setattr(dialect, "replica_state_sql", lambda: "SELECT pg_is_in_recovery(), 45.0")
    settings.LINDUNG_REPLICA_MAX_LAG_SECONDS = 30
    with routing.replica_reads():
        assert router.db_for_read(Region) == "default"
    settings.LINDUNG_REPLICA_MAX_LAG_SECONDS = 60
    with routing.replica_reads():
        assert router.db_for_read(Region) == "replica1"


@needs_standby
@pytest.mark.django_db(transaction=True, databases=["default", "replica1", "replica_down"])
def test_nothing_writes_to_the_standby(standby):
    with CaptureQueriesContext(connections["replica1"]) as on_replica, routing.replica_reads():
        Region.objects.get(code="3525")
        region = Region.objects.get(code="3525112002")
        region.name = "LENGKONG (saved)"
        region.save()  # loaded from the standby, saved on the primary
    assert Region.objects.get(code="3525112002").name == "LENGKONG (saved)"
    statements = [q["sql"].split()[0].upper() for q in on_replica.captured_queries]
    assert statements and set(statements) <= {"SELECT"}, statements
    with pytest.raises(Exception, match="read-only"), transaction.atomic(using="replica1"):
        connections["replica1"].cursor().execute("UPDATE regions_region SET name = name WHERE code = '3525'")


def _check(*args):
    import json

    from click.testing import CliRunner

    from lindung.cli import main

    result = CliRunner().invoke(main, ["check", *args])
    assert result.exit_code == 0, result.output
    return json.loads(result.output) if "--json" in args else result.output


@pytest.mark.django_db
def test_lindung_check_names_the_files_folder_and_no_replica_when_none_is_configured(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "shared-files"
    settings.LINDUNG_REPLICAS = []
    data = _check("--json")
    assert (data["files_dir"], data["replicas"]) == (str(tmp_path / "shared-files"), [])
    assert f"Folder berkas: {tmp_path / 'shared-files'}" in _check()


@needs_standby
@pytest.mark.django_db(transaction=True, databases=["default", "replica1", "replica_down"])
def test_lindung_check_says_which_replica_is_in_use_and_why_another_is_not(standby, settings):
    settings.LINDUNG_REPLICAS = ["replica1", "replica_down"]
    states = {s["alias"]: s for s in _check("--json")["replicas"]}
    assert (states["replica1"]["available"], states["replica1"]["problem"]) == (True, "")
    assert (states["replica_down"]["available"], states["replica_down"]["problem"]) == (False, "down")
    text = _check()
    assert re.search(r"Replika baca replica1: dipakai, tertinggal \d+(,\d)? detik dari server utama\n", text), text
    assert "Replika baca replica_down: tidak dipakai: tidak menjawab" in text


@needs_standby
@pytest.mark.django_db(transaction=True, databases=["default", "replica1", "replica_down"])
def test_a_streamed_worker_export_reads_its_rows_from_the_standby(standby, client, national_admin):
    from .conftest import DADAPKUNING, create_worker

    create_worker(DADAPKUNING, name="Sri Ekspor")
    client.force_login(national_admin)
    from lindung.people.models import Worker

    with routing.replica_reads():
        assert _replicated(lambda: Worker.objects.filter(name="Sri Ekspor").exists())
    with CaptureQueriesContext(connections["replica1"]) as on_replica:
        response = client.get("/workers/export.csv")
        body = b"".join(response.streaming_content).decode() if response.streaming else response.content.decode()
    assert response.status_code == 200 and "Sri Ekspor" in body
    rows = [q for q in on_replica.captured_queries if '"people_worker"."name"' in q["sql"]]
    assert rows, "the exported rows came from the primary"
