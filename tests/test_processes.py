"""What several processes share: caches that follow a change made by another process, daily jobs run once
by one worker of many (and taken over when their worker died), and the queue claim."""

import datetime as dt
import socket
import subprocess
import sys

import pytest
from django.utils import timezone

from lindung import dialect
from lindung.processes import caches, periodic
from lindung.processes.models import CacheVersion, PeriodicRun
from lindung.regions import cache as region_cache
from lindung.regions.models import Level, Region
from lindung.rules import book
from lindung.rules.models import Rate

pytestmark = pytest.mark.django_db


@pytest.fixture
def look_every_time(monkeypatch):
    """Ask the version row at every use (the production default is every two seconds)."""
    monkeypatch.setattr(caches, "CHECK_SECONDS", 0.0)
    for watch in (book._watch, region_cache._watch):
        monkeypatch.setattr(watch, "check_seconds", 0.0)


def test_the_rule_book_follows_a_change_made_by_another_process(look_every_time):
    rate = Rate.objects.order_by("id").first()
    before = book.book()
    assert book.book() is before  # nothing changed: the same copy
    # Another process changes a rate: this process's signals do not fire, only the shared version moves.
    Rate.objects.filter(pk=rate.pk).update(value=rate.value + 1)
    assert next(r for r in book.book().rates[(rate.program, rate.segment)] if r.pk == rate.pk).value == rate.value
    caches.bump("rules")
    after = book.book()
    assert after is not before
    assert next(r for r in after.rates[(rate.program, rate.segment)] if r.pk == rate.pk).value == rate.value + 1


def test_saving_a_rule_row_moves_the_shared_version():
    before = caches.version("rules")
    rate = Rate.objects.first()
    rate.save()
    assert caches.version("rules") == before + 1


@pytest.fixture
def forget_region_codes():
    """This test adds a village inside its rolled-back transaction: other tests must not see it cached."""
    region_cache.clear()
    yield
    region_cache.clear()


def test_the_region_codes_follow_a_reload_made_by_another_process(look_every_time, forget_region_codes):
    assert not region_cache.village_exists("3525112099")
    Region.objects.bulk_create([Region(code="3525112099", name="DESA BARU", level=Level.VILLAGE,
                                       parent_id="352511")])
    assert not region_cache.village_exists("3525112099")  # the copy is kept while the version stands
    caches.bump("regions")
    assert region_cache.village_exists("3525112099")


def test_a_version_row_is_created_on_first_bump():
    assert not CacheVersion.objects.filter(name="example").exists()
    caches.bump("example")
    caches.bump("example")
    assert caches.version("example") == 2


@pytest.fixture
def daily_job():
    calls = []
    periodic.forget()
    periodic.register("test-job", lambda day: calls.append(day) or {"day": day.isoformat()})
    yield calls
    periodic.jobs.pop("test-job", None)
    periodic.forget()


def test_a_daily_job_runs_once_a_day_whatever_the_number_of_workers(daily_job, monkeypatch):
    monkeypatch.setattr(periodic, "jobs", {"test-job": periodic.jobs["test-job"]})
    day = dt.date(2026, 12, 1)
    assert periodic.run_due("host-a:1:worker", day) == 1
    periodic.forget()  # a second worker process knows nothing of the first
    assert periodic.run_due("host-b:2:worker", day) == 0
    assert periodic.run_due("host-b:2:worker", day + dt.timedelta(days=1)) == 1
    assert daily_job == [day, day + dt.timedelta(days=1)]
    run = PeriodicRun.objects.get(job="test-job", period="2026-12-01")
    assert (run.claimed_by, run.attempts, run.result) == ("host-a:1:worker", 1, {"day": "2026-12-01"})


