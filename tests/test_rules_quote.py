"""Contribution quotes: the golden figures of RULES.md §3, reliefs by month, sector and payer, due dates."""

import datetime as dt

import pytest

from lindung.rules.services import RuleError, due_date, minimum_income_for, monthly_price, quote

pytestmark = pytest.mark.django_db

JKK_JKM = ["jkk", "jkm"]


def bpu(month, funding="apbd-regency", programs=JKK_JKM, income=1_000_000, sector="other", segment="bpu_rentan"):
    return quote(segment=segment, income=income, programs=programs, month=month, funding_source=funding,
                 sector=sector)


def nets(q):
    return {line.program: line.net for line in q.lines}


def test_standard_package_is_16800_a_month():
    q = bpu(dt.date(2023, 1, 1))
    assert q.total == 16_800
    assert nets(q) == {"jkk": 10_000, "jkm": 6_800}
    jkk = q.lines[0]
    assert (jkk.base, jkk.gross, jkk.discount, jkk.net) == (1_000_000, 10_000, 0, 10_000)
    assert jkk.reference and q.lines[1].reference


def test_with_jht_the_package_is_36800():
    q = bpu(dt.date(2023, 1, 1), programs=["jkk", "jkm", "jht"])
    assert q.total == 36_800
    assert nets(q)["jht"] == 20_000


@pytest.mark.parametrize("funding", ["csr", "self", "donor"])
def test_pp50_halves_the_package_for_csr_or_self_paid_informal_worker(funding):
    q = bpu(dt.date(2026, 6, 1), funding=funding)
    assert q.total == 8_400
    assert [(line.gross, line.discount, line.net) for line in q.lines] == [(10_000, 5_000, 5_000), (6_800, 3_400, 3_400)]
    assert all(line.discount_code == "pp50-2025-other" and "PP 50/2025" in line.discount_reference for line in q.lines)


@pytest.mark.parametrize("funding", ["apbn", "apbd-province", "apbd-regency", "village-budget"])
def test_pp50_does_not_apply_when_public_budgets_pay(funding):
    q = bpu(dt.date(2026, 6, 1), funding=funding)
    assert q.total == 16_800
    assert all(line.discount == 0 for line in q.lines)


def test_pp50_leaves_jht_undiscounted():
    q = bpu(dt.date(2026, 6, 1), funding="csr", programs=["jkk", "jkm", "jht"])
    assert nets(q) == {"jkk": 5_000, "jkm": 3_400, "jht": 20_000}


@pytest.mark.parametrize("month,transport,other", [
    (dt.date(2025, 12, 1), 16_800, 16_800),
    (dt.date(2026, 1, 1), 8_400, 16_800),    # first month for transport
    (dt.date(2026, 3, 1), 8_400, 16_800),
    (dt.date(2026, 4, 1), 8_400, 8_400),     # first month for other sectors
    (dt.date(2026, 12, 1), 8_400, 8_400),    # last month for other sectors
    (dt.date(2027, 1, 1), 8_400, 16_800),
    (dt.date(2027, 3, 1), 8_400, 16_800),    # last month for transport
    (dt.date(2027, 4, 1), 16_800, 16_800),
])
def test_pp50_months_by_sector(month, transport, other):
    assert bpu(month, funding="self", sector="transport").total == transport
    assert bpu(month, funding="self", sector="other").total == other


def test_pp50_is_for_bpu_only():
    q = quote(segment="pu", income=1_000_000, programs=JKK_JKM, month=dt.date(2026, 6, 1), funding_source="self",
              risk_class="1")
    assert q.discount == 0


@pytest.mark.parametrize("month,total", [
    (dt.date(2020, 7, 1), 16_800),
    (dt.date(2020, 8, 1), 168),      # first relief month
    (dt.date(2020, 11, 1), 168),
    (dt.date(2021, 1, 1), 168),      # last relief month
    (dt.date(2021, 2, 1), 16_800),
])
def test_pp49_99_percent_relief_months(month, total):
    q = bpu(month, funding="apbd-regency")
    assert q.total == total
    if total == 168:
        assert nets(q) == {"jkk": 100, "jkm": 68}  # BPU JKM became Rp68


def test_pp49_applied_whoever_pays_and_to_wage_earners_too():
    assert bpu(dt.date(2020, 9, 1), funding="apbn").total == 168
    q = quote(segment="pu", income=4_000_000, programs=JKK_JKM, month=dt.date(2020, 9, 1), funding_source="self",
              risk_class="1")
    assert [(line.gross, line.net) for line in q.lines] == [(9_600, 96), (12_000, 120)]


def test_every_bpu_worker_segment_quotes_as_bpu():
    for segment in ["bpu_rentan", "perangkat_desa", "rt_rw", "bpu_lain", "bpu"]:
        assert bpu(dt.date(2024, 5, 1), segment=segment).total == 16_800


