"""Benefit calculators: RULES.md §4 figures, the 5-year JKK window, scholarships and their limits."""

import datetime as dt

import pytest

from lindung.rules.benefits import jkk_death, jkk_disability, jkm_death, scholarship, stmb
from lindung.rules.services import RuleError

pytestmark = pytest.mark.django_db

DEATH = dt.date(2026, 3, 10)


def amounts(benefit):
    return {item.code: item.amount for item in benefit.items}


def test_jkm_death_pays_42_million():
    benefit = jkm_death(death_date=DEATH)
    assert benefit.payable and benefit.total == 42_000_000
    assert amounts(benefit) == {"lump_sum": 20_000_000, "periodic": 12_000_000, "funeral": 10_000_000}
    assert any("PP 82/2019" in ref for ref in benefit.references)


def test_jkm_is_not_paid_without_active_membership():
    benefit = jkm_death(death_date=DEATH, membership_active=False)
    assert not benefit.payable and benefit.total == 0
    assert [r.code for r in benefit.reasons] == ["membership_inactive"]


def test_jkk_death_at_one_million_is_70_million():
    benefit = jkk_death(income=1_000_000, accident_date=DEATH, claim_date=DEATH)
    assert benefit.total == 70_000_000
    assert amounts(benefit) == {"lump_sum": 48_000_000, "funeral": 10_000_000, "periodic": 12_000_000}


def test_jkk_death_scales_with_declared_income():
    assert jkk_death(income=2_500_000, accident_date=DEATH, claim_date=DEATH).total == 48 * 2_500_000 + 22_000_000


def test_jkk_total_permanent_disability():
    benefit = jkk_disability(income=1_000_000, accident_date=DEATH, claim_date=DEATH)
    assert amounts(benefit) == {"lump_sum": 56_000_000, "periodic": 12_000_000}
    assert benefit.total == 68_000_000


def test_jkk_claim_window_is_five_years():
    accident = dt.date(2021, 3, 10)
    assert jkk_death(income=1_000_000, accident_date=accident, claim_date=dt.date(2026, 3, 10)).total == 70_000_000
    late = jkk_death(income=1_000_000, accident_date=accident, claim_date=dt.date(2026, 3, 11))
    assert late.total == 0 and [r.code for r in late.reasons] == ["claim_window_passed"]
    assert jkk_disability(income=1_000_000, accident_date=accident, claim_date=dt.date(2026, 3, 11)).total == 0


def test_jkk_claim_before_the_accident_is_bad_input():
    with pytest.raises(RuleError):
        jkk_death(income=1_000_000, accident_date=DEATH, claim_date=DEATH - dt.timedelta(days=1))


def test_stmb_full_income_for_twelve_months_then_half():
    benefit = stmb(income=1_000_000, months=15, accident_date=DEATH, claim_date=DEATH)
    assert amounts(benefit) == {"full": 12_000_000, "reduced": 1_500_000}
    assert stmb(income=1_000_000, months=3, accident_date=DEATH, claim_date=DEATH).total == 3_000_000


def test_benefits_before_pp82_have_no_rule():
    with pytest.raises(RuleError):
        jkm_death(death_date=dt.date(2019, 1, 1))


# --- scholarships --------------------------------------------------------------------------------

def child(birth, level="none", year=1, **extra):
    return {"birth_date": birth, "level": level, "year_in_level": year, **extra}


def test_scholarship_table_kindergarten_to_university_is_87_million_per_child():
    benefit = scholarship(route="jkm", event_date=DEATH, contribution_months=36,
                          children=[child(dt.date(2021, 6, 1), "tk", 1)])
    payments = benefit.children[0]["payments"]
    per_level = {}
    for p in payments:
        per_level.setdefault(p["level"], []).append(p["amount"])
    assert {k: (len(v), v[0]) for k, v in per_level.items()} == {
        "tk": (2, 1_500_000), "sd": (6, 1_500_000), "smp": (3, 2_000_000), "sma": (3, 3_000_000),
        "university": (5, 12_000_000)}
    assert benefit.total == 87_000_000
    assert [p["year"] for p in payments] == list(range(2026, 2045))


def test_scholarship_two_children_reach_the_174_million_cap():
    kids = [child(dt.date(2021, 6, 1), "tk", 1), child(dt.date(2022, 1, 1), "tk", 1)]
    benefit = scholarship(route="jkm", event_date=DEATH, contribution_months=40, children=kids)
    assert benefit.total == 174_000_000
    assert [c["total"] for c in benefit.children] == [87_000_000, 87_000_000]


