"""Programmes on the web for a regional operator: creating one (funder, legal basis, period, a target per
village as a number or a segment), attaching and detaching its sponsorship lists — scoped to the funders the
operator acts for, refused with a message at the field in the user's language, and audited; the same through
the API and the console."""

import json

import pytest
from click.testing import CliRunner

from lindung.accounts.access import Access
from lindung.audit.models import AuditEntry
from lindung.cli import main
from lindung.funding.models import SponsorshipBatch
from lindung.programmes.models import Programme

from .billing_support import funder, month
from .conftest import DADAPKUNING, JAMBI_VILLAGE, create_worker
from .test_programmes import listed

pytestmark = pytest.mark.django_db


@pytest.fixture
def funders():
    return {"gresik": funder("regency", "Pemerintah Kabupaten Gresik", "3525"),
            "sukabumi": funder("regency", "Pemerintah Kabupaten Sukabumi", "3202"),
            "company": funder("company", "PT Sinar", "3525"),
            "dadapkuning": funder("village", "Pemerintah Desa Dadapkuning", DADAPKUNING),
            "jambi": funder("province", "Pemerintah Provinsi Jambi", "15")}


def form(funder_id, **changes):
    data = {"funder": funder_id, "name": "1 Desa 50 Pekerja Rentan", "legal_basis": "Perbup Gresik 7/2026",
            "start_month": "2027-01", "end_month": "2027-12", "target_workers": "50", "target_segment": "",
            "budget": "250000000"}
    data.update(changes)
    return data


def test_a_regency_operator_creates_a_programme_for_its_own_regency_only(client, funders, gresik_regency_operator):
    client.force_login(gresik_regency_operator)
    page = client.get("/programmes/").content.decode()
    # Offered: its own regency's government; not another regency's, not a company.
    assert "Pemerintah Kabupaten Gresik (3525)" in page
    assert "Sukabumi" not in page and "PT Sinar" not in page
    refused = client.post("/programmes/", form(funders["sukabumi"].pk)).content.decode()
    assert "Masukkan pilihan yang valid" in refused and not Programme.objects.exists()

    response = client.post("/programmes/", form(funders["gresik"].pk))
    programme = Programme.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/programmes/{programme.pk}/"
    assert (programme.funder, programme.legal_basis, programme.start_month, programme.end_month,
            programme.target_workers, programme.budget) == (
        funders["gresik"], "Perbup Gresik 7/2026", month("2027-01"), month("2027-12"), 50, 250_000_000)
    entry = AuditEntry.objects.get(target_type="programmes.programme", target_id=str(programme.pk))
    assert entry.actor == gresik_regency_operator and entry.action == "create"


def test_a_segment_target_instead_of_a_number(client, funders, gresik_regency_operator):
    client.force_login(gresik_regency_operator)
    client.post("/programmes/", form(funders["gresik"].pk, name="ADD untuk Ketua RT/RW", target_workers="",
                                     target_segment="rt_rw"))
    programme = Programme.objects.get()
    assert (programme.target_workers, programme.target_segment) == (None, "rt_rw")


def test_refusals_at_the_field_in_the_users_language(client, funders, gresik_regency_operator):
    client.force_login(gresik_regency_operator)
    both = client.post("/programmes/", form(funders["gresik"].pk, target_segment="rt_rw")).content.decode()
    assert "Tetapkan target per desa sebagai jumlah pekerja atau sebagai segmen, tidak keduanya." in both
    backwards = client.post("/programmes/", form(funders["gresik"].pk, end_month="2026-06")).content.decode()
    assert "Bulan terakhir tidak boleh sebelum bulan pertama." in backwards
    bad_month = client.post("/programmes/", form(funders["gresik"].pk, start_month="2027-13")).content.decode()
    assert 'id="programme-form"' in bad_month and "errorlist" in bad_month
    gresik_regency_operator.language = "en"
    gresik_regency_operator.save(update_fields=["language"])
    english = client.post("/programmes/", form(funders["gresik"].pk, target_workers="")).content.decode()
    assert "Set the target per village as a number of workers or as a segment, not both." in english
    assert not Programme.objects.exists()


