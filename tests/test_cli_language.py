"""Every user-facing `lindung` command speaks Indonesian by default (issue 11, item 11): run on the demo
scenario, no command's text output shows an English label or a raw code that a person would have to
decode ("approved", "jkk_death", "insufficient_funds", "apbd-province", "None", a role's code…), and
numbers are written the Indonesian way. JSON output (``--json``) is for scripts and keeps its codes."""

import datetime as dt
import re

import pytest
from click.testing import CliRunner

from lindung.cli import main
from lindung.demo.scenario import seed

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

# Words a new user met in English, and stored codes printed instead of their labels. Matched as whole
# words, case-sensitively (so "Total" and "JKK" pass, "total" as a code would not).
ENGLISH = [
    "activated", "ended", "handed over", "proposed", "approved", "rejected", "cancelled", "active", "inactive",
    "paid", "unpaid", "grace", "lapsed", "withdrawn", "submitted", "draft", "below", "above", "reached",
    "messages processed", "trusted", "restored", "bytes", "done", "dry_run", "underpaid", "unmatched",
    "allocation", "committed", "Logins", "database ready", "sponsorships", "List", "regions", "rows", "deaths",
    "reported", "mode", "debug", "database", "data_dir", "pending_migrations", "worker_id", "status", "month",
    "first_month", "paid_through", "rates", "discounts", "parameters", "holidays", "Generic", "Error",
    "None", "True", "False", "seconds",
]
CODES = [
    "province", "regency", "district", "village", "company", "donor", "sertakan", "self",
    "national_admin", "regional_operator", "branch_officer", "village_operator", "funder_user", "agent",
    "jkk_death", "jkk_disability", "stmb", "scholarship", "insufficient_funds", "apbd-province", "apbd-regency",
    "village-budget", "csr", "bpu_rentan", "rt_rw", "perangkat_desa", "bpu_lain",
]
UNREADABLE_NUMBER = re.compile(r"\d[Ee][+-]\d|\b\d\.\d+ %|\b\d{5,}(?= (?:wilayah|pekerja|aktif|baris))")
BRACKETED_CODE = re.compile(r"\[[a-z]+_[a-z_]+\]")   # "[date_impossible]" after a message
# What a person types back is not a label: an option with its value ("--source apbd-province"), a user name
# ("csr.sinar"), a file path.
TYPED = re.compile(r"lindung report [a-z]+\b|--[\w-]+ \S+|\b[a-z][\w-]*\.[\w.-]+\b|/\S+")


def findings(text: str) -> list[str]:
    text = TYPED.sub(" ", text)
    found = [w for w in ENGLISH + CODES if re.search(rf"(?<![\w-]){re.escape(w)}(?![\w-])", text)]
    found += [m.group(0) for m in UNREADABLE_NUMBER.finditer(text)]
    found += [m.group(0) for m in BRACKETED_CODE.finditer(text)]
    return found


