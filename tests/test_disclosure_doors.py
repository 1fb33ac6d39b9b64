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


def disclosure(door: str):
    from lindung.audit.models import AuditEntry

    entry = AuditEntry.objects.filter(target_id=door, target_type__startswith="disclosure.").get()
    return entry, {int(s) for s in entry.subjects.values_list("target_id", flat=True)}


def test_the_import_report_is_a_disclosure_of_everyone_on_the_list(world, settings, tmp_path):
    """The report repeats every row of the list: Siti (already registered), Rina (registered by the import)
    and two rows that never became workers (a damaged NIK, an impossible date) — the workers are the
    entry's subjects and on their trail, the other two rows are counted."""
    from lindung.imports.services import create_job, queue_job, run_job
    from lindung.people.models import Worker

    from .conftest import make_nik
    from .imports_support import write_xlsx

    settings.MEDIA_ROOT = tmp_path / "media"
    born = dt.date(1990, 5, 6)
    rina_nik = make_nik("352511", born, "F", 7)
    path = write_xlsx(tmp_path / "cerme.xlsx", [
        ["NIK", "Nama", "Tgl Lahir", "L/P", "Kode Desa"],
        [world["siti"].nik, "Siti Aminah", dt.date(1985, 3, 12), "P", DADAPKUNING],
        [rina_nik, "Rina Wati", born, "P", DADAPKUNING],
        ["123", "Nik Rusak", born, "L", DADAPKUNING],
        [make_nik("352511", born, "M", 8), "Tanggal Salah", "31/02/1990", "L", DADAPKUNING],
    ])
    officer = world["officer"]
    job = run_job(queue_job(Access(officer), create_job(Access(officer), path)).pk)
    rina = Worker.objects.get(nik=rina_nik)
    client = Client()
    client.force_login(officer)

    assert client.get(f"/imports/{job.pk}/report.xlsx").status_code == 200

    entry, subjects = disclosure("export:import report")
    assert entry.actor == officer and entry.action == "export"
    assert subjects == {world["siti"].pk, rina.pk}
    assert entry.changes == {"door": "export:import report", "workers": 2, "unregistered": 2, "import": job.pk}
    assert "export:import report" in doors_on(world, world["siti"]) and "export:import report" in doors_on(world, rina)
    assert "export:import report" not in doors_on(world, world["budi"])   # not on the list


def test_a_role_without_the_import_permission_gets_no_report(world, settings, tmp_path, csr_donor_user):
    from lindung.audit.models import AuditEntry
    from lindung.imports.services import create_job, queue_job, run_job

    from .imports_support import write_xlsx

    settings.MEDIA_ROOT = tmp_path / "media"
    path = write_xlsx(tmp_path / "cerme.xlsx", [["NIK", "Nama", "Tgl Lahir", "L/P", "Kode Desa"],
                                                 [world["siti"].nik, "Siti Aminah", dt.date(1985, 3, 12), "P",
                                                  DADAPKUNING]])
    job = run_job(queue_job(Access.console(), create_job(Access.console(), path)).pk)
    client = Client()
    client.force_login(csr_donor_user)
    assert client.get(f"/imports/{job.pk}/report.xlsx").status_code == 403
    assert not AuditEntry.objects.filter(target_id="export:import report").exists()


def test_the_back_office_audit_list_discloses_the_workers_its_entries_are_about(world):
    """An entry about Siti shows her name and her changed phone; an entry about her sponsorship is about
    her too. Budi's only entries are bulk disclosures, whose list shows a door and a count, not him."""
    from lindung.audit import services as audit
    from lindung.audit.models import AuditEntry

    siti, admin = world["siti"], world["admin"]
    audit.record(admin, audit.Action.UPDATE, siti, region_code=siti.village_id, summary=siti.name,
                 changes={"phone": ["081234567890", "081298765432"]})
    audit.record(None, audit.Action.UPDATE, Sponsorship.objects.get(worker=siti), summary="ended")
    about_siti = AuditEntry.objects.get(target_type="people.worker", target_id=str(siti.pk))
    client = back_office(world)

    assert client.get("/admin/audit/auditentry/").status_code == 200
    entry, subjects = disclosure("admin:/admin/audit/auditentry/")
    assert entry.actor == admin and subjects == {siti.pk}
    assert client.get(f"/admin/audit/auditentry/{about_siti.pk}/change/").status_code == 200
    assert AuditEntry.objects.filter(target_id="admin:/admin/audit/auditentry/", subjects__target_id=str(siti.pk)
                                     ).count() == 2
    assert "admin:/admin/audit/auditentry/" in doors_on(world, siti)
    assert "admin:/admin/audit/auditentry/" not in doors_on(world, world["budi"])


def test_the_back_office_audit_list_is_closed_to_other_roles(world):
    from lindung.audit.models import AuditEntry

    client = Client()
    client.force_login(world["officer"])
    response = client.get("/admin/audit/auditentry/")
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")
    assert not AuditEntry.objects.filter(target_id="admin:/admin/audit/auditentry/").exists()


@pytest.mark.django_db(transaction=True)
def test_a_backup_is_one_disclosure_of_the_whole_registry(world, tmp_path):
    """The backup holds every worker: one entry with the number of workers and the file written, on the
    trail of every worker registered before it — not of one registered after. (Committed data: SQLite's
    online backup waits for an open write transaction to end.)"""
    from lindung.people.models import Worker

    target = tmp_path / "lindung.backup"
    result = CliRunner().invoke(main, ["backup", str(target)])
    assert result.exit_code == 0, result.output
    later = create_worker(DADAPKUNING, serial=9, name="Datang Kemudian", registered_by=world["agent"])

    entry, subjects = disclosure("cli:backup")
    assert entry.actor is None and entry.action == "export" and subjects == set()
    assert entry.changes["workers"] == 2 == Worker.objects.count() - 1
    assert entry.changes["file"] == str(target.resolve()) and entry.changes["bytes"] == target.stat().st_size
    assert "cli:backup" in doors_on(world, world["siti"]) and "cli:backup" in doors_on(world, world["budi"])
    assert "cli:backup" not in doors_on(world, later)
