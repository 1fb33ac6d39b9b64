"""Who sees and does what with claims: every role × every door (pages, API, documents, CLI scope)."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied

from lindung.accounts.access import Access
from lindung.audit.models import AuditEntry
from lindung.claims import workflow
from lindung.claims.documents import upload_document
from lindung.claims.events import confirm_event, report_event
from lindung.claims.heirs import add_family_member
from lindung.claims.scope import visible_claims, visible_events

from .billing_support import funder, month
from .claims_support import PDF, SUKABUMI_VILLAGE, pay_on_time, pdf
from .conftest import create_worker, make_user

pytestmark = pytest.mark.django_db

JKM_DOCUMENTS = ["death_certificate", "family_card", "heir_ktp", "heir_statement", "savings_book"]


@pytest.fixture
def world(db, settings, tmp_path):
    settings.CLAIMS_DOCUMENT_DIR = tmp_path
    donor = funder("company", "PT Peduli Sukabumi (CSR)", "3202")
    other_donor = funder("company", "PT Lain", "3202")
    regency = funder("regency", "Pemkab Sukabumi", "3202")
    funded = create_worker(SUKABUMI_VILLAGE, serial=71, name="Dibiayai Donor")
    public = create_worker(SUKABUMI_VILLAGE, serial=72, name="Dibiayai Pemkab")
    pay_on_time(donor, [funded], start=month("2025-01"), months=3)
    pay_on_time(regency, [public], start=month("2025-01"), months=3)
    users = {
        "admin": make_user("admin", "national_admin"),
        "desa": make_user("desa.plr", "village_operator", [SUKABUMI_VILLAGE]),
        "desa_lain": make_user("desa.lain", "village_operator", ["3202012002"]),
        "cabang": make_user("cabang.smi", "branch_officer", ["3202"]),
        "cabang2": make_user("cabang.smi2", "branch_officer", ["3202"]),
        "cabang_gresik": make_user("cabang.gresik", "branch_officer", ["3525"]),
        "pemkab": make_user("pemkab.smi", "regional_operator", ["3202"]),
        "pemprov": make_user("pemprov.jabar", "regional_operator", ["32"]),
        "pemprov_jambi": make_user("pemprov.jambi", "regional_operator", ["15"]),
        "donor": make_user("csr.peduli", "funder_user", funder=donor),
        "donor_lain": make_user("csr.lain", "funder_user", funder=other_donor),
        "agent": make_user("agen.smi", "agent", ["3202"]),
    }
    desa, cabang, cabang2 = Access(users["desa"]), Access(users["cabang"]), Access(users["cabang2"])
    claims = {}
    for worker in (funded, public):
        event = report_event(desa, worker, kind="death", date=dt.date(2025, 3, 10), today=dt.date(2025, 3, 12))
        confirm_event(cabang, event)
        wife = add_family_member(desa, worker, name=f"Istri {worker.name}", relationship="spouse",
                                 birth_date=dt.date(1980, 1, 1))
        claim = workflow.open_claim(desa, event, "jkm", heir=wife, payee=wife, bank_account="123",
                                    today=dt.date(2025, 3, 12))
        for kind in JKM_DOCUMENTS:
            upload_document(desa, claim, kind=kind, upload=pdf())
        claims[worker.name] = claim
    paid = claims["Dibiayai Donor"]
    workflow.verify(cabang, paid)
    workflow.submit(cabang2, paid)
    workflow.record_paid(cabang2, paid, amount=42_000_000, paid_on=dt.date(2025, 3, 20), reference="JKM-1")
    return {"users": users, "paid": paid, "open": claims["Dibiayai Pemkab"], "funded": funded}


def sees(world, user) -> set[str]:
    return {c.worker.name for c in visible_claims(Access(world["users"][user]))}


def test_each_role_sees_the_claims_of_its_scope(world):
    both = {"Dibiayai Donor", "Dibiayai Pemkab"}
    for user in ("admin", "desa", "cabang", "pemkab", "pemprov"):
        assert sees(world, user) == both, user
    for user in ("desa_lain", "cabang_gresik", "pemprov_jambi", "agent", "donor_lain"):
        assert sees(world, user) == set(), user
    assert sees(world, "donor") == {"Dibiayai Donor"}   # only the paid outcome of the worker it funded
    assert visible_events(Access(world["users"]["donor"])).count() == 0


def test_only_branch_officers_and_administrators_move_claims(world):
    claim = world["open"]
    for user in ("desa", "pemkab", "donor", "agent"):
        with pytest.raises(PermissionDenied):
            workflow.verify(Access(world["users"][user]), claim)
    with pytest.raises(PermissionDenied):   # in role but not in scope
        workflow.verify(Access(world["users"]["cabang_gresik"]), claim)
    workflow.verify(Access(world["users"]["cabang"]), claim)


@pytest.mark.parametrize("user,status", [
    ("desa", 200), ("cabang", 200), ("admin", 200),
    ("pemkab", 403), ("pemprov", 403), ("donor", 403), ("agent", 403), ("desa_lain", 403), ("cabang_gresik", 403),
])
def test_documents_are_served_only_with_permission_and_every_view_is_audited(client, world, user, status):
    document = world["open"].documents.first()
    client.force_login(world["users"][user])
    response = client.get(f"/claims/documents/{document.pk}/")
    assert response.status_code == status
    views = AuditEntry.objects.filter(action="view", target_type="claims.claimdocument", target_id=str(document.pk))
    if status == 200:
        assert response.content == PDF and response["Content-Type"] == "application/pdf"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert views.filter(actor=world["users"][user]).count() == 1
    else:
        assert not views.exists()


def test_documents_need_a_login(client, world):
    document = world["open"].documents.first()
    assert client.get(f"/claims/documents/{document.pk}/").status_code == 302


@pytest.mark.parametrize("user,status", [("desa", 200), ("pemkab", 200), ("donor", 200), ("agent", 403)])
def test_claims_page_by_role(client, world, user, status):
    client.force_login(world["users"][user])
    response = client.get("/claims/")
    assert response.status_code == status
    if user == "donor":
        text = response.content.decode()
        assert "Dibiayai Donor" in text and "Dibiayai Pemkab" not in text
        assert world["funded"].nik not in text and world["funded"].masked_nik in text


def test_the_api_masks_niks_for_a_funder_and_scopes_the_list(client, world):
    client.force_login(world["users"]["donor"])
    rows = client.get("/api/v1/claims/").json()
    assert [r["worker"]["name"] for r in rows] == ["Dibiayai Donor"]
    assert rows[0]["worker"]["nik"] == world["funded"].masked_nik
    assert client.get(f"/api/v1/claims/{world['open'].pk}").status_code == 404
    detail = client.get(f"/api/v1/claims/{world['paid'].pk}").json()
    assert detail["documents"] == []
    stats = client.get("/api/v1/claims/statistics").json()
    assert (stats["families"], stats["amount"]) == (1, 42_000_000)
    client.force_login(world["users"]["pemprov_jambi"])
    assert client.get("/api/v1/claims/").json() == []
    assert client.get("/api/v1/claims/statistics").json()["amount"] == 0


def test_a_village_operator_cannot_confirm_or_upload_outside_the_village(client, world):
    client.force_login(world["users"]["desa_lain"])
    assert client.get(f"/claims/{world['open'].pk}/").status_code == 404
    with pytest.raises(PermissionDenied):
        upload_document(Access(world["users"]["desa_lain"]), world["open"], kind="family_card", upload=pdf())
    event = world["open"].event
    client.force_login(world["users"]["desa"])
    client.post(f"/claims/events/{event.pk}/reject/", {"note": "salah orang"})
    event.refresh_from_db()
    assert event.state == "confirmed"


@pytest.mark.parametrize("door", ["/claims/", "claim page", "event page", "/api/v1/claims/", "api claim"])
def test_every_claims_door_that_shows_a_worker_leaves_a_disclosure_on_his_trail(client, world, door):
    from lindung.audit.services import trail

    claim, worker, user = world["open"], world["open"].worker, world["users"]["cabang"]
    path = {"/claims/": "/claims/", "claim page": f"/claims/{claim.pk}/", "event page": f"/claims/events/{claim.event_id}/",
            "/api/v1/claims/": "/api/v1/claims/", "api claim": f"/api/v1/claims/{claim.pk}"}[door]
    client.force_login(user)
    before = trail(worker).filter(actor=user, target_type__startswith="disclosure.").count()
    assert client.get(path).status_code == 200
    assert trail(worker).filter(actor=user, target_type__startswith="disclosure.").count() == before + 1
