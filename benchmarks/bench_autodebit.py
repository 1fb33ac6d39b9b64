"""Benchmark: a month of auto-debit for N self-payers, and a programme's progress page at scale.

Creates a throwaway database with N self-paying workers in Kabupaten Sukabumi (each his own funder, one
JKK+JKM sponsorship, the month reserved and billed) and an active mandate each at the generic bank
(account numbers encrypted as in production); then times

(a) ``export_debit_file`` — the debit file of the month (N lines), against its floor: reading the same N
    mandates' rows with one bare SELECT and decrypting their account numbers (what any export must do);
(b) ``import_return_file`` — the bank's answer (every 10th line insufficient funds, the rest debited):
    payments recorded, debits and failures kept — against its floor: the database's bare bulk load of the
    same payment rows into a copy of the payments table with the same indexes (``COPY`` on PostgreSQL,
    one transaction of ``executemany`` on SQLite);
(c) importing the same file again (must record nothing);
(d) a programme run by the regency over M further workers in every Sukabumi village (its list paid for
    the month): ``progress()`` and the progress page as the national administrator sees it.

    .venv/bin/python benchmarks/bench_autodebit.py                        # SQLite, N = 100,000
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_autodebit \\
        .venv/bin/python benchmarks/bench_autodebit.py                    # PostgreSQL
    .venv/bin/python benchmarks/bench_autodebit.py --mandates 20000 --programme-workers 100000
"""

import argparse
import datetime as dt
import os
import time

import synthetic


def self_payers(n: int, month: dt.date) -> None:
    """Funder ``i`` (kind self) is worker ``i``'s own; sponsorship ``i`` reserves ``month`` for him."""
    from django.db import connection
    from django.utils import timezone

    now = connection.ops.adapt_datetimefield_value(timezone.now())
    d = connection.ops.adapt_datefield_value
    with connection.cursor() as cursor:
        cursor.execute("""INSERT INTO funding_funder (id, kind, name, region_id, worker_id, wadah, created_at)
                          SELECT id, 'self', name || ' (mandiri)', village_code, id, '', %s FROM people_worker
                          WHERE id <= %s""", [now, n])
        cursor.execute("""INSERT INTO funding_sponsorship (id, funder_id, worker_id, programs, funding_source,
                              start_month, months, end_month, monthly_amount, state, note, created_at)
                          SELECT id, id, id, 'jkk,jkm', 'self', %s, 12, %s, 0, 'active', '', %s FROM people_worker
                          WHERE id <= %s""", [d(month), d(dt.date(month.year + 1, month.month - 1 or 12, 1)),
                                              now, n])


def reset_sequences() -> None:
    """After rows inserted with explicit ids, let PostgreSQL's sequences continue past them."""
    from django.core.management.color import no_style
    from django.db import connection

    from lindung.funding.models import Funder, Sponsorship
    from lindung.people.models import Worker

    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), [Worker, Funder, Sponsorship]):
            cursor.execute(sql)


def mandates(n: int, month: dt.date) -> None:
    from lindung.autodebit.models import BankLayout, Mandate

    bank = BankLayout.objects.get(code="GENERIC")
    batch = []
    for worker_id in range(1, n + 1):
        batch.append(Mandate(worker_id=worker_id, funder_id=worker_id, bank=bank, account_holder=f"Pekerja {worker_id}",
                             account_number=f"{7_000_000_000 + worker_id}", debit_day=20, programs="jkk,jkm",
                             start_month=month, registered_via="branch"))
        if len(batch) == 5_000:
            Mandate.objects.bulk_create(batch)
            batch = []
    Mandate.objects.bulk_create(batch)


def export_floor() -> int:
    """One bare SELECT of the mandates' rows, account numbers decrypted."""
    from django.db import connection

    from lindung.encryption import decrypt

    with connection.cursor() as cursor:
        cursor.execute("SELECT id, account_holder, account_number, worker_id, funder_id FROM autodebit_mandate "
                       "WHERE state = 'active' AND bank_id = 'GENERIC'")
        return sum(1 for row in cursor.fetchall() if decrypt(row[2]))