def test_rounding_is_half_up_to_whole_rupiah():
    q = bpu(dt.date(2024, 5, 1), income=1_234_550, programs=["jkk", "jkm", "jht"])
    assert nets(q) == {"jkk": 12_346, "jkm": 6_800, "jht": 24_691}  # 12,345.5 → 12,346; 24,691 exact
    q = bpu(dt.date(2026, 6, 1), funding="self", income=1_000_100, programs=["jkk"])
    assert (q.lines[0].gross, q.lines[0].discount, q.lines[0].net) == (10_001, 5_001, 5_000)


def test_pu_rates_by_risk_class_and_jp_wage_cap():
    q = quote(segment="pu", income=12_000_000, programs=["jkk", "jkm", "jht", "jp", "jkp"],
              month=dt.date(2025, 6, 1), funding_source="self", risk_class="5")
    lines = {line.program: line for line in q.lines}
    assert lines["jkk"].gross == 208_800        # 1.74 %
    assert lines["jkm"].gross == 36_000         # 0.30 %
    assert lines["jht"].gross == 684_000        # 5.7 %
    assert lines["jp"].base == 10_547_400 and lines["jp"].gross == 316_422   # 3 % of the 2025 cap
    assert lines["jkp"].net == 0                # financed by government and JKK recomposition
    assert q.due_date == dt.date(2025, 7, 15)   # PU: 15th of the following month
    q2024 = quote(segment="pu", income=12_000_000, programs=["jp"], month=dt.date(2024, 6, 1), funding_source="self")
    assert q2024.lines[0].base == 10_042_300


def test_pu_jkk_needs_a_risk_class():
    with pytest.raises(RuleError) as err:
        quote(segment="pu", income=5_000_000, programs=["jkk"], month=dt.date(2025, 6, 1), funding_source="self")
    assert err.value.field == "risk_class"


@pytest.mark.parametrize("kwargs,field", [
    ({"programs": ["jkk", "xyz"]}, "programs"),
    ({"programs": []}, "programs"),
    ({"programs": ["jp"]}, "programs"),           # pension is for wage earners only
    ({"income": 999_999}, "income"),
    ({"income": -5}, "income"),
    ({"segment": "nelayan"}, "segment"),
    ({"funding_source": "lottery"}, "funding_source"),
    ({"sector": "mining"}, "sector"),
    ({"month": "2026-13"}, "month"),
])
def test_bad_input_raises_rule_error_naming_the_field(kwargs, field):
    args = dict(segment="bpu", income=1_000_000, programs=JKK_JKM, month=dt.date(2026, 6, 1), funding_source="csr")
    args.update(kwargs)
    with pytest.raises(RuleError) as err:
        quote(**args)
    assert err.value.field == field
    assert isinstance(err.value, ValueError) and str(err.value)


def test_minimum_income_comes_from_rule_data():
    assert minimum_income_for("bpu_rentan", dt.date(2026, 1, 1)) == 1_000_000
    assert minimum_income_for("pu", dt.date(2026, 1, 1)) is None


def test_registry_minimum_reads_the_rule_data():
    from lindung.people.policy import minimum_declared_income

    assert minimum_declared_income("rt_rw", dt.date(2026, 1, 1)) == 1_000_000
    assert minimum_declared_income("pu", dt.date(2026, 1, 1)) == 0


@pytest.mark.parametrize("month,due", [
    (dt.date(2026, 6, 1), dt.date(2026, 6, 15)),    # Monday
    (dt.date(2026, 3, 1), dt.date(2026, 3, 16)),    # Sunday → Monday
    (dt.date(2026, 8, 1), dt.date(2026, 8, 18)),    # Saturday → Monday 17 Aug is a holiday → Tuesday
    (dt.date(2025, 2, 1), dt.date(2025, 2, 17)),    # Saturday → Monday
])
def test_bpu_due_on_the_15th_or_next_working_day(month, due):
    assert due_date("bpu", month) == due
    assert bpu(month).due_date == due


def test_holidays_are_data(national_admin):
    from lindung.rules.models import Holiday

    Holiday.objects.create(date=dt.date(2026, 6, 15), name="Test holiday")
    assert due_date("bpu", dt.date(2026, 6, 1)) == dt.date(2026, 6, 16)


def test_quote_is_json_safe():
    import json

    data = bpu(dt.date(2026, 6, 1), funding="csr").as_dict()
    assert json.loads(json.dumps(data))["total"] == 8_400
    assert data["lines"][0]["rate"] == "1" and data["lines"][1]["rate"] == "6800"
    assert data["due_date"] == "2026-06-15"


def test_monthly_price_matches_quote_without_queries(django_assert_num_queries):
    month = dt.date(2026, 6, 1)
    monthly_price(segment="bpu", income=1_000_000, programs="jkk,jkm", month=month, funding_source="csr")
    with django_assert_num_queries(0):
        for _ in range(1000):
            assert monthly_price(segment="bpu", income=1_000_000, programs="jkk,jkm", month=month,
                                 funding_source="csr") == 8_400
        for _ in range(100):
            assert bpu(month, funding="apbn").total == 16_800
