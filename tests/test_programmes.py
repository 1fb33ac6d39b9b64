"""Programmes with targets: each village's covered workers against its target, villages behind, budget used,
and coverage indicators counting only a programme's workers.

Figures: an APBD-funded BPU worker's JKK+JKM is Rp16,800 a month (RULES.md §3; PP 50/2025's relief
excludes APBD); a month is covered when it is paid (coverage rule)."""

import datetime as dt
import json

import pytest

from lindung.accounts.access import Access
from lindung.billing.models import Invoice
from lindung.billing.payments import record_payment
from lindung.billing.runs import bill
from lindung.funding.models import SponsorshipBatch
from lindung.programmes.services import (attach_lists, create_programme, programme_indicators, progress, set_villages,
                                         targets)

from .billing_support import funder, month, sponsor
from .conftest import DADAPKUNING, LENGKONG, create_worker

pytestmark = pytest.mark.django_db
KANDANGAN = "3525112003"
JUNE = month("2026-06")


def listed(payer, workers, *, start=JUNE, months=3):
    [first, *_] = sponsor(payer, workers, start=start, months=months)
    batch = SponsorshipBatch.objects.create(funder=payer, state="approved")
    type(first).objects.filter(funder=payer, worker__in=workers, start_month=start).update(batch=batch)
    return batch


@pytest.fixture
def gresik_programme(national_admin):
    regency = funder("regency", "Pemerintah Kabupaten Gresik", "3525")
    admin = Access(national_admin)
    programme = create_programme(admin, regency, name="1 Desa 3 Pekerja", legal_basis="Perbup (example)",
                                 start_month=JUNE, end_month=month("2026-12"), target_workers=3, budget=1_000_000)
    set_villages(admin, programme, {DADAPKUNING: None, LENGKONG: None, KANDANGAN: None})
    serial = iter(range(1, 100))
    dadap = [create_worker(DADAPKUNING, serial=next(serial)) for _ in range(3)]
    lengkong = [create_worker(LENGKONG, serial=next(serial)) for _ in range(4)]
    kandangan = [create_worker(KANDANGAN, serial=next(serial)) for _ in range(2)]
    attach_lists(admin, programme, [listed(regency, dadap + lengkong + kandangan)])
    # Outside the programme: a CSR-paid worker in Dadapkuning.
    company = funder("company", "PT Sinar", "3525")
    sponsor(company, [create_worker(DADAPKUNING, serial=next(serial))], start=JUNE, months=1)
    bill(Access.console(), JUNE)
    for invoice in Invoice.objects.filter(month=JUNE):
        if invoice.funder == regency:
            # Kandangan's second worker is not paid: the regency pays 8 of 9 lines of JKK+JKM each.
            record_payment(invoice, amount=invoice.total - 16_800, reference=f"R-{invoice.pk}", paid_on=dt.date(2026, 6, 10))
        else:
            record_payment(invoice, amount=invoice.total, reference=f"C-{invoice.pk}", paid_on=dt.date(2026, 6, 10))
    return programme, regency


def test_progress_village_by_village_with_villages_behind_and_budget_used(gresik_programme, gresik_branch_officer):
    programme, _regency = gresik_programme
    data = progress(Access(gresik_branch_officer), programme, JUNE)
    rows = {r["code"]: (r["target"], r["covered"], r["state"]) for r in data["villages"]}
    assert rows == {DADAPKUNING: (3, 3, "at"), LENGKONG: (3, 4, "above"), KANDANGAN: (3, 1, "below")}
    assert data["behind"] == [KANDANGAN]
    assert data["totals"] == {"target": 9, "covered": 8, "villages": 3, "at_or_above": 2}
    assert (data["budget"]["paid"], data["budget"]["billed"]) == (8 * 16_800, 9 * 16_800)
    assert data["budget"]["used_percent"] == 13.4  # 134,400 of Rp1,000,000
    # July is not paid yet: nobody is covered, every village behind.
    assert progress(Access(gresik_branch_officer), programme, month("2026-07"))["behind"] == [
        DADAPKUNING, LENGKONG, KANDANGAN]


def test_a_segment_target_is_every_such_worker_of_the_village(national_admin):
    regency = funder("regency", "Pemerintah Kabupaten Gresik", "3525")
    for serial in range(1, 4):
        create_worker(DADAPKUNING, serial=serial, segment="rt_rw")
    create_worker(DADAPKUNING, serial=9)  # not an RT/RW head
    create_worker(LENGKONG, serial=10, segment="rt_rw")
    admin = Access(national_admin)
    programme = create_programme(admin, regency, name="ADD untuk Ketua RT/RW", legal_basis="Perbup",
                                 start_month=JUNE, end_month=month("2026-12"), target_segment="rt_rw")
    set_villages(admin, programme, {DADAPKUNING: None, LENGKONG: 5})
    assert targets(programme) == {DADAPKUNING: 3, LENGKONG: 5}


def test_coverage_indicators_count_only_the_programmes_workers(gresik_programme, gresik_branch_officer):
    from lindung.coverage.indicators import indicators

    programme, _regency = gresik_programme
    branch = Access(gresik_branch_officer)
    everyone = indicators("352511", JUNE, branch)
    only = programme_indicators(branch, programme, "352511", JUNE)
    assert everyone["active"] == 9 and only["active"] == 8
    assert {c["code"]: c["active"] for c in only["children"] if c["active"]} == {
        DADAPKUNING: 3, LENGKONG: 4, KANDANGAN: 1}


