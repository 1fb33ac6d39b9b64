"""`lindung backup` and `lindung restore`: a database backed up, emptied and restored has the same
rows and the same coverage figure (SQLite online backup API; PostgreSQL pg_dump / pg_restore)."""

import pytest
from click.testing import CliRunner
from django.apps import apps
from django.core.management import call_command
from django.db import connection

from lindung.accounts.access import Access
from lindung.billing.models import Invoice
from lindung.billing.payments import record_payment
from lindung.billing.runs import bill
from lindung.cli import main
from lindung.coverage.indicators import indicators
from lindung.regions.models import WorkingPopulation

from .billing_support import funder, month, sponsor
from .conftest import DADAPKUNING, LENGKONG, create_worker, make_user

MARCH = month("2025-03")


def row_counts() -> dict[str, int]:
    return {m._meta.label: m.objects.count() for m in apps.get_models() if m._meta.managed}


@pytest.fixture
def gresik(transactional_db):
    """A small demo: Gresik's regency pays for three workers from January 2025; January–March are
    billed and paid; Gresik's working population is 40, so March's coverage is 3 of 40 = 7.5 %."""
    make_user("pemkab.gresik", "regional_operator", ["3525"])
    regency = funder("regency", "Pemerintah Kabupaten Gresik", "3525")
    workers = [create_worker(DADAPKUNING, serial=1), create_worker(DADAPKUNING, serial=2),
               create_worker(LENGKONG, serial=3)]
    sponsor(regency, workers, start=month("2025-01"), months=6)
    for m in ("2025-01", "2025-02", "2025-03"):
        bill(Access.console(), month(m))
    for invoice in Invoice.objects.all():
        record_payment(invoice, amount=invoice.outstanding, reference=f"P-{invoice.pk}",
                       paid_on=invoice.month.replace(day=10))
    WorkingPopulation.objects.create(region_id="3525", year=2024, count=40)


def test_a_backup_restores_into_an_empty_database(gresik, tmp_path):
    before = row_counts()
    assert indicators("3525", MARCH)["coverage_pct"] == 7.5
    target = tmp_path / "lindung.backup"
    result = CliRunner().invoke(main, ["backup", str(target)])
    assert result.exit_code == 0, result.output
    assert target.stat().st_mode & 0o777 == 0o600

    call_command("flush", interactive=False, verbosity=0)  # an empty database (Django re-adds its permissions)
    emptied = row_counts()
    assert emptied["people.Worker"] == emptied["regions.Region"] == emptied["billing.Payment"] == 0
    result = CliRunner().invoke(main, ["restore", str(target), "--yes"])
    assert result.exit_code == 0, result.output
    connection.close()

    assert row_counts() == before
    assert before["people.Worker"] == 3 and before["regions.Region"] > 90_000
    assert indicators("3525", MARCH)["coverage_pct"] == 7.5


def test_restoring_something_that_is_not_a_backup_is_refused(transactional_db, tmp_path):
    bogus = tmp_path / "notes.txt"
    bogus.write_text("not a database")
    result = CliRunner().invoke(main, ["restore", str(bogus), "--yes"])
    assert result.exit_code != 0
