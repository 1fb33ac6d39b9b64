"""The CLI, the API and the calculator page give the same numbers as the services they share."""

import datetime as dt
import json
import re

import pytest
from click.testing import CliRunner

from lindung.cli import main
from lindung.rules.benefits import jkk_death, jkm_death, scholarship
from lindung.rules.planner import plan_budget
from lindung.rules.services import quote

pytestmark = pytest.mark.django_db

QUOTE_ARGS = ["--segment", "bpu", "--income", "1000000", "--programs", "jkk,jkm", "--month", "2026-06",
              "--funding", "csr", "--sector", "transport"]
PLAN_ARGS = ["--budget", "15620000000", "--programs", "jkk,jkm", "--income", "1000000", "--funding",
             "apbd-province", "--start", "2023-01", "--months", "12"]


def cli(*args):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def cli_json(*args):
    result = cli(*args, "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


@pytest.fixture
def api(client, jambi_province_operator):
    client.force_login(jambi_province_operator)
    return client


# --- one function underneath ---------------------------------------------------------------------

def test_quote_is_the_same_through_every_door(api):
    service = quote(segment="bpu", income=1_000_000, programs=["jkk", "jkm"], month=dt.date(2026, 6, 1),
                    funding_source="csr", sector="transport").as_dict()
    assert service["total"] == 8_400
    assert cli_json("quote", *QUOTE_ARGS) == service
    response = api.get("/api/v1/rules/quote", {"segment": "bpu", "income": "1000000", "programs": "jkk,jkm",
                                                "month": "2026-06", "funding": "csr", "sector": "transport"})
    assert response.status_code == 200 and response.json() == service
    page = api.get("/rules/calculator/", {"tool": "quote", "go": "1", "quote-segment": "bpu",
                                          "quote-income": "1000000", "quote-programs": ["jkk", "jkm"],
                                          "quote-month": "2026-06", "quote-funding_source": "csr",
                                          "quote-sector": "transport"}).content.decode()
    assert re.search(r'data-total="(\d+)"', page).group(1) == "8400"
    assert re.findall(r'data-net="(\d+)"', page) == ["5000", "3400"]


def test_plan_is_the_same_through_every_door(api):
    service = plan_budget(budget=15_620_000_000, programs="jkk,jkm", income=1_000_000,
                          funding_source="apbd-province", start=dt.date(2023, 1, 1), months=12).as_dict()
    data = cli_json("plan", *PLAN_ARGS)
    assert data == service
    assert (data["workers"], data["cost_per_worker"], data["remainder"]) == (77_480, 201_600, 32_000)
    response = api.get("/api/v1/rules/plan", {"budget": "15620000000", "programs": "jkk,jkm", "income": "1000000",
                                               "funding": "apbd-province", "start": "2023-01", "months": "12"})
    assert response.json() == service
    page = api.get("/rules/calculator/", {
        "tool": "plan", "go": "1", "plan-mode": "budget", "plan-budget": "15620000000",
        "plan-programs": ["jkk", "jkm"], "plan-income": "1000000", "plan-funding_source": "apbd-province",
        "plan-sector": "other", "plan-start": "2023-01", "plan-months": "12"}).content.decode()
    assert re.findall(r'id="plan-[a-z-]+" data-value="(\d+)"', page) == ["77480", "201600", "15619968000", "32000"]


def test_plan_for_workers_and_target_through_the_cli():
    from lindung.regions.models import WorkingPopulation

    assert cli_json("plan", "--workers", "100", "--funding", "csr", "--start", "2026-10", "--months", "6")["cost"] \
        == 100 * 75_600
    WorkingPopulation.objects.create(region_id="3525", year=2022, count=628_952)
    data = cli_json("plan", "--region", "3525", "--target", "40", "--active", "247777", "--funding",
                    "apbd-regency", "--start", "2023-01", "--months", "12")
    assert data["workers"] == 3_804 and data["cost"] == 3_804 * 201_600


def test_jkm_benefit_through_every_door(api):
    service = jkm_death(death_date=dt.date(2026, 3, 10)).as_dict()
    assert cli_json("benefits", "jkm", "--death-date", "2026-03-10") == service
    response = api.post("/api/v1/rules/benefits/jkm", json.dumps({"death_date": "2026-03-10"}),
                        content_type="application/json")
    assert response.json() == service and service["total"] == 42_000_000
    page = api.get("/rules/calculator/", {"tool": "benefit", "go": "1", "benefit-kind": "jkm",
                                          "benefit-event_date": "2026-03-10",
                                          "benefit-membership_active": "on"}).content.decode()
    assert re.search(r'data-total="(\d+)"', page).group(1) == "42000000"


def test_jkk_benefits_through_cli_and_api(api):
    service = jkk_death(income=1_000_000, accident_date="2026-01-05", claim_date="2026-02-01").as_dict()
    args = ["--income", "1000000", "--accident-date", "2026-01-05", "--claim-date", "2026-02-01"]
    assert cli_json("benefits", "jkk-death", *args) == service
    payload = {"income": 1_000_000, "accident_date": "2026-01-05", "claim_date": "2026-02-01"}
    assert api.post("/api/v1/rules/benefits/jkk-death", json.dumps(payload),
                    content_type="application/json").json() == service
    assert service["total"] == 70_000_000
    assert cli_json("benefits", "jkk-disability", *args)["total"] == 68_000_000
    assert cli_json("benefits", "stmb", *args, "--months", "14")["total"] == 13_000_000
    late = cli_json("benefits", "jkk-death", "--income", "1000000", "--accident-date", "2020-01-05",
                    "--claim-date", "2026-02-01")
    assert late["total"] == 0 and late["reasons"][0]["code"] == "claim_window_passed"


def test_scholarship_through_every_door(api):
    kids = [{"birth_date": "2021-06-01", "level": "tk", "year_in_level": 1},
            {"birth_date": "2013-02-01", "level": "smp", "year_in_level": 2}]
    service = scholarship(route="jkm", event_date="2026-03-10", contribution_months=36, children=kids).as_dict()
    data = cli_json("benefits", "scholarship", "--route", "jkm", "--event-date", "2026-03-10",
                    "--contribution-months", "36", "--child", "2021-06-01:tk:1", "--child", "2013-02-01:smp:2")
    assert data == service and data["total"] == 87_000_000 + 73_000_000
    payload = {"route": "jkm", "event_date": "2026-03-10", "contribution_months": 36, "children": kids}
    assert api.post("/api/v1/rules/benefits/scholarship", json.dumps(payload),
                    content_type="application/json").json() == service
    page = api.get("/rules/calculator/", {
        "tool": "benefit", "go": "1", "benefit-kind": "scholarship", "benefit-event_date": "2026-03-10",
        "benefit-route": "jkm", "benefit-contribution_months": "36", "benefit-membership_active": "on",
        "benefit-child1_birth": "2021-06-01", "benefit-child1_level": "tk", "benefit-child1_year": "1",
        "benefit-child2_birth": "2013-02-01", "benefit-child2_level": "smp", "benefit-child2_year": "2",
    }).content.decode()
    assert re.search(r'data-total="(\d+)"', page).group(1) == str(service["total"])
    refused = cli_json("benefits", "scholarship", "--route", "jkm", "--event-date", "2026-03-10",
                       "--contribution-months", "35", "--child", "2013-02-01:smp:2")
    assert refused["total"] == 0 and refused["reasons"][0]["code"] == "too_few_contribution_months"


# --- bad input: a clear message, never a traceback ------------------------------------------------

@pytest.mark.parametrize("args,words", [
    (["quote", "--income", "1000000", "--funding", "csr", "--programs", "jkk,xyz"], "xyz"),
    (["quote", "--income", "900000", "--funding", "csr"], "900"),
    (["quote", "--income", "1000000", "--funding", "csr", "--month", "2026-13"], "2026-13"),
    (["quote", "--income", "satu juta", "--funding", "csr"], ""),
    (["quote", "--income", "1000000", "--funding", "bank"], "bank"),
    (["plan", "--budget", "-5", "--funding", "csr"], ""),
    (["plan", "--funding", "csr"], "--budget"),
    (["plan", "--budget", "100", "--funding", "csr", "--start", "Jan 2023"], "Jan 2023"),
    (["benefits", "jkm", "--death-date", "yesterday"], "yesterday"),
    (["benefits", "scholarship", "--route", "jkm", "--event-date", "2026-01-01", "--child", "2015-01-01:college"],
     "college"),
])
def test_cli_bad_input_exits_non_zero_with_a_message(args, words):
    result = CliRunner().invoke(main, ["--lang", "en", *args])
    assert result.exit_code == 1
    assert result.output.startswith("Error: ") and words in result.output
    assert "Traceback" not in result.output and isinstance(result.exception, SystemExit)


@pytest.mark.parametrize("params,field", [
    ({"income": "1000000", "funding": "csr", "programs": "jkk,xyz"}, "programs"),
    ({"income": "900000", "funding": "csr", "month": "2026-06"}, "income"),
    ({"income": "1000000", "funding": "csr", "month": "2026/06"}, "month"),
    ({"income": "1000000", "funding": "nobody"}, "funding_source"),
])
def test_api_bad_quote_is_422_with_a_message(api, params, field):
    response = api.get("/api/v1/rules/quote", params)
    assert response.status_code == 422
    assert response.json()["field"] == field and response.json()["detail"]


def test_api_negative_budget_is_422(api):
    response = api.get("/api/v1/rules/plan", {"budget": "-1", "funding": "csr", "start": "2023-01"})
    assert response.status_code == 422 and response.json()["field"] == "budget"


def test_api_needs_authentication(client):
    assert client.get("/api/v1/rules/quote", {"income": "1000000", "funding": "csr"}).status_code == 401


def test_page_shows_errors_on_the_field(api):
    page = api.get("/rules/calculator/", {"tool": "quote", "go": "1", "quote-segment": "bpu",
                                          "quote-income": "900000", "quote-programs": ["jkk"],
                                          "quote-month": "2026-06", "quote-funding_source": "csr",
                                          "quote-sector": "other"}, HTTP_HX_REQUEST="true")
    assert page.status_code == 200
    assert 'data-field="income"' in page.content.decode() and "data-total" not in page.content.decode()


def test_rules_page_and_listing(api):
    page = api.get("/rules/").content.decode()
    for code in ["bpu-jkk-2015", "pp49-2020-relief", "pp50-2025-transport", "jkm-benefit-2019"]:
        assert f'data-code="{code}"' in page
    in_force = api.get("/api/v1/rules", {"on": "2020-09-01"}).json()
    assert [d["code"] for d in in_force["discounts"]] == ["pp49-2020-relief"]
    data = cli_json("rules", "show", "--on", "2026-06-01")
    assert [d["code"] for d in data["discounts"]] == ["pp50-2025-transport", "pp50-2025-other"]


def test_rules_load_command_is_idempotent():
    data = cli_json("rules", "load")
    assert data["created"] == 0 and data["updated"] == 0


def test_every_cli_example_in_the_docs_runs():
    from pathlib import Path

    from lindung.regions.models import WorkingPopulation

    WorkingPopulation.objects.create(region_id="3525", year=2022, count=628_952)
    text = Path(__file__).resolve().parent.parent.joinpath("docs", "rules.md").read_text()
    block = text.split("### CLI\n```\n", 1)[1].split("```", 1)[0].replace("\\\n", " ")
    commands = [re.sub(r"\[[^\]]*\]|#.*", "", line).split()[1:] for line in block.splitlines()
                if line.startswith("lindung ")]
    assert len(commands) >= 10
    for args in commands:
        result = CliRunner().invoke(main, args)
        assert result.exit_code == 0, (args, result.output)
