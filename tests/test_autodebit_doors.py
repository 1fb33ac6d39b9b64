"""Auto-debit through its three doors: pages, API and the `lindung autodebit` command call the same services."""

import json

import pytest
from click.testing import CliRunner

from lindung.accounts.access import Access
from lindung.autodebit.models import BankLayout, Debit, Mandate, MandateState
from lindung.billing.models import Payment
from lindung.billing.runs import bill
from lindung.cli import main

from .autodebit_support import returned, self_payer_with_mandate
from .billing_support import month
from .conftest import DADAPKUNING, create_worker

pytestmark = pytest.mark.django_db
APRIL = month("2026-04")


def run(*args):
    return CliRunner().invoke(main, ["--lang", "en", *args])


@pytest.fixture
def self_payer(cerme_agent):
    worker = create_worker(DADAPKUNING, serial=7, name="Wati Mandiri", registered_by=cerme_agent)
    return self_payer_with_mandate(worker, start=APRIL, account="5566778899", agent=cerme_agent,
                                   registered_by=cerme_agent)


def test_an_agent_registers_a_mandate_on_the_page_and_the_worker_becomes_a_self_payer(client, cerme_agent):
    worker = create_worker(DADAPKUNING, serial=8, name="Sri Baru", registered_by=cerme_agent)
    client.force_login(cerme_agent)
    response = client.post("/autodebit/", {"worker": worker.nik, "bank": "GENERIC", "account_holder": "Sri Baru",
                                           "account_number": "1234 5678 90", "debit_day": "25",
                                           "programs": "jkk,jkm", "start_month": "2026-05"})
    mandate = Mandate.objects.get(worker=worker)
    assert response.status_code == 302 and response["Location"] == f"/autodebit/mandates/{mandate.pk}/"
    assert (mandate.account_number, mandate.debit_day, mandate.registered_via) == ("1234567890", 25, "agent")
    assert mandate.funder.kind == "self" and mandate.funder.agent == cerme_agent
    # A second mandate for the same worker is refused with a message, not an error page.
    again = client.post("/autodebit/", {"worker": str(worker.pk), "bank": "GENERIC", "account_holder": "Sri",
                                        "account_number": "12345678", "debit_day": "5", "programs": "jkk,jkm",
                                        "start_month": "2026-05"}, follow=True)
    assert "sudah memiliki mandat" in again.content.decode() and Mandate.objects.filter(worker=worker).count() == 1


@pytest.mark.parametrize("field, value, message", [
    ("account_number", "12-ab", "6 sampai 20 digit"),
    ("debit_day", "31", "28"),
    ("programs", "jkx", "jkx"),
])
def test_bad_mandate_input_is_refused_in_indonesian(client, cerme_agent, field, value, message):
    worker = create_worker(DADAPKUNING, serial=9, registered_by=cerme_agent)
    data = {"worker": str(worker.pk), "bank": "GENERIC", "account_holder": "X", "account_number": "12345678",
            "debit_day": "10", "programs": "jkk,jkm", "start_month": "2026-05", field: value}
    client.force_login(cerme_agent)
    response = client.post("/autodebit/", data, follow=True)
    assert message in response.content.decode() and not Mandate.objects.exists()


def test_the_branch_downloads_the_file_on_the_page_and_imports_the_answer(client, self_payer, gresik_branch_officer):
    bill(Access.console(), APRIL)
    client.force_login(gresik_branch_officer)
    preview = client.get("/autodebit/export/", {"month": "2026-04", "bank": "GENERIC"}).content.decode()
    assert 'id="debit-count">1<' in preview
    text = client.get("/autodebit/export/", {"month": "2026-04", "bank": "GENERIC", "download": "1"}).content.decode()
    assert f"AD{self_payer.pk:010d}202604,5566778899,Wati Mandiri,8400,2026-04-20" in text
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("r.csv", returned(text, "00", "2026-04-20").encode())
    response = client.post("/autodebit/returns/", {"bank": "GENERIC", "file": upload}, follow=True)
    assert "1 didebit" in response.content.decode()
    assert Payment.objects.get().reference == f"AD{self_payer.pk:010d}202604"


def test_the_command_line_exports_imports_and_lists(tmp_path, self_payer, gresik_branch_officer, cerme_agent):
    bill(Access.console(), APRIL)
    out = tmp_path / "debit.txt"
    r = run("autodebit", "export", "--month", "2026-04", "--bank", "generic", "--out", str(out),
            "--as", "cabang.gresik")
    assert r.exit_code == 0 and "1 debits, Rp8,400" in r.output, r.output
    back = tmp_path / "return.csv"
    back.write_text(returned(out.read_text(), "51", "2026-04-20"))
    r = run("autodebit", "import", str(back), "--as", "cabang.gresik", "--json")
    assert r.exit_code == 0 and json.loads(r.output)["failed"] == 1, r.output
    r = run("autodebit", "import", str(back), "--as", "cabang.gresik")
    assert "imported before" in r.output
    r = run("autodebit", "failures", "--as", "agen.cerme", "--json")
    assert [f["reason"] for f in json.loads(r.output)] == ["insufficient_funds"]
    r = run("autodebit", "mandates", "--as", "agen.cerme")
    assert "••••••8899" in r.output and "5566778899" not in r.output
    r = run("autodebit", "export", "--month", "2026-04", "--bank", "GENERIC", "--out", str(out), "--as", "agen.cerme")
    assert r.exit_code == 1
    r = run("autodebit", "state", str(self_payer.pk), "cancelled", "--reason", "moved away", "--as", "agen.cerme")
    assert r.exit_code == 0 and Mandate.objects.get().state == MandateState.CANCELLED
    r = run("autodebit", "state", str(self_payer.pk), "active", "--as", "agen.cerme")
    assert r.exit_code == 1


