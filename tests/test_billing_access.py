"""Every role's billing and coverage pages, exports and API endpoints respect its scope."""

import datetime as dt

import pytest

from lindung.accounts.access import Access
from lindung.billing.models import Invoice
from lindung.billing.payments import record_payment
from lindung.billing.runs import bill

from .billing_support import funder, month, sponsor
from .conftest import DADAPKUNING, JAMBI_VILLAGE, LENGKONG, create_worker

pytestmark = pytest.mark.django_db
JAN = month("2025-01")


@pytest.fixture
def world(db, csr_funder, cerme_agent):
    gresik = funder("regency", "Pemerintah Kabupaten Gresik", "3525")
    jambi = funder("province", "Pemerintah Provinsi Jambi", "15")
    dadap = create_worker(DADAPKUNING, serial=1, name="Siti Dadap")
    lengkong = create_worker(LENGKONG, serial=2, name="Budi Lengkong")
    jambi_worker = create_worker(JAMBI_VILLAGE, serial=3, name="Rahmat Jambi")
    csr_dadap = create_worker(DADAPKUNING, serial=4, name="Ani Sponsored")
    self_worker = create_worker(DADAPKUNING, serial=5, name="Eko Mandiri", registered_by=cerme_agent)
    self_payer = funder("self", "Mandiri Eko", DADAPKUNING, worker=self_worker, agent=cerme_agent, wadah="Wadah Cerme")
    sponsor(gresik, [dadap, lengkong], start=JAN, months=1)
    sponsor(jambi, [jambi_worker], start=JAN, months=1)
    sponsor(csr_funder, [csr_dadap, create_worker(JAMBI_VILLAGE, serial=6, name="Joko CSR Jambi")], start=JAN,
            months=1)
    sponsor(self_payer, [self_worker], start=JAN, months=1)
    bill(Access.console(), JAN)
    for invoice in Invoice.objects.all():
        record_payment(invoice, amount=invoice.outstanding, reference=f"P{invoice.pk}", paid_on=dt.date(2025, 1, 9))
    inv = {f: Invoice.objects.get(funder=f) for f in (gresik, jambi, csr_funder, self_payer)}
    return {"gresik": inv[gresik], "jambi": inv[jambi], "csr": inv[csr_funder], "self": inv[self_payer],
            "dadap": dadap, "jambi_worker": jambi_worker}


VISIBLE = {  # role fixture → invoices it sees
    "national_admin": {"gresik", "jambi", "csr", "self"},
    "gresik_branch_officer": {"gresik", "csr", "self"},
    "gresik_regency_operator": {"gresik", "csr", "self"},
    "jambi_province_operator": {"jambi"},
    "dadapkuning_operator": {"self"},
    "cerme_agent": {"self"},
    "csr_donor_user": {"csr"},
}


@pytest.mark.parametrize("role", sorted(VISIBLE))
def test_invoice_lists_pages_exports_and_api_show_only_the_invoices_in_scope(role, world, client, request):
    user = request.getfixturevalue(role)
    client.force_login(user)
    expected = {world[name].number for name in VISIBLE[role]}

    api = client.get("/api/v1/billing/invoices").json()
    assert {i["number"] for i in api["results"]} == expected
    page = client.get("/billing/").content.decode()
    export = client.get("/billing/invoices/export.csv")
    exported = b"".join(export.streaming_content).decode()
    for name in ("gresik", "jambi", "csr", "self"):
        number = world[name].number
        assert (number in page) == (number in expected), (role, name)
        assert (number in exported) == (number in expected), (role, name)
        detail = client.get(f"/billing/invoices/{world[name].pk}/")
        assert detail.status_code == (200 if number in expected else 404), (role, name)
        assert client.get(f"/api/v1/billing/invoices/{world[name].pk}").status_code == (
            200 if number in expected else 404)


def test_lines_of_workers_outside_scope_stay_hidden_even_on_a_visible_invoice(world, client, gresik_regency_operator,
                                                                              csr_donor_user, national_admin):
    csr = world["csr"]
    client.force_login(gresik_regency_operator)
    names = [line["name"] for line in client.get(f"/api/v1/billing/invoices/{csr.pk}/lines").json()["results"]]
    assert set(names) == {"Ani Sponsored"}
    csv_text = b"".join(client.get(f"/billing/invoices/{csr.pk}/lines.csv").streaming_content).decode()
    assert "Ani Sponsored" in csv_text and "Joko CSR Jambi" not in csv_text
    page = client.get(f"/billing/invoices/{csr.pk}/").content.decode()
    assert "Joko CSR Jambi" not in page

    client.force_login(csr_donor_user)
    lines = client.get(f"/api/v1/billing/invoices/{csr.pk}/lines").json()["results"]
    assert {line["name"] for line in lines} == {"Ani Sponsored", "Joko CSR Jambi"}
    assert all("•" in line["nik"] for line in lines)  # funders see masked NIKs

    client.force_login(national_admin)
    lines = client.get(f"/api/v1/billing/invoices/{csr.pk}/lines").json()["results"]
    assert len(lines) == 4 and all(line["nik"].isdigit() for line in lines)


@pytest.mark.parametrize("role,allowed", [("national_admin", True), ("gresik_branch_officer", True),
                                          ("gresik_regency_operator", False), ("dadapkuning_operator", False),
                                          ("cerme_agent", False), ("csr_donor_user", False)])
