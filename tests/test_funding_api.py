"""The funding API (/api/v1/funding): the same workflows as the pages, for scripts and other systems."""

import datetime as dt
import json

import pytest

from lindung.accounts.access import Access
from lindung.accounts.models import ApiToken
from lindung.funding import matching
from lindung.funding.models import ReservedMonth, Funder, FunderKind, SponsorshipBatch

from .conftest import DADAPKUNING, make_user
from .funding_support import bulk_workers, villages

BASE = "/api/v1/funding"


class Api:
    def __init__(self, client, user):
        self.client, self.auth = client, {"HTTP_AUTHORIZATION": f"Bearer {ApiToken.issue(user, 'test')}"}

    def get(self, path, **params):
        return self.client.get(BASE + path, params, **self.auth)

    def post(self, path, body=None):
        return self.client.post(BASE + path, json.dumps(body or {}), content_type="application/json", **self.auth)

    def put(self, path, body):
        return self.client.put(BASE + path, json.dumps(body), content_type="application/json", **self.auth)


@pytest.fixture
def dadapkuning(db):
    return Funder.objects.create(kind=FunderKind.VILLAGE, name="Desa Dadapkuning", region_id=DADAPKUNING)


@pytest.fixture
def head(db):
    return make_user("kades.dadapkuning", "village_operator", [DADAPKUNING])


def test_propose_budget_shortfall_and_approval(client, dadapkuning, head, dadapkuning_operator):
    heads = bulk_workers([DADAPKUNING], 3, segment="rt_rw")
    operator, kades = Api(client, dadapkuning_operator), Api(client, head)
    assert kades.put(f"/funders/{dadapkuning.pk}/budgets", {"fiscal_year": 2027, "source": "village-budget",
                                                            "amount": 2 * 201_600}).status_code == 200
    r = operator.post("/lists", {"funder_id": dadapkuning.pk, "worker_ids": [w.pk for w in heads],
                                 "start_month": "2027-01-01", "months": 12, "funding_source": "village-budget"})
    assert r.status_code == 201, r.content
    list_id = r.json()["id"]
    assert operator.post(f"/lists/{list_id}/approve").status_code == 422  # maker–checker
    detail = kades.get(f"/lists/{list_id}").json()
    assert detail["budget_impact"][0]["shortfall"] == 201_600
    refused = kades.post(f"/lists/{list_id}/approve")
    assert refused.status_code == 409
    assert refused.json()["shortfalls"][0]["needed"] == 3 * 201_600
    assert kades.put(f"/funders/{dadapkuning.pk}/budgets", {"fiscal_year": 2027, "source": "village-budget",
                                                            "amount": 3 * 201_600}).status_code == 200
    approved = kades.post(f"/lists/{list_id}/approve")
    assert approved.status_code == 200 and approved.json()["state"] == "approved"
    budgets = kades.get(f"/funders/{dadapkuning.pk}/budgets").json()
    assert budgets[0]["committed"] == 3 * 201_600 and budgets[0]["remaining"] == 0
    page = operator.get("/sponsorships", funder_id=dadapkuning.pk).json()
    assert page["count"] == 3 and page["results"][0]["nik"] in {w.nik for w in heads}


def test_budget_is_kept_by_the_funders_own_people(client, dadapkuning, dadapkuning_operator, head,
                                                  gresik_regency_operator):
    for user in (gresik_regency_operator, make_user("desa.lengkong", "village_operator", ["3525112002"])):
        r = Api(client, user).put(f"/funders/{dadapkuning.pk}/budgets",
                                  {"fiscal_year": 2027, "source": "village-budget", "amount": 1})
        assert r.status_code in (403, 404)
    assert Api(client, head).put(f"/funders/{dadapkuning.pk}/budgets",
                                 {"fiscal_year": 2027, "source": "apbd-regency", "amount": 1}).status_code == 422


def test_matching_preview_confirm_and_conflict(client, csr_funder, csr_donor_user):
    agent = make_user("agen.sukabumi", "agent", ["3202"])
    workers = bulk_workers(villages("3202", 2), 3, registered_by=agent)
    pool = Api(client, agent)
    assert pool.post("/pool", {"worker_ids": [w.pk for w in workers]}).json() == {"added": 6}
    assert len(pool.get("/pool").json()) == 6
    donor = Api(client, csr_donor_user)
    body = {"funder_id": csr_funder.pk, "count": 4, "months": 6, "start_month": "2027-01-01", "region": "3202"}
    preview = donor.post("/matching/preview", body).json()
    assert len(preview["candidates"]) == 4 and preview["total"] == 4 * 6 * 16_800
    ids = [c["worker_id"] for c in preview["candidates"]]
    confirmed = donor.post("/matching/confirm", body | {"worker_ids": ids})
    assert confirmed.status_code == 201 and confirmed.json()["state"] == "approved"
    again = donor.post("/matching/confirm", body | {"worker_ids": ids})
    assert again.status_code == 409 and sorted(again.json()["worker_ids"]) == sorted(ids)
    mine = donor.get("/sponsorships").json()
    assert mine["count"] == 4 and all("•" in s["nik"] for s in mine["results"])
    impact = donor.get(f"/funders/{csr_funder.pk}/impact").json()
    assert impact["workers"] == 4 and impact["cost_by_year"] == {"2027": 4 * 6 * 16_800}


def test_ending_soon_handover_and_graduation(client, cerme_agent, csr_funder, national_admin):
    workers = bulk_workers([DADAPKUNING], 2, registered_by=cerme_agent)
    today = dt.date.today()
    admin = Api(client, national_admin)
    r = admin.post("/lists", {"funder_id": csr_funder.pk, "worker_ids": [w.pk for w in workers],
                              "start_month": today.replace(day=1).isoformat(), "months": 1, "funding_source": "csr"})
    admin.post(f"/lists/{r.json()['id']}/approve")
    agent = Api(client, cerme_agent)
    soon = agent.get("/sponsorships/ending").json()
    assert soon["count"] == 2
    new = agent.post(f"/sponsorships/{soon['results'][0]['id']}/handover", {"months": 3})
    assert new.status_code == 201 and new.json()["funding_source"] == "self"
    assert ReservedMonth.objects.filter(funder__kind=FunderKind.SELF).count() == 3 * 2
    assert admin.get("/graduation").status_code == 200
    assert admin.get("/kinds").json()["village"] == ["village-budget"]


def test_funder_users_see_only_their_funder(client, csr_funder, csr_donor_user, national_admin):
    other = Funder.objects.create(kind=FunderKind.COMPANY, name="PT Lain")
    worker = bulk_workers(villages("3202", 1), 1)[0]
    admin = Api(client, national_admin)
    r = admin.post("/lists", {"funder_id": other.pk, "worker_ids": [worker.pk], "start_month": "2027-01-01",
                              "months": 6, "funding_source": "csr"})
    donor = Api(client, csr_donor_user)
    assert [f["id"] for f in donor.get("/funders").json()] == [csr_funder.pk]
    assert donor.get(f"/funders/{other.pk}").status_code == 404
    assert donor.get(f"/lists/{r.json()['id']}").status_code == 404
    assert donor.get("/sponsorships").json()["count"] == 0
    assert donor.post("/matching/preview", {"funder_id": other.pk, "count": 1, "months": 1,
                                            "start_month": "2027-01-01"}).status_code == 404
    assert SponsorshipBatch.objects.count() == 1
    assert matching.pool(Access(csr_donor_user)).count() == 0
