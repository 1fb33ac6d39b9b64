"""What each role sees *of* a worker (fields, not only rows), and that every disclosure is audited.

Issue 9: a masked NIK (3202••••••••0001) hides the district digits and the birth date (day + 40 for
women); a donor given birth date and sex, and a search that confirms a full NIK, could rebuild it.
A donor needs name, village and age band — not birth date, sex, phone or income. Donors see workers
only through live sponsorships, and matching cannot be used to collect personal data for free.
"""

import csv
import datetime as dt
import io
import json

import pytest
from django.test import Client
from django.utils import timezone

from lindung.accounts.access import Access
from lindung.accounts.models import ApiToken
from lindung.audit.models import AuditEntry
from lindung.funding import matching
from lindung.funding.approval import cancel_sponsorship
from lindung.funding.errors import FundingError, TooManyRequests
from lindung.funding.matching import MatchRequest
from lindung.funding.models import Sponsorship, SponsorshipState

from .conftest import DADAPKUNING, JAMBI_VILLAGE, create_worker, make_user
from .funding_support import bulk_workers, villages

BIRTH = dt.date(1985, 3, 12)
# Everything the registry holds about a worker, and the part a donor's work needs.
PERSONAL = {"birth_date", "birth_place", "sex", "phone", "declared_income", "nik_flags"}
DONOR_SEES = {"id", "nik", "name", "age_band", "village_code", "district_code", "regency_code", "province_code",
              "occupation", "segment", "ecosystem", "sector"}

ROLES = {
    "admin": ("national_admin", []),
    "cabang.gresik": ("branch_officer", ["3525"]),
    "pemkab.gresik": ("regional_operator", ["3525"]),
    "desa.dadapkuning": ("village_operator", [DADAPKUNING]),
    "agen.cerme": ("agent", ["352511"]),
    "csr.sinar": ("funder_user", []),
}
FULL = {"admin", "cabang.gresik", "pemkab.gresik", "desa.dadapkuning", "agen.cerme"}


def api(user):
    return Client(HTTP_AUTHORIZATION=f"Bearer {ApiToken.issue(user, 'test')}")


def post_json(client, path, body):
    return client.post(path, json.dumps(body), content_type="application/json")


def expected_band(birth: dt.date) -> str:
    today = timezone.localdate()
    age = today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))
    return f"{age // 10 * 10}–{age // 10 * 10 + 9}"


@pytest.fixture
def siti(db, csr_funder):
    """A woman in Dadapkuning (NIK day 52 = 12 + 40), paid for by the CSR company from January 2027."""
    agent = make_user("agen.cerme", "agent", ["352511"])
    worker = create_worker(DADAPKUNING, serial=1, sex="F", birth=BIRTH, name="Siti Aminah", phone="081234567890",
                           birth_place="Surabaya", registered_by=agent)
    Sponsorship.objects.create(funder=csr_funder, worker=worker, programs="jkk,jkm", funding_source="csr",
                               start_month=dt.date(2027, 1, 1), end_month=dt.date(2027, 6, 1), months=6,
                               monthly_amount=16_800, state=SponsorshipState.APPROVED)
    return worker


@pytest.fixture
def users(db, csr_funder, siti):
    made = {}
    for name, (role, regions) in ROLES.items():
        if name == "agen.cerme":
            from lindung.accounts.models import User

            made[name] = User.objects.get(username=name)
            continue
        made[name] = make_user(name, role, regions, funder=csr_funder if role == "funder_user" else None)
    return made


@pytest.mark.parametrize("username", ROLES)
def test_each_role_sees_only_the_fields_its_work_needs(users, siti, username):
    body = api(users[username]).get(f"/api/v1/workers/{siti.pk}").json()
    if username in FULL:
        assert body["nik"] == "3525115203850001"
        assert body["birth_date"] == "1985-03-12" and body["sex"] == "F"
        assert body["phone"] == "081234567890" and body["declared_income"] == 1_000_000
    else:
        withheld = {k for k, v in body.items() if v is None}
        assert withheld == PERSONAL
        assert {k for k, v in body.items() if v is not None} == DONOR_SEES
        assert body["nik"] == "3525••••••••0001"
        assert body["name"] == "Siti Aminah" and body["village_code"] == DADAPKUNING
    assert body["age_band"] == expected_band(BIRTH)


