"""Issue 9: bad input answers 422 (never 500) the same on SQLite and PostgreSQL, lists without a
proposer open, payment references do not leak other invoices, headers and sessions, passwords at
every door, the back office uses the worker validator, no open redirect, budgets only to their people."""

import datetime as dt
import io
import json

import pytest
from click.testing import CliRunner
from django.test import Client

from lindung.accounts.access import Access
from lindung.accounts.models import ApiToken, User
from lindung.billing.models import Payment
from lindung.cli import main
from lindung.funding.models import Budget, Funder, FunderKind, SponsorshipBatch
from lindung.funding.sponsorships import propose_sponsorships

from .conftest import DADAPKUNING, JAMBI_VILLAGE, create_worker, make_user, worker_data


def api(user):
    return Client(HTTP_AUTHORIZATION=f"Bearer {ApiToken.issue(user, 'test')}")


def post_json(client, path, body, method="post"):
    return getattr(client, method)(path, json.dumps(body), content_type="application/json")


# --- finding 7: bad input ----------------------------------------------------------------------------

BIG = 2**63
REGISTER = {"nik": "3525111203850009", "name": "Budi", "birth_date": "1985-03-12", "sex": "M",
            "village_code": DADAPKUNING, "declared_income": 1_000_000}


@pytest.mark.parametrize("path, params", [
    ("/api/v1/workers", {"page": 10**19}),
    ("/api/v1/workers", {"page_size": BIG}),
    (f"/api/v1/workers/{BIG}", {}),
    (f"/api/v1/billing/invoices/{BIG}", {}),
    ("/api/v1/funding/sponsorships", {"funder_id": BIG}),
    ("/api/v1/funding/pool", {"limit": -5}),
    ("/api/v1/workers", {"q": "Budi\x00"}),
])
def test_out_of_range_numbers_and_nul_bytes_in_a_request_answer_422(national_admin, path, params):
    response = api(national_admin).get(path, params)
    assert response.status_code == 422, response.content
    body = response.json()
    assert body["errors"] and body["detail"]


@pytest.mark.parametrize("change, field", [
    ({"declared_income": BIG}, "declared_income"),
    ({"declared_income": 10**18}, "declared_income"),
    ({"birth_date": "0001-01-01"}, "birth_date"),
    ({"birth_date": "9999-12-31"}, "birth_date"),
    ({"name": "x" * 151}, "name"),
    ({"name": "Bu\x00di"}, "name"),
    ({"phone": "0812" * 10}, "phone"),
])
def test_registering_nonsense_is_refused_before_the_database(national_admin, change, field):
    response = post_json(api(national_admin), "/api/v1/workers", REGISTER | change)
    assert response.status_code == 422, response.content
    assert field in {e["field"] for e in response.json()["errors"]}


def test_validation_messages_are_in_the_users_language(national_admin):
    client = api(national_admin)
    body = post_json(client, "/api/v1/workers", REGISTER | {"declared_income": BIG}).json()
    assert body["errors"][0]["message"] == "Paling banyak 10.000.000.000."  # Indonesian, Indonesian digits
    english = client.post("/api/v1/workers", json.dumps(REGISTER | {"declared_income": BIG}),
                          content_type="application/json", HTTP_ACCEPT_LANGUAGE="en").json()
    assert "at most" in english["errors"][0]["message"].lower()


@pytest.fixture
def invoices(db):
    """Two invoices: Gresik's (Kab.) and Jambi's (Prov.), for January 2025."""
    from lindung.billing.models import Invoice
    from lindung.billing.runs import bill

    from .billing_support import funder, month, sponsor

    gresik = funder("regency", "Pemerintah Kabupaten Gresik", "3525")
    jambi = funder("province", "Pemerintah Provinsi Jambi", "15")
    sponsor(gresik, [create_worker(DADAPKUNING, serial=1)], start=month("2025-01"), months=12)
    sponsor(jambi, [create_worker(JAMBI_VILLAGE, serial=2)], start=month("2025-01"), months=12)
    bill(Access.console(), month("2025-01"))
    return Invoice.objects.get(funder=gresik), Invoice.objects.get(funder=jambi)


@pytest.fixture
def invoice(invoices):
    return invoices[0]


def test_a_payment_of_10_18_rupiah_is_refused(invoice, national_admin):
    body = {"invoice_id": invoice.pk, "amount": 10**18, "reference": "TRF-1", "paid_on": "2025-01-05"}
    response = post_json(api(national_admin), "/api/v1/billing/payments", body)
    assert response.status_code == 422
    assert not Payment.objects.exists()
    body |= {"amount": 1000, "paid_on": "0001-01-01"}
    assert post_json(api(national_admin), "/api/v1/billing/payments", body).status_code == 422


@pytest.mark.parametrize("data", [
    "date,reference,amount\n2026-01-05,TRF-9,16800\n".encode("utf-16"),
    b"\x00\x01\x02binary\xff\xfe garbage",
    "date;reference;amount\n05/01/2026;TRF-Ü;16.800\n".encode("latin-1"),
])
def test_statements_in_other_encodings_are_read_or_refused_clearly(data):
    from lindung.billing.statements import StatementError, decode_statement, parse_statement

    try:
        rows = parse_statement(decode_statement(data))
    except StatementError as exc:
        assert b"\x00\x01" in data and "CSV" in str(exc.errors[0]["message"])
    else:
        assert rows[0].amount == (16_800) and rows[0].paid_on == dt.date(2026, 1, 5)


