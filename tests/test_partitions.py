"""Partitioned history (issue 14): on PostgreSQL the tables that grow every month are partitioned by
month; the migrations convert a populated database both ways without losing a row; unique constraints
keep their meaning; the maintenance command creates, fills and detaches partitions. SQLite keeps plain
tables and the same behaviour."""

import datetime as dt
import json

import pytest
from click.testing import CliRunner
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor

from lindung import partitions
from lindung.accounts.access import Access
from lindung.audit.models import AuditEntry
from lindung.billing.models import Invoice, InvoiceLine, StatementRow
from lindung.billing.runs import bill
from lindung.billing.statements import import_statement
from lindung.cli import main
from lindung.coverage.indicators import indicators
from lindung.coverage.models import CoveredMonth
from lindung.dialect import is_postgres
from lindung.funding.models import ReservedMonth

from .billing_support import funder, month, sponsor
from .conftest import DADAPKUNING, LENGKONG, create_worker

HISTORY = {"billing_invoiceline": "month", "billing_statementrow": "paid_on", "funding_reservedmonth": "month",
           "coverage_coveredmonth": "month", "audit_auditentry": "at"}
# The last migrations before the history tables were partitioned.
BEFORE_PARTITIONING = [("audit", "0002_audit_subject"), ("billing", "0004_payment_channel_autodebit"),
                       ("funding", "0005_reserved_month"), ("coverage", "0003_covered_month")]
postgres_only = pytest.mark.skipif("not __import__('lindung.dialect').dialect.is_postgres()",
                                   reason="partitions exist on PostgreSQL only")


def gresik_quarter():
    """Three Gresik workers sponsored by the regency for January–March 2025 (JKK+JKM), billed every
    month; a bank statement pays January and February by virtual account."""
    regency = funder("regency", "Pemerintah Kabupaten Gresik", "3525")
    workers = [create_worker(DADAPKUNING, serial=1), create_worker(LENGKONG, serial=2),
               create_worker(DADAPKUNING, serial=3)]
    sponsor(regency, workers, start=month("2025-01"), months=3)
    for text in ("2025-01", "2025-02", "2025-03"):
        bill(Access.console(), month(text))
    rows = ["date,reference,amount,account"]
    for text, day in (("2025-01", "2025-01-20"), ("2025-02", "2025-02-18")):
        invoice = Invoice.objects.get(month=month(text))
        rows.append(f"{day},VA-{text},{invoice.total},{invoice.virtual_account}")
    import_statement(Access.console(), ("\n".join(rows) + "\n").encode(), "rekening.csv")


def figures() -> dict:
    return {"reserved months": ReservedMonth.objects.count(), "invoice lines": InvoiceLine.objects.count(),
            "paid lines": InvoiceLine.objects.filter(paid_on__isnull=False).count(),
            "covered months": CoveredMonth.objects.count(), "statement rows": StatementRow.objects.count(),
            "audit entries": AuditEntry.objects.count(),
            "Gresik active in February": indicators("3525", month("2025-02"))["active"],
            "Gresik active in March": indicators("3525", month("2025-03"))["active"],
            "line ids": sorted(InvoiceLine.objects.values_list("id", "worker_id", "program", "month", "paid"))}


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_a_populated_database_migrates_to_partitions_and_back_without_losing_a_row():
    gresik_quarter()
    before = figures()
    # Hand count: 3 workers × 2 programmes × 3 months reserved and billed; January and February paid
    # (12 lines), so 3 workers × 2 months covered; the statement's two rows. March is billed, not paid.
    assert (before["reserved months"], before["invoice lines"], before["paid lines"]) == (18, 18, 12)
    assert (before["covered months"], before["statement rows"]) == (6, 2)
    assert (before["Gresik active in February"], before["Gresik active in March"]) == (3, 0)

    migrate(BEFORE_PARTITIONING)
    assert partitions.partitioned_tables() == {}
    assert figures() == before

    migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
    assert figures() == before
    if is_postgres():
        assert partitions.partitioned_tables() == HISTORY
        months = {p.month for p in partitions.partitions("billing_invoiceline") if p.month}
        assert {month("2025-01"), month("2025-02"), month("2025-03")} <= months
        with connection.cursor() as cursor:  # every row sits in its month's partition, none in the default
            cursor.execute("SELECT COUNT(*) FROM billing_invoiceline_default")
            assert cursor.fetchone()[0] == 0
            cursor.execute("SELECT COUNT(*) FROM billing_invoiceline_p2025_02")
            assert cursor.fetchone()[0] == 6
    # Ids continue after the largest one kept.
    gresik_worker = CoveredMonth.objects.order_by("worker_id").first().worker
    newest = CoveredMonth.objects.create(worker=gresik_worker, month=month("2025-05"), month_index=2025 * 12 + 4,
                                         paid_on=dt.date(2025, 5, 10), province_code="35", regency_code="3525",
                                         district_code="352511", village_code=DADAPKUNING, segment="bpu_rentan",
                                         ecosystem="rentan", funder_kind="regency")
    assert newest.pk > max(CoveredMonth.objects.exclude(pk=newest.pk).values_list("pk", flat=True))


