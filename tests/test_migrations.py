"""Renamed models keep their rows: a database at the previous release's migrations, holding reserved and
covered months, migrates to this release without losing a row (run on SQLite and on PostgreSQL)."""

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from lindung.coverage.models import CoveredMonth
from lindung.funding.models import ReservedMonth
from lindung.months import month_index, month_span

from .billing_support import funder
from .conftest import DADAPKUNING, LENGKONG, create_worker

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

# The last migrations of the previous release, before funding.CoveredMonth became ReservedMonth and
# coverage.PaidMonth became CoveredMonth.
PREVIOUS_RELEASE = [("funding", "0004_lean_covered_month_indexes"),
                    ("coverage", "0002_derived_rows_without_database_checks")]
JAN_2026 = dt.date(2026, 1, 1)


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return MigrationExecutor(connection).loader.project_state(targets).apps


def test_reserved_and_covered_months_survive_the_renames():
    workers = [create_worker(DADAPKUNING, serial=1), create_worker(LENGKONG, serial=2),
               create_worker(DADAPKUNING, serial=3)]
    village = funder("village", "Desa Dadapkuning", DADAPKUNING)

    old = migrate(PREVIOUS_RELEASE)
    Sponsorship = old.get_model("funding", "Sponsorship")
    OldCoveredMonth = old.get_model("funding", "CoveredMonth")       # the reserved month, by its old name
    PaidMonth = old.get_model("coverage", "PaidMonth")              # the covered month, by its old name
    reserved, covered = [], []
    for worker in workers:
        sponsorship = Sponsorship.objects.create(
            funder_id=village.pk, worker_id=worker.pk, programs="jkk,jkm", funding_source="village-budget",
            start_month=JAN_2026, months=6, end_month=dt.date(2026, 6, 1), state="approved")
        for month in month_span(JAN_2026, 6):
            for program in ("jkk", "jkm"):
                reserved.append(OldCoveredMonth(sponsorship_id=sponsorship.pk, worker_id=worker.pk,
                                                program=program, month=month, funder_id=village.pk,
                                                funding_source="village-budget"))
        for n, month in enumerate(month_span(JAN_2026, 3)):
            covered.append(PaidMonth(worker_id=worker.pk, month=month, month_index=month_index(month),
                                     paid_on=month.replace(day=10), province_code="35", regency_code="3525",
                                     district_code="352511", village_code=worker.village_id, segment="bpu_rentan",
                                     ecosystem="rentan", funder_kind="village", starts=n == 0, last=n == 2))
    OldCoveredMonth.objects.bulk_create(reserved)
    PaidMonth.objects.bulk_create(covered)
    reserved_before = sorted(OldCoveredMonth.objects.values_list("sponsorship_id", "worker_id", "program", "month",
                                                                 "funder_id", "funding_source"))
    covered_before = sorted(PaidMonth.objects.values_list("worker_id", "month", "month_index", "paid_on", "starts",
                                                          "last"))
    assert len(reserved_before) == 3 * 6 * 2 and len(covered_before) == 3 * 3

    executor = MigrationExecutor(connection)
    migrate(executor.loader.graph.leaf_nodes())

    assert sorted(ReservedMonth.objects.values_list("sponsorship_id", "worker_id", "program", "month", "funder_id",
                                                    "funding_source")) == reserved_before
    assert sorted(CoveredMonth.objects.values_list("worker_id", "month", "month_index", "paid_on", "starts",
                                                   "last")) == covered_before
    # The new names are the ones the code reads through.
    assert workers[0].reserved_months.count() == 12 and workers[0].covered_months.count() == 3
    tables = connection.introspection.table_names()
    assert {"funding_reservedmonth", "coverage_coveredmonth"} <= set(tables)
    assert not {"funding_coveredmonth", "coverage_paidmonth"} & set(tables)
