"""Each role × each door (pages, API, exports): nobody reaches a worker outside their scope."""

import json

import pytest
from django.test import Client

from lindung.accounts.models import ApiToken

from .conftest import DADAPKUNING, JAMBI_VILLAGE, LENGKONG, create_worker, make_user

KANDANGAN = "3525112003"  # Cerme, registered by the agent

ROLES = {
    "admin": ("national_admin", []),
    "cabang.gresik": ("branch_officer", ["3525"]),
    "pemprov.jambi": ("regional_operator", ["15"]),
    "pemkab.gresik": ("regional_operator", ["3525"]),
    "desa.dadapkuning": ("village_operator", [DADAPKUNING]),
    "agen.cerme": ("agent", ["352511"]),
    "csr.sinar": ("funder_user", []),
}

# The expected answers below are written by hand from the roles' descriptions (README, docs/registry.md:
# a national administrator sees everything; a branch officer and a regency operator their regency; a
# province operator the province; a village operator the village; an agent the workers it registered and
# registers only inside its district; a funder user the workers its funder pays — none here — with NIKs
# masked), never computed by the access layer under test.
#
# Four workers: Dadapkuning and Lengkong (Cerme, Gresik), a Jambi village, and Kandangan (Cerme) registered
# by the agent.
#
# role × worker → (detail page, edit page POST, API GET, API PATCH, listed in the CSV export, NIK in full there)
DOORS = ("page", "edit", "api_get", "api_patch", "exported", "full_nik")
SEEN_EDITOR = (200, 302, 200, 200, True, True)      # in scope, may edit, sees the full NIK
OUT_OF_SCOPE = (404, 404, 404, 404, False, False)
MATRIX = {
    ("admin", "dadap"): SEEN_EDITOR,
    ("admin", "lengkong"): SEEN_EDITOR,
    ("admin", "jambi"): SEEN_EDITOR,
    ("admin", "agent"): SEEN_EDITOR,
    ("cabang.gresik", "dadap"): SEEN_EDITOR,
    ("cabang.gresik", "lengkong"): SEEN_EDITOR,
    ("cabang.gresik", "jambi"): OUT_OF_SCOPE,
    ("cabang.gresik", "agent"): SEEN_EDITOR,
    ("pemprov.jambi", "dadap"): OUT_OF_SCOPE,
    ("pemprov.jambi", "lengkong"): OUT_OF_SCOPE,
    ("pemprov.jambi", "jambi"): SEEN_EDITOR,
    ("pemprov.jambi", "agent"): OUT_OF_SCOPE,
    ("pemkab.gresik", "dadap"): SEEN_EDITOR,
    ("pemkab.gresik", "lengkong"): SEEN_EDITOR,
    ("pemkab.gresik", "jambi"): OUT_OF_SCOPE,
    ("pemkab.gresik", "agent"): SEEN_EDITOR,
    ("desa.dadapkuning", "dadap"): SEEN_EDITOR,
    ("desa.dadapkuning", "lengkong"): OUT_OF_SCOPE,
    ("desa.dadapkuning", "jambi"): OUT_OF_SCOPE,
    ("desa.dadapkuning", "agent"): OUT_OF_SCOPE,
    ("agen.cerme", "dadap"): OUT_OF_SCOPE,        # same district, but not registered by this agent
    ("agen.cerme", "lengkong"): OUT_OF_SCOPE,
    ("agen.cerme", "jambi"): OUT_OF_SCOPE,
    ("agen.cerme", "agent"): SEEN_EDITOR,
    ("csr.sinar", "dadap"): OUT_OF_SCOPE,         # its funder pays for none of them
    ("csr.sinar", "lengkong"): OUT_OF_SCOPE,
    ("csr.sinar", "jambi"): OUT_OF_SCOPE,
    ("csr.sinar", "agent"): OUT_OF_SCOPE,
}

# role × village → status of registering a new worker there through the API (201 registered, 422 refused
# as outside the user's regions, 403 the role registers no one).
REGISTER = {
    ("admin", DADAPKUNING): 201, ("admin", JAMBI_VILLAGE): 201,
    ("cabang.gresik", DADAPKUNING): 201, ("cabang.gresik", JAMBI_VILLAGE): 422,
    ("pemprov.jambi", DADAPKUNING): 422, ("pemprov.jambi", JAMBI_VILLAGE): 201,
    ("pemkab.gresik", DADAPKUNING): 201, ("pemkab.gresik", JAMBI_VILLAGE): 422,
    ("desa.dadapkuning", DADAPKUNING): 201, ("desa.dadapkuning", JAMBI_VILLAGE): 422,
    ("agen.cerme", DADAPKUNING): 201, ("agen.cerme", JAMBI_VILLAGE): 422,
    ("csr.sinar", DADAPKUNING): 403, ("csr.sinar", JAMBI_VILLAGE): 403,
}
VISIBLE = {role: {w for (r, w), doors in MATRIX.items() if r == role and doors[0] == 200} for role in ROLES}


