"""Bank statements: import, match, classify, resolve; the same statement twice records nothing."""

import datetime as dt
import json

import pytest
from click.testing import CliRunner
from django.core.exceptions import PermissionDenied

from lindung.accounts.access import Access
from lindung.billing.models import Invoice, Match, Payment, Statement, StatementRow
from lindung.billing.payments import record_payment
from lindung.billing.runs import bill
from lindung.billing.statements import StatementError, import_statement, open_items, parse_amount, resolve
from lindung.cli import main

from .billing_support import funder, month, sponsor
from .conftest import DADAPKUNING, JAMBI_VILLAGE, create_worker

pytestmark = pytest.mark.django_db


@pytest.fixture
def invoices(db):
    """Three open invoices of Rp16,800 × workers: Gresik (2 workers), a CSR company (1), Jambi (1)."""
    gresik = funder("regency", "Pemerintah Kabupaten Gresik", "3525")
    company = funder("company", "PT Sinar Gresik Lestari (CSR)", "3525")
    jambi = funder("province", "Pemerintah Provinsi Jambi", "15")
    sponsor(gresik, [create_worker(DADAPKUNING, serial=i) for i in (1, 2)], start=month("2025-02"), months=1)
    sponsor(company, [create_worker(DADAPKUNING, serial=3)], start=month("2025-02"), months=2)
    sponsor(jambi, [create_worker(JAMBI_VILLAGE, serial=4)], start=month("2025-02"), months=1)
    bill(Access.console(), month("2025-02"))
    return {f.kind: Invoice.objects.get(funder=f) for f in (gresik, company, jambi)}


def statement(*rows) -> bytes:
    lines = ["date,reference,amount,account,description"] + [",".join(r) for r in rows]
    return ("\n".join(lines) + "\n").encode()


def test_rows_are_matched_by_virtual_account_or_invoice_number_and_classified(invoices, national_admin):
    data = statement(
        ("2025-02-10", "VA-1", "33.600", invoices["regency"].virtual_account, ""),       # exact
        ("2025-02-11", "TRF-2", "10000", "", f"bayar {invoices['company'].number}"),      # short
        ("11/02/2025", "TRF-3", "Rp 20.000,00", invoices["province"].number, ""),         # over
        ("2025-02-12", "TRF-4", "16800", "", "tanpa berita"),                             # no invoice
    )
    result = import_statement(Access(national_admin), data, "bank.csv")

    assert result.rows == 4 and result.recorded == 3 and result.open_items == 3
    assert result.by_match == {"matched": 1, "underpaid": 1, "overpaid": 1, "unmatched": 1}
    rows = {r.reference: r for r in StatementRow.objects.all()}
    assert rows["VA-1"].match == Match.MATCHED and rows["VA-1"].payment.channel == "va"
    assert (rows["TRF-2"].match, rows["TRF-2"].expected) == (Match.UNDERPAID, 16_800)
    assert rows["TRF-3"].payment.surplus == 20_000 - 16_800
    assert rows["TRF-4"].payment is None
    assert {r.reference for r in open_items(Access(national_admin))} == {"TRF-2", "TRF-3", "TRF-4"}
    invoices["regency"].refresh_from_db()
    assert invoices["regency"].status == "paid"


def test_importing_the_same_statement_twice_records_nothing_new(invoices, national_admin):
    data = statement(("2025-02-10", "VA-1", "33600", invoices["regency"].virtual_account, ""),
                     ("2025-02-12", "TRF-4", "16800", "", "tanpa berita"))
    import_statement(Access(national_admin), data, "bank.csv")
    counts = (Statement.objects.count(), StatementRow.objects.count(), Payment.objects.count())

    again = import_statement(Access(national_admin), data, "bank-copy.csv")

    assert again.already_imported and again.recorded == 0
    assert (Statement.objects.count(), StatementRow.objects.count(), Payment.objects.count()) == counts

    # The same rows inside a different file: the known references are skipped.
    overlapping = statement(("2025-02-10", "VA-1", "33600", invoices["regency"].virtual_account, ""),
                            ("2025-02-13", "VA-9", "16800", invoices["province"].virtual_account, ""))
    third = import_statement(Access(national_admin), overlapping, "bank-2.csv")
    assert (third.duplicates, third.recorded) == (1, 1)
    assert Payment.objects.count() == counts[2] + 1


