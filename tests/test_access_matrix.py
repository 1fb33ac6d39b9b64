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

# Which of the four workers each role may see.
VISIBLE = {
    "admin": {"dadap", "lengkong", "jambi", "agent"},
    "cabang.gresik": {"dadap", "lengkong", "agent"},
    "pemprov.jambi": {"jambi"},
    "pemkab.gresik": {"dadap", "lengkong", "agent"},
    "desa.dadapkuning": {"dadap"},
    "agen.cerme": {"agent"},
    "csr.sinar": set(),
}
EDITORS = {"admin", "cabang.gresik", "pemprov.jambi", "pemkab.gresik", "desa.dadapkuning", "agen.cerme"}
FULL_NIK = EDITORS


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


@pytest.mark.parametrize("username", ROLES)
def test_worker_pages_respect_scope(world, username):
    users, workers = world
    client = client_for(users[username])
    listing = client.get("/workers/").content.decode()
    for key, worker in workers.items():
        allowed = key in VISIBLE[username]
        assert (worker.name in listing) is allowed, (username, key)
        assert client.get(f"/workers/{worker.pk}/").status_code == (200 if allowed else 404)
        edit = client.post(f"/workers/{worker.pk}/edit/", {"name": "Diubah"})
        assert edit.status_code in ((200, 302) if allowed and username in EDITORS else (403, 404)), (username, key)
        worker.refresh_from_db()
        assert worker.name != "Diubah"  # an incomplete form never saves


@pytest.mark.parametrize("username", ROLES)
def test_api_respects_scope(world, username):
    users, workers = world
    token = ApiToken.issue(users[username], "test")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    listed = {r["id"] for r in client.get("/api/v1/workers?page_size=500").json()["results"]}
    for key, worker in workers.items():
        allowed = key in VISIBLE[username]
        assert (worker.pk in listed) is allowed, (username, key)
        assert client.get(f"/api/v1/workers/{worker.pk}").status_code == (200 if allowed else 404)
        patch = client.patch(f"/api/v1/workers/{worker.pk}", data=json.dumps({"occupation": "Nelayan"}),
                             content_type="application/json")
        expected = 200 if allowed and username in EDITORS else (403 if allowed else 404)
        assert patch.status_code == expected, (username, key, patch.content)
        worker.refresh_from_db()
        assert (worker.occupation == "Nelayan") is (expected == 200)
        Worker = type(worker)
        Worker.objects.filter(pk=worker.pk).update(occupation="Petani")


@pytest.mark.parametrize("username", ROLES)
def test_export_respects_scope_and_masks_nik(world, username):
    users, workers = world
    body = b"".join(client_for(users[username]).get("/workers/export.csv").streaming_content).decode()
    for key, worker in workers.items():
        allowed = key in VISIBLE[username]
        assert (worker.name in body) is allowed, (username, key)
        if allowed:
            assert (worker.nik in body) is (username in FULL_NIK)
            assert worker.masked_nik in body or worker.nik in body


@pytest.mark.parametrize("username", ROLES)
def test_register_only_inside_own_regions(world, username):
    users, _ = world
    client = client_for(users[username])
    for village, serial in ((DADAPKUNING, 11), (JAMBI_VILLAGE, 12)):
        payload = {"nik": f"{village[:6]}120385{serial:04d}", "name": "Baru", "birth_date": "1985-03-12",
                   "sex": "M", "village_code": village, "declared_income": 1_000_000}
        response = client.post("/api/v1/workers", data=json.dumps(payload), content_type="application/json")
        user = users[username]
        from lindung.accounts.access import Access

        access = Access(user)
        allowed = access.can("worker.create") and access.can_register_in(village)
        assert response.status_code == (201 if allowed else (422 if access.can("worker.create") else 403)), \
            (username, village, response.content)


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