def test_a_banks_layout_is_added_without_code(tmp_path, self_payer, national_admin):
    """A bank with semicolons, day-first dates, amounts with two decimals and no header: data only."""
    layout = {"banks": [{"code": "BANKX", "name": "Bank X", "layout": {
        "debit_file": {"separator": ";", "date_format": "%d%m%Y", "amount_decimals": 2, "header": [],
                       "columns": ["{account_number}", "{amount}", "{reference}", "{debit_date}"],
                       "trailer": ["TOTAL", "{count}", "{total}"]},
        "return_file": {"separator": ";", "date_format": "%d%m%Y", "amount_decimals": 2,
                        "columns": {"reference": 2, "amount": 1, "date": 3, "status": 4},
                        "detail": None, "success": ["S"], "reasons": {"R01": "insufficient_funds"}}}}]}
    path = tmp_path / "bankx.json"
    path.write_text(json.dumps(layout))
    r = run("autodebit", "banks", "--load", str(path))
    assert r.exit_code == 0 and "BANKX" in r.output, r.output
    Mandate.objects.filter(pk=self_payer.pk).update(bank=BankLayout.objects.get(code="BANKX"))
    bill(Access.console(), APRIL)
    out = tmp_path / "x.txt"
    assert run("autodebit", "export", "--month", "2026-04", "--bank", "BANKX", "--out", str(out)).exit_code == 0
    reference = f"AD{self_payer.pk:010d}202604"
    assert out.read_text().splitlines() == [f"5566778899;8400.00;{reference};20042026", "TOTAL;1;8400.00"]
    back = tmp_path / "x-back.txt"
    back.write_text(f"5566778899;8400.00;{reference};21042026;R01\n")
    r = run("autodebit", "import", str(back), "--bank", "BANKX")
    assert r.exit_code == 0, r.output
    assert Debit.objects.get().reason == "insufficient_funds"


def test_a_broken_layout_is_refused_with_what_is_wrong(tmp_path, db):
    path = tmp_path / "bad.json"
    path.write_text(json.dumps({"banks": [{"code": "BAD", "name": "Bad", "layout": {
        "debit_file": {"separator": ";;", "date_format": "nope", "columns": ["{secret}"]},
        "return_file": {"separator": ";", "date_format": "%d%m%Y", "columns": {"reference": 0}, "success": []}}}]}))
    r = run("autodebit", "banks", "--load", str(path))
    assert r.exit_code == 1 and "separator" in r.output and "{secret}" in r.output
    assert not BankLayout.objects.filter(code="BAD").exists()


def test_the_api_registers_changes_state_and_follows_up(client, self_payer, cerme_agent, national_admin):
    from lindung.accounts.access import Access
    from lindung.autodebit.services import bank_for, export_debit_file, import_return_file

    bill(Access.console(), APRIL)
    admin = Access(national_admin)
    text, _run = export_debit_file(admin, APRIL, bank_for("GENERIC"))
    import_return_file(admin, bank_for("GENERIC"), "r.csv", returned(text, "14", "2026-04-20").encode())
    client.force_login(cerme_agent)
    [failure] = client.get("/api/v1/autodebit/failures").json()
    exported = b"".join(client.get("/autodebit/failures/", {"format": "csv"}).streaming_content).decode("utf-8-sig")
    assert "Wati Mandiri" in exported and "rekening ditutup (14)" in exported
    assert failure["reason"] == "account_closed" and failure["reason_code"] == "14"
    assert client.post(f"/api/v1/autodebit/failures/{failure['id']}/followup", {"note": ""},
                       content_type="application/json").status_code == 422
    done = client.post(f"/api/v1/autodebit/failures/{failure['id']}/followup", {"note": "new account next month"},
                       content_type="application/json")
    assert done.status_code == 200 and client.get("/api/v1/autodebit/failures").json() == []
    changed = client.post(f"/api/v1/autodebit/mandates/{self_payer.pk}/state",
                          {"state": "suspended", "reason": "account closed"}, content_type="application/json")
    assert changed.status_code == 200 and changed.json()["state"] == "suspended"
    banks = client.get("/api/v1/autodebit/banks").json()
    assert [b["code"] for b in banks] == ["GENERIC"]