def test_references_recorded_by_a_concurrent_import_are_duplicates_and_the_rest_is_recorded(invoices, national_admin, monkeypatch):
    """Finding: references recorded by a concurrent import between this import's check and its insert
    failed the whole file with a uniqueness error (500), new rows included. Duplicates are duplicates."""
    from lindung.billing import statements

    data = statement(("2025-02-10", "VA-1", "33600", invoices["regency"].virtual_account, ""),
                     ("2025-02-12", "TRF-4", "16800", "", "tanpa berita"))
    first = import_statement(Access(national_admin), data, "bank.csv")
    assert (first.rows, first.recorded, first.duplicates) == (2, 1, 0)

    # Another import recorded VA-1 and TRF-4 after this one looked: its first check saw nothing; the
    # uniqueness error of its insert makes it look again, and then it sees them.
    real, looks = statements.known_references, []

    def late(references):
        looks.append(references)
        return set() if len(looks) == 1 else real(references)

    monkeypatch.setattr(statements, "known_references", late)
    overlapping = statement(("2025-02-10", "VA-1", "33600", invoices["regency"].virtual_account, ""),
                            ("2025-02-12", "TRF-4", "16800", "", "tanpa berita"),
                            ("2025-02-13", "VA-9", "16800", invoices["province"].virtual_account, ""))
    second = import_statement(Access(national_admin), overlapping, "bank-2.csv")
    assert (second.rows, second.recorded, second.duplicates) == (3, 1, 2)
    assert set(StatementRow.objects.values_list("reference", flat=True)) == {"VA-1", "TRF-4", "VA-9"}
    assert Payment.objects.filter(reference="VA-9").exists()


def test_a_reference_recorded_by_hand_is_not_recorded_again_from_the_statement(invoices, national_admin):
    record_payment(invoices["regency"], amount=33_600, reference="TRF-77", paid_on=dt.date(2025, 2, 3))
    result = import_statement(Access(national_admin),
                              statement(("2025-02-03", "TRF-77", "33600", invoices["regency"].number, "")), "b.csv")
    assert (result.duplicates, result.recorded) == (1, 0)
    assert Payment.objects.count() == 1


def test_errors_are_reported_by_row_and_nothing_is_recorded(invoices, national_admin):
    data = statement(("2025-02-10", "VA-1", "33600", invoices["regency"].virtual_account, ""),
                     ("31/02/2025", "X-2", "100", "", ""),
                     ("2025-02-10", "", "100", "", ""),
                     ("2025-02-10", "X-4", "\"16800,50\"", "", ""))
    with pytest.raises(StatementError) as caught:
        import_statement(Access(national_admin), data, "bad.csv")
    assert [e["row"] for e in caught.value.errors] == [3, 4, 5]
    assert not Payment.objects.exists() and not Statement.objects.exists()


def test_amounts_in_bank_formats():
    assert [parse_amount(t) for t in ("16800", "16.800", "16,800.00", "Rp 16.800,00", "1.016.800")] == [
        16_800, 16_800, 16_800, 16_800, 1_016_800]
    with pytest.raises(ValueError):
        parse_amount("16800,50")


def test_open_rows_are_resolved_by_a_person(invoices, national_admin):
    data = statement(("2025-02-11", "TRF-2", "10000", invoices["company"].number, ""),
                     ("2025-02-12", "TRF-3", "50000", invoices["province"].number, ""),
                     ("2025-02-12", "TRF-4", "16800", "", "tanpa berita"))
    access = Access(national_admin)
    import_statement(access, data, "bank.csv")
    rows = {r.reference: r for r in StatementRow.objects.all()}

    resolve(access, rows["TRF-4"], "assigned", invoice=invoices["regency"], note="Desa confirmed by phone")
    rows["TRF-4"].refresh_from_db()
    assert rows["TRF-4"].payment.invoice == invoices["regency"] and rows["TRF-4"].match == Match.UNDERPAID
    assert rows["TRF-4"].resolved_at is None  # recorded, but short: still to resolve

    resolve(access, rows["TRF-2"], "accepted", note="rest next month")
    resolve(access, rows["TRF-3"], "refund", note="refund to the province treasury")
    assert {r.reference for r in open_items(access)} == {"TRF-4"}
    done = StatementRow.objects.get(reference="TRF-3")
    assert (done.resolution, done.resolved_by) == ("refund", national_admin)


def test_surplus_moves_only_to_the_same_funders_invoice(invoices, national_admin):
    access = Access(national_admin)
    import_statement(access, statement(("2025-02-12", "TRF-3", "50000", invoices["company"].number, "")), "b.csv")
    bill(Access.console(), month("2025-03"))
    row = StatementRow.objects.get(reference="TRF-3")
    from lindung.billing.payments import PaymentError

    with pytest.raises(PaymentError):
        resolve(access, row, "surplus_moved", invoice=invoices["regency"])
    march = Invoice.objects.get(funder__kind="company", month=month("2025-03"))
    resolve(access, row, "surplus_moved", invoice=march, note="carried to March")
    march.refresh_from_db()
    assert march.status == "paid" and Payment.objects.get(reference="TRF-3").surplus == 50_000 - 2 * 16_800


