"""A bank statement recorded all at once: every kind of row in one file, and a query count that does not
grow with the file.

Amounts follow docs/domain.md and docs/billing.md: the standard package is JKK Rp10.000 + JKM Rp6.800 =
Rp16.800 a worker a month; money is allocated to an invoice's lines oldest month first, what is beyond
what the invoice owes is a surplus; a row is matched when it pays exactly what its invoice still owed
just before it (after the rows above it in the same file), under- or over-paid otherwise.
"""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from lindung.accounts.access import Access
from lindung.audit.models import AuditEntry
from lindung.billing.allocation import shares
from lindung.billing.models import Invoice, InvoiceLine, Match, Payment, StatementRow
from lindung.billing.runs import bill
from lindung.billing.statements import import_statement
from lindung.coverage.models import CoveredMonth

from .billing_support import funder, month, sponsor
from .conftest import DADAPKUNING, JAMBI_VILLAGE, create_worker

pytestmark = pytest.mark.django_db

FEBRUARY = month("2025-02")


@pytest.fixture
def invoices(db):
    """February 2025: Gresik pays for 2 workers (Rp33.600), a CSR company for 1 (Rp16.800), Jambi for 1
    (Rp16.800) — JKK and JKM each."""
    gresik = funder("regency", "Pemerintah Kabupaten Gresik", "3525")
    company = funder("company", "PT Sinar Gresik Lestari (CSR)", "3525")
    jambi = funder("province", "Pemerintah Provinsi Jambi", "15")
    sponsor(gresik, [create_worker(DADAPKUNING, serial=i) for i in (1, 2)], start=FEBRUARY, months=1)
    sponsor(company, [create_worker(DADAPKUNING, serial=3)], start=FEBRUARY, months=1)
    sponsor(jambi, [create_worker(JAMBI_VILLAGE, serial=4)], start=FEBRUARY, months=1)
    bill(Access.console(), FEBRUARY)
    return {f.kind: Invoice.objects.get(funder=f) for f in (gresik, company, jambi)}


def statement(*rows) -> bytes:
    lines = ["tanggal;referensi;jumlah;no_va;keterangan"] + [";".join(r) for r in rows]
    return ("\n".join(lines) + "\n").encode()


def test_one_file_with_every_kind_of_row(invoices, national_admin):
    access = Access(national_admin)
    regency, company, province = invoices["regency"], invoices["company"], invoices["province"]
    # An earlier file left TRF-DUP unmatched: the same reference is a duplicate now, whatever it names.
    earlier = import_statement(access, statement(("2025-02-01", "TRF-DUP", "5000", "", "tanpa berita")), "pagi.csv")
    assert earlier.by_match == {"unmatched": 1}

    result = import_statement(access, statement(
        ("2025-02-10", "REG-1", "5.000", regency.virtual_account, ""),                 # first of two for Gresik
        ("2025-02-10", "TRF-DUP", "16800", regency.number, ""),                          # already recorded
        ("2025-02-11", "CSR-1", "Rp 20.000,00", "", f"bayar {company.number} CSR"),     # Rp3.200 too much
        ("12/02/2025", "JMB-1", "12000", province.number, ""),                           # Rp4.800 short
        ("2025-02-12", "NONE-1", "16800", "", "tanpa berita"),                            # no invoice
        ("2025-02-14", "REG-2", "28600", "", f"VA {regency.virtual_account}"),           # the rest of Gresik
    ), "sore.csv")

    assert (result.rows, result.recorded, result.duplicates, result.open_items) == (6, 4, 1, 4)
    assert result.by_match == {"underpaid": 2, "overpaid": 1, "unmatched": 1, "matched": 1}
    rows = {r.reference: r for r in StatementRow.objects.filter(statement_id=result.statement_id)}
    assert set(rows) == {"REG-1", "CSR-1", "JMB-1", "NONE-1", "REG-2"}
    assert {ref: (r.match, r.expected) for ref, r in rows.items()} == {
        "REG-1": (Match.UNDERPAID, 33_600),
        "REG-2": (Match.MATCHED, 33_600 - 5_000),  # what Gresik still owed after REG-1
        "CSR-1": (Match.OVERPAID, 16_800),
        "JMB-1": (Match.UNDERPAID, 16_800),
        "NONE-1": (Match.UNMATCHED, None),
    }
    assert rows["NONE-1"].payment is None and rows["NONE-1"].invoice is None
    assert StatementRow.objects.get(reference="TRF-DUP").statement_id == earlier.statement_id

    payments = {p.reference: p for p in Payment.objects.all()}
    assert set(payments) == {"REG-1", "CSR-1", "JMB-1", "REG-2"}
    assert {ref: (p.invoice_id, p.amount, p.allocated, p.surplus) for ref, p in payments.items()} == {
        "REG-1": (regency.pk, 5_000, 5_000, 0),
        "REG-2": (regency.pk, 28_600, 28_600, 0),
        "CSR-1": (company.pk, 20_000, 16_800, 3_200),
        "JMB-1": (province.pk, 12_000, 12_000, 0),
    }
    assert (payments["REG-1"].channel, payments["REG-2"].channel) == ("va", "transfer")
    assert payments["JMB-1"].paid_on == dt.date(2025, 2, 12)

    for invoice in invoices.values():
        invoice.refresh_from_db()
    assert [(i.paid, i.status) for i in (regency, company, province)] == [
        (33_600, "paid"), (16_800, "paid"), (12_000, "partly_paid")]

    # Gresik: REG-1's Rp5.000 part-pays the first line and completes none; REG-2 completes all four.
    gresik_lines = list(InvoiceLine.objects.filter(invoice=regency))
    assert sorted(line.amount for line in gresik_lines) == [6_800, 6_800, 10_000, 10_000]
    assert {(line.paid == line.amount, line.paid_on, line.payment_id) for line in gresik_lines} == {
        (True, dt.date(2025, 2, 14), payments["REG-2"].pk)}
    # Jambi: Rp12.000 completes the first of its two lines and part-pays the other, which stays unpaid.
    first, second = InvoiceLine.objects.filter(invoice=province).order_by("month", "id")
    assert (first.paid, first.paid_on, first.payment_id) == (first.amount, dt.date(2025, 2, 12), payments["JMB-1"].pk)
    assert (second.paid, second.paid_on, second.payment_id) == (12_000 - first.amount, None, None)

    # One audit entry per payment, and cover for the months now paid in full (Gresik and the company's).
    audited = AuditEntry.objects.filter(target_type="billing.payment")
    assert sorted(int(e.target_id) for e in audited) == sorted(p.pk for p in payments.values())
    assert audited.get(target_id=str(payments["CSR-1"].pk)).changes["surplus"] == [None, 3_200]
    covered = set(CoveredMonth.objects.filter(month=FEBRUARY).values_list("worker_id", flat=True))
    paid_for = set(InvoiceLine.objects.filter(invoice__in=[regency, company]).values_list("worker_id", flat=True))
    assert len(paid_for) == 3 and covered == paid_for


