"""Each role × the funding doors (pages, API, CSV export, pool, lists): nobody sees sponsorships, lists,
funders or pool entries outside their scope, and funder users see only their own funder, NIKs masked."""

import datetime as dt
import json

import pytest
from django.test import Client
from django.urls import reverse

from lindung.accounts.access import Access
from lindung.accounts.models import ApiToken
from lindung.funding import matching
from lindung.funding.approval import approve_locked
from lindung.funding.budget import set_budget
from lindung.funding.funders import self_funder_for
from lindung.funding.lifecycle import ending_soon
from lindung.funding.models import Funder, FunderKind, WaitingEntry
from lindung.funding.sponsorships import create_batch

from .conftest import DADAPKUNING, JAMBI_VILLAGE, LENGKONG, create_worker, make_user

SUKABUMI_VILLAGE = "3202012002"
KANDANGAN = "3525112003"

ROLES = {
    "admin": ("national_admin", []),
    "cabang.gresik": ("branch_officer", ["3525"]),
    "pemprov.jambi": ("regional_operator", ["15"]),
    "pemkab.gresik": ("regional_operator", ["3525"]),
    "desa.dadapkuning": ("village_operator", [DADAPKUNING]),
    "agen.cerme": ("agent", ["352511"]),
    "csr.sinar": ("funder_user", []),
}

# Sponsorships (by key) each role may see: their workers' — and for the company only its own.
VISIBLE = {
    "admin": {"jambi", "dadap_village", "lengkong_regency", "agent_self", "csr_sukabumi", "other_on_csr_worker"},
    "cabang.gresik": {"dadap_village", "lengkong_regency", "agent_self"},
    "pemprov.jambi": {"jambi"},
    "pemkab.gresik": {"dadap_village", "lengkong_regency", "agent_self"},
    "desa.dadapkuning": {"dadap_village"},
    "agen.cerme": {"agent_self"},
    "csr.sinar": {"csr_sukabumi"},
}
FULL_NIK = {"admin", "cabang.gresik", "pemprov.jambi", "pemkab.gresik", "desa.dadapkuning", "agen.cerme"}
# Funders each role sees (by key).
FUNDERS = {
    "admin": {"jambi", "gresik", "dadap", "csr", "other", "self"},
    "cabang.gresik": {"gresik", "dadap", "self", "csr"},  # the company is based in Gresik
    "pemprov.jambi": {"jambi"},
    "pemkab.gresik": {"gresik", "dadap", "self", "csr"},
    "desa.dadapkuning": {"gresik", "dadap"},
    "agen.cerme": {"self"},
    "csr.sinar": {"csr"},
}
POOL = {
    "admin": {"lengkong", "jambi"}, "cabang.gresik": {"lengkong"}, "pemprov.jambi": {"jambi"},
    "pemkab.gresik": {"lengkong"}, "desa.dadapkuning": set(), "agen.cerme": set(), "csr.sinar": set(),
}


@pytest.fixture
def world(db, csr_funder):
    users = {name: make_user(name, role, regions, funder=csr_funder if role == "funder_user" else None)
             for name, (role, regions) in ROLES.items()}
    workers = {
        "jambi": create_worker(JAMBI_VILLAGE, serial=1, name="Ahmad Jambi"),
        "dadap": create_worker(DADAPKUNING, serial=2, name="Siti Dadap", segment="rt_rw"),
        "lengkong": create_worker(LENGKONG, serial=3, name="Budi Lengkong"),
        "agent": create_worker(KANDANGAN, serial=4, name="Joko Agen", registered_by=users["agen.cerme"]),
        "sukabumi": create_worker(SUKABUMI_VILLAGE, serial=5, name="Dewi Sukabumi"),
    }
    funders = {
        "jambi": Funder.objects.create(kind=FunderKind.PROVINCE, name="Pemprov Jambi", region_id="15"),
        "gresik": Funder.objects.create(kind=FunderKind.REGENCY, name="Pemkab Gresik", region_id="3525"),
        "dadap": Funder.objects.create(kind=FunderKind.VILLAGE, name="Desa Dadapkuning", region_id=DADAPKUNING),
        "csr": csr_funder,
        "other": Funder.objects.create(kind=FunderKind.DONOR, name="Donatur Lain"),
        "self": self_funder_for(Access.console(), workers["agent"], agent=users["agen.cerme"]),
    }
    admin = Access(users["admin"])
    jan = dt.date(2027, 1, 1)

    def sponsor(funder, worker, source, programs=("jkk", "jkm"), start=jan, months=12):
        batch = create_batch(users["admin"], funders[funder], [workers[worker].pk],
                             workers[worker].__class__.objects.all(), list(programs), start, months, source,
                             "", origin="direct", skip_covered=False)
        if funders[funder].is_public:
            set_budget(admin, funders[funder], fiscal_year=2027, source=source, amount=10**9)
        approve_locked(users["admin"], batch, funders[funder], today=dt.date(2026, 12, 1))
        return batch.sponsorships.get()

    sponsorships = {
        "jambi": sponsor("jambi", "jambi", "apbd-province"),
        "dadap_village": sponsor("dadap", "dadap", "village-budget"),
        "lengkong_regency": sponsor("gresik", "lengkong", "apbd-regency", start=dt.date(2027, 1, 1), months=1),
        "agent_self": sponsor("self", "agent", "self", months=1),
        "csr_sukabumi": sponsor("csr", "sukabumi", "csr", months=1),
        "other_on_csr_worker": sponsor("other", "sukabumi", "donor", programs=("jht",), months=1),
    }
    matching.add_to_pool(admin, [workers["lengkong"].pk, workers["jambi"].pk])
    return users, workers, funders, sponsorships


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def api(user):
    client = Client(HTTP_AUTHORIZATION=f"Bearer {ApiToken.issue(user, 't')}")
    return client