def test_only_finance_roles_import_and_each_sees_its_own_scope(invoices, gresik_branch_officer,
                                                                 gresik_regency_operator):
    data = statement(("2025-02-10", "VA-1", "33600", invoices["regency"].virtual_account, ""),
                     ("2025-02-10", "VA-2", "16800", invoices["province"].virtual_account, ""))
    with pytest.raises(PermissionDenied):
        import_statement(Access(gresik_regency_operator), data, "b.csv")
    result = import_statement(Access(gresik_branch_officer), data, "b.csv")
    # The Jambi invoice is outside the Gresik branch's scope: that row stays unmatched.
    assert result.by_match == {"matched": 1, "unmatched": 1}


def test_cli_imports_a_statement_and_a_second_import_records_nothing(invoices, tmp_path):
    path = tmp_path / "mandiri.csv"
    path.write_bytes(statement(("2025-02-10", "VA-1", "33600", invoices["regency"].virtual_account, "")))
    runner = CliRunner()

    first = runner.invoke(main, ["payments", "import", str(path), "--json"])
    second = runner.invoke(main, ["payments", "import", str(path), "--json"])

    assert first.exit_code == 0, first.output
    assert json.loads(first.output)["recorded"] == 1
    assert json.loads(second.output)["already_imported"] is True and Payment.objects.count() == 1
    bad = tmp_path / "bad.csv"
    bad.write_text("date,reference\n2025-02-10,X\n")
    failed = runner.invoke(main, ["payments", "import", str(bad)])
    assert failed.exit_code == 1 and "amount" in failed.output and "Traceback" not in failed.output


def test_statement_counters_add_up_to_the_rows_and_say_what_they_count(invoices, national_admin, client):
    """Issue 11, item 14: "1 dicatat … 3 perlu diselesaikan" out of 3 rows; "Baris 6, Sudah tercatat 0,
    Perlu ditindaklanjuti 2". Every row is counted once: paid in full, different amount, no invoice or
    already recorded before."""
    import re

    first = statement(("2025-02-10", "VA-1", "33.600", invoices["regency"].virtual_account, ""))
    import_statement(Access(national_admin), first, "pagi.csv")
    data = statement(
        ("2025-02-10", "VA-1", "33.600", invoices["regency"].virtual_account, ""),         # already recorded
        ("2025-02-11", "TRF-2", "10000", "", f"bayar {invoices['company'].number}"),        # different amount
        ("2025-02-12", "TRF-4", "16800", "", "tanpa berita"),                               # no invoice
        ("2025-02-12", "VA-5", "16.800", invoices["province"].virtual_account, ""),         # paid in full
    )
    client.force_login(national_admin)
    response = client.post("/billing/statements/", {"file": _upload(data, "sore.csv")}, follow=True)
    page = response.content.decode()
    assert ("4 baris: 1 melunasi tagihan; 1 membayar jumlah berbeda (dicatat, perlu diperiksa); 1 tidak cocok "
            "dengan tagihan mana pun (tidak dicatat); 1 sudah tercatat sebelumnya. 2 baris menunggu") in page
    listing = client.get("/billing/statements/").content.decode()
    row = re.search(r'<tr data-statement="\d+"><td><a [^>]*>sore.csv</a>.*?</tr>', listing).group(0)
    counts = dict(re.findall(r'data-count="(\w+)">(\d+)<', row))
    assert counts == {"rows": "4", "paid_in_full": "1", "different_amount": "1", "no_invoice": "1",
                      "duplicates": "1", "still_open": "2"}
    assert int(counts["rows"]) == sum(int(counts[k]) for k in ("paid_in_full", "different_amount", "no_invoice",
                                                               "duplicates"))


def _upload(data: bytes, name: str):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data, content_type="text/csv")


def test_a_statement_over_the_upload_limit_is_refused_at_every_door_before_it_is_read(settings, national_admin):
    """Finding 17: no upload limit (a 50 MB CSV took 25 minutes). Over ``LINDUNG_UPLOAD_MAX_MB`` the API
    answers 413 and the page refuses the file at its field; nothing is recorded."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test import Client

    from lindung.accounts.models import ApiToken

    settings.UPLOAD_MAX_MB = 1
    big = statement(*[("2025-02-10", f"TRF-{i}", "16800", "", "x" * 40) for i in range(20_000)])
    assert len(big) > 1024 * 1024
    api = Client(HTTP_AUTHORIZATION=f"Bearer {ApiToken.issue(national_admin, 'bank')}")
    response = api.post("/api/v1/billing/statements", {"file": SimpleUploadedFile("besar.csv", big)})
    assert response.status_code == 413 and "1 MB" in response.json()["detail"]
    page = Client()
    page.force_login(national_admin)
    html = page.post("/billing/statements/", {"file": SimpleUploadedFile("besar.csv", big)}).content.decode()
    assert "1 MB" in html
    assert not Statement.objects.exists() and not StatementRow.objects.exists()
