"""Every role's auto-debit pages, files and API endpoints respect its scope (the access layer).

Mandates follow the worker's scope; account numbers are in full only on the mandate page and only for the
roles that register mandates (audited); bank files are exchanged by the branch; funder users see nothing.
"""

import pytest

from lindung.accounts.access import Access
from lindung.audit.models import AuditEntry
from lindung.billing.runs import bill

from .autodebit_support import returned, self_payer_with_mandate
from .billing_support import month
from .conftest import DADAPKUNING, JAMBI_VILLAGE, LENGKONG, create_worker

pytestmark = pytest.mark.django_db
APRIL = month("2026-04")


@pytest.fixture
def world(db, cerme_agent):
    dadap = create_worker(DADAPKUNING, serial=1, name="Siti Dadap", registered_by=cerme_agent)
    lengkong = create_worker(LENGKONG, serial=2, name="Budi Lengkong")
    jambi = create_worker(JAMBI_VILLAGE, serial=3, name="Rahmat Jambi")
    mandates = {
        "dadap": self_payer_with_mandate(dadap, start=APRIL, account="1111222233", agent=cerme_agent),
        "lengkong": self_payer_with_mandate(lengkong, start=APRIL, account="4444555566", registered_via="village"),
        "jambi": self_payer_with_mandate(jambi, start=APRIL, account="7777888899", registered_via="branch"),
    }
    bill(Access.console(), APRIL)
    return mandates


VISIBLE = {  # role fixture → mandates it sees
    "national_admin": {"dadap", "lengkong", "jambi"},
    "gresik_branch_officer": {"dadap", "lengkong"},
    "gresik_regency_operator": {"dadap", "lengkong"},
    "jambi_province_operator": {"jambi"},
    "dadapkuning_operator": {"dadap"},
    "cerme_agent": {"dadap"},
    "csr_donor_user": set(),
}
FULL_ACCOUNT = {"national_admin", "gresik_branch_officer", "dadapkuning_operator", "cerme_agent"}
BANK_FILES = {"national_admin", "gresik_branch_officer"}


@pytest.mark.parametrize("role", sorted(VISIBLE))
def test_mandate_pages_and_api_show_only_the_mandates_in_scope(role, world, client, request):
    user = request.getfixturevalue(role)
    client.force_login(user)
    listed = client.get("/api/v1/autodebit/mandates")
    page = client.get("/autodebit/")
    if not VISIBLE[role]:
        assert listed.status_code == 403 and page.status_code == 403
    else:
        assert {m["worker"] for m in listed.json()} == {world[n].worker.name for n in VISIBLE[role]}
        text = page.content.decode()
        for name, mandate in world.items():
            assert (mandate.worker.name in text) == (name in VISIBLE[role]), (role, name)
            assert mandate.account_number not in text  # masked in every list
        assert all(m["account_number"].startswith("••••") for m in listed.json())
    for name, mandate in world.items():
        expected = 200 if name in VISIBLE[role] else (403 if not VISIBLE[role] else 404)
        assert client.get(f"/autodebit/mandates/{mandate.pk}/").status_code == expected, (role, name)
        assert client.get(f"/api/v1/autodebit/mandates/{mandate.pk}").status_code == expected, (role, name)


@pytest.mark.parametrize("role", sorted(r for r, seen in VISIBLE.items() if seen))
def test_the_full_account_number_only_on_the_mandate_page_for_roles_that_need_it_and_audited(role, world, client,
                                                                                             request):
    user = request.getfixturevalue(role)
    client.force_login(user)
    mandate = world[sorted(VISIBLE[role])[0]]
    page = client.get(f"/autodebit/mandates/{mandate.pk}/").content.decode()
    api = client.get(f"/api/v1/autodebit/mandates/{mandate.pk}").json()
    full = role in FULL_ACCOUNT
    assert (mandate.account_number in page) == full
    assert (api["account_number"] == mandate.account_number) == full
    assert api["account_number"].endswith(mandate.account_number[-4:])
    views = AuditEntry.objects.filter(action="view", target_type="autodebit.mandate", target_id=str(mandate.pk),
                                      actor=user).count()
    assert views == (2 if full else 0)