def test_finance_pages_and_endpoints_are_for_finance_roles(role, allowed, world, client, request):
    client.force_login(request.getfixturevalue(role))
    for url in ("/billing/statements/", "/billing/reconciliation/"):
        assert client.get(url).status_code == (200 if allowed else 403), url
    assert client.get("/api/v1/billing/reconciliation").status_code == (200 if allowed else 403)
    response = client.post("/api/v1/billing/payments", {"invoice_id": world["self"].pk, "amount": 100,
                                                        "reference": f"R-{role}", "paid_on": "2025-01-10"},
                           content_type="application/json")
    visible = world["self"].number in {world[n].number for n in VISIBLE[role]}
    assert response.status_code == (201 if allowed else 403 if visible else 404), response.content


@pytest.mark.parametrize("role", ["gresik_branch_officer", "gresik_regency_operator", "csr_donor_user"])
def test_only_the_national_administrator_runs_billing(role, world, client, request, national_admin):
    client.force_login(request.getfixturevalue(role))
    assert client.post("/billing/runs/", {"month": "2025-02"}).status_code == 403
    assert client.post("/api/v1/billing/runs", {"month": "2025-02"}, content_type="application/json").status_code == 403
    client.force_login(national_admin)
    response = client.post("/api/v1/billing/runs", {"month": "2025-02"}, content_type="application/json")
    assert response.status_code == 200 and response.json()["lines"] == 0


def test_branch_officer_cannot_record_a_payment_for_another_region(world, client, gresik_branch_officer):
    client.force_login(gresik_branch_officer)
    response = client.post("/api/v1/billing/payments", {"invoice_id": world["jambi"].pk, "amount": 100,
                                                        "reference": "R-X", "paid_on": "2025-01-10"},
                           content_type="application/json")
    assert response.status_code == 404
    assert client.post(f"/billing/invoices/{world['jambi'].pk}/pay/", {"amount": 1, "reference": "R-Y",
                                                                       "paid_on": "2025-01-10",
                                                                       "channel": "transfer"}).status_code == 404


def test_collections_page_is_the_agents(world, client, cerme_agent, gresik_regency_operator):
    client.force_login(cerme_agent)
    page = client.get("/billing/collections/")
    assert page.status_code == 200 and world["self"].number in page.content.decode()
    client.force_login(gresik_regency_operator)
    assert client.get("/billing/collections/").status_code == 403


def test_funder_overview_shows_what_the_money_did_and_only_to_those_in_scope(world, client, csr_donor_user,
                                                                            jambi_province_operator):
    client.force_login(csr_donor_user)
    page = client.get("/billing/my-funding/")
    assert page.status_code == 200
    body = page.content.decode()
    assert 'id="funded-workers">2<' in body and world["csr"].virtual_account in body
    client.force_login(jambi_province_operator)
    assert client.get(f"/billing/funders/{world['csr'].funder_id}/").status_code == 404


# --- coverage ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("role,code,status", [
    ("national_admin", "", 200), ("national_admin", "3525", 200),
    ("gresik_regency_operator", "3525", 200), ("gresik_regency_operator", "35", 200),
    ("gresik_regency_operator", "15", 404), ("gresik_regency_operator", "", 404),
    ("dadapkuning_operator", DADAPKUNING, 200), ("dadapkuning_operator", "3525", 200),
    ("dadapkuning_operator", LENGKONG, 404), ("jambi_province_operator", "3525", 404),
    ("csr_donor_user", "", 200), ("cerme_agent", "", 200),
])
def test_coverage_dashboards_and_api_follow_the_region_scope(role, code, status, world, client, request):
    client.force_login(request.getfixturevalue(role))
    url = f"/coverage/region/{code}/" if code else "/coverage/region/"
    assert client.get(url + "?month=2025-01").status_code == status
    assert client.get(f"/api/v1/coverage/indicators?region={code}&month=2025-01").status_code == status


def test_coverage_counts_for_funders_and_agents_are_their_own_workers(world, client, csr_donor_user, cerme_agent,
                                                                     national_admin):
    for user, expected in ((csr_donor_user, 2), (cerme_agent, 1), (national_admin, 6)):
        client.force_login(user)
        data = client.get("/api/v1/coverage/indicators?month=2025-01").json()
        assert data["active"] == expected, user.username


def test_worker_cover_pages_and_corrections_respect_scope(world, client, jambi_province_operator,
                                                          gresik_regency_operator, gresik_branch_officer):
    worker = world["dadap"]
    client.force_login(jambi_province_operator)
    assert client.get(f"/coverage/workers/{worker.pk}/").status_code == 404
    assert client.get(f"/api/v1/coverage/workers/{worker.pk}").status_code == 404
    client.force_login(gresik_regency_operator)
    assert client.get(f"/coverage/workers/{worker.pk}/").status_code == 200
    body = {"from_month": "2025-01", "to_month": "2025-01", "reason": "Budget released late by the regency"}
    assert client.post(f"/api/v1/coverage/workers/{worker.pk}/corrections", body,
                       content_type="application/json").status_code == 403
    client.force_login(gresik_branch_officer)
    response = client.post(f"/api/v1/coverage/workers/{worker.pk}/corrections", body, content_type="application/json")
    assert response.status_code == 201 and response.json()["contribution_months"] == 1
    assert client.post(f"/api/v1/coverage/workers/{world['jambi_worker'].pk}/corrections", body,
                       content_type="application/json").status_code == 404


def test_snapshots_are_taken_by_the_national_administrator(world, client, gresik_branch_officer, national_admin):
    client.force_login(gresik_branch_officer)
    assert client.post("/coverage/snapshots/", {"month": "2025-01"}).status_code == 403
    assert client.post("/api/v1/coverage/snapshots", {"month": "2025-01"},
                       content_type="application/json").status_code == 403
    client.force_login(national_admin)
    response = client.post("/api/v1/coverage/snapshots", {"month": "2025-01"}, content_type="application/json")
    assert response.status_code == 200 and response.json()["active"] == 6
