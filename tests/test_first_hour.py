"""Small defects a new user hit in the first hour (issue 11): each with the check that would have caught it."""

import datetime as dt

import pytest
from django.utils import translation

from lindung.billing.forms import CollectForm, PaymentForm
from lindung.funding.models import BatchState, SponsorshipState

pytestmark = pytest.mark.django_db


def test_payment_dates_are_pre_filled_in_the_format_the_date_input_accepts(monkeypatch):
    """Item 9: <input type=date> accepts only 2026-12-01; Indonesian formatting wrote 01-12-2026."""
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a, **k: dt.date(2026, 12, 1))
    with translation.override("id"):
        for form in (PaymentForm(), CollectForm()):
            html = str(form["paid_on"])
            assert 'type="date"' in html and 'value="2026-12-01"' in html, html


def test_approved_is_translated_as_a_state_not_as_approving():
    """Item 10: "menyetujui" means "approving"; an approved list or sponsorship is "disetujui"."""
    with translation.override("id"):
        assert str(SponsorshipState.APPROVED.label) == "disetujui"
        assert str(BatchState.APPROVED.label) == "disetujui"


def test_command_line_times_are_in_the_configured_time_zone():
    """Item 18: pages show WIB; the command line printed UTC."""
    import json

    from lindung.cli import emit
    from lindung.formatting import moment

    utc = dt.datetime(2026, 12, 1, 1, 5, tzinfo=dt.timezone.utc)
    assert moment(utc) == "2026-12-01 08:05"   # Asia/Jakarta is UTC+7
    from click.testing import CliRunner
    import click

    @click.command()
    def show():
        emit({"at": utc}, True)

    output = json.loads(CliRunner().invoke(show).output)
    assert output["at"] == "2026-12-01T08:05:00+07:00"


def test_the_scholarship_shows_levels_by_name_and_no_money_when_not_eligible():
    """Item 20: "UNIVERSITY tahun ke-1", and a refused scholarship listing a child's Rp24,000,000 under
    a total of Rp0."""
    from click.testing import CliRunner

    from lindung.cli import main

    args = ["benefits", "scholarship", "--route", "jkm", "--event-date", "2025-06-01", "--child", "2005-01-01:university:1"]
    refused = CliRunner().invoke(main, [*args, "--contribution-months", "12"])
    assert refused.exit_code == 0, refused.output
    assert "Rp0" in refused.output and "Rp24.000.000" not in refused.output and "UNIVERSITY" not in refused.output
    paid = CliRunner().invoke(main, [*args, "--contribution-months", "40"])
    assert "perguruan tinggi" in paid.output.lower() and "UNIVERSITY" not in paid.output


def test_a_regency_operator_proposes_for_the_regency_and_plans_with_its_budget(gresik_regency_operator):
    """Item 17: the default payer was a village budget and the calculator's APBD province."""
    import re

    from django.test import Client

    from lindung.funding.models import Funder

    Funder.objects.create(kind="village", name="Pemerintah Desa Dadapkuning", region_id="3525112001")
    regency = Funder.objects.create(kind="regency", name="Pemerintah Kabupaten Gresik", region_id="3525")
    client = Client()
    client.force_login(gresik_regency_operator)
    propose = client.get("/funding/propose/").content.decode()
    assert re.search(rf'<option value="{regency.pk}"[^>]*selected', propose)
    assert re.search(r'<option value="apbd-regency"[^>]*selected', propose)
    calculator = client.get("/rules/calculator/?tool=plan").content.decode()
    plan_source = re.search(r'name="plan-funding_source".*?</select>', calculator, re.S).group(0)
    assert re.search(r'<option value="apbd-regency"[^>]*selected', plan_source)


def test_the_workers_history_shows_labels_not_codes(client, national_admin):
    """Item 11: `sex: M`, `segment: bpu_rentan` in the audit history."""
    from lindung.accounts.access import Access
    from lindung.people.services import register_worker

    from .conftest import DADAPKUNING, worker_data

    worker = register_worker(Access(national_admin), worker_data(DADAPKUNING, serial=7))
    client.force_login(national_admin)
    history = client.get(f"/workers/{worker.pk}/").content.decode().split('id="audit"')[1]
    assert "bpu_rentan" not in history and ": M<" not in history and ">M<" not in history
    assert "Rp1.000.000" in history and "Laki-laki" in history


def test_the_rules_page_speaks_indonesian(client, national_admin):
    """Item 11: the rules page's notes in English with `wage_cap.jkp`, `apbd-province`, "see docs/rules.md"."""
    import json
    from pathlib import Path

    client.force_login(national_admin)
    html = client.get("/rules/").content.decode()
    for raw in ("wage_cap.jkp", "apbd-province", "see docs/rules.md", "Paid by the employer", "No late fine",
                "on JKK and JKM", "as amended by", "agent programme"):
        assert raw not in html, raw
    assert "Dibayar oleh pemberi kerja." in html and "batas upah JKP" in html
    assert "PP 44/2015 tentang JKK dan JKM" in html  # legal references in the user's language too
    # every note shipped in rules.json has its Indonesian text
    rules = json.loads((Path(__file__).resolve().parent.parent / "lindung/rules/data/rules.json").read_text())
    notes = {r[key] for group in ("rates", "discounts", "parameters") for r in rules[group] for key in ("note", "reference")
             if r.get(key)}
    with translation.override("id"):
        untranslated = [n for n in notes if translation.gettext(n) == n]
    assert not untranslated, untranslated