@pytest.mark.parametrize("username", ROLES)
def test_pages_and_exports_show_the_same_fields_as_the_api(users, siti, username):
    client = Client()
    client.force_login(users[username])
    page = client.get(f"/workers/{siti.pk}/").content.decode()
    export = b"".join(client.get("/workers/export.csv").streaming_content).decode("utf-8-sig")
    # the export's columns: NIK, name, birth date, sex, village code, village, occupation, segment,
    # ecosystem, declared income, age
    header, *rows = list(csv.reader(io.StringIO(export), delimiter=";"))
    assert len(header) == 11 and [r[1] for r in rows] == ["Siti Aminah"]
    row = rows[0]
    shows_personal = username in FULL
    assert ("081234567890" in page) is shows_personal
    assert ("Surabaya" in page) is shows_personal  # place of birth
    assert (row[2] == "1985-03-12") is shows_personal
    assert (row[3] == "Perempuan") is shows_personal
    assert (row[9] == "1000000") is shows_personal
    assert row[0] == ("3525115203850001" if shows_personal else "3525••••••••0001")
    assert row[10] == expected_band(BIRTH)


def test_a_full_nik_search_confirms_nothing_for_roles_that_see_masked_niks(users, siti):
    donor = api(users["csr.sinar"])
    assert donor.get("/api/v1/workers", {"q": "3525115203850001"}).json()["count"] == 0
    assert donor.get("/api/v1/workers", {"q": "35251152"}).json()["count"] == 0
    assert donor.get("/api/v1/workers", {"q": "Siti"}).json()["count"] == 1  # by name, as before
    officer = api(users["cabang.gresik"])
    assert officer.get("/api/v1/workers", {"q": "3525115203850001"}).json()["count"] == 1


# --- donors see workers only through live sponsorships -------------------------------------------------

@pytest.fixture
def pool(db, csr_funder):
    agent = make_user("agen.sukabumi", "agent", ["3202"])
    workers = bulk_workers(villages("3202", 2), 3, registered_by=agent)
    matching.add_to_pool(Access(agent), [w.pk for w in workers])
    return workers


def six(count=3):
    return MatchRequest(count=count, months=6, start_month=dt.date(2027, 1, 1), region="3202")


def test_confirm_then_cancel_leaves_the_donor_nothing_and_is_audited(csr_funder, csr_donor_user, pool):
    donor = Access(csr_donor_user)
    proposal = matching.preview(donor, csr_funder, six())
    ids = [c["worker_id"] for c in proposal["candidates"]]
    batch = matching.confirm(donor, csr_funder, ids, six())
    assert set(donor.workers().values_list("id", flat=True)) == set(ids)
    for s in batch.sponsorships.all():
        cancel_sponsorship(donor, s, reason="berubah pikiran")
    assert not donor.workers().exists()  # cancelled sponsorships give no sight of the workers
    client = api(csr_donor_user)
    assert client.get(f"/api/v1/workers/{ids[0]}").status_code == 404
    confirmations = AuditEntry.objects.filter(actor=csr_donor_user, target_type="matching.confirm")
    assert confirmations.count() == 1
    assert sorted(int(s.target_id) for s in confirmations.get().subjects.all()) == sorted(ids)
    assert AuditEntry.objects.filter(actor=csr_donor_user, target_type="matching.cancel").count() == 3


def test_confirm_and_cancel_are_rate_limited(settings, csr_funder, csr_donor_user, pool):
    settings.LINDUNG_MATCHING_ACTIONS_PER_HOUR = 2
    donor = Access(csr_donor_user)
    first = matching.confirm(donor, csr_funder, [pool[0].pk], six(1))
    cancel_sponsorship(donor, first.sponsorships.get())
    with pytest.raises(TooManyRequests):
        matching.confirm(donor, csr_funder, [pool[1].pk], six(1))
    body = {"funder_id": csr_funder.pk, "count": 1, "months": 6, "start_month": "2027-01-01", "region": "3202",
            "worker_ids": [pool[1].pk]}
    assert post_json(api(csr_donor_user), "/api/v1/funding/matching/confirm", body).status_code == 429


