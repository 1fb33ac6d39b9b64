"""`lindung claims list`, `lindung deaths import` and the claims API."""

import datetime as dt
import json

import pytest
from click.testing import CliRunner

from lindung.accounts.access import Access
from lindung.claims import workflow
from lindung.claims.events import confirm_event, report_event
from lindung.claims.models import LifeEvent
from lindung.cli import main

from .billing_support import funder, month
from .claims_support import SUKABUMI_VILLAGE, pay_on_time
from .conftest import create_worker, make_user

pytestmark = pytest.mark.django_db


def run(*args):
    return CliRunner().invoke(main, ["--lang", "en", *args])


@pytest.fixture
def sukabumi(db):
    payer = funder("regency", "Pemkab Sukabumi", "3202")
    workers = [create_worker(SUKABUMI_VILLAGE, serial=60 + i, name=f"Pekerja {i}") for i in range(3)]
    pay_on_time(payer, workers, start=month("2025-01"), months=4)
    return {"workers": workers, "desa": make_user("desa.plr", "village_operator", [SUKABUMI_VILLAGE]),
            "cabang": make_user("cabang.smi", "branch_officer", ["3202"]),
            "cabang2": make_user("cabang.smi2", "branch_officer", ["3202"])}


def test_deaths_import_reports_every_row_or_none(sukabumi, tmp_path):
    w = sukabumi["workers"]
    good = tmp_path / "meninggal.csv"
    good.write_text("Daftar kematian Desa Palabuhanratu\nNIK;Tanggal Meninggal;Sebab;Tempat\n"
                    f"{w[0].nik};2025-03-02;bukan_kerja;Rumah\n{w[1].nik};05/04/2025;kecelakaan_kerja;Sawah\n",
                    encoding="utf-8")
    bad = tmp_path / "salah.csv"
    bad.write_text(f"nik;death_date\n{w[2].nik};2025-03-02\n3202010101010001;2025-03-02\n{w[2].nik};kemarin\n",
                   encoding="utf-8")
    r = run("deaths", "import", str(bad), "--as", "desa.plr")
    assert r.exit_code == 1 and "row 3" in r.output and "row 4" in r.output, r.output
    assert not LifeEvent.objects.exists()
    r = run("deaths", "import", str(good), "--as", "desa.plr", "--json")
    assert r.exit_code == 0, r.output
    assert json.loads(r.output) == {"rows": 2, "reported": 2}
    events = {e.worker_id: e for e in LifeEvent.objects.all()}
    assert events[w[1].pk].cause == "work_accident" and events[w[1].pk].date == dt.date(2025, 4, 5)
    assert all(e.state == "unconfirmed" and e.source == "import" for e in events.values())


def test_claims_list_filters_by_state_and_region(sukabumi):
    desa = Access(sukabumi["desa"])
    event = report_event(desa, sukabumi["workers"][0], kind="death", date=dt.date(2025, 3, 2))
    claim = workflow.open_claim(desa, event, "jkm")
    r = run("claims", "list", "--json")
    assert r.exit_code == 0, r.output
    rows = json.loads(r.output)
    assert [(x["id"], x["state"], x["expected_amount"]) for x in rows] == [(claim.pk, "draft", 42_000_000)]
    assert json.loads(run("claims", "list", "--state", "paid", "--json").output) == []
    assert json.loads(run("claims", "list", "--region", "3525", "--json").output) == []
    assert len(json.loads(run("claims", "list", "--region", "3202", "--json").output)) == 1


def test_the_api_walks_a_claim_and_reports_statistics(client, sukabumi):
    w = sukabumi["workers"][0]
    client.force_login(sukabumi["desa"])
    r = client.post("/api/v1/claims/events", {"nik": w.nik, "kind": "death", "date": "2025-03-02"},
                    content_type="application/json")
    assert r.status_code == 201, r.content
    check = client.post("/api/v1/claims/check", {"nik": w.nik, "event": "death", "date": "2025-03-02"},
                        content_type="application/json").json()
    assert (check["payable"], check["contribution_months"], check["total"]) == (True, 3, 42_000_000)
    event = LifeEvent.objects.get()
    claim = workflow.open_claim(Access(sukabumi["desa"]), event, "jkm", bank_account="123456")
    for path in (f"/api/v1/claims/events/{event.pk}/confirm", f"/api/v1/claims/{claim.pk}/verify"):
        assert client.post(path, {}, content_type="application/json").status_code == 403
    client.force_login(sukabumi["cabang"])
    assert client.post(f"/api/v1/claims/events/{event.pk}/confirm", {"note": ""},
                       content_type="application/json").json()["state"] == "confirmed"
    r = client.post(f"/api/v1/claims/{claim.pk}/verify")
    assert r.status_code == 422 and r.json()["detail"] == "Klaim ini draf; langkah itu tidak dapat dilakukan sekarang."
    detail = client.get(f"/api/v1/claims/{claim.pk}").json()
    assert detail["eligibility"]["payable"] and detail["steps"][0]["to"] == "draft"
    stats = client.get("/api/v1/claims/statistics?region=3202").json()
    assert stats["families"] == 0 and stats["amount"] == 0