def _dead_pid() -> int:
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def test_a_daily_job_whose_worker_died_is_taken_over(daily_job, monkeypatch):
    monkeypatch.setattr(periodic, "jobs", {"test-job": periodic.jobs["test-job"]})
    here = socket.gethostname()
    PeriodicRun.objects.create(job="test-job", period="2026-12-01", claimed_by=f"{here}:{_dead_pid()}:worker",
                               attempts=1, heartbeat_at=timezone.now())
    # A run on another machine with a fresh heartbeat is left alone.
    PeriodicRun.objects.create(job="test-job", period="2026-12-02", claimed_by="elsewhere:1:worker", attempts=1,
                               heartbeat_at=timezone.now())
    assert periodic.run_due("survivor", dt.date(2026, 12, 1)) == 1
    assert periodic.run_due("survivor", dt.date(2026, 12, 2)) == 0
    run = PeriodicRun.objects.get(period="2026-12-01")
    assert (run.claimed_by, run.attempts, run.finished_at is not None) == ("survivor", 2, True)
    # Its heartbeat stops for more than half a minute: then it is taken over too.
    PeriodicRun.objects.filter(period="2026-12-02").update(heartbeat_at=timezone.now() - dt.timedelta(minutes=1))
    assert periodic.run_due("survivor", dt.date(2026, 12, 2)) == 1
    assert daily_job == [dt.date(2026, 12, 1), dt.date(2026, 12, 2)]


def test_a_claim_takes_the_first_waiting_row_and_only_once():
    from lindung.reports.models import ReportRun, Status

    runs = [ReportRun.objects.create(report="coverage", format="xlsx") for _ in range(2)]
    waiting = ReportRun.objects.filter(status=Status.QUEUED).order_by("created_at", "id")
    assert dialect.claim_next(waiting, status=Status.RUNNING, claimed_by="a") == runs[0].pk
    assert dialect.claim_next(waiting, status=Status.RUNNING, claimed_by="b") == runs[1].pk
    assert dialect.claim_next(waiting, status=Status.RUNNING, claimed_by="c") is None
    assert dict(ReportRun.objects.values_list("pk", "claimed_by")) == {runs[0].pk: "a", runs[1].pk: "b"}


def test_the_workers_take_last_months_snapshot_on_the_configured_day(settings, monkeypatch):
    from lindung.coverage.models import SnapshotRun

    monkeypatch.setattr(periodic, "jobs", {"coverage-snapshot": periodic.jobs["coverage-snapshot"]})
    periodic.forget()
    settings.LINDUNG_SNAPSHOT_DAY = 10
    assert periodic.run_due("host-a:1:worker", dt.date(2026, 12, 9)) == 0
    assert not SnapshotRun.objects.exists() and not PeriodicRun.objects.exists()
    assert periodic.run_due("host-a:1:worker", dt.date(2026, 12, 10)) == 1
    periodic.forget()
    assert periodic.run_due("host-b:2:worker", dt.date(2026, 12, 10)) == 0  # taken once
    assert list(SnapshotRun.objects.values_list("month", flat=True)) == [dt.date(2026, 11, 1)]
    assert PeriodicRun.objects.get(job="coverage-snapshot").result["month"] == "2026-11-01"
    settings.LINDUNG_SNAPSHOT_DAY = 0
    periodic.forget()
    assert periodic.run_due("host-a:1:worker", dt.date(2027, 1, 10)) == 0
    periodic.forget()


def test_the_workers_create_the_coming_months_partitions_once_a_day(monkeypatch):
    from django.db import connection

    monkeypatch.setattr(periodic, "jobs", {"partitions": periodic.jobs["partitions"]})
    periodic.forget()
    later = dt.date(2031, 6, 15)  # beyond the partitions the migrations made
    assert periodic.run_due("host-a:1:worker", later) == 1
    periodic.forget()
    assert periodic.run_due("host-b:2:worker", later) == 0
    created = PeriodicRun.objects.get(job="partitions").result["created"]
    if connection.vendor == "postgresql":
        assert {"billing_invoiceline", "coverage_coveredmonth"} <= {c["table"] for c in created}
        assert "2031-06" in {c["month"] for c in created if c["table"] == "billing_invoiceline"}
    else:
        assert created == []  # SQLite keeps plain tables
    periodic.forget()
