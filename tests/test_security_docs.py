"""docs/security.md is checked against the code: commands and options, settings and their defaults,
API paths, and the table of what each role sees of a worker."""

import re
from pathlib import Path

import pytest
from django.conf import settings

from lindung import limits
from lindung.accounts.access import WORKER_FIELDS, WORKER_FIELDS_ALL
from lindung.accounts.models import Role

from .docs_support import assert_command_and_options_exist, assert_settings_are_read, command_lines, read

TEXT = read("docs/security.md")


@pytest.mark.parametrize("line", command_lines(TEXT, "[a-z]+"))
def test_every_documented_command_and_option_exists(line):
    assert_command_and_options_exist(line)


def test_every_documented_setting_is_read_by_the_settings():
    # LINDUNG_FUZZ_EXAMPLES is read by the test suite, not by Lindung
    assert_settings_are_read(TEXT, read_elsewhere={"LINDUNG_FUZZ_EXAMPLES": "tests/test_api_schema_fuzz.py"})


def test_the_limits_table_states_the_defaults():
    rows = dict(re.findall(r"^\| ([^|]+?) \| ([^|]+?) \| [^|]+ \|$", TEXT, flags=re.M))
    assert rows["workers one donor matching request may ask for"] == f"{settings.LINDUNG_MATCHING_MAX_WORKERS:,}"
    assert rows["match confirmations plus private sponsorship cancellations per user per hour"] == \
        str(settings.LINDUNG_MATCHING_ACTIONS_PER_HOUR)
    assert rows["registrations refused as already registered per user per hour"] == \
        str(settings.LINDUNG_REGISTRATION_REFUSALS_PER_HOUR)
    assert rows["import rows (dry runs too) naming workers registered outside the uploader's regions, per user "
                "per hour"] == str(settings.LINDUNG_IMPORT_REFUSALS_PER_HOUR)
    assert rows["dates any door accepts"] == f"{settings.LINDUNG_DATE_MIN} … {settings.LINDUNG_DATE_MAX}"
    assert rows["one payment, collection or statement row"] == f"Rp{limits.MAX_AMOUNT:,}"
    assert rows["one fiscal year's budget allocation"] == f"Rp{limits.MAX_BUDGET:,}"
    assert rows["a declared monthly income"] == f"Rp{limits.MAX_INCOME:,}"
    assert rows["a region's working population"] == f"{limits.MAX_POPULATION:,}"
    assert rows["idle time before a session ends"] == f"{settings.SESSION_COOKIE_AGE // 60} minutes"
    assert rows["lifetime of an API token"] == f"{settings.LINDUNG_TOKEN_DAYS} days"
    assert rows["failed logins before a 15-minute lock"] == str(settings.AXES_FAILURE_LIMIT)


def test_the_field_table_is_the_access_layers_policy():
    table = re.findall(r"^\| ((?:`\w+`(?:, )?)+)[^|]* \| ([^|]+) \| ([^|]+) \|$", TEXT, flags=re.M)
    documented = set()
    for fields, _government, funder in table:
        for field in re.findall(r"`(\w+)`", fields):
            documented.add(field)
            assert field in WORKER_FIELDS_ALL, field
            assert (field in WORKER_FIELDS[Role.FUNDER_USER]) is (funder.strip() != "withheld"), field
            for role in (Role.NATIONAL_ADMIN, Role.BRANCH_OFFICER, Role.REGIONAL_OPERATOR, Role.VILLAGE_OPERATOR,
                         Role.AGENT):
                assert field in WORKER_FIELDS[role]
    assert documented == WORKER_FIELDS_ALL - {"id"}


def test_every_documented_api_path_exists():
    from lindung.api.urls import api

    paths = set(api.get_openapi_schema(path_prefix="/api/v1/")["paths"])
    for path in set(re.findall(r"`(?:GET |POST )?(/api/v1/[^`?\s]+)", TEXT)):
        if path in ("/api/v1/openapi.json", "/api/v1/docs"):
            continue
        assert path in paths, path


def test_the_commands_said_to_record_disclosures_are_those_that_do():
    """Both directions: a command whose code writes a ``cli:`` disclosure is in the "What is logged" list,
    and every command listed there writes one."""
    package = Path(settings.PACKAGE_DIR)
    in_code = set()
    for path in package.rglob("*cli.py"):  # core_cli.py too (backup)
        in_code |= set(re.findall(r'door="cli:([a-z -]+)"', path.read_text()))
    in_code.add("autodebit export")  # writes the debit file through export_debit_file, which records it
    logged = TEXT.split("## What is logged")[1].split("\n## ")[0]
    documented = set(re.findall(r"`lindung ([a-z][a-z -]*?)`", logged))
    assert in_code == documented


def test_the_back_office_pages_said_to_record_disclosures_are_those_that_do():
    from django.contrib import admin

    from lindung.accounts.admin_disclosure import DisclosingAdmin

    disclosing = {f"/admin/{model._meta.app_label}/{model._meta.model_name}/"
                  for model, model_admin in admin.site._registry.items() if isinstance(model_admin, DisclosingAdmin)}
    logged = TEXT.split("## What is logged")[1].split("\n## ")[0]
    assert set(re.findall(r"`(/admin/[a-z]+/[a-z]+/)`", logged)) == disclosing
