"""Eligibility from Lindung's own payment history, on the boundaries of RULES.md §3–§4 and issue 10."""

import datetime as dt
import json

import pytest
from click.testing import CliRunner

from lindung.accounts.access import Access
from lindung.billing.models import Invoice
from lindung.billing.payments import record_payment
from lindung.billing.runs import bill
from lindung.claims.eligibility import assess, check
from lindung.claims.models import FamilyMember
from lindung.cli import main
from lindung.rules.benefits import Child

from .billing_support import funder, month, sponsor
from .conftest import DADAPKUNING, create_worker

pytestmark = pytest.mark.django_db

DEATH = dt.date(2025, 3, 12)
JKM_TOTAL = 42_000_000           # RULES.md §4: 20 + 12 + 10 million
CAP = 174_000_000                # RULES.md §4: scholarship cap


def kid(birth: str, level: str = "sd", year: int = 1, **extra) -> Child:
    return Child(birth_date=dt.date.fromisoformat(birth), level=level, year_in_level=year, **extra)


def death(months: int, children=(), active: bool = True, **extra):
    return assess(event="death", event_date=DEATH, active_on_date=active, contribution_months=months,
                  income=1_000_000, children=list(children), **extra)


# --- the rule on plain facts -------------------------------------------------------------------------

def test_jkm_and_the_reasoning_in_indonesian():
    result = death(41, [kid("2015-05-01")])
    assert result.payable and result.benefit.total == JKM_TOTAL
    assert result.as_dict()["reasoning"] == "aktif pada 12 Maret 2025; 41 bulan iuran; beasiswa memenuhi syarat"


def test_35_contribution_months_refuse_the_scholarship_and_36_grant_it():
    short = death(35, [kid("2015-05-01")])
    assert short.payable and short.benefit.total == JKM_TOTAL  # JKM itself has no minimum
    assert not short.scholarship["eligible"]
    assert [r["code"] for r in short.scholarship["reasons"]] == ["too_few_contribution_months"]
    assert "beasiswa tidak memenuhi syarat" in short.as_dict()["reasoning"]
    assert death(36, [kid("2015-05-01")]).scholarship["eligible"]


def test_without_children_recorded_the_scholarship_is_judged_on_the_months_alone():
    assert death(36).scholarship["eligible"] and not death(35).scholarship["eligible"]


def test_a_third_child_is_refused():
    result = death(40, [kid("2010-01-01"), kid("2012-01-01"), kid("2014-01-01")])
    third = result.scholarship["children"][2]
    assert [r["code"] for r in third["reasons"]] == ["child_limit"] and third["total"] == 0
    assert result.scholarship["children"][0]["total"] > 0 and result.scholarship["children"][1]["total"] > 0


def test_two_children_from_kindergarten_to_university_reach_the_cap_and_no_more():
    # Each child: TK 2×1.5 + SD 6×1.5 + SMP 3×2 + SMA 3×3 + university 5×12 = Rp87 million.
    result = death(36, [kid("2021-01-01", "tk"), kid("2021-02-01", "tk")])
    assert result.scholarship["total"] == CAP
    assert [c["total"] for c in result.scholarship["children"]] == [87_000_000, 87_000_000]


def test_a_capped_scholarship_stops_at_the_cap():
    # Two children at SD year 1 in 2025 each plan 1.5×6 + 2×3 + 3×3 + 12×5 = Rp84 million; with a
    # third at university that is refused, the total still never passes the cap.
    result = death(60, [kid("2019-01-01", "sd"), kid("2019-06-01", "sd"), kid("2005-01-01", "university")])
    assert result.scholarship["total"] <= CAP


def test_a_child_turning_23_mid_year_gets_no_payment_from_that_birthday():
    # At university year 1 on 12 March 2025, 23 on 1 September 2026 … the payment of March 2027
    # falls after the 23rd birthday: only 2025 and 2026 are paid.
    result = death(36, [kid("2003-09-01", "university")])
    payments = result.scholarship["children"][0]["payments"]
    assert [p["year"] for p in payments] == [2025, 2026]
    assert result.scholarship["total"] == 2 * 12_000_000


def test_a_married_or_working_child_gets_nothing():
    result = death(36, [kid("2004-01-01", "university", married=True)])
    assert not result.scholarship["eligible"]


def test_jkk_claim_five_years_and_one_day_after_the_accident_is_refused():
    accident = dt.date(2020, 6, 15)

    def jkk(claim_date):
        return assess(event="accident-death", event_date=accident, active_on_date=True, contribution_months=12,
                      income=1_000_000, claim_date=claim_date)

    on_time = jkk(dt.date(2025, 6, 15))
    assert on_time.payable and on_time.benefit.total == 70_000_000  # 48 × Rp1,000,000 + 10 + 12 million
    late = jkk(dt.date(2025, 6, 16))
    assert not late.payable and [r["code"] for r in late.reasons] == ["claim_window_passed"]
    assert not late.scholarship["eligible"]


