"""`lindung funders …` and `lindung sponsorships …`: batch work from the console."""

import json

from click.testing import CliRunner

from lindung.cli import main
from lindung.funding.models import BatchState, Funder, FunderKind, SponsorshipBatch, SponsorshipState

from .conftest import make_user
from .funding_support import bulk_workers, villages


def run(*args):
    return CliRunner().invoke(main, ["--lang", "en", *args])


def test_a_province_list_from_the_console(jambi_province_operator, db):
    make_user("bpkad.jambi", "regional_operator", ["15"])
    jambi = Funder.objects.create(kind=FunderKind.PROVINCE, name="Pemprov Jambi", region_id="15")
    bulk_workers(villages("1501", 3), 5)
    r = run("funders", "budget", str(jambi.pk), "--year", "2026", "--source", "apbd-province",
            "--amount", "15620000000", "--as", "bpkad.jambi")
    assert r.exit_code == 0, r.output
    r = run("sponsorships", "propose", "--funder", str(jambi.pk), "--region", "1501", "--start", "2026-01",
            "--months", "12", "--source", "apbd-province", "--as", "pemprov.jambi")
    assert r.exit_code == 0 and "15 sponsorships proposed" in r.output, r.output
    batch = SponsorshipBatch.objects.get()
    r = run("sponsorships", "approve", str(batch.pk), "--as", "pemprov.jambi", "--today", "2025-12-01")
    assert r.exit_code == 1 and "other than its proposer" in r.output
    r = run("sponsorships", "approve", str(batch.pk), "--as", "bpkad.jambi", "--today", "2025-12-01")
    assert r.exit_code == 0, r.output
    batch.refresh_from_db()
    assert batch.state == BatchState.APPROVED
    listed = json.loads(run("funders", "list", "--kind", "province", "--json").output)
    assert listed[0]["budgets"][0]["committed"] == 15 * 201_600

    r = run("sponsorships", "end-due", "--today", "2026-01-01", "--json")
    assert json.loads(r.output)["activated"] == 15
    r = run("sponsorships", "end-due", "--today", "2027-01-01")
    assert r.exit_code == 0 and "15 ended" in r.output
    assert set(batch.sponsorships.values_list("state", flat=True)) == {SponsorshipState.ENDED}
    r = run("sponsorships", "graduation", "--as", "pemprov.jambi", "--json")
    assert json.loads(r.output)[0]["finished"] == 15


def test_ending_lists_with_masked_niks_for_funder_users(csr_funder, csr_donor_user, national_admin):
    worker = bulk_workers(villages("3202", 1), 1)[0]
    assert run("sponsorships", "propose", "--funder", str(csr_funder.pk), "--region", "3202", "--start", "2026-06",
               "--months", "1", "--source", "csr", "--as", "admin").exit_code == 0
    batch = SponsorshipBatch.objects.get()
    assert run("sponsorships", "approve", str(batch.pk), "--as", "csr.sinar", "--today", "2026-06-01").exit_code == 0
    r = run("sponsorships", "ending", "--as", "csr.sinar", "--today", "2026-06-10", "--json")
    rows = json.loads(r.output)
    assert len(rows) == 1 and rows[0]["nik"] == worker.masked_nik


def test_bad_input_is_one_clear_line(db):
    assert "No active user" in run("sponsorships", "ending", "--as", "nobody").output
    assert "No list 1" in run("sponsorships", "approve", "1", "--as", "nobody").output
    r = run("sponsorships", "end-due", "--today", "yesterday")
    assert r.exit_code != 0 and "--today must look like" in r.output and "Traceback" not in r.output
    make_user("admin", "national_admin")
    r = run("funders", "budget", "999", "--year", "2026", "--source", "csr", "--amount", "1", "--as", "admin")
    assert r.exit_code == 1 and "No funder 999" in r.output


def test_sources_per_kind(db):
    rows = json.loads(run("funders", "sources", "--json").output)
    assert rows["village"] == ["village-budget"] and rows["company"] == ["csr"]
