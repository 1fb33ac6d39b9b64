"""Coverage indicators per region and level: they must match counts made by hand."""

import json

import pytest
from click.testing import CliRunner

from lindung.accounts.access import Access
from lindung.billing.models import Invoice
from lindung.billing.payments import record_payment
from lindung.billing.runs import bill
from lindung.cli import main
from lindung.coverage.indicators import indicators, percent, trend
from lindung.coverage.services import active_members
from lindung.coverage.snapshots import take_snapshot
from lindung.regions.models import Region, WorkingPopulation

from .billing_support import funder, month, sponsor
from .conftest import DADAPKUNING, JAMBI_VILLAGE, LENGKONG, create_worker

pytestmark = pytest.mark.django_db
MARCH = month("2025-03")


def first_village(prefix: str) -> str:
    return Region.objects.filter(level=4, code__startswith=prefix).order_by("code").values_list("code", flat=True)[0]


@pytest.fixture
def members(db, csr_funder):
    """Eight members covered January–March 2025 (one of them only in January), by hand:

    Dadapkuning (Cerme, Gresik): 2 vulnerable workers (regency pays) + 1 RT head (village pays)
    Lengkong (Cerme, Gresik): 2 vulnerable workers (CSR company pays)
    Dukun district (Gresik): 1 vulnerable worker (regency pays)
    Surabaya (East Java): 1 market trader (donor pays); Jambi: 1 worker (province pays) — January only
    """
    regency = funder("regency", "Pemerintah Kabupaten Gresik", "3525")
    village = funder("village", "Pemerintah Desa Dadapkuning", DADAPKUNING)
    donor = funder("donor", "Ibu Donatur", "3578")
    province = funder("province", "Pemerintah Provinsi Jambi", "15")
    w = {
        "dadap": [create_worker(DADAPKUNING, serial=i) for i in (1, 2)],
        "rt": [create_worker(DADAPKUNING, serial=3, segment="rt_rw", ecosystem="desa")],
        "lengkong": [create_worker(LENGKONG, serial=i) for i in (4, 5)],
        "dukun": [create_worker(first_village("352501"), serial=6)],
        "surabaya": [create_worker(first_village("3578"), serial=7, segment="bpu_lain", ecosystem="pasar")],
        "jambi": [create_worker(JAMBI_VILLAGE, serial=8)],
    }
    for payer, group in ((regency, w["dadap"] + w["dukun"]), (village, w["rt"]), (csr_funder, w["lengkong"]),
                         (donor, w["surabaya"]), (province, w["jambi"])):
        sponsor(payer, group, start=month("2025-01"), months=6)
    for m in ("2025-01", "2025-02", "2025-03", "2025-04"):
        bill(Access.console(), month(m))
    for invoice in Invoice.objects.filter(month__lte=MARCH):
        if invoice.funder == province and invoice.month > month("2025-01"):
            continue  # Jambi stops paying after January
        record_payment(invoice, amount=invoice.outstanding, reference=f"P-{invoice.pk}",
                       paid_on=invoice.month.replace(day=10))
    WorkingPopulation.objects.create(region_id="3525", year=2024, count=40)
    WorkingPopulation.objects.create(region_id="3525", year=2026, count=10)   # later than the month: unused
    WorkingPopulation.objects.create(region_id="35", year=2020, count=100)
    WorkingPopulation.objects.create(region_id="352511", year=2025, count=50)
    return w


def test_active_members_per_level_match_hand_counts(members):
    assert active_members(DADAPKUNING, MARCH) == 3
    assert active_members("352511", MARCH) == 5
    assert active_members("3525", MARCH) == 6
    assert active_members("35", MARCH) == 7
    assert active_members("15", MARCH) == 0 and active_members("15", month("2025-01")) == 1
    assert active_members("", MARCH) == 7


def test_coverage_percent_working_population_and_parent(members):
    data = indicators("3525", MARCH)
    assert (data["active"], data["working_population"], data["working_population_year"]) == (6, 40, 2024)
    assert data["coverage_pct"] == 15.0
    assert data["parent"] == {"code": "35", "name": "Jawa Timur", "active": 7, "working_population": 100,
                              "coverage_pct": 7.0}
    village = indicators(DADAPKUNING, MARCH)
    assert village["working_population"] is None and village["coverage_pct"] is None
    assert village["parent"]["coverage_pct"] == 10.0 and village["children"] == []  # Cerme: 5 of 50


def test_breakdowns_and_drill_down(members):
    data = indicators("3525", MARCH)
    assert data["by_segment"] == {"bpu_rentan": 5, "rt_rw": 1}
    assert data["by_ecosystem"] == {"rentan": 5, "desa": 1}
    assert data["by_funder_kind"] == {"regency": 3, "company": 2, "village": 1}
    district = {c["code"]: c["active"] for c in indicators("352511", MARCH)["children"]}
    assert district[DADAPKUNING] == 3 and district[LENGKONG] == 2 and sum(district.values()) == 5
    regency = {c["code"]: c["active"] for c in data["children"]}
    assert regency["352511"] == 5 and regency["352501"] == 1
    province = {c["code"]: c for c in indicators("35", MARCH)["children"]}
    assert province["3525"]["active"] == 6 and province["3525"]["coverage_pct"] == 15.0
    assert province["3578"]["active"] == 1


def test_new_and_lapsed_members(members):
    january = indicators("", month("2025-01"))
    assert (january["active"], january["new"], january["lapsed"]) == (8, 8, 0)
    assert indicators("", MARCH)["new"] == 0
    # Jambi's worker: covered in January, unpaid February–April → lapsed in April.
    assert indicators("15", month("2025-04"))["lapsed"] == 1
    assert indicators("15", MARCH)["lapsed"] == 0


def test_snapshots_give_the_same_answers_as_live_counts(members):
    live = {code: indicators(code, MARCH) for code in ("", "35", "3525", "352511", DADAPKUNING)}
    run = take_snapshot(Access.console(), MARCH)
    assert run.active == 7
    for code, expected in live.items():
        frozen = indicators(code, MARCH)
        assert frozen["source"] == "snapshot"
        assert {k: v for k, v in frozen.items() if k != "source"} == {k: v for k, v in expected.items()
                                                                       if k != "source"}
    take_snapshot(Access.console(), MARCH)  # again: replaced, not doubled
    assert indicators("3525", MARCH)["active"] == 6
    series = trend("3525", [month("2025-01"), month("2025-02"), MARCH])
    assert [p["active"] for p in series] == [6, 6, 6] and series[-1]["coverage_pct"] == 15.0


def test_funder_users_see_counts_of_their_own_workers_only(members, csr_donor_user, gresik_regency_operator):
    mine = indicators("", MARCH, Access(csr_donor_user))
    assert mine["scoped"] and mine["active"] == 2
    assert indicators("3525", MARCH, Access(gresik_regency_operator))["active"] == 6


def test_gresik_percentage_is_computed_from_members_and_working_population():
    assert percent(247_777, 628_952) == 39.40
    assert percent(5, None) is None and percent(0, 0) is None


def test_cli_prints_the_indicators_as_json(members):
    result = CliRunner().invoke(main, ["coverage", "--region", "3525", "--month", "2025-03", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert (data["active"], data["working_population"], data["coverage_pct"]) == (6, 40, 15.0)
    snap = CliRunner().invoke(main, ["coverage", "snapshot", "--month", "2025-03", "--json"])
    assert snap.exit_code == 0 and json.loads(snap.output)["active"] == 7
    bad = CliRunner().invoke(main, ["coverage", "--region", "99", "--month", "2025-03"])
    assert bad.exit_code == 1 and "99" in bad.output
