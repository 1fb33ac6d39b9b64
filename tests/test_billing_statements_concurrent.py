"""Two overlapping bank statements imported at the same moment, on two database connections (finding 13).

Each import is a real request to ``POST /api/v1/billing/statements`` in its own thread (so its own
connection); both are held at a barrier until each has parsed its file, then run together. A reference
in both files is recorded once and reported as a duplicate by the import that did not record it; every
other row of both files is recorded; neither answers a server error. Without the imports taking turns,
the reversed-order case deadlocked on PostgreSQL (500). PostgreSQL only: the SQLite test database lives in
shared-cache memory, where a second writer fails at once ("table is locked") instead of waiting as a file
database does (``transaction_mode=IMMEDIATE``, a 30-second timeout).
"""

import threading

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client

from lindung.accounts.access import Access
from lindung.accounts.models import ApiToken
from lindung.billing import statements
from lindung.billing.models import Invoice, Payment, StatementRow
from lindung.billing.runs import bill

from .billing_support import funder, month, sponsor
from .conftest import DADAPKUNING, JAMBI_VILLAGE, create_worker, make_user


def statement(*rows) -> bytes:
    lines = ["date,reference,amount,account,description"] + [",".join(r) for r in rows]
    return ("\n".join(lines) + "\n").encode()


@pytest.fixture
def invoices(transactional_db):
    gresik = funder("regency", "Pemerintah Kabupaten Gresik", "3525")
    jambi = funder("province", "Pemerintah Provinsi Jambi", "15")
    sponsor(gresik, [create_worker(DADAPKUNING, serial=i) for i in (1, 2)], start=month("2025-02"), months=1)
    sponsor(jambi, [create_worker(JAMBI_VILLAGE, serial=4)], start=month("2025-02"), months=1)
    bill(Access.console(), month("2025-02"))
    return {f.kind: Invoice.objects.get(funder=f) for f in (gresik, jambi)}


def _import_at_once(monkeypatch, files: list[bytes], tokens: list[str]) -> list:
    """Post the files at the same moment, one thread (one connection) each; the responses or errors."""
    barrier, real = threading.Barrier(len(files), timeout=30), statements.visible_invoices

    def meeting(access):
        barrier.wait()  # both files parsed; from here on the two imports run together
        return real(access)

    monkeypatch.setattr(statements, "visible_invoices", meeting)
    results = [None] * len(files)

    def run(i):
        try:
            client = Client(HTTP_AUTHORIZATION=f"Bearer {tokens[i]}")
            upload = SimpleUploadedFile(f"bank-{i}.csv", files[i], content_type="text/csv")
            response = client.post("/api/v1/billing/statements", {"file": upload})
            results[i] = (response.status_code, response.json())
        except Exception as exc:  # collected and asserted by the test
            results[i] = ("error", repr(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(files))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(90)
    return results


@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="needs two real connections (see above)")
@pytest.mark.parametrize("order", ["same order", "reversed order"])
def test_overlapping_statements_imported_at_once_record_each_reference_once(monkeypatch, invoices, order):
    regency, province = invoices["regency"].virtual_account, invoices["province"].virtual_account
    shared = [("2025-02-10", "VA-1", "33600", regency, ""),          # pays the Gresik invoice in full
              ("2025-02-12", "TRF-4", "16800", "", "tanpa berita"),  # matches no invoice
              ("2025-02-13", "VA-9", "16800", province, "")]         # pays the Jambi invoice in full
    first = statement(("2025-02-09", "TRF-A", "5000", "", "hanya di berkas pertama"), *shared)
    second_rows = [*shared, ("2025-02-14", "TRF-B", "7000", "", "hanya di berkas kedua")]
    second = statement(*(reversed(second_rows) if order == "reversed order" else second_rows))
    tokens = [ApiToken.issue(make_user(name, "national_admin"), "bank") for name in ("keuangan.satu", "keuangan.dua")]

    results = _import_at_once(monkeypatch, [first, second], tokens)

    assert [r[0] for r in results] == [200, 200], results
    bodies = [r[1] for r in results]
    assert [b["rows"] for b in bodies] == [4, 4]
    # each shared reference is recorded by exactly one of the two imports and a duplicate for the other
    assert sum(b["duplicates"] for b in bodies) == 3
    assert sorted(StatementRow.objects.values_list("reference", flat=True)) == \
        ["TRF-4", "TRF-A", "TRF-B", "VA-1", "VA-9"]
    assert sorted(Payment.objects.values_list("reference", flat=True)) == ["VA-1", "VA-9"]
    for invoice in invoices.values():
        invoice.refresh_from_db()
        assert invoice.paid == invoice.total and invoice.status == "paid"
