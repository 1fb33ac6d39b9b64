"""Every door that shows a worker's personal data leaves an entry on his own audit trail (finding 4): the
back office's lists and change pages, the commands that print or export workers, the reminders and
auto-debit pages and their exports. Each door is opened once and the worker's trail — as the API's
``/workers/{id}/audit`` serves it to an administrator — must name it."""

import datetime as dt

import pytest
from click.testing import CliRunner
from django.test import Client

from lindung.accounts.access import Access
from lindung.accounts.models import ApiToken
from lindung.billing.runs import bill
from lindung.claims.models import RegistryMessage
from lindung.cli import main
from lindung.funding import matching
from lindung.funding.models import ReservedMonth, Sponsorship, WaitingEntry

from .autodebit_support import self_payer_with_mandate
from .billing_support import funder, month, sponsor
from .conftest import DADAPKUNING, create_worker, make_user

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 12, 1)


@pytest.fixture
def world(db, settings):
    admin = make_user("admin", "national_admin")
    agent = make_user("agen.cerme", "agent", ["352511"])
    officer = make_user("cabang.gresik", "branch_officer", ["3525"])
    siti = create_worker(DADAPKUNING, serial=1, name="Siti Aminah", sex="F", registered_by=agent)
    budi = create_worker(DADAPKUNING, serial=2, name="Budi Santoso", registered_by=agent)
    gresik = funder("regency", "Pemerintah Kabupaten Gresik", "3525")
    sponsor(gresik, [siti], start=month("2026-01"), months=12)   # ends this month: a reminder
    matching.add_to_pool(Access(agent), [budi.pk])
    return {"admin": admin, "agent": agent, "officer": officer, "siti": siti, "budi": budi}


def trail(world, worker) -> list[str]:
    client = Client(HTTP_AUTHORIZATION=f"Bearer {ApiToken.issue(world['admin'], 'trail')}")
    return [e["summary"] for e in client.get(f"/api/v1/workers/{worker.pk}/audit").json()]


def doors_on(world, worker) -> set[str]:
    return {summary.rsplit(" (", 1)[0] for summary in trail(world, worker)}


def back_office(world) -> Client:
    client = Client()
    client.force_login(world["admin"])
    return client


def test_back_office_lists_and_change_pages_are_on_the_workers_trail(world):
    siti, budi, client = world["siti"], world["budi"], back_office(world)
    sponsorship = Sponsorship.objects.get(worker=siti)
    reserved = ReservedMonth.objects.filter(worker=siti).first()
    waiting = WaitingEntry.objects.get(worker=budi)
    message = RegistryMessage.objects.create(message_id="m-1", sender_id="dukcapil",
                                             raw={"records": [{"nik": siti.nik, "death_date": "2026-11-20"}]})
    for url in ("/admin/people/worker/", f"/admin/people/worker/{siti.pk}/change/",
                "/admin/funding/sponsorship/", f"/admin/funding/sponsorship/{sponsorship.pk}/change/",
                "/admin/funding/reservedmonth/", f"/admin/funding/reservedmonth/{reserved.pk}/change/",
                "/admin/funding/waitingentry/", f"/admin/funding/waitingentry/{waiting.pk}/change/",
                f"/admin/claims/registrymessage/{message.pk}/change/"):
        assert client.get(url).status_code == 200, url

    assert {"admin:/admin/people/worker/", "admin:/admin/funding/sponsorship/",
            "admin:/admin/funding/reservedmonth/", "admin:/admin/claims/registrymessage/"} <= doors_on(world, siti)
    assert {"admin:/admin/people/worker/", "admin:/admin/funding/waitingentry/"} <= doors_on(world, budi)
    # Budi was on no sponsorship or registry message
    assert "admin:/admin/funding/sponsorship/" not in doors_on(world, budi)
    assert "admin:/admin/claims/registrymessage/" not in doors_on(world, budi)


def test_commands_that_print_workers_are_on_the_workers_trail(world, monkeypatch):
    from lindung import months

    monkeypatch.setattr(months, "today", lambda: TODAY)
    siti, budi = world["siti"], world["budi"]
    run = CliRunner().invoke
    for args in (["agents", "workers", "agen.cerme", "--as", "cabang.gresik"],
                 ["coverage", "worker", str(siti.pk)],
                 ["claims", "check", "--nik", siti.nik, "--event", "death", "--date", "2026-11-20"],
                 ["reminders", "--date", TODAY.isoformat(), "--as", "cabang.gresik"]):
        result = run(main, args)
        assert result.exit_code == 0, (args, result.output)

    assert {"cli:agents workers", "cli:coverage worker", "cli:claims check", "cli:reminders"} <= \
        doors_on(world, siti)
    assert "cli:agents workers" in doors_on(world, budi)
    assert "cli:claims check" not in doors_on(world, budi)


def test_auto_debit_pages_files_and_commands_are_on_the_workers_trail(world, tmp_path):
    siti = world["siti"]
    worker = create_worker(DADAPKUNING, serial=3, name="Wati Mandiri", sex="F", registered_by=world["agent"])
    mandate = self_payer_with_mandate(worker, start=month("2026-12"), registered_by=world["agent"])
    bill(Access.console(), month("2026-12"))
    client = Client()
    client.force_login(world["officer"])
    assert client.get("/autodebit/").status_code == 200
    assert client.get(f"/autodebit/mandates/{mandate.pk}/").status_code == 200
    result = CliRunner().invoke(main, ["autodebit", "mandates", "--as", "cabang.gresik"])
    assert result.exit_code == 0, result.output
    result = CliRunner().invoke(main, ["autodebit", "export", "--month", "2026-12", "--bank", "GENERIC",
                                       "--out", str(tmp_path / "debit.txt"), "--as", "cabang.gresik"])
    assert result.exit_code == 0, result.output

    doors = doors_on(world, worker)
    assert {"page:/autodebit/", "page:/autodebit/mandates/", "cli:autodebit mandates",
            "export:autodebit file"} <= doors, doors
    assert "page:/autodebit/" not in doors_on(world, siti)   # Siti has no mandate


def test_the_reminders_page_and_export_are_on_the_workers_trail(world, monkeypatch):
    from lindung import months

    monkeypatch.setattr(months, "today", lambda: TODAY)
    client = Client()
    client.force_login(world["officer"])
    assert client.get("/reminders/").status_code == 200
    assert client.get("/reminders/", {"format": "csv"}).status_code == 200
    doors = doors_on(world, world["siti"])
    assert {"page:/reminders/", "export:/reminders/"} <= doors, doors
    assert "page:/reminders/" not in doors_on(world, world["budi"])  # nothing to remind him of