def test_a_failure_in_the_middle_leaves_nothing_recorded(invoices, national_admin, monkeypatch):
    from lindung.billing import statements

    def broken(records, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(statements.StatementRow.objects, "bulk_create", broken)
    with pytest.raises(RuntimeError):
        import_statement(Access(national_admin), statement(
            ("2025-02-10", "REG-1", "33600", invoices["regency"].virtual_account, "")), "b.csv")
    assert not Payment.objects.exists() and not StatementRow.objects.exists()
    assert not InvoiceLine.objects.filter(paid__gt=0).exists()
    assert Invoice.objects.get(pk=invoices["regency"].pk).paid == 0


def test_shares_follow_the_payments_in_their_order():
    # Rp50.400 owed (3 × Rp16.800): the first payment takes what it pays, the next the rest, the last nothing.
    assert shares(50_400, [33_600, 33_600, 1_000]) == [33_600, 16_800, 0]
    assert shares(0, [16_800]) == [0]


def _rows(invoices, count: int, tag: str) -> bytes:
    """``count`` rows: paying the three invoices in turn (then over-paying them) and unmatched ones."""
    targets = [invoices["regency"].virtual_account, invoices["company"].number, "", invoices["province"].number]
    return statement(*[("2025-02-10", f"{tag}-{i}", "8400", targets[i % 4], "tanpa berita") for i in range(count)])


def test_the_number_of_queries_does_not_grow_with_the_rows(invoices, national_admin):
    access = Access(national_admin)
    with CaptureQueriesContext(connection) as small:
        ten = import_statement(access, _rows(invoices, 10, "A"), "a.csv")
    with CaptureQueriesContext(connection) as large:
        two_hundred = import_statement(access, _rows(invoices, 200, "B"), "b.csv")

    assert (ten.recorded, two_hundred.recorded) == (8, 150)
    assert Payment.objects.count() == 158
    # Row by row this was a dozen queries a row (2,000 more for 190 more rows). Now only the INSERTs split:
    # into 1,000 rows each, and on SQLite, where Django keeps a statement under 999 parameters, into
    # about 80 — a few more for 200 rows, none per row.
    assert len(large.captured_queries) <= len(small.captured_queries) + 8, (
        len(small.captured_queries), len(large.captured_queries))
    # Rp16.800 owed on the company's invoice: its first two rows pay it in full, every later one is a surplus.
    company = Payment.objects.filter(invoice=invoices["company"]).order_by("id")
    assert [p.allocated for p in company][:3] == [8_400, 8_400, 0]