def test_lists_of_funders_outside_the_programmes_region_are_refused(gresik_programme, national_admin):
    from lindung.programmes.services import ProgrammeError

    from .conftest import JAMBI_VILLAGE

    programme, _regency = gresik_programme
    jambi = funder("province", "Pemerintah Provinsi Jambi", "15")
    with pytest.raises(ProgrammeError):
        attach_lists(Access(national_admin), programme, [listed(jambi, [create_worker(JAMBI_VILLAGE, serial=70)])])
    with pytest.raises(ProgrammeError):
        set_villages(Access(national_admin), programme, {JAMBI_VILLAGE: None})


def test_pages_api_and_command_line(gresik_programme, gresik_branch_officer, client):
    import json

    from click.testing import CliRunner

    from lindung.cli import main

    programme, _regency = gresik_programme
    client.force_login(gresik_branch_officer)
    page = client.get(f"/programmes/{programme.pk}/", {"month": "2026-06"}).content.decode()
    assert 'id="behind-count">1<' in page and 'id="covered-total">8<' in page
    assert all(code in page for code in (DADAPKUNING, LENGKONG, KANDANGAN))
    behind = client.get(f"/programmes/{programme.pk}/", {"month": "2026-06", "show": "behind"}).content.decode()
    rows = behind.split("<tbody>")[1]
    assert KANDANGAN in rows and DADAPKUNING not in rows and LENGKONG not in rows
    assert "1 Desa 3 Pekerja" in client.get("/programmes/").content.decode()
    api = client.get(f"/api/v1/programmes/{programme.pk}/progress", {"month": "2026-06"}).json()
    assert api["behind"] == [KANDANGAN]
    assert client.get(f"/api/v1/programmes/{programme.pk}/indicators",
                      {"region": "352511", "month": "2026-06"}).json()["active"] == 8
    r = CliRunner().invoke(main, ["--lang", "en", "programmes", "progress", str(programme.pk), "--month", "2026-06",
                                  "--as", "cabang.gresik", "--json"])
    assert json.loads(r.output)["totals"]["covered"] == 8, r.output


def test_the_coverage_dashboard_api_and_console_filter_by_programme(gresik_programme, gresik_branch_officer,
                                                                    national_admin, client):
    """Hand count (the fixture): in June 2026 Cerme has 9 covered workers — 8 paid by the regency's
    programme list (Dadapkuning 3, Lengkong 4, Kandangan 1; Kandangan's second worker unpaid) and 1 paid by
    PT Sinar in Dadapkuning, outside the programme."""
    from click.testing import CliRunner

    from lindung.cli import main

    programme, _regency = gresik_programme
    jambi = create_programme(Access(national_admin), funder("province", "Pemerintah Provinsi Jambi", "15"),
                             name="BKBK 10 %", legal_basis="", start_month=JUNE, end_month=month("2026-12"),
                             target_workers=10)
    client.force_login(gresik_branch_officer)
    everyone = client.get("/coverage/region/352511/", {"month": "2026-06"}).content.decode()
    assert 'id="active-members">9<' in everyone
    # The selector offers the programmes the branch sees (not Jambi's).
    assert f'<option value="{programme.pk}">' in everyone and f'<option value="{jambi.pk}">' not in everyone
    only = client.get("/coverage/region/352511/", {"month": "2026-06", "programme": programme.pk}).content.decode()
    assert 'id="active-members">8<' in only
    assert f'<option value="{programme.pk}" selected>' in only
    assert f"/coverage/region/{DADAPKUNING}/?month=2026-06&amp;programme={programme.pk}" in only  # kept on drill-down
    village = client.get(f"/coverage/region/{DADAPKUNING}/", {"month": "2026-06", "programme": programme.pk})
    assert 'id="active-members">3<' in village.content.decode()  # PT Sinar's worker is not the programme's
    refused = client.get("/coverage/region/352511/", {"month": "2026-06", "programme": jambi.pk}).content.decode()
    assert 'id="active-members">9<' in refused and "Tidak ada program" in refused

    api = client.get("/api/v1/coverage/indicators", {"region": "352511", "month": "2026-06",
                                                     "programme": programme.pk}).json()
    assert (api["active"], api["by_funder_kind"]) == (8, {"regency": 8})
    assert {c["code"]: c["active"] for c in api["children"] if c["active"]} == {DADAPKUNING: 3, LENGKONG: 4,
                                                                                 KANDANGAN: 1}
    trend = client.get("/api/v1/coverage/trend", {"region": "352511", "until": "2026-07", "months": 2,
                                                  "programme": programme.pk}).json()
    assert [row["active"] for row in trend] == [8, 0]  # July is not paid
    outside = client.get("/api/v1/coverage/indicators", {"region": "352511", "programme": jambi.pk})
    assert outside.status_code == 422 and outside.json()["field"] == "programme"
    for nonsense in ("9999999999999999", "abc"):
        answer = client.get("/api/v1/coverage/indicators", {"region": "352511", "programme": nonsense})
        assert answer.status_code == 422 and answer.json()["field"] == "programme", nonsense

    r = CliRunner().invoke(main, ["coverage", "--region", "352511", "--month", "2026-06", "--programme",
                                  str(programme.pk), "--json"])
    assert r.exit_code == 0 and json.loads(r.output)["active"] == 8, r.output
    r = CliRunner().invoke(main, ["coverage", "--region", "352511", "--month", "2026-06", "--programme", "999"])
    assert r.exit_code != 0