def test_scholarship_cap_cuts_the_last_payment():
    from lindung.rules.models import Parameter

    row = Parameter.objects.get(code="scholarship-2019")
    row.value = {**row.value, "cap": 100_000_000}
    row.save()
    kids = [child(dt.date(2021, 6, 1), "tk", 1), child(dt.date(2022, 1, 1), "tk", 1)]
    benefit = scholarship(route="jkm", event_date=DEATH, contribution_months=40, children=kids)
    assert benefit.total == 100_000_000
    capped = [p for c in benefit.children for p in c["payments"] if p.get("capped")]
    assert len(capped) == 1


def test_scholarship_for_at_most_two_children():
    kids = [child(dt.date(2014, 1, 1), "sd", 6), child(dt.date(2016, 1, 1), "sd", 4), child(dt.date(2018, 1, 1), "sd", 2)]
    benefit = scholarship(route="jkk", event_date=DEATH, children=kids)
    assert benefit.children[2]["total"] == 0
    assert [r["code"] for r in benefit.children[2]["reasons"]] == ["child_limit"]
    assert benefit.children[0]["total"] > 0 and benefit.children[1]["total"] > 0


def test_scholarship_through_jkm_needs_36_contribution_months():
    kids = [child(dt.date(2016, 1, 1), "sd", 4)]
    refused = scholarship(route="jkm", event_date=DEATH, contribution_months=35, children=kids)
    assert refused.total == 0 and [r.code for r in refused.reasons] == ["too_few_contribution_months"]
    assert scholarship(route="jkm", event_date=DEATH, contribution_months=36, children=kids).total > 0


def test_scholarship_through_jkk_needs_no_minimum():
    kids = [child(dt.date(2016, 1, 1), "sd", 4)]
    assert scholarship(route="jkk", event_date=DEATH, contribution_months=0, children=kids).total > 0


def test_scholarship_stops_at_23():
    # Born 2004-05-01, in university year 2: 21 on 2026-03-10, 22 a year later, 23 on 2028-03-10 → stops.
    benefit = scholarship(route="jkk", event_date=DEATH, children=[child(dt.date(2004, 5, 1), "university", 2)])
    payments = benefit.children[0]["payments"]
    assert [(p["year"], p["age"]) for p in payments] == [(2026, 21), (2027, 22)]
    assert benefit.total == 24_000_000


def test_scholarship_stops_on_marriage_or_work():
    kids = [child(dt.date(2005, 1, 1), "university", 1, married=True), child(dt.date(2006, 1, 1), "sma", 3,
                                                                               working=True)]
    benefit = scholarship(route="jkk", event_date=DEATH, children=kids)
    assert benefit.total == 0
    assert [c["reasons"][0]["code"] for c in benefit.children] == ["child_married_or_working"] * 2
    assert [r.code for r in benefit.reasons] == ["nothing_payable"]


def test_child_not_yet_at_school_is_scheduled_from_school_entry():
    benefit = scholarship(route="jkk", event_date=DEATH, children=[child(dt.date(2025, 8, 1))])
    first = benefit.children[0]["payments"][0]
    assert (first["level"], first["age"], first["year"]) == ("tk", 4, 2029)
    assert benefit.total == 87_000_000


def test_scholarship_schedule_from_current_level():
    benefit = scholarship(route="jkk", event_date=DEATH, children=[child(dt.date(2013, 2, 1), "smp", 2)])
    levels = [(p["level"], p["year_in_level"]) for p in benefit.children[0]["payments"]]
    assert levels[:3] == [("smp", 2), ("smp", 3), ("sma", 1)]
    assert levels[-1] == ("university", 5)
    assert benefit.total == 2 * 2_000_000 + 3 * 3_000_000 + 5 * 12_000_000


@pytest.mark.parametrize("kwargs", [
    {"route": "bpjs"}, {"children": []}, {"children": [child("2015-13-01", "sd")]},
    {"children": [child(dt.date(2015, 1, 1), "college")]}, {"contribution_months": -1},
])
def test_scholarship_bad_input(kwargs):
    args = {"route": "jkm", "event_date": DEATH, "contribution_months": 36, "children": [child(dt.date(2015, 1, 1))]}
    args.update(kwargs)
    with pytest.raises(RuleError):
        scholarship(**args)
