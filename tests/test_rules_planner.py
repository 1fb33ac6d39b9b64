"""Budget planner: Jambi's case, spans crossing relief boundaries, workers and coverage targets."""

import datetime as dt

import pytest

from lindung.rules import planner
from lindung.rules.planner import plan_budget, plan_target, plan_workers
from lindung.rules.services import RuleError

pytestmark = pytest.mark.django_db

JAMBI_BUDGET = 1_562 * 100_000_000 * 10 // 100   # 1,562 villages × Rp100 million × 10 %


def test_jambi_budget_covers_77480_workers():
    assert JAMBI_BUDGET == 15_620_000_000
    plan = plan_budget(budget=JAMBI_BUDGET, programs=["jkk", "jkm"], income=1_000_000,
                       funding_source="apbd-province", start=dt.date(2023, 1, 1), months=12)
    assert plan.cost_per_worker == 201_600
    assert plan.workers == 77_480
    assert plan.remainder == 32_000
    assert plan.cost == 77_480 * 201_600
    assert (plan.monthly[0]["month"], plan.monthly[-1]["month"]) == ("2023-01", "2023-12")


def test_span_crossing_the_end_of_pp50_for_other_sectors():
    # Oct–Dec 2026 discounted (Rp8,400), Jan–Mar 2027 full price (Rp16,800).
    plan = plan_budget(budget=1_000_000, programs="jkk,jkm", income=1_000_000, funding_source="csr",
                       start=dt.date(2026, 10, 1), months=6)
    assert [m["price"] for m in plan.monthly] == [8_400] * 3 + [16_800] * 3
    assert plan.monthly[0]["reliefs"] == ["pp50-2025-other"] and plan.monthly[3]["reliefs"] == []
    assert plan.cost_per_worker == 75_600
    assert (plan.workers, plan.remainder) == (13, 1_000_000 - 13 * 75_600)


def test_span_crossing_the_end_of_pp50_for_transport():
    plan = plan_workers(workers=100, programs="jkk,jkm", income=1_000_000, funding_source="self", sector="transport",
                        start=dt.date(2027, 1, 1), months=6)
    assert [m["price"] for m in plan.monthly] == [8_400] * 3 + [16_800] * 3
    assert plan.cost == 100 * 75_600


def test_span_crossing_the_start_and_end_of_pp49():
    plan = plan_workers(workers=1, programs="jkk,jkm", income=1_000_000, funding_source="apbd-regency",
                        start=dt.date(2020, 7, 1), months=8)
    assert [m["price"] for m in plan.monthly] == [16_800] + [168] * 6 + [16_800]


def test_public_budget_gets_no_pp50_discount_in_the_plan():
    plan = plan_workers(workers=10, programs="jkk,jkm", income=1_000_000, funding_source="apbd-regency",
                        start=dt.date(2026, 4, 1), months=3)
    assert plan.cost_per_worker == 3 * 16_800


def test_coverage_target_from_working_population_and_explicit_active():
    from lindung.regions.models import WorkingPopulation

    WorkingPopulation.objects.create(region_id="3525", year=2022, count=628_952, source="BPS")
    plan = plan_target(region_code="3525", target_percent=40, active=247_777, programs="jkk,jkm",
                       income=1_000_000, funding_source="apbd-regency", start=dt.date(2023, 1, 1), months=12)
    wanted = -(-628_952 * 40 // 100)   # ceil(251,580.8) = 251,581
    assert plan.target["covered_at_target"] == wanted == 251_581
    assert plan.workers == wanted - 247_777 == 3_804
    assert plan.cost == 3_804 * 201_600
    assert plan.target["coverage_now_percent"] == "39.40"
    assert plan.target["working_population_year"] == 2022


def test_target_already_met_costs_nothing():
    from lindung.regions.models import WorkingPopulation

    WorkingPopulation.objects.create(region_id="3525", year=2022, count=1000)
    plan = plan_target(region_code="3525", target_percent=30, active=400, programs="jkk,jkm", income=1_000_000,
                       funding_source="csr", start=dt.date(2023, 1, 1), months=12)
    assert (plan.workers, plan.cost) == (0, 0)


def test_target_uses_the_coverage_module_when_it_is_there(monkeypatch):
    from lindung.regions.models import WorkingPopulation

    WorkingPopulation.objects.create(region_id="3525", year=2022, count=1000)
    monkeypatch.setattr(planner, "default_active_members", lambda code, month: 100)
    plan = plan_target(region_code="3525", target_percent=30, programs="jkk,jkm", income=1_000_000,
                       funding_source="csr", start=dt.date(2023, 1, 1), months=12)
    assert plan.target["active"] == 100 and plan.workers == 200


def test_target_needs_active_members_when_no_coverage_module(monkeypatch):
    from lindung.regions.models import WorkingPopulation

    WorkingPopulation.objects.create(region_id="3525", year=2022, count=1000)
    monkeypatch.setattr(planner, "default_active_members", lambda code, month: None)
    with pytest.raises(RuleError) as err:
        plan_target(region_code="3525", target_percent=30, programs="jkk,jkm", income=1_000_000,
                    funding_source="csr", start=dt.date(2023, 1, 1), months=12)
    assert err.value.field == "active"


@pytest.mark.parametrize("kwargs,field", [
    ({"budget": -1}, "budget"),
    ({"months": 0}, "months"),
    ({"months": 121}, "months"),
    ({"programs": "jkk,foo"}, "programs"),
    ({"income": 500_000}, "income"),
    ({"start": "2023-00"}, "month"),
    ({"funding_source": "bank"}, "funding_source"),
])
def test_bad_planner_input(kwargs, field):
    args = {"budget": 1_000_000, "programs": "jkk,jkm", "income": 1_000_000, "funding_source": "csr",
            "start": dt.date(2023, 1, 1), "months": 12}
    args.update(kwargs)
    with pytest.raises(RuleError) as err:
        plan_budget(**args)
    assert err.value.field == field


@pytest.mark.parametrize("kwargs,field", [
    ({"region_code": "99"}, "region"),
    ({"region_code": "1501"}, "region"),      # no working population recorded
    ({"target_percent": 0}, "target"),
    ({"target_percent": "lots"}, "target"),
])
def test_bad_target_input(kwargs, field):
    args = {"region_code": "3525", "target_percent": 40, "active": 0, "programs": "jkk,jkm", "income": 1_000_000,
            "funding_source": "csr", "start": dt.date(2023, 1, 1), "months": 12}
    args.update(kwargs)
    with pytest.raises(RuleError) as err:
        plan_target(**args)
    assert err.value.field == field


def test_target_reads_active_members_from_the_coverage_module():
    from lindung.coverage.services import active_members
    from lindung.regions.models import WorkingPopulation

    WorkingPopulation.objects.create(region_id="3525", year=2022, count=1000)
    start = dt.date(2023, 1, 1)
    plan = plan_target(region_code="3525", target_percent=30, programs="jkk,jkm", income=1_000_000,
                       funding_source="csr", start=start, months=12)
    assert plan.target["active"] == active_members("3525", start)
    assert plan.workers == 300 - plan.target["active"]