def test_a_matching_request_is_capped(settings, csr_funder, csr_donor_user, pool):
    settings.LINDUNG_MATCHING_MAX_WORKERS = 5
    with pytest.raises(FundingError):
        matching.preview(Access(csr_donor_user), csr_funder, six(100_000))
    body = {"funder_id": csr_funder.pk, "count": 100_000, "months": 6, "start_month": "2027-01-01"}
    assert post_json(api(csr_donor_user), "/api/v1/funding/matching/preview", body).status_code == 422


# --- every disclosure is on the worker's own trail ----------------------------------------------------

def trail_summaries(admin, worker) -> list[str]:
    return [e["summary"] for e in api(admin).get(f"/api/v1/workers/{worker.pk}/audit").json()]


def test_lists_api_pages_and_exports_are_on_the_workers_trail(users, siti):
    officer = users["cabang.gresik"]
    other = create_worker(DADAPKUNING, serial=2, name="Budi Santoso")
    api(officer).get("/api/v1/workers", {"q": "", "region": "3525"})
    client = Client()
    client.force_login(officer)
    client.get("/workers/")
    client.get("/workers/export.csv")
    donor = Client()
    donor.force_login(users["csr.sinar"])
    donor.get("/funding/sponsorships/")
    api(users["csr.sinar"]).get("/api/v1/funding/sponsorships")

    entries = AuditEntry.objects.filter(target_type__startswith="disclosure.")
    api_page = entries.get(actor=officer, summary__startswith="api:/workers")
    assert api_page.subjects.count() == 2  # one entry listing both workers
    export = entries.get(actor=officer, action="export")
    assert sorted(int(s.target_id) for s in export.subjects.all()) == sorted([siti.pk, other.pk])
    trail = trail_summaries(users["admin"], siti)
    assert "api:/workers (2)" in trail and "page:/workers/ (2)" in trail
    assert "export:/workers/export (2)" in trail
    assert "page:/funding/sponsorships/ (1)" in trail and "api:/api/v1/funding/sponsorships (1)" in trail
    # Budi was never on the donor's lists
    assert "page:/funding/sponsorships/ (1)" not in trail_summaries(users["admin"], other)


def test_the_worker_page_shows_the_disclosures_in_its_history(users, siti):
    api(users["csr.sinar"]).get(f"/api/v1/workers/{siti.pk}")
    api(users["cabang.gresik"]).get("/api/v1/workers")
    client = Client()
    client.force_login(users["desa.dadapkuning"])
    history = client.get(f"/workers/{siti.pk}/").content.decode().split('id="audit"')[1]
    assert "csr.sinar" in history and "cabang.gresik" in history and "api:/workers (1)" in history


# --- registering an existing NIK is not an existence oracle --------------------------------------------

def test_registering_a_nik_registered_elsewhere_discloses_nothing_and_is_limited(settings, users):
    settings.LINDUNG_REGISTRATION_REFUSALS_PER_HOUR = 2
    jambi = create_worker(JAMBI_VILLAGE, serial=7, name="Ahmad Jambi")
    operator = api(users["desa.dadapkuning"])
    body = {"nik": jambi.nik, "name": "Tebakan", "birth_date": "1985-03-12", "sex": "M",
            "village_code": DADAPKUNING, "declared_income": 1_000_000}
    refused = post_json(operator, "/api/v1/workers", body)
    assert refused.status_code == 422
    message = refused.json()["errors"]["nik"][0]
    assert "sudah terdaftar" not in message and "kantor cabang" in message
    assert "registration refused" in " ".join(trail_summaries(users["admin"], jambi)) or \
        "pendaftaran ditolak" in " ".join(trail_summaries(users["admin"], jambi))
    post_json(operator, "/api/v1/workers", body)
    assert post_json(operator, "/api/v1/workers", body).status_code == 429