@pytest.mark.parametrize("role", sorted(VISIBLE))
def test_only_the_branch_exchanges_bank_files_and_its_file_holds_its_own_mandates(role, world, client, request):
    user = request.getfixturevalue(role)
    client.force_login(user)
    response = client.get("/api/v1/autodebit/export", {"month": "2026-04", "bank": "GENERIC"})
    page = client.get("/autodebit/export/", {"month": "2026-04", "bank": "GENERIC", "download": "1"})
    if role not in BANK_FILES:
        assert response.status_code == 403 and page.status_code == 403
        assert client.post("/api/v1/autodebit/returns", {"file": _upload("x")}).status_code == 403
        return
    text = response.content.decode()
    assert page.content.decode() == text
    for name, mandate in world.items():
        assert (mandate.account_number in text) == (name in VISIBLE[role]), (role, name)
    assert AuditEntry.objects.filter(action="export", target_type="autodebit.banklayout", actor=user).count() == 2


def test_a_return_line_outside_the_importers_scope_is_refused(world, client, gresik_branch_officer, national_admin):
    client.force_login(national_admin)
    everything = client.get("/api/v1/autodebit/export", {"month": "2026-04", "bank": "GENERIC"}).content.decode()
    client.force_login(gresik_branch_officer)
    answer = client.post("/api/v1/autodebit/returns", {"file": _upload(returned(everything, "00", "2026-04-20"))})
    assert answer.status_code == 422
    assert f"AD{world['jambi'].pk:010d}202604" in answer.json()["detail"]


@pytest.mark.parametrize("role", sorted(VISIBLE))
def test_failed_debits_are_listed_for_the_agent_and_village_in_scope(role, world, client, request, national_admin):
    from lindung.accounts.access import Access
    from lindung.autodebit.services import bank_for, export_debit_file, import_return_file

    admin = Access(national_admin)
    text, _run = export_debit_file(admin, APRIL, bank_for("GENERIC"))
    import_return_file(admin, bank_for("GENERIC"), "r.csv", returned(text, "51", "2026-04-20").encode())
    client.force_login(request.getfixturevalue(role))
    response = client.get("/api/v1/autodebit/failures")
    if not VISIBLE[role]:
        assert response.status_code == 403 and client.get("/autodebit/failures/").status_code == 403
        return
    assert {f["worker"] for f in response.json()} == {world[n].worker.name for n in VISIBLE[role]}
    page = client.get("/autodebit/failures/").content.decode()
    for name, mandate in world.items():
        assert (mandate.worker.name in page) == (name in VISIBLE[role])


def test_registering_a_mandate_is_limited_to_workers_in_scope(world, client, cerme_agent, jambi_province_operator):
    lengkong = world["lengkong"].worker
    client.force_login(cerme_agent)
    payload = {"worker_id": lengkong.pk, "bank": "GENERIC", "account_holder": "Budi", "account_number": "99998888",
               "debit_day": 10, "start_month": "2026-05"}
    assert client.post("/api/v1/autodebit/mandates", payload, content_type="application/json").status_code == 404
    client.force_login(jambi_province_operator)
    assert client.post("/api/v1/autodebit/mandates", payload, content_type="application/json").status_code == 403


def _upload(text: str):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("return.csv", text.encode(), content_type="text/csv")


# --- agents (lindung.agents) -----------------------------------------------------------------------

AGENTS_SEEN = {  # role fixture → agents it follows
    "national_admin": {"agen.cerme", "agen.jambi"},
    "gresik_branch_officer": {"agen.cerme"},
    "gresik_regency_operator": {"agen.cerme"},
    "jambi_province_operator": {"agen.jambi"},
    "dadapkuning_operator": {"agen.cerme"},
    "cerme_agent": {"agen.cerme"},
    "csr_donor_user": set(),
}


