"""Region loading, the browser with counts per level, and working-population denominators."""

import subprocess
import sys

import pytest
from click.testing import CliRunner
from django.test import Client

from lindung.cli import main
from lindung.regions.loader import import_working_population, load_regions
from lindung.regions.models import Level, Population, Region, WorkingPopulation

from .conftest import DADAPKUNING, LENGKONG, create_worker


@pytest.mark.django_db
def test_loading_twice_leaves_exactly_the_official_tree():
    load_regions()
    result = load_regions()
    assert result.regions == 91_599 == Region.objects.count()
    assert result.by_level == {"province": 38, "regency": 514, "district": 7_285, "village": 83_762}


@pytest.mark.django_db
def test_gresik_and_cerme_are_where_the_stories_say():
    gresik = Region.objects.get(code="3525")
    assert gresik.name == "Kabupaten Gresik" and gresik.level == Level.REGENCY and gresik.parent_id == "35"
    cerme = Region.objects.get(code="352511")
    assert cerme.name == "Cerme" and cerme.parent_id == "3525"
    assert cerme.children.count() == 25
    assert all(v.level == Level.VILLAGE and v.code.startswith("352511") for v in cerme.children.all())
    assert Region.objects.get(code=DADAPKUNING).dotted_code == "35.25.11.2001"


@pytest.mark.django_db
def test_dukcapil_population_is_shipped_for_provinces_and_regencies():
    assert Population.objects.count() == 552
    assert Population.objects.get(region_id="11").total == 5_623_479


@pytest.mark.django_db
def test_cli_load_is_idempotent_and_reports_counts():
    runner = CliRunner()
    first = runner.invoke(main, ["regions", "load", "--json"])
    second = runner.invoke(main, ["regions", "load", "--json"])
    assert first.exit_code == second.exit_code == 0, first.output
    assert '"regions": 91599' in second.output
    assert Region.objects.count() == 91_599


def test_region_browser_counts_workers_at_every_level(db, national_admin):
    create_worker(DADAPKUNING, serial=1)
    create_worker(DADAPKUNING, serial=2)
    create_worker(LENGKONG, serial=3)
    create_worker("1501012001", serial=4)
    client = Client()
    client.force_login(national_admin)
    top = client.get("/regions/").content.decode()
    assert 'id="region-total">4<' in top
    assert "Jawa Timur" in top
    for code, expected in (("35", 3), ("3525", 3), ("352511", 3), (DADAPKUNING, 2), ("15", 1)):
        page = client.get(f"/regions/{code}/").content.decode()
        assert f'id="region-total">{expected}<' in page, code
    cerme = client.get("/regions/352511/").content.decode()
    assert "Dadapkuning" in cerme and "Lengkong" in cerme
    api = client.get("/api/v1/regions/352511").json()
    counts = {c["code"]: c["workers"] for c in api["children"]}
    assert counts[DADAPKUNING] == 2 and counts[LENGKONG] == 1 and api["workers"] == 3


def test_working_population_entered_by_an_authorised_user(db, gresik_regency_operator, dadapkuning_operator):
    client = Client()
    client.force_login(gresik_regency_operator)
    response = client.post("/regions/3525/working-population/", {"year": 2022, "count": 628_952, "source": "BPS"})
    assert response.status_code == 302
    assert WorkingPopulation.objects.get(region_id="3525", year=2022).count == 628_952
    # Outside the operator's regency: refused.
    assert client.post("/regions/3578/working-population/", {"year": 2022, "count": 1}).status_code == 403
    # A village operator cannot enter denominators at all.
    client.force_login(dadapkuning_operator)
    assert client.post("/regions/3525/working-population/", {"year": 2022, "count": 1}).status_code == 403
    assert WorkingPopulation.objects.get(region_id="3525", year=2022).count == 628_952


@pytest.mark.django_db
def test_working_population_import_is_all_or_nothing(tmp_path):
    good = tmp_path / "ok.csv"
    good.write_text("code,year,count,source\n35.25,2022,628952,BPS\n35,2022,21000000,BPS\n")
    assert CliRunner().invoke(main, ["regions", "working-population", str(good)]).exit_code == 0
    assert WorkingPopulation.objects.get(region_id="3525", year=2022).count == 628_952
    bad = tmp_path / "bad.csv"
    bad.write_text("code,year,count\n3525,2023,700000\n9999,2023,5\n")
    result = CliRunner().invoke(main, ["--lang", "en", "regions", "working-population", str(bad)])
    assert result.exit_code == 1 and "Line 3" in result.output and "9999" in result.output
    assert not WorkingPopulation.objects.filter(year=2023).exists()


@pytest.mark.django_db
def test_latest_working_population_falls_back_to_an_earlier_year():
    import_working_population([{"code": "3525", "year": "2022", "count": "628952"}])
    assert WorkingPopulation.latest_for("3525", 2024).count == 628_952
    assert WorkingPopulation.latest_for("3525", 2021) is None


def test_production_mode_refuses_to_start_without_a_secret_key(tmp_path):
    env = {"PATH": "/usr/bin:/bin", "LINDUNG_MODE": "production", "LINDUNG_DATA_DIR": str(tmp_path),
           "LINDUNG_ALLOWED_HOSTS": "lindung.example"}
    result = subprocess.run([sys.executable, "-m", "lindung", "check"], env=env, capture_output=True, text=True)
    assert result.returncode != 0
    assert "LINDUNG_SECRET_KEY" in result.stderr
    env["LINDUNG_SECRET_KEY"] = "x" * 50
    env["LINDUNG_DEBUG"] = "1"
    result = subprocess.run([sys.executable, "-m", "lindung", "check"], env=env, capture_output=True, text=True)
    assert result.returncode != 0 and "LINDUNG_DEBUG" in result.stderr
    del env["LINDUNG_DEBUG"]
    result = subprocess.run([sys.executable, "-m", "lindung", "check", "--json"], env=env, capture_output=True,
                            text=True)
    assert result.returncode == 0, result.stderr
    assert '"debug": false' in result.stdout and '"mode": "production"' in result.stdout


def test_village_lookup_by_name_or_code_stays_inside_scope(db, gresik_regency_operator):
    client = Client()
    client.force_login(gresik_regency_operator)
    by_name = client.get("/regions/lookup/", {"village_code": "dadapkuning"}).content.decode()
    assert 'value="3525112001"' in by_name and "Cerme" in by_name
    by_code = client.get("/regions/lookup/", {"village_code": "35251120"}).content.decode()
    assert by_code.count("<option") >= 10
    outside = client.get("/regions/lookup/", {"village_code": "1501012"}).content.decode()
    assert outside == ""