def test_a_statement_amount_beyond_any_payment_is_a_row_error():
    from lindung.billing.statements import StatementError, parse_statement

    with pytest.raises(StatementError) as refused:
        parse_statement(f"date,reference,amount\n2026-01-05,TRF-1,{10**18}\n9999-12-31,TRF-2,100\n")
    assert [e["row"] for e in refused.value.errors] == [2, 3]


# --- finding 8: lists without a proposer ---------------------------------------------------------------

def test_a_list_made_by_the_command_line_opens_and_can_be_approved_on_the_web(db, dadapkuning_operator):
    funder = Funder.objects.create(kind=FunderKind.VILLAGE, name="Desa Dadapkuning", region_id=DADAPKUNING)
    worker = create_worker(DADAPKUNING, serial=3)
    batch = propose_sponsorships(Access(dadapkuning_operator), funder, [worker.pk], "jkk,jkm",
                                 dt.date(2027, 1, 1), 6, "village-budget", "")
    SponsorshipBatch.objects.filter(pk=batch.pk).update(proposed_by=None)  # as the CLI or an import leaves it
    client = Client()
    client.force_login(dadapkuning_operator)
    page = client.get(f"/funding/lists/{batch.pk}/")
    assert page.status_code == 200 and "Lindung" in page.content.decode()
    assert client.get("/funding/").status_code == 200


# --- finding 9: payment references ----------------------------------------------------------------------

def test_a_reference_used_on_another_invoice_reveals_nothing(invoices, national_admin):
    gresik, jambi = invoices
    first = post_json(api(national_admin), "/api/v1/billing/payments",
                      {"invoice_id": jambi.pk, "amount": 1234, "reference": "TRF-77", "paid_on": "2025-01-05"})
    assert first.status_code == 201
    gresik_officer = make_user("cabang.gresik", "branch_officer", ["3525"])
    again = post_json(api(gresik_officer), "/api/v1/billing/payments",
                      {"invoice_id": gresik.pk, "amount": 5, "reference": "TRF-77", "paid_on": "2025-01-06"})
    assert again.status_code == 409
    text = again.content.decode()
    assert jambi.number not in text and "1234" not in text and str(jambi.pk) not in again.json().get("invoice_id", "")
    assert Payment.objects.filter(reference="TRF-77").count() == 1
    # the same reference for the same invoice stays idempotent
    repeat = post_json(api(national_admin), "/api/v1/billing/payments",
                       {"invoice_id": jambi.pk, "amount": 1234, "reference": "TRF-77", "paid_on": "2025-01-05"})
    assert repeat.status_code == 200


# --- finding 10: headers, sessions, tokens ---------------------------------------------------------------

def test_pages_carry_a_strict_content_security_policy(client, national_admin):
    client.force_login(national_admin)
    response = client.get("/workers/")
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "script-src 'self'" in policy and "frame-ancestors 'none'" in policy
    assert "unsafe-inline" not in policy.split("style-src")[0]
    html = response.content.decode()
    assert "onchange=" not in html and "<script>" not in html and ' style="' not in html


def test_hsts_follows_secure_cookies(settings):
    import importlib
    import os

    import lindung.settings as base

    os.environ["LINDUNG_SECURE_COOKIES"] = "1"
    try:
        assert importlib.reload(base).SECURE_HSTS_SECONDS >= 31_536_000
    finally:
        del os.environ["LINDUNG_SECURE_COOKIES"]
        assert importlib.reload(base).SECURE_HSTS_SECONDS == 0


def test_the_schema_and_docs_need_a_signed_in_user(client, national_admin):
    assert client.get("/api/v1/openapi.json").status_code == 401
    assert client.get("/api/v1/docs").status_code == 401
    assert api(national_admin).get("/api/v1/openapi.json").status_code == 200
    client.force_login(national_admin)
    assert client.get("/api/v1/openapi.json").status_code == 200


def test_the_session_ends_after_the_idle_timeout(settings):
    assert settings.SESSION_COOKIE_AGE == 30 * 60 and settings.SESSION_SAVE_EVERY_REQUEST


def test_tokens_expire_and_can_be_revoked_and_are_listed_per_user(national_admin):
    from django.utils import timezone

    key = ApiToken.issue(national_admin, "script")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {key}")
    assert client.get("/api/v1/workers").status_code == 200
    token = ApiToken.objects.get(user=national_admin)
    assert token.expires_at > timezone.now() + dt.timedelta(days=89)
    listed = CliRunner().invoke(main, ["users", "tokens", "admin", "--json"])
    assert json.loads(listed.output)[0]["name"] == "script"
    assert CliRunner().invoke(main, ["users", "revoke-token", str(token.pk)]).exit_code == 0
    assert client.get("/api/v1/workers").status_code == 401
    ApiToken.objects.filter(pk=token.pk).update(revoked_at=None, expires_at=timezone.now() - dt.timedelta(seconds=1))
    assert client.get("/api/v1/workers").status_code == 401