def commands(tmp_path) -> list[list[str]]:
    from lindung.claims.models import Claim
    from lindung.funding.models import Funder
    from lindung.people.models import Worker

    gresik = Funder.objects.get(name="Pemerintah Kabupaten Gresik").pk
    claimant = Claim.objects.filter(kind="jkm").order_by("id").first().worker.nik
    worker = Worker.objects.filter(village_id="3525112002").order_by("id").first().pk
    workers_csv = tmp_path / "pekerja.csv"
    workers_csv.write_text("nik;nama;tanggal_lahir;jenis_kelamin;kode_desa;penghasilan\n"
                           "3525111203850999;Budi Uji;12-03-1985;L;3525112001;1.000.000\n"
                           "3525119903850998;Salah Tanggal;1985-03-99;L;3525112001;1.000.000\n", encoding="utf-8")
    from lindung.funding.models import SponsorshipBatch

    waiting = SponsorshipBatch.objects.filter(state="proposed", funder__kind="regency").order_by("id").first().pk
    from lindung.programmes.models import Programme

    # Gresik's programme (ids differ between databases: PostgreSQL sequences are not reset between tests)
    programme = str(Programme.objects.get(funder__region_id="3525", funder__kind="regency").pk)
    password = tmp_path / "sandi.txt"
    password.write_text("rahasia-panjang-123\n", encoding="utf-8")
    return [
        ["check"],
        ["users", "create", "agen.baru", "--role", "agent", "--region", "352511", "--password-file", str(password)],
        ["funders", "budget", str(gresik), "--year", "2027", "--source", "apbd-regency", "--amount", "500000000",
         "--as", "pemkab.gresik"],
        ["sponsorships", "approve", str(waiting), "--as", "pemkab.gresik", "--drop-covered"],
        ["payments", "open", "--as", "admin"],
        ["programmes", "villages", programme, "3525112001=10", "--as", "admin"],
        ["programmes", "attach", programme, str(waiting), "--as", "admin"],
        ["programmes", "detach", programme, str(waiting), "--as", "admin"],
        ["agents", "reassign", "agen.cerme", "agen.sukabumi", "--as", "admin"],
        ["report", "coverage", "--region", "3525", "--period", "2026-10", "--format", "xlsx", "--out",
         str(tmp_path / "cakupan.xlsx"), "--as", "admin"],
        ["nik", "3525111203850001"],
        ["nik", "3525119903850001"],
        ["users", "list"],
        ["users", "tokens", "admin"],
        ["rules", "show"],
        ["rules", "load"],
        ["regions", "load"],
        ["quote", "--segment", "bpu", "--income", "1000000", "--programs", "jkk,jkm", "--month", "2026-06",
         "--funding", "csr"],
        ["plan", "--budget", "15620000000", "--programs", "jkk,jkm", "--income", "1000000", "--funding",
         "apbd-province", "--start", "2023-01", "--months", "12"],
        ["benefits", "jkm", "--death-date", "2026-01-01"],
        ["benefits", "jkk-death", "--income", "1000000", "--accident-date", "2026-01-01", "--claim-date",
         "2026-02-01"],
        ["benefits", "jkk-disability", "--income", "1000000", "--accident-date", "2026-01-01", "--claim-date",
         "2026-02-01"],
        ["benefits", "stmb", "--income", "1000000", "--accident-date", "2026-01-01", "--claim-date", "2026-02-01",
         "--months", "8"],
        ["benefits", "scholarship", "--route", "jkm", "--event-date", "2026-01-01", "--contribution-months", "36",
         "--child", "2004-01-01:university"],
        ["funders", "list"],
        ["funders", "sources"],
        ["sponsorships", "lists"],
        ["sponsorships", "ending", "--as", "pemkab.gresik"],
        ["sponsorships", "graduation", "--as", "pemkab.gresik"],
        ["sponsorships", "end-due"],
        ["sponsorships", "propose", "--funder", str(gresik), "--region", "3525112003", "--start", "2027-01",
         "--months", "1", "--source", "apbd-regency", "--as", "pemkab.gresik", "--skip-covered"],
        ["bill", "--month", "2026-11"],
        ["payments", "open", "--as", "pemkab.gresik"],
        ["coverage", "--region", "3525", "--month", "2026-10"],
        ["coverage", "snapshot", "--month", "2026-10"],
        ["coverage", "refresh"],
        ["coverage", "worker", str(worker)],
        ["reminders"],
        ["claims", "list", "--as", "admin"],
        ["claims", "check", "--nik", claimant, "--event", "death", "--date", "2026-11-01"],
        ["deaths", "process"],
        ["programmes", "list", "--as", "admin"],
        ["programmes", "progress", programme, "--as", "admin"],
        ["agents", "commissions", "--month", "2026-11", "--as", "agen.cerme"],
        ["agents", "activity", "--as", "admin"],
        ["agents", "acquisition", "--as", "admin"],
        ["agents", "workers", "agen.cerme", "--as", "admin"],
        ["autodebit", "banks"],
        ["autodebit", "mandates", "--as", "admin"],
        ["autodebit", "failures", "--as", "admin"],
        ["autodebit", "export", "--month", "2026-12", "--bank", "GENERIC", "--out", str(tmp_path / "debet.txt"),
         "--as", "admin"],
        ["import", "workers", str(workers_csv), "--dry-run", "--as", "desa.dadapkuning"],
        ["import", "purge-uploads"],
        ["report", "--list"],
    ]


@pytest.fixture
def demo(db):
    seed(dt.date(2026, 11, 21))


def test_every_command_speaks_indonesian_without_codes(demo, tmp_path):
    problems = []
    runner = CliRunner()
    for args in commands(tmp_path):
        result = runner.invoke(main, args)
        where = "lindung " + " ".join(a if "/" not in a else "FILE" for a in args)
        # An invalid NIK and a list with rejected rows end with status 1 by design; nothing else may fail.
        if result.exit_code != 0 and not (result.exit_code == 1 and args[0] in ("nik", "import")):
            problems.append(f"{where}: exit {result.exit_code}: {result.output.strip()[-200:]}")
            continue
        if result.output.lstrip().startswith(("{", "[{")):
            problems.append(f"{where}: prints JSON without --json")
        for found in findings(result.output):
            problems.append(f"{where}: shows “{found}”")
    assert not problems, "\n".join(problems)


def test_the_check_list_catches_what_people_met():
    """The reported lines (issue 11) are found; their Indonesian versions are not."""
    assert findings("✓ database ready") and findings("done (dry_run)") and findings("#12 jkk_death paid")
    assert findings("baris 3, nik: Digit 7–8 salah. [nik_day]") and findings("admin  national_admin")
    assert findings("Bulan 1–3 sebesar 1E+2 %") and findings("JHT PU: 5.7 %")
    assert not findings("✓ basis data siap (3,3 dtk)") and not findings("JHT PU: 5,7 %")
    assert not findings("Rp1.500.000 untuk 3525111203850001 di desa 3525112001 (/tmp/x/pekerja.csv)")