def test_jkk_scholarship_needs_no_minimum_months():
    result = assess(event="accident-disability", event_date=DEATH, active_on_date=True, contribution_months=2,
                    income=1_000_000, claim_date=DEATH, children=[kid("2015-05-01")])
    assert result.payable and result.benefit.total == 68_000_000 and result.scholarship["eligible"]


def test_not_active_on_the_date_is_refused_with_the_reason():
    result = death(20, active=False, status="lapsed", status_label="tidak aktif (lapsed)")
    assert not result.payable and result.benefit.total == 0
    assert [r["code"] for r in result.reasons] == ["membership_inactive"]
    assert result.as_dict()["reasoning"].startswith("tidak aktif pada 12 Maret 2025")


# --- applied to a worker's recorded cover ----------------------------------------------------------------

@pytest.fixture
def village_payer(db):
    return funder("village", "Pemerintah Desa Dadapkuning", DADAPKUNING)


@pytest.fixture
def farmer(db):
    return create_worker(DADAPKUNING, serial=21, name="Sutrisno")


def pay(payer, billing_month: str, on: dt.date):
    invoice = Invoice.objects.get(funder=payer, month=month(billing_month))
    record_payment(invoice, amount=invoice.outstanding, reference=f"P-{billing_month}-{on}", paid_on=on)


@pytest.fixture
def paid_january_to_march(village_payer, farmer):
    """Covered January–March 2025; April–June unpaid, so lapsed from July (lapse: 3 months)."""
    sponsor(village_payer, [farmer], start=month("2025-01"), months=12)
    for m in range(1, 9):
        bill(Access.console(), month(f"2025-{m:02d}"))
    for m in (1, 2, 3):
        pay(village_payer, f"2025-{m:02d}", dt.date(2025, m, 10))
    return farmer


def test_death_in_the_last_covered_month_is_payable(paid_january_to_march):
    result = check(paid_january_to_march, "death", dt.date(2025, 3, 31))
    assert result.payable and result.contribution_months == 3
    assert result.as_dict()["reasoning"].startswith("aktif pada 31 Maret 2025; 3 bulan iuran")


def test_death_in_an_unpaid_month_and_in_the_first_lapsed_month_is_refused(paid_january_to_march):
    unpaid = check(paid_january_to_march, "death", dt.date(2025, 4, 2))
    assert not unpaid.payable and unpaid.status == "grace"
    lapsed = check(paid_january_to_march, "death", dt.date(2025, 7, 1))
    assert not lapsed.payable and lapsed.status == "lapsed"
    assert [r["code"] for r in lapsed.reasons] == ["membership_inactive"]


def test_a_payment_after_the_lapse_does_not_make_an_earlier_death_payable(village_payer, paid_january_to_march):
    for m in range(4, 9):
        pay(village_payer, f"2025-{m:02d}", dt.date(2025, 8, 5))  # all of April–August paid in August
    assert not check(paid_january_to_march, "death", dt.date(2025, 7, 20)).payable
    assert check(paid_january_to_march, "death", dt.date(2025, 8, 20)).payable  # a new membership from August


def test_children_come_from_the_family_eldest_first(paid_january_to_march):
    for name, birth in (("Bungsu", "2016-01-01"), ("Sulung", "2010-01-01"), ("Tengah", "2013-01-01")):
        FamilyMember.objects.create(worker=paid_january_to_march, name=name, relationship="child",
                                    birth_date=dt.date.fromisoformat(birth), school_level="sd")
    children = check(paid_january_to_march, "accident-death", dt.date(2025, 3, 31)).scholarship["children"]
    assert [c["name"] for c in children] == ["Sulung", "Tengah", "Bungsu"]
    assert [r["code"] for r in children[2]["reasons"]] == ["child_limit"]


def test_cli_check_gives_the_documented_keys(paid_january_to_march):
    out = CliRunner().invoke(main, ["claims", "check", "--nik", paid_january_to_march.nik, "--event", "death",
                                    "--date", "2025-03-31", "--json"])
    assert out.exit_code == 0, out.output
    data = json.loads(out.output)
    assert {"payable", "active_on_date", "contribution_months", "total", "items", "scholarship", "reasons"} <= set(data)
    assert (data["payable"], data["active_on_date"], data["contribution_months"], data["total"]) == (
        True, True, 3, JKM_TOTAL)
    assert data["scholarship"]["eligible"] is False
    refused = CliRunner().invoke(main, ["--lang", "en", "claims", "check", "--nik", paid_january_to_march.nik,
                                        "--event", "death", "--date", "2025-07-01"])
    assert refused.exit_code == 0 and "Not payable" in refused.output
    unknown = CliRunner().invoke(main, ["--lang", "en", "claims", "check", "--nik", "0000000000000000",
                                        "--event", "death", "--date", "2025-07-01"])
    assert unknown.exit_code == 1 and "No worker" in unknown.output
