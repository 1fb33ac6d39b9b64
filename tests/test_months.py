"""The calendar (lindung/months.py): month values, spans, parsing at every door, "this month" in Jakarta,
due dates and working days."""

import datetime as dt
from unittest import mock

import pytest
from click.testing import CliRunner
from django import forms
from django.utils import timezone

from lindung import months
from lindung.cli import main
from lindung.errors import InvalidInput
from lindung.rules.services import due_date

D = dt.date


# --- values --------------------------------------------------------------------------------------

def test_adding_months_crosses_years_both_ways():
    assert months.add_months(D(2025, 11, 1), 3) == D(2026, 2, 1)
    assert months.add_months(D(2026, 1, 1), -1) == D(2025, 12, 1)
    assert months.add_months(D(2024, 1, 31), 1) == D(2024, 2, 1)       # always the first of the month
    assert months.add_months(D(2026, 6, 1), -18) == D(2024, 12, 1)


def test_a_span_is_consecutive_first_days():
    assert months.month_span(D(2025, 11, 20), 4) == [D(2025, 11, 1), D(2025, 12, 1), D(2026, 1, 1), D(2026, 2, 1)]
    assert months.month_span("2026-06", 1) == [D(2026, 6, 1)]
    assert months.month_span(D(2026, 6, 1), 0) == []


def test_month_indexes_are_consecutive_across_a_year_end():
    assert months.month_index(D(2026, 1, 1)) - months.month_index(D(2025, 12, 1)) == 1
    assert months.month_index(D(2026, 1, 1)) == 2026 * 12
    assert months.month_from_index(2026 * 12 + 5) == D(2026, 6, 1)


def test_months_between_counts_both_ends():
    assert months.months_between(D(2025, 1, 1), D(2025, 12, 1)) == 12
    assert months.months_between(D(2025, 12, 1), D(2026, 1, 1)) == 2
    assert months.months_between(D(2026, 3, 1), D(2026, 2, 1)) == 0
    assert months.last_month(D(2025, 7, 1), 12) == D(2026, 6, 1)


# --- parsing -------------------------------------------------------------------------------------

@pytest.mark.parametrize("text,month", [("2026-06", D(2026, 6, 1)), (" 2026-06 ", D(2026, 6, 1)),
                                        ("2026-06-30", D(2026, 6, 1)), (D(2026, 6, 17), D(2026, 6, 1))])
def test_parse_month_accepts_a_month_or_a_day(text, month):
    assert months.parse_month(text) == month


@pytest.mark.parametrize("text", ["2026-13", "2026-00", "June 2026", "", None, "06-2026"])
def test_a_bad_month_is_refused_naming_its_field(text):
    with pytest.raises(InvalidInput) as refused:
        months.parse_month(text, "start")
    assert refused.value.field == "start" and refused.value.status == 422
    assert "YYYY-MM" in refused.value.message


def test_parse_day():
    assert months.parse_day("2026-02-28") == D(2026, 2, 28)
    assert months.parse_day("2026-02", month_means_first=True) == D(2026, 2, 1)
    with pytest.raises(InvalidInput) as refused:
        months.parse_day("2026-02-30", "claim_date")
    assert refused.value.field == "claim_date"
    with pytest.raises(InvalidInput):
        months.parse_day("2026-02")


def test_the_form_field_cleans_to_the_first_and_explains_a_bad_month():
    class F(forms.Form):
        month = months.MonthField()

    good = F({"month": "2026-06"})
    assert good.is_valid() and good.cleaned_data["month"] == D(2026, 6, 1)
    bad = F({"month": "2026-13"})
    assert not bad.is_valid()
    assert bad.errors["month"] == ["Tulis bulan dengan format YYYY-MM, misalnya 2026-06."]
    assert 'type="month"' in str(F(initial={"month": D(2026, 6, 1)})["month"])
    assert 'value="2026-06"' in str(F(initial={"month": D(2026, 6, 1)})["month"])


@pytest.mark.django_db
def test_the_command_line_refuses_a_bad_month_in_one_line():
    result = CliRunner().invoke(main, ["--lang", "en", "coverage", "--region", "35", "--month", "2026-13"])
    assert result.exit_code == 1
    assert "“2026-13” is not a month; write it as YYYY-MM, e.g. 2026-06." in result.output
    assert "Traceback" not in result.output


@pytest.mark.django_db
def test_the_api_refuses_a_bad_month_with_422_naming_the_field(client, jambi_province_operator):
    client.force_login(jambi_province_operator)
    response = client.get("/api/v1/rules/quote", {"income": "1000000", "funding": "csr", "month": "2026-13"})
    assert response.status_code == 422
    body = response.json()
    assert body["field"] == "month" and "2026-13" in body["message"] and body["detail"] == body["message"]


# --- now, in Jakarta -----------------------------------------------------------------------------

def test_this_month_is_read_in_jakarta_not_in_utc():
    # 30 June 2026, 20:00 UTC is already 1 July, 03:00 in Jakarta (UTC+7).
    with mock.patch.object(timezone, "now", return_value=dt.datetime(2026, 6, 30, 20, 0, tzinfo=dt.UTC)):
        assert months.today() == D(2026, 7, 1)
        assert months.this_month() == D(2026, 7, 1)
        assert months.next_month() == D(2026, 8, 1)
        assert months.month_label(months.this_month()) == "2026-07"


# --- due dates and working days --------------------------------------------------------------------

def test_due_day_rolls_past_weekends_and_holidays():
    # 15 August 2026 is a Saturday; Monday the 17th is Independence Day: the next working day is the 18th.
    holidays = {D(2026, 8, 17)}
    assert months.due_day(D(2026, 8, 1), month_offset=0, day=15, roll="next_working_day",
                          holidays=holidays) == D(2026, 8, 18)
    assert months.due_day(D(2026, 8, 1), month_offset=0, day=15, roll="none", holidays=holidays) == D(2026, 8, 15)
    assert months.due_day(D(2026, 12, 1), month_offset=1, day=15, roll="none", holidays=()) == D(2027, 1, 15)
    assert months.is_working_day(D(2026, 8, 14), holidays) and not months.is_working_day(D(2026, 8, 17), holidays)


@pytest.mark.django_db
def test_due_dates_come_from_the_rules_data():
    # BPU: the 15th of the same month, next working day when a holiday (Permenaker 5/2021); the shipped
    # holiday list holds 17 August 2026.
    assert due_date("bpu", D(2026, 8, 1)) == D(2026, 8, 18)
    assert due_date("bpu", "2026-06") == D(2026, 6, 15)      # a Monday
    # PU: the 15th of the following month.
    assert due_date("pu", D(2025, 6, 1)) == D(2025, 7, 15)