@pytest.fixture
def jambi_agent(db):
    from .conftest import make_user

    return make_user("agen.jambi", "agent", ["1501"])


@pytest.mark.parametrize("role", sorted(AGENTS_SEEN))
def test_agent_pages_and_api_show_only_the_agents_in_scope(role, world, jambi_agent, client, request):
    from lindung.accounts.models import User

    client.force_login(request.getfixturevalue(role))
    seen = AGENTS_SEEN[role]
    activity = client.get("/api/v1/agents/activity")
    page = client.get("/agents/")
    statement = client.get("/api/v1/agents/commissions", {"month": "2026-04"})
    if not seen:
        assert {activity.status_code, page.status_code, statement.status_code} == {403}
    else:
        assert {a["agent"] for a in activity.json()} == seen
        assert {r["agent"] for r in client.get("/api/v1/agents/acquisition").json()} <= seen
        for name in ("agen.cerme", "agen.jambi"):
            assert (name in page.content.decode()) == (name in seen)
    for name in ("agen.cerme", "agen.jambi"):
        agent = User.objects.get(username=name)
        expected = 200 if name in seen else (403 if not seen else 404)
        assert client.get(f"/agents/{agent.pk}/workers/").status_code == expected, (role, name)
        assert client.get(f"/api/v1/agents/{agent.pk}/workers").status_code == expected, (role, name)


@pytest.mark.parametrize("role", sorted(AGENTS_SEEN))
def test_only_the_branch_and_the_national_administrator_reassign_workers(role, world, jambi_agent, client, request):
    from lindung.accounts.models import User
    from lindung.people.models import Worker

    from .conftest import make_user

    other = make_user("agen.cerme.baru", "agent", ["352511"])
    cerme = User.objects.get(username="agen.cerme")
    client.force_login(request.getfixturevalue(role))
    response = client.post(f"/api/v1/agents/{cerme.pk}/reassign", {"to_agent_id": other.pk},
                           content_type="application/json")
    allowed = role in {"national_admin", "gresik_branch_officer"}
    assert response.status_code == (200 if allowed else 403), role
    assert Worker.objects.filter(registered_by=other).exists() == allowed


# --- programmes (lindung.programmes) -------------------------------------------------------------------

PROGRAMMES_SEEN = {  # role fixture → programmes it sees (the CSR company is based in Gresik)
    "national_admin": {"gresik", "jambi", "csr"},
    "gresik_branch_officer": {"gresik", "csr"},
    "gresik_regency_operator": {"gresik", "csr"},
    "jambi_province_operator": {"jambi"},
    "dadapkuning_operator": {"gresik", "csr"},
    "cerme_agent": {"gresik", "csr"},
    "csr_donor_user": {"csr"},
}
PROGRAMME_MANAGERS = {"national_admin", "gresik_regency_operator"}  # act for the Gresik regency


@pytest.fixture
def programmes(db, national_admin, csr_funder):
    from lindung.accounts.access import Access
    from lindung.programmes.services import create_programme

    from .billing_support import funder

    admin = Access(national_admin)
    out = {}
    for key, payer in (("gresik", funder("regency", "Pemerintah Kabupaten Gresik", "3525")),
                       ("jambi", funder("province", "Pemerintah Provinsi Jambi", "15")), ("csr", csr_funder)):
        out[key] = create_programme(admin, payer, name=f"Programme {key}", legal_basis="", start_month=APRIL,
                                    end_month=month("2026-12"), target_workers=100)
    return out