def payment_floor() -> tuple[int, float]:
    """Bulk-load the payments the import recorded into an empty copy of the payments table (same indexes)."""
    from django.db import connection

    from lindung import dialect

    columns = ["reference", "invoice_id", "amount", "allocated", "moved", "paid_on", "channel", "recorded_at", "note"]
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {', '.join(columns)} FROM billing_payment")
        rows = cursor.fetchall()
        if dialect.is_postgres():
            cursor.execute("CREATE TABLE bench_payment (LIKE billing_payment INCLUDING ALL)")
        else:
            cursor.execute("SELECT sql FROM sqlite_master WHERE tbl_name = 'billing_payment' AND sql IS NOT NULL")
            for (sql,) in cursor.fetchall():
                sql = sql.replace('"billing_payment"', '"bench_payment"').replace("billing_payment", "bench_payment")
                cursor.execute(sql.replace("CREATE INDEX \"", "CREATE INDEX \"bench_").replace(
                    "CREATE UNIQUE INDEX \"", "CREATE UNIQUE INDEX \"bench_").replace("%", "%%"))
    started = time.monotonic()
    with connection.cursor() as cursor:
        if dialect.is_postgres():
            raw = cursor.cursor
            with raw.copy(f"COPY bench_payment ({', '.join(columns)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            cursor.execute("BEGIN")
            cursor.executemany(f"INSERT INTO bench_payment ({', '.join(columns)}) VALUES "
                               f"({', '.join(['%s'] * len(columns))})", rows)
            cursor.execute("COMMIT")
    return len(rows), time.monotonic() - started


def answered(text: str, on: str) -> str:
    lines = []
    for number, line in enumerate(text.splitlines()):
        cells = line.split(",")
        if cells[0] == "D":
            cells[5] = on
            lines.append(",".join(cells + ["51" if number % 10 == 0 else "00"]))
    return "H,GENERIC\n" + "\n".join(lines) + "\nT\n"


def programme_workers(first: int, m: int, month: dt.date):
    """M workers sponsored by the Sukabumi regency in one approved list, the month paid."""
    from django.db import connection
    from django.utils import timezone

    from lindung.funding.models import Funder, SponsorshipBatch

    regency = Funder.objects.create(kind="regency", name="Pemerintah Kabupaten Sukabumi", region_id="3202")
    batch = SponsorshipBatch.objects.create(funder=regency, state="approved")
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    d = connection.ops.adapt_datefield_value
    with connection.cursor() as cursor:
        cursor.execute("""INSERT INTO funding_sponsorship (id, funder_id, worker_id, programs, funding_source,
                              start_month, months, end_month, monthly_amount, state, note, created_at, batch_id)
                          SELECT id, %s, id, 'jkk,jkm', 'apbd-regency', %s, 1, %s, 0, 'active', '', %s, %s
                          FROM people_worker WHERE id BETWEEN %s AND %s""",
                       [regency.pk, d(month), d(month), now, batch.pk, first, first + m - 1])
    return regency, batch


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mandates", type=int, default=100_000)
    parser.add_argument("--programme-workers", type=int, default=200_000)
    args = parser.parse_args()
    n, m = args.mandates, args.programme_workers

    label = synthetic.open_throwaway_database("bench-autodebit")
    print(f"Database: {label}; {n:,} mandates, {m:,} programme workers; load {os.getloadavg()}", flush=True)
    month = dt.date(2026, 6, 1)
    started = time.monotonic()
    with synthetic.without_indexes("people_worker"):
        synthetic.timed("workers", synthetic.workers, n + m, ["3202"])
    synthetic.timed("self-payers", self_payers, n, month)
    reset_sequences()
    with synthetic.without_indexes("funding_reservedmonth"):
        synthetic.timed("reserved months", synthetic.covered_months, 1, n, [month])
    synthetic.timed(f"mandates (encrypted, bulk_create)", mandates, n, month)

    from lindung.accounts.access import Access
    from lindung.billing.payments import record_payment
    from lindung.billing.runs import bill
    from lindung.billing.models import Invoice

    regency, batch = synthetic.timed("programme list", programme_workers, n + 1, m, month)[0]
    with synthetic.without_indexes("funding_reservedmonth"):
        synthetic.timed("reserved months (programme)", synthetic.covered_months, n + 1, n + m, [month])
    synthetic.timed("analyse", synthetic.analyse)
    synthetic.timed(f"bill({month:%Y-%m})", bill, Access.console(), month)
    regency_invoice = Invoice.objects.get(funder=regency, month=month)
    synthetic.timed("regency pays the month", record_payment, regency_invoice, amount=regency_invoice.total,
                    reference="SP2D-2026-06", paid_on=dt.date(2026, 6, 10))
    synthetic.timed("analyse", synthetic.analyse)
    print(f"Generated in {time.monotonic() - started:.1f}s", flush=True)

    from lindung.autodebit.services import bank_for, export_debit_file, import_return_file

    console, bank = Access.console(), bank_for("GENERIC")
    floor_count, export_floor_s = synthetic.timed("(floor) SELECT + decrypt mandates", export_floor)
    (text, run), export_s = synthetic.timed("export_debit_file", export_debit_file, console, month, bank)
    print(f"    → {len(run.lines):,} lines, Rp{run.total:,}; {len(run.skipped):,} skipped")
    assert len(run.lines) == n == floor_count, (len(run.lines), run.skipped[:3])
    content = answered(text, "2026-06-22").encode()
    result, import_s = synthetic.timed("import_return_file", import_return_file, console, bank, "return.csv", content)
    print(f"    → {result.debited:,} debited, {result.failed:,} failed")
    again, again_s = synthetic.timed("import_return_file, same file again", import_return_file, console, bank,
                                     "return.csv", content)
    assert again.imported_before
    payments, floor_s = payment_floor()
    print(f"  (floor) bulk load of the same {payments:,} payments: {floor_s:.1f}s", flush=True)

    from django.test import Client

    from lindung.accounts.services import create_user
    from lindung.programmes.services import attach_lists, create_programme, progress

    admin = create_user("bench.admin", "bench-password-123", "national_admin", [], None)
    programme = create_programme(Access(admin), regency, name="1 Desa 100 Pekerja Rentan", legal_basis="MoU",
                                 start_month=month, end_month=dt.date(2026, 12, 1), target_workers=100)
    attach_lists(Access(admin), programme, [batch])
    data, progress_s = synthetic.timed("progress()", progress, Access(admin), programme, month)
    print(f"    → {data['totals']['villages']:,} villages, {data['totals']['covered']:,} covered of "
          f"{data['totals']['target']:,}; {len(data['behind']):,} behind")
    client = Client()
    client.force_login(admin)
    page, page_s = synthetic.timed("progress page (GET)", client.get, f"/programmes/{programme.pk}/",
                                   {"month": "2026-06"})
    assert page.status_code == 200
    print(f"RESULT mandates={n} export={export_s:.2f}s export_floor={export_floor_s:.2f}s "
          f"import={import_s:.2f}s payment_floor={floor_s:.2f}s ratio={import_s / floor_s:.1f} "
          f"reimport={again_s:.2f}s programme_workers={m} progress={progress_s:.2f}s page={page_s:.2f}s "
          f"load={os.getloadavg()}")


if __name__ == "__main__":
    main()