def test_lists_are_attached_and_detached_by_those_who_act_for_the_funder(
        client, funders, gresik_regency_operator, dadapkuning_operator, national_admin):
    programme = Programme.objects.create(funder=funders["gresik"], name="1 Desa 50", start_month=month("2027-01"),
                                         end_month=month("2027-12"), target_workers=50)
    village_list = listed(funders["dadapkuning"], [create_worker(DADAPKUNING, serial=1)], start=month("2027-01"))
    jambi_list = listed(funders["jambi"], [create_worker(JAMBI_VILLAGE, serial=2)], start=month("2027-01"))
    client.force_login(gresik_regency_operator)
    page = client.get(f"/programmes/{programme.pk}/").content.decode()
    # The village's list may join; Jambi's (outside the operator's scope and the regency) is not offered.
    assert f'<option value="{village_list.pk}">' in page and f'<option value="{jambi_list.pk}">' not in page

    client.post(f"/programmes/{programme.pk}/lists/", {"list_id": jambi_list.pk})
    assert not programme.lists.exists()
    client.post(f"/programmes/{programme.pk}/lists/", {"list_id": village_list.pk})
    assert list(programme.lists.all()) == [village_list]
    page = client.get(f"/programmes/{programme.pk}/").content.decode()
    assert "Pemerintah Desa Dadapkuning" in page.split('id="programme-lists"')[1]

    # A village operator sees the programme but changes nothing.
    other = client.__class__()
    other.force_login(dadapkuning_operator)
    assert 'id="programme-form"' not in other.get("/programmes/").content.decode()
    assert "Detach" not in other.get(f"/programmes/{programme.pk}/").content.decode()
    assert other.post(f"/programmes/{programme.pk}/lists/{village_list.pk}/detach/").status_code == 403
    assert list(programme.lists.all()) == [village_list]

    client.post(f"/programmes/{programme.pk}/lists/{village_list.pk}/detach/")
    assert not programme.lists.exists()
    assert SponsorshipBatch.objects.filter(pk=village_list.pk).exists()  # the list itself stays
    summaries = list(AuditEntry.objects.filter(target_type="programmes.programme", target_id=str(programme.pk))
                     .order_by("pk").values_list("actor__username", "summary"))
    assert summaries == [("pemkab.gresik", f"daftar #{village_list.pk} termasuk program"),
                         ("pemkab.gresik", f"daftar #{village_list.pk} tidak lagi menjadi bagian program")]


def test_detach_through_the_api_and_the_console(client, funders, national_admin, gresik_regency_operator):
    programme = Programme.objects.create(funder=funders["gresik"], name="1 Desa 50", start_month=month("2027-01"),
                                         end_month=month("2027-12"), target_workers=50)
    first = listed(funders["dadapkuning"], [create_worker(DADAPKUNING, serial=1)], start=month("2027-01"))
    second = listed(funders["gresik"], [create_worker(DADAPKUNING, serial=2)], start=month("2027-02"))
    programme.lists.add(first, second)
    client.force_login(gresik_regency_operator)
    assert client.delete(f"/api/v1/programmes/{programme.pk}/lists/{first.pk}").json() == {"detached": first.pk}
    again = client.delete(f"/api/v1/programmes/{programme.pk}/lists/{first.pk}")
    assert again.status_code == 422 and again.json()["field"] == "lists"
    r = CliRunner().invoke(main, ["programmes", "detach", str(programme.pk), str(second.pk), "--as", "pemkab.gresik"])
    assert r.exit_code == 0, r.output
    assert not programme.lists.exists()
    created = client.post("/api/v1/programmes", json.dumps({
        "funder_id": funders["sukabumi"].pk, "name": "x", "start_month": "2027-01", "end_month": "2027-02",
        "target_workers": 5}), content_type="application/json")
    assert created.status_code in (403, 404) and Programme.objects.count() == 1


def test_villages_and_their_own_targets_on_the_web(client, funders, gresik_regency_operator, dadapkuning_operator):
    from .conftest import LENGKONG

    programme = Programme.objects.create(funder=funders["gresik"], name="1 Desa 50", start_month=month("2027-01"),
                                         end_month=month("2027-12"), target_workers=50)
    client.force_login(gresik_regency_operator)
    client.post(f"/programmes/{programme.pk}/villages/", {"villages": f"{DADAPKUNING}\n3525.11.2002 = 70\n"})
    assert dict(programme.villages.values_list("village_id", "target")) == {DADAPKUNING: None, LENGKONG: 70}
    page = client.get(f"/programmes/{programme.pk}/").content.decode()
    assert f"{DADAPKUNING}\n{LENGKONG}=70</textarea>" in page
    # A line that is no village code, and a village outside the regency: refused, nothing changes.
    bad = client.post(f"/programmes/{programme.pk}/villages/", {"villages": f"{DADAPKUNING}\nDesa Lengkong"},
                      follow=True).content.decode()
    assert "Baris 2: “Desa Lengkong” bukan kode desa atau kode=target." in bad
    outside = client.post(f"/programmes/{programme.pk}/villages/", {"villages": JAMBI_VILLAGE},
                          follow=True).content.decode()
    assert f"{JAMBI_VILLAGE} bukan desa di 3525." in outside
    assert dict(programme.villages.values_list("village_id", "target")) == {DADAPKUNING: None, LENGKONG: 70}
    # The list is the whole list: a village left out stops taking part.
    client.post(f"/programmes/{programme.pk}/villages/", {"villages": f"{LENGKONG}=80"})
    assert dict(programme.villages.values_list("village_id", "target")) == {LENGKONG: 80}
    assert AuditEntry.objects.filter(target_type="programmes.programme", target_id=str(programme.pk),
                                     actor=gresik_regency_operator).count() == 2
    other = client.__class__()
    other.force_login(dadapkuning_operator)
    assert 'id="villages-form"' not in other.get(f"/programmes/{programme.pk}/").content.decode()
    assert other.post(f"/programmes/{programme.pk}/villages/", {"villages": DADAPKUNING}).status_code == 403
