"""Every NIK rule of RULES.md §6, through the decoder, `lindung nik` and the registry."""

import datetime as dt
import json

import pytest
from click.testing import CliRunner
from django.utils import translation

from lindung.cli import main
from lindung.people.nik import decode_nik, mask_nik

TODAY = dt.date(2026, 11, 21)


def codes(nik, **kw):
    return [i.code for i in decode_nik(nik, today=TODAY, **kw).issues]


def test_valid_male_nik_decodes_birth_date_sex_and_region():
    info = decode_nik("3525111203850001", today=TODAY)
    assert info.valid
    assert (info.province_code, info.regency_code, info.district_code) == ("35", "3525", "352511")
    assert info.birth_date == dt.date(1985, 3, 12) and info.sex == "M" and info.serial == "0001"


def test_women_add_forty_to_the_day():
    info = decode_nik("3525115203850002", today=TODAY)
    assert info.valid and info.sex == "F" and info.birth_date == dt.date(1985, 3, 12)


@pytest.mark.parametrize("nik,code", [
    ("352511120385001", "length"),          # 15 digits
    ("35251112038500011", "length"),        # 17 digits
    ("3525111203850O01", "not_digits"),     # letter O typed for zero
    ("3.52511E+15", "not_digits"),          # spreadsheet scientific notation
    ("3525110003850001", "day"),            # day 00
    ("3525113203850001", "day"),            # day 32
    ("3525114003850001", "day"),            # day 40 (neither sex)
    ("3525117203850001", "day"),            # day 72
    ("3525111200850001", "month"),          # month 00
    ("3525111213850001", "month"),          # month 13
    ("3525113104850001", "date"),           # 31 April
    ("3525113002850001", "date"),           # 30 February
    ("3525117104850001", "date"),           # 31 April, female
    ("3525112902850001", "date"),           # 29 February 1985 (not a leap year)
    ("3525111203850000", "serial"),         # serial 0000
])
def test_invalid_niks_are_rejected_with_a_reason(nik, code):
    info = decode_nik(nik, today=TODAY)
    assert not info.valid
    assert code in [e.code for e in info.errors]
    assert all(e.message for e in info.errors)


def test_leap_day_is_accepted_in_a_leap_year():
    assert decode_nik("3525112902880001", today=TODAY).valid


def test_century_is_inferred_so_birth_is_never_in_the_future():
    assert decode_nik("3525111203100001", today=TODAY).birth_date == dt.date(2010, 3, 12)
    assert decode_nik("3525111203300001", today=TODAY).birth_date == dt.date(1930, 3, 12)
    assert decode_nik("3525111212260001", today=TODAY).birth_date == dt.date(1926, 12, 12)


def test_unknown_prefix_is_a_warning_not_a_rejection():
    info = decode_nik("9471011203850001", today=TODAY, district_exists=lambda code: False)
    assert info.valid
    assert [w.code for w in info.warnings] == ["prefix_unknown"]


def test_declared_birth_date_mismatch_is_flagged_not_rejected():
    info = decode_nik("3525111203850001", today=TODAY, declared_birth_date=dt.date(1985, 3, 13))
    assert info.valid and [w.code for w in info.warnings] == ["birth_date_mismatch"]
    assert codes("3525111203850001", declared_sex="F") == ["sex_mismatch"]


def test_mask_shows_regency_and_serial_only():
    assert mask_nik("3525111203850001") == "3525••••••••0001"


@pytest.mark.django_db
def test_cli_accepts_a_valid_nik_with_region_names():
    result = CliRunner().invoke(main, ["nik", "3525111203850001", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["valid"] is True and data["sex"] == "M" and data["birth_date"] == "1985-03-12"
    assert data["region_of_issue"]["regency_name"] == "Kabupaten Gresik"
    assert data["region_of_issue"]["district_name"] == "Cerme"


@pytest.mark.django_db
@pytest.mark.parametrize("nik", ["3525113104850001", "3525111203850000", "35251112038500", "3525110013850001"])
def test_cli_rejects_invalid_nik_with_non_zero_exit(nik):
    result = CliRunner().invoke(main, ["nik", nik])
    assert result.exit_code == 1
    assert "TIDAK SAH" in result.output or "INVALID" in result.output


@pytest.mark.django_db
def test_cli_speaks_both_languages():
    english = CliRunner().invoke(main, ["--lang", "en", "nik", "3525111203850000"])
    indonesian = CliRunner().invoke(main, ["--lang", "id", "nik", "3525111203850000"])
    assert "cannot be 0000" in english.output
    assert "tidak boleh 0000" in indonesian.output


@pytest.mark.django_db
def test_cli_warns_on_retired_papua_prefix():
    result = CliRunner().invoke(main, ["nik", "9471011203850001", "--json"])
    data = json.loads(result.output)
    assert result.exit_code == 0 and data["valid"] is True
    assert [w["code"] for w in data["warnings"]] == ["prefix_unknown"]


def test_messages_follow_the_active_language():
    with translation.override("en"):
        en = decode_nik("3525111203850000", today=TODAY).errors[0].message
    with translation.override("id"):
        idn = decode_nik("3525111203850000", today=TODAY).errors[0].message
    assert en != idn