# --- finding 11 and issue 11 item 19: passwords and `users create` ----------------------------------------

def test_the_cli_refuses_weak_passwords(db):
    result = CliRunner().invoke(main, ["users", "create", "admin2", "--role", "national_admin"], input="a\n")
    assert result.exit_code != 0 and not User.objects.filter(username="admin2").exists()


def test_users_create_checks_the_region_before_asking_for_a_password(db):
    result = CliRunner().invoke(main, ["users", "create", "desa.x", "--role", "village_operator", "--region",
                                       "9999999999"], input="")
    assert result.exit_code != 0 and "9999999999" in result.output
    assert "Password" not in result.output


def test_users_create_reads_the_password_from_a_file_or_stdin(db, tmp_path):
    secret = tmp_path / "pw"
    secret.write_text("Lindung-Desa-2026\n")
    result = CliRunner().invoke(main, ["users", "create", "desa.y", "--role", "village_operator", "--region",
                                       DADAPKUNING, "--password-file", str(secret)])
    assert result.exit_code == 0, result.output
    assert User.objects.get(username="desa.y").check_password("Lindung-Desa-2026")
    piped = CliRunner().invoke(main, ["users", "create", "desa.z", "--role", "village_operator", "--region",
                                      DADAPKUNING], input="Lindung-Desa-2026\n")
    assert piped.exit_code == 0, piped.output


# --- finding 12 = issue 11 item 7: the back office uses the worker validator -----------------------------

def test_the_back_office_refuses_what_every_other_door_refuses(client, national_admin):
    client.force_login(national_admin)
    data = worker_data(DADAPKUNING, serial=5) | {"village": DADAPKUNING}
    bad = data | {"nik": "3525113512200001", "birth_date": "2020-12-35"[:8] + "05", "declared_income": 10,
                  "phone": "not-a-phone"}
    response = client.post("/admin/people/worker/add/", {k: v for k, v in bad.items() if k != "village_code"})
    assert response.status_code == 200  # the form again, with errors
    from lindung.people.models import Worker

    assert not Worker.objects.exists()
    errors = response.context["adminform"].form.errors
    assert {"declared_income", "phone"} <= set(errors)


# --- finding 15: open redirect ---------------------------------------------------------------------------

def test_next_only_leads_to_paths_on_this_site(client, national_admin):
    client.force_login(national_admin)
    response = client.post("/funding/sponsorships/999999/cancel/", {"next": "https://evil.example/x"})
    assert response.status_code in (302, 404)
    if response.status_code == 302:
        assert not response["Location"].startswith("https://evil")
    from django.test import RequestFactory

    from lindung.redirects import back_to

    factory = RequestFactory()
    for target, expected in [("https://evil.example/", "/funding/sponsorships/"), ("//evil.example/", "/funding/sponsorships/"),
                             ("/\\evil.example", "/funding/sponsorships/"), ("/billing/invoices/?page=2", "/billing/invoices/?page=2")]:
        request = factory.post("/", {"next": target})
        assert back_to(request, "funding-sponsorships")["Location"] == expected


# --- finding 16: budgets -------------------------------------------------------------------------------

def test_a_companys_budget_is_seen_only_by_its_own_people(csr_funder, csr_donor_user, cerme_agent, dadapkuning_operator):
    Budget.objects.create(funder=csr_funder, fiscal_year=2027, source="csr", amount=500_000_000)
    assert api(csr_donor_user).get(f"/api/v1/funding/funders/{csr_funder.pk}/budgets").status_code == 200
    for outsider in (cerme_agent, dadapkuning_operator):
        worker = create_worker(DADAPKUNING, serial=8, registered_by=cerme_agent) if outsider is cerme_agent else None
        if worker is not None:  # the agent sees the company through a sponsorship of his worker
            from lindung.funding.models import Sponsorship

            Sponsorship.objects.create(funder=csr_funder, worker=worker, programs="jkk,jkm", funding_source="csr",
                                       start_month=dt.date(2027, 1, 1), months=6, state="approved")
        response = api(outsider).get(f"/api/v1/funding/funders/{csr_funder.pk}/budgets")
        assert response.status_code in (403, 404), outsider
        client = Client()
        client.force_login(outsider)
        page = client.get(f"/funding/funders/{csr_funder.pk}/")
        assert "500.000.000" not in page.content.decode() and "500,000,000" not in page.content.decode()


# --- finding 5: registering is not an existence oracle (also in test_access_fields) ---------------------

def test_registering_a_nik_from_another_province_does_not_say_already_registered(dadapkuning_operator):
    jambi = create_worker(JAMBI_VILLAGE, serial=4)
    data = worker_data(DADAPKUNING, serial=4) | {"nik": jambi.nik}
    response = post_json(api(dadapkuning_operator), "/api/v1/workers", {
        **{k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in data.items()}})
    assert response.status_code == 422
    assert jambi.name not in response.content.decode() and "sudah terdaftar" not in response.content.decode()


assert io  # the statement tests build their files in memory
