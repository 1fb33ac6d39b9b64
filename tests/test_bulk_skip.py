"""A bulk proposal where some workers already have a payer names them and offers to go on without them
(issue 11, item 8)."""

import pytest
from django.test import Client

from lindung.funding.models import Funder, Sponsorship

from .billing_support import funder, month, sponsor
from .conftest import DADAPKUNING, create_worker

pytestmark = pytest.mark.django_db


def test_propose_all_matching_lists_who_is_already_paid_and_skips_them_on_request(dadapkuning_operator):
    village = Funder.objects.create(kind="village", name="Pemerintah Desa Dadapkuning", region_id=DADAPKUNING)
    workers = [create_worker(DADAPKUNING, serial=i, name=f"Warga {i}") for i in (1, 2, 3)]
    csr = funder("company", "PT Sinar Gresik Lestari", "3525")
    sponsor(csr, workers[:1], start=month("2027-01"), months=12)
    client = Client()
    client.force_login(dadapkuning_operator)
    form = {"funder": village.pk, "funding_source": "village-budget", "programs": "jkk,jkm",
            "start_month": "2027-01", "months": 12, "all_matching": "on", "q": "", "region": "", "segment": ""}
    refused = client.post("/funding/propose/", form)
    html = refused.content.decode()
    assert refused.status_code == 200 and 'id="already-paid"' in html
    assert "Warga 1" in html and "PT Sinar Gresik Lestari" in html and "2027-01 – 2027-12" in html
    assert "Usulkan 2 pekerja lainnya" in html
    assert not Sponsorship.objects.filter(funder=village).exists()
    done = client.post("/funding/propose/", {**form, "skip_covered": "on"})
    assert done.status_code == 302
    assert set(Sponsorship.objects.filter(funder=village).values_list("worker__name", flat=True)) == {
        "Warga 2", "Warga 3"}


def test_approving_a_list_someone_else_has_partly_taken_names_them_and_approves_the_rest(
        gresik_regency_operator):
    from lindung.accounts.access import Access
    from lindung.funding.sponsorships import propose_sponsorships

    from .conftest import make_user

    checker = make_user("bpkad.gresik", "regional_operator", ["3525"])
    regency = funder("regency", "Pemerintah Kabupaten Gresik", "3525")
    regency.budgets.create(fiscal_year=2027, source="apbd-regency", amount=10_000_000)
    workers = [create_worker(DADAPKUNING, serial=i, name=f"Warga {i}") for i in (1, 2, 3, 4)]
    batch = propose_sponsorships(Access(gresik_regency_operator), regency, [w.pk for w in workers], "jkk,jkm",
                                 month("2027-01"), 12, "apbd-regency")
    sponsor(funder("company", "PT Sinar Gresik Lestari", "3525"), workers[1:2], start=month("2027-06"), months=3)
    client = Client()
    client.force_login(checker)
    refused = client.post(f"/funding/lists/{batch.pk}/approve/")
    html = refused.content.decode()
    assert refused.status_code == 200 and 'id="already-paid"' in html
    assert "Warga 2" in html and "PT Sinar Gresik Lestari" in html and "2027-06 – 2027-08" in html
    assert "Warga 1" not in html.split('id="already-paid"')[1].split("</table>")[0]  # only who is taken
    assert "Setujui daftar tanpa mereka (3 pekerja)" in html
    batch.refresh_from_db()
    assert batch.state == "proposed"
    done = client.post(f"/funding/lists/{batch.pk}/approve/", {"drop_covered": "1"})
    assert done.status_code == 302
    approved = batch.sponsorships.exclude(state="cancelled")
    assert set(approved.values_list("worker__name", flat=True)) == {"Warga 1", "Warga 3", "Warga 4"}


def test_a_donor_confirming_workers_taken_meanwhile_sees_them_masked_and_confirms_the_others(
        csr_funder, csr_donor_user):
    import datetime as dt

    from lindung.accounts.access import Access
    from lindung.funding import matching
    from lindung.funding.matching import MatchRequest

    from .conftest import make_user

    agent = make_user("agen.cerme", "agent", ["352511"])
    workers = [create_worker(DADAPKUNING, serial=i, name=f"Warga {i}", registered_by=agent) for i in (1, 2, 3)]
    matching.add_to_pool(Access(agent), [w.pk for w in workers])
    terms = {"count": 3, "months": 6, "start_month": "2027-01", "programs": "jkk,jkm", "region": "3525"}
    other = Funder.objects.create(kind="company", name="PT Cepat Tanggap", region_id="3525")
    matching.confirm(Access(make_user("cepat", "funder_user", funder=other)), other, [workers[0].pk],
                     MatchRequest(count=1, months=6, start_month=dt.date(2027, 1, 1), region="3525"),
                     today=dt.date(2026, 12, 1))
    client = Client()
    client.force_login(csr_donor_user)
    form = {**terms, "confirm": "1", "worker": [w.pk for w in workers]}
    refused = client.post(f"/funding/funders/{csr_funder.pk}/match/", form)
    html = refused.content.decode()
    assert refused.status_code == 200 and 'id="already-paid"' in html
    block = html.split('id="already-paid"')[1].split("</table>")[0]
    assert workers[0].masked_nik in block and "pembayar lain" in block and "2027-01 – 2027-06" in block
    assert "Warga 1" not in html and "PT Cepat Tanggap" not in html  # a donor sees neither names nor other funders
    assert "Konfirmasi 2 pekerja lainnya" in html
    assert not Sponsorship.objects.filter(funder=csr_funder).exists()
    done = client.post(f"/funding/funders/{csr_funder.pk}/match/", {**form, "skip_taken": "1"})
    assert done.status_code == 302
    assert set(Sponsorship.objects.filter(funder=csr_funder).values_list("worker__name", flat=True)) == {
        "Warga 2", "Warga 3"}


def test_the_command_line_names_who_already_has_a_payer_and_the_option_that_skips_them(dadapkuning_operator):
    from click.testing import CliRunner

    from lindung.cli import main

    village = Funder.objects.create(kind="village", name="Pemerintah Desa Dadapkuning", region_id=DADAPKUNING)
    workers = [create_worker(DADAPKUNING, serial=i, name=f"Warga {i}") for i in (1, 2, 3)]
    sponsor(funder("company", "PT Sinar Gresik Lestari", "3525"), workers[2:], start=month("2027-03"), months=2)
    args = ["sponsorships", "propose", "--funder", str(village.pk), "--region", DADAPKUNING, "--start", "2027-01",
            "--months", "12", "--source", "village-budget", "--as", "desa.dadapkuning"]
    refused = CliRunner().invoke(main, args)
    assert refused.exit_code == 1
    line = refused.output.strip()
    assert line.startswith("Galat: 1 pekerja sudah punya pembayar") and len(line.splitlines()) == 1
    assert workers[2].nik in line and "Warga 3" in line and "PT Sinar Gresik Lestari 2027-03 – 2027-04" in line
    assert "--skip-covered melanjutkan dengan 2 pekerja lainnya" in line
    assert not Sponsorship.objects.filter(funder=village).exists()
    done = CliRunner().invoke(main, [*args, "--skip-covered"])
    assert done.exit_code == 0 and "2 pendanaan diusulkan, 1 tidak diikutkan" in done.output, done.output