@pytest.mark.parametrize("role", sorted(PROGRAMMES_SEEN))
def test_programme_pages_and_api_show_only_the_programmes_in_scope(role, programmes, client, request):
    client.force_login(request.getfixturevalue(role))
    seen = PROGRAMMES_SEEN[role]
    assert {p["name"] for p in client.get("/api/v1/programmes").json()} == {f"Programme {k}" for k in seen}
    page = client.get("/programmes/").content.decode()
    for key, programme in programmes.items():
        assert (programme.name in page) == (key in seen), (role, key)
        expected = 200 if key in seen else 404
        assert client.get(f"/programmes/{programme.pk}/").status_code == expected, (role, key)
        assert client.get(f"/api/v1/programmes/{programme.pk}/progress").status_code == expected, (role, key)


@pytest.mark.parametrize("role", sorted(PROGRAMMES_SEEN))
def test_only_those_acting_for_the_funder_change_a_programme(role, programmes, client, request):
    client.force_login(request.getfixturevalue(role))
    gresik = programmes["gresik"]
    response = client.put(f"/api/v1/programmes/{gresik.pk}/villages", {"targets": {"3525112001": 120}},
                          content_type="application/json")
    if role in PROGRAMME_MANAGERS:
        assert response.status_code == 200
    else:
        assert response.status_code in (403, 404), role
        assert not gresik.villages.exists()


# --- reminders (lindung.reminders) ---------------------------------------------------------------------

@pytest.mark.parametrize("role", sorted(VISIBLE))
def test_reminders_list_only_the_workers_in_scope(role, world, client, request):
    # The three self-payers' April invoices are unpaid after the due date on 1 May 2026.
    client.force_login(request.getfixturevalue(role))
    response = client.get("/api/v1/reminders", {"date": "2026-05-01"})
    page = client.get("/reminders/", {"date": "2026-05-01"})
    if role == "csr_donor_user":
        assert response.status_code == 403 and page.status_code == 403
        return
    assert {r["worker"] for r in response.json() if r["kind"] == "overdue"} == {
        world[n].worker.name for n in VISIBLE[role]}
    for name, mandate in world.items():
        assert (mandate.worker.name in page.content.decode()) == (name in VISIBLE[role]), (role, name)


@pytest.mark.parametrize("role", sorted(PROGRAMMES_SEEN))
def test_only_those_acting_for_the_funder_create_a_programme_and_attach_or_detach_lists(role, programmes, client,
                                                                                      request):
    from lindung.programmes.models import Programme

    from .test_programmes import listed

    gresik = programmes["gresik"]
    own_list = listed(gresik.funder, [create_worker(DADAPKUNING, serial=1)], start=APRIL)
    client.force_login(request.getfixturevalue(role))
    manager = role in PROGRAMME_MANAGERS
    before = Programme.objects.count()
    client.post("/programmes/", {"funder": gresik.funder_id, "name": "Baru", "start_month": "2026-05",
                                 "end_month": "2026-12", "target_workers": "10"})
    assert Programme.objects.count() == before + (1 if manager else 0), role

    attached = client.post(f"/programmes/{gresik.pk}/lists/", {"list_id": own_list.pk})
    assert attached.status_code in ((302,) if manager else (302, 403, 404)), role
    assert gresik.lists.filter(pk=own_list.pk).exists() == manager, role

    gresik.lists.add(own_list)
    detached = client.post(f"/programmes/{gresik.pk}/lists/{own_list.pk}/detach/")
    assert detached.status_code == (302 if manager else (403 if "gresik" in PROGRAMMES_SEEN[role] else 404)), role
    assert gresik.lists.filter(pk=own_list.pk).exists() != manager, role
    gresik.lists.add(own_list)
    api = client.delete(f"/api/v1/programmes/{gresik.pk}/lists/{own_list.pk}")
    assert api.status_code == (200 if manager else (403 if "gresik" in PROGRAMMES_SEEN[role] else 404)), role
    villages = client.post(f"/programmes/{gresik.pk}/villages/", {"villages": "3525112001=120"})
    assert villages.status_code == (302 if manager else (403 if "gresik" in PROGRAMMES_SEEN[role] else 404)), role
    assert gresik.villages.exists() == manager, role