@pytest.fixture
def world(db, csr_funder):
    users = {}
    for name, (role, regions) in ROLES.items():
        users[name] = make_user(name, role, regions, funder=csr_funder if role == "funder_user" else None)
    workers = {
        "dadap": create_worker(DADAPKUNING, serial=1, name="Siti Dadap"),
        "lengkong": create_worker(LENGKONG, serial=2, name="Budi Lengkong"),
        "jambi": create_worker(JAMBI_VILLAGE, serial=3, name="Ahmad Jambi"),
        "agent": create_worker(KANDANGAN, serial=4, name="Joko Agen", registered_by=users["agen.cerme"]),
    }
    return users, workers


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def edit_form(worker, **changes) -> dict:
    """A complete, valid edit form for ``worker`` (so a refusal can only come from the access check)."""
    data = {f: getattr(worker, f) for f in ("nik", "name", "birth_place", "sex", "phone", "occupation", "segment",
                                            "ecosystem", "sector", "declared_income")}
    data.update(birth_date=worker.birth_date.isoformat(), village_code=worker.village_id, **changes)
    return {k: "" if v is None else v for k, v in data.items()}


@pytest.mark.parametrize("username,key", sorted(MATRIX))
def test_role_door_matrix(world, username, key):
    users, workers = world
    worker = workers[key]
    page, edit, api_get, api_patch, exported, full_nik = MATRIX[username, key]
    client = client_for(users[username])
    assert client.get(f"/workers/{worker.pk}/").status_code == page
    assert (worker.name in client.get("/workers/").content.decode()) is (page == 200)

    response = client.post(f"/workers/{worker.pk}/edit/", edit_form(worker, name="Nama Diubah"))
    assert response.status_code == edit
    worker.refresh_from_db()
    assert (worker.name == "Nama Diubah") is (edit == 302)

    token = ApiToken.issue(users[username], "test")
    api = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    listed = {r["id"] for r in api.get("/api/v1/workers?page_size=500").json()["results"]}
    assert (worker.pk in listed) is (api_get == 200)
    assert api.get(f"/api/v1/workers/{worker.pk}").status_code == api_get
    patch = api.patch(f"/api/v1/workers/{worker.pk}", data=json.dumps({"occupation": "Nelayan"}),
                      content_type="application/json")
    assert patch.status_code == api_patch, patch.content
    worker.refresh_from_db()
    assert (worker.occupation == "Nelayan") is (api_patch == 200)

    body = b"".join(client.get("/workers/export.csv").streaming_content).decode()
    assert (worker.name in body) is exported
    assert (worker.nik in body) is full_nik
    if exported and not full_nik:
        assert worker.masked_nik in body


@pytest.mark.parametrize("username,village", sorted(REGISTER))
def test_register_only_inside_own_regions(world, username, village):
    users, _ = world
    client = client_for(users[username])
    serial = 11 if village == DADAPKUNING else 12
    payload = {"nik": f"{village[:6]}120385{serial:04d}", "name": "Baru", "birth_date": "1985-03-12",
               "sex": "M", "village_code": village, "declared_income": 1_000_000}
    response = client.post("/api/v1/workers", data=json.dumps(payload), content_type="application/json")
    assert response.status_code == REGISTER[username, village], response.content


def test_village_operator_cannot_reach_another_village_by_any_door(world):
    users, workers = world
    client = client_for(users["desa.dadapkuning"])
    other = workers["lengkong"]
    assert client.get(f"/workers/{other.pk}/").status_code == 404
    assert client.get(f"/workers/{other.pk}/edit/").status_code == 404
    assert client.get(f"/api/v1/workers/{other.pk}").status_code == 404
    assert client.get(f"/api/v1/workers/{other.pk}/audit").status_code == 404
    assert client.get(f"/workers/?q={other.nik}").content.decode().count(other.name) == 0
    assert client.get(f"/regions/{LENGKONG}/").status_code == 404
    assert client.get("/regions/1501/").status_code == 404
    # Moving one's own worker into another village is refused too.
    own = workers["dadap"]
    response = client.patch(f"/api/v1/workers/{own.pk}", data=json.dumps({"village_code": LENGKONG}),
                            content_type="application/json")
    assert response.status_code == 422
    own.refresh_from_db()
    assert own.village_id == DADAPKUNING
    assert client.get("/admin/").status_code == 302  # no back office


def test_anonymous_reaches_nothing(world):
    _, workers = world
    client = Client()
    for url in ("/", "/workers/", f"/workers/{workers['dadap'].pk}/", "/workers/export.csv", "/regions/"):
        assert client.get(url).status_code == 302
    assert client.get("/api/v1/workers").status_code == 401
    assert client.get(f"/api/v1/workers/{workers['dadap'].pk}").status_code == 401


@pytest.mark.parametrize("username", ROLES)
def test_region_counts_only_count_visible_workers(world, username):
    users, _ = world
    client = client_for(users[username])
    response = client.get("/regions/352511/")
    if response.status_code == 404:
        assert username in ("pemprov.jambi",)
        return
    expected = len(VISIBLE[username] & {"dadap", "lengkong", "agent"})
    assert f'id="region-total">{expected}<' in response.content.decode()