def keys(mapping, ids):
    return {k for k, v in mapping.items() if v.pk in ids}


@pytest.mark.parametrize("username", ROLES)
def test_sponsorship_pages_api_and_export_respect_scope(world, username):
    users, workers, funders, sponsorships = world
    user = users[username]
    page = client_for(user).get(reverse("funding-sponsorships"))
    assert keys(sponsorships, {s.pk for s in page.context["page"].object_list}) == VISIBLE[username]

    rows = json.loads(api(user).get("/api/v1/funding/sponsorships").content)["results"]
    assert keys(sponsorships, {r["id"] for r in rows}) == VISIBLE[username]
    for r in rows:
        worker = next(w for w in workers.values() if w.pk == r["worker_id"])
        assert r["nik"] == (worker.nik if username in FULL_NIK else worker.masked_nik)

    export = b"".join(client_for(user).get(reverse("funding-sponsorships-export")).streaming_content).decode()
    exported = {int(line.split(";")[0]) for line in export.strip().splitlines()[1:]}
    assert keys(sponsorships, exported) == VISIBLE[username]
    for worker in workers.values():
        if worker.nik in export:
            assert username in FULL_NIK

    for key, s in sponsorships.items():
        status = api(user).get(f"/api/v1/funding/sponsorships/{s.pk}").status_code
        assert (status == 200) == (key in VISIBLE[username]), (key, status)


@pytest.mark.parametrize("username", ROLES)
def test_funders_and_lists_respect_scope(world, username):
    users, workers, funders, sponsorships = world
    user = users[username]
    seen = {f["id"] for f in json.loads(api(user).get("/api/v1/funding/funders").content)}
    assert keys(funders, seen) == FUNDERS[username]
    lists = {b["id"] for b in json.loads(api(user).get("/api/v1/funding/lists").content)}
    visible_batches = {sponsorships[k].batch_id for k in VISIBLE[username]}
    assert lists == visible_batches
    for s in sponsorships.values():
        status = client_for(user).get(reverse("funding-list", args=[s.batch_id])).status_code
        assert (status == 200) == (s.batch_id in visible_batches)
    for key, funder in funders.items():
        status = client_for(user).get(reverse("funding-funder", args=[funder.pk])).status_code
        assert (status == 200) == (key in FUNDERS[username]), (key, status)


@pytest.mark.parametrize("username", ROLES)
def test_waiting_pool_and_ending_soon_respect_scope(world, username):
    users, workers, funders, sponsorships = world
    user = users[username]
    pool = json.loads(api(user).get("/api/v1/funding/pool").content)
    assert keys(workers, {e["worker_id"] for e in pool}) == POOL[username]
    page = client_for(user).get(reverse("funding-pool"))
    assert keys(workers, {e.worker_id for e in page.context["page"].object_list}) == POOL[username]
    ending = ending_soon(Access(user), today=dt.date(2027, 1, 5))
    one_month = {"lengkong_regency", "agent_self", "csr_sukabumi", "other_on_csr_worker"}
    assert keys(sponsorships, set(ending.values_list("id", flat=True))) == VISIBLE[username] & one_month


@pytest.mark.parametrize("username", ROLES)
def test_who_may_approve_budget_and_hand_over(world, username):
    users, workers, funders, sponsorships = world
    access = Access(users[username])
    from lindung.funding.scope import can_approve_for

    approves = {k for k, f in funders.items() if can_approve_for(access, f)}
    expected = {
        "admin": set(funders), "cabang.gresik": set(), "pemprov.jambi": {"jambi"}, "pemkab.gresik": {"gresik"},
        "desa.dadapkuning": {"dadap"}, "agen.cerme": set(), "csr.sinar": {"csr"},
    }[username]
    assert approves == expected
    status = api(users[username]).post(f"/api/v1/funding/sponsorships/{sponsorships['csr_sukabumi'].pk}/handover",
                                       "{}", content_type="application/json").status_code
    if username == "admin":
        assert status == 201
    else:
        assert status in (403, 404)


def test_a_funder_user_cannot_put_workers_in_the_pool(world):
    users, workers, *_ = world
    r = api(users["csr.sinar"]).post("/api/v1/funding/pool", json.dumps({"worker_ids": [workers["sukabumi"].pk]}),
                                     content_type="application/json")
    assert r.status_code == 403
    assert not WaitingEntry.objects.filter(worker=workers["sukabumi"]).exists()