def covered(worker, text: str) -> CoveredMonth:
    return CoveredMonth.objects.create(worker=worker, month=month(text), month_index=0, paid_on=month(text),
                                       province_code="35", regency_code="3525", district_code="352511",
                                       village_code=DADAPKUNING, segment="bpu_rentan", ecosystem="rentan",
                                       funder_kind="regency")


@pytest.mark.django_db
def test_one_payer_per_worker_programme_and_month_holds_across_partitions():
    worker = create_worker(DADAPKUNING, serial=1)
    village, company = funder("village", "Desa Dadapkuning", DADAPKUNING), funder("company", "PT Sinar", "3525")
    sponsor(village, [worker], start=month("2025-01"), months=2)
    with pytest.raises(IntegrityError), transaction.atomic():
        sponsor(company, [worker], start=month("2025-02"), months=1)
    sponsor(company, [worker], start=month("2025-03"), months=1)  # the next month is free
    assert ReservedMonth.objects.filter(worker=worker, program="jkk").count() == 3
    covered(worker, "2025-01")
    with pytest.raises(IntegrityError), transaction.atomic():
        covered(worker, "2025-01")


@postgres_only
@pytest.mark.django_db
def test_a_month_without_partition_waits_in_the_default_and_moves_into_its_own():
    worker = create_worker(DADAPKUNING, serial=1)
    far = covered(worker, "2031-05")
    with connection.cursor() as cursor:
        cursor.execute("SELECT tableoid::regclass::text FROM coverage_coveredmonth WHERE id = %s", [far.pk])
        assert cursor.fetchone()[0] == "coverage_coveredmonth_default"
    made = partitions.ensure_partitions(ahead=0)
    assert {"table": "coverage_coveredmonth", "partition": "coverage_coveredmonth_p2031_05", "month": "2031-05",
            "rows_moved": 1} in made
    with connection.cursor() as cursor:
        cursor.execute("SELECT tableoid::regclass::text FROM coverage_coveredmonth WHERE id = %s", [far.pk])
        assert cursor.fetchone()[0] == "coverage_coveredmonth_p2031_05"
    assert CoveredMonth.objects.get(pk=far.pk).month == month("2031-05")
    assert partitions.ensure_partitions(ahead=0) == []  # nothing left to do


@postgres_only
@pytest.mark.django_db
def test_partitions_for_past_months_are_made_before_loading_them():
    made = partitions.ensure_partitions(ahead=1, since=month("2024-11"), today=dt.date(2025, 1, 15))
    invoice_months = sorted(m["month"] for m in made if m["table"] == "billing_invoiceline")
    assert invoice_months[:4] == ["2024-11", "2024-12", "2025-01", "2025-02"]


@postgres_only
@pytest.mark.django_db
def test_old_months_are_detached_for_archiving_and_kept_as_tables():
    worker = create_worker(DADAPKUNING, serial=1)
    old, recent = covered(worker, "2030-01"), covered(worker, "2030-03")
    partitions.ensure_partitions(ahead=0)
    detached = partitions.detach_before(["coverage_coveredmonth"], month("2030-02"))
    assert {"table": "coverage_coveredmonth", "partition": "coverage_coveredmonth_p2030_01",
            "month": "2030-01"} in detached
    assert list(CoveredMonth.objects.filter(worker=worker).values_list("pk", flat=True)) == [recent.pk]
    with connection.cursor() as cursor:
        cursor.execute("SELECT id FROM coverage_coveredmonth_p2030_01")
        assert cursor.fetchall() == [(old.pk,)]


@pytest.mark.django_db
def test_the_command_lists_the_partitions_or_says_the_tables_are_plain():
    result = CliRunner().invoke(main, ["--lang", "en", "partitions", "list", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    if is_postgres():
        assert {table: info["key"] for table, info in data.items()} == HISTORY
        assert all(info["partitions"][-1]["partition"] == f"{table}_default" for table, info in data.items())
    else:
        assert data == {"database": "sqlite", "partitioned_tables": []}
        text = CliRunner().invoke(main, ["--lang", "en", "partitions", "create"]).output
        assert "keeps plain tables" in text


@postgres_only
@pytest.mark.django_db
def test_detaching_a_table_that_is_not_partitioned_is_refused_by_name():
    result = CliRunner().invoke(main, ["--lang", "en", "partitions", "detach", "--table", "people_worker",
                                       "--before", "2025-01"])
    assert result.exit_code == 1
    assert "Not a partitioned table: people_worker" in result.output


def test_the_guide_documents_every_subcommand_and_its_options():
    import re
    from pathlib import Path

    import click

    guide = (Path(__file__).resolve().parent.parent / "docs" / "partitions.md").read_text()
    group = main.get_command(click.Context(main), "partitions")
    rows = dict(re.findall(r"^\| `lindung partitions ([a-z]+)([^|]*)\|", guide, flags=re.M))
    assert set(rows) == set(group.commands)
    for name, command in group.commands.items():
        options = {opt for param in command.params for opt in param.opts if opt.startswith("--")}
        documented = set(re.findall(r"--[a-z]+", rows[name]))
        assert documented == options, name
