"""Registering, editing, searching workers: field errors, flags, audit trail, login and CSRF."""

import datetime as dt
import json

import pytest
from django.test import Client
from django.utils import translation

from lindung.audit.models import AuditEntry
from lindung.people.models import Worker

from .conftest import DADAPKUNING, LENGKONG, create_worker, make_nik


def form_data(**overrides):
    data = {"nik": make_nik("352511", dt.date(1985, 3, 12)), "name": "Siti Aminah", "birth_place": "Gresik",
            "birth_date": "1985-03-12", "sex": "M", "village_code": DADAPKUNING, "phone": "0812 3456 7890",
            "occupation": "Ketua RT", "segment": "rt_rw", "ecosystem": "desa", "sector": "other",
            "declared_income": "1000000"}
    data.update(overrides)
    return data


@pytest.fixture
def operator_client(dadapkuning_operator):
    client = Client()
    client.force_login(dadapkuning_operator)
    return client


def test_village_operator_registers_a_worker_and_the_trail_shows_it(operator_client, dadapkuning_operator):
    response = operator_client.post("/workers/new/", form_data())
    assert response.status_code == 302
    worker = Worker.objects.get()
    assert (worker.regency_code, worker.district_code, worker.province_code) == ("3525", "352511", "35")
    assert worker.phone == "081234567890" and worker.registered_by == dadapkuning_operator
    page = operator_client.get(f"/workers/{worker.pk}/").content.decode()
    assert worker.nik in page and 'id="audit"' in page and "desa.dadapkuning" in page
    entry = AuditEntry.objects.get(action="create", target_type="people.worker")
    assert entry.actor == dadapkuning_operator and entry.changes["nik"] == [None, worker.nik]


@pytest.mark.parametrize("field,value,lang,expected", [
    ("nik", "3525111203850000", "en", "cannot be 0000"),
    ("nik", "352511120385", "en", "exactly 16 digits"),
    ("declared_income", "900000", "en", "at least Rp1,000,000"),
    ("village_code", "3525112999", "en", "not a village code"),
    ("birth_date", "2015-01-01", "en", "outside the registration window"),
    ("phone", "12ab", "en", "8–15 digits"),
    ("nik", "3525111203850000", "id", "tidak boleh 0000"),
    ("declared_income", "900000", "id", "paling sedikit Rp1.000.000"),
])
def test_errors_are_shown_field_by_field_in_the_users_language(operator_client, field, value, lang, expected):
    operator_client.cookies["django_language"] = lang
    response = operator_client.post("/workers/new/", form_data(**{field: value}), HTTP_ACCEPT_LANGUAGE=lang)
    assert response.status_code == 200
    html = response.content.decode()
    assert f'data-field="{field}">' in html
    assert expected in html
    assert not Worker.objects.exists()


def test_birth_date_mismatch_is_saved_but_flagged(operator_client):
    response = operator_client.post("/workers/new/", form_data(birth_date="1985-03-13"))
    assert response.status_code == 302
    assert Worker.objects.get().nik_flags == ["birth_date_mismatch"]


def test_duplicate_nik_is_refused(operator_client):
    create_worker(DADAPKUNING, serial=1)
    response = operator_client.post("/workers/new/", form_data())
    assert response.status_code == 200 and Worker.objects.count() == 1


def test_edit_records_what_changed(operator_client, dadapkuning_operator):
    worker = create_worker(DADAPKUNING, serial=1)
    data = form_data(nik=worker.nik, occupation="Nelayan", declared_income="1500000")
    assert operator_client.post(f"/workers/{worker.pk}/edit/", data).status_code == 302
    worker.refresh_from_db()
    assert worker.occupation == "Nelayan" and worker.declared_income == 1_500_000
    entry = AuditEntry.objects.get(action="update", target_type="people.worker")
    assert entry.changes["occupation"] == ["Petani", "Nelayan"]
    assert entry.changes["declared_income"] == [1_000_000, 1_500_000]


def test_search_by_nik_name_and_region(db, national_admin):
    a = create_worker(DADAPKUNING, serial=1, name="Siti Aminah")
    b = create_worker(LENGKONG, serial=2, name="Budi Santoso")
    client = Client()
    client.force_login(national_admin)

    def found(**params):
        return {r["id"] for r in client.get("/api/v1/workers", params).json()["results"]}

    assert found(q=a.nik) == {a.pk}
    assert found(q=a.nik[:6]) == {a.pk, b.pk}
    assert found(q="aminah") == {a.pk}
    assert found(q="budi  santoso") == {b.pk}
    assert found(region=LENGKONG) == {b.pk}
    assert found(region="35.25.11") == {a.pk, b.pk}
    assert found(region="15") == set()


def test_api_returns_field_errors_in_the_requested_language(db, national_admin):
    client = Client()
    client.force_login(national_admin)
    payload = {"nik": "3525111203850000", "name": "X", "birth_date": "1985-03-12", "sex": "M",
               "village_code": DADAPKUNING, "declared_income": 1_000_000}
    headers = {"HTTP_X_CSRFTOKEN": "x"}
    client = Client(enforce_csrf_checks=False)
    client.force_login(national_admin)
    en = client.post("/api/v1/workers", json.dumps(payload), content_type="application/json",
                     HTTP_ACCEPT_LANGUAGE="en", **headers)
    assert en.status_code == 422 and "cannot be 0000" in en.json()["errors"]["nik"][0]
    idn = client.post("/api/v1/workers", json.dumps(payload), content_type="application/json",
                      HTTP_ACCEPT_LANGUAGE="id", **headers)
    assert "tidak boleh 0000" in idn.json()["errors"]["nik"][0]


def test_session_api_writes_need_the_csrf_token(db, national_admin):
    client = Client(enforce_csrf_checks=True)
    client.force_login(national_admin)
    payload = {"nik": make_nik("352511", dt.date(1985, 3, 12)), "name": "X", "birth_date": "1985-03-12",
               "sex": "M", "village_code": DADAPKUNING, "declared_income": 1_000_000}
    response = client.post("/api/v1/workers", json.dumps(payload), content_type="application/json")
    assert response.status_code == 403 and not Worker.objects.exists()


def test_login_is_throttled_after_repeated_failures(db, dadapkuning_operator):
    client = Client()
    for _ in range(5):
        client.post("/login/", {"username": "desa.dadapkuning", "password": "salah"})
    response = client.post("/login/", {"username": "desa.dadapkuning", "password": "rahasia-123"})
    assert response.status_code in (403, 429)
    assert "_auth_user_id" not in client.session


def test_login_with_the_right_password_works(db, dadapkuning_operator):
    client = Client()
    response = client.post("/login/", {"username": "desa.dadapkuning", "password": "rahasia-123"})
    assert response.status_code == 302 and client.session["_auth_user_id"] == str(dadapkuning_operator.pk)


def test_passwords_are_stored_hashed(dadapkuning_operator):
    assert "rahasia-123" not in dadapkuning_operator.password
    assert dadapkuning_operator.check_password("rahasia-123")
