"""The claims rules on plain data: heirs' order of precedence, payees for minors, deadlines."""

import datetime as dt
from types import SimpleNamespace

import pytest

from lindung.claims.deadlines import add_working_days, deadlines
from lindung.claims.errors import ClaimError
from lindung.claims.heirs import check_heir_and_payee, entitled, precedence_rank


def person(name, relationship, birth="1980-01-01"):
    return SimpleNamespace(name=name, relationship=relationship, birth_date=dt.date.fromisoformat(birth))


def test_order_of_precedence_spouse_and_children_first_then_parents_then_siblings():
    assert precedence_rank("spouse") == precedence_rank("child") == 0
    assert precedence_rank("parent") == precedence_rank("grandchild") == precedence_rank("grandparent") == 1
    assert precedence_rank("sibling") == 2 and precedence_rank("parent_in_law") == 3 and precedence_rank("will") == 4
    assert precedence_rank("guardian") is None
    mother, brother = person("Ibu", "parent"), person("Kakak", "sibling")
    assert entitled([brother, mother]) == [mother]
    wife = person("Istri", "spouse")
    assert entitled([brother, mother, wife]) == [wife]
    assert entitled([person("Wali", "guardian")]) == []


def test_a_minor_heir_is_paid_through_an_adult_guardian():
    child, guardian = person("Anak", "child", "2012-01-01"), person("Paman", "guardian", "1975-01-01")
    on = dt.date(2025, 5, 1)
    with pytest.raises(ClaimError):
        check_heir_and_payee([child, guardian], child, None, on)
    with pytest.raises(ClaimError):
        check_heir_and_payee([child, guardian], child, child, on)
    check_heir_and_payee([child, guardian], child, guardian, on)
    with pytest.raises(ClaimError):  # the guardian is not an heir himself
        check_heir_and_payee([child, guardian], guardian, guardian, on)


def weekdays_only(day):
    return day.weekday() < 5 and day != dt.date(2025, 5, 29)   # Ascension Day 2025


def test_payment_is_due_three_working_days_after_complete_documents():
    # Complete on Tuesday 27 May 2025; Thursday 29 May a holiday → Wed 28, Fri 30, Mon 2 June.
    assert add_working_days(dt.date(2025, 5, 27), 3, weekdays_only) == dt.date(2025, 6, 2)
    rows = deadlines(kind="jkm", state="submitted", event_date=dt.date(2025, 5, 12), accident_report_on=None,
                     documents_complete_on=dt.date(2025, 5, 27), today=dt.date(2025, 6, 3), working=weekdays_only)
    assert [(d["code"], d["due"], d["role"], d["overdue"]) for d in rows] == [
        ("payment", dt.date(2025, 6, 2), "branch_officer", True)]
    paid = deadlines(kind="jkm", state="paid", event_date=dt.date(2025, 5, 12), accident_report_on=None,
                     documents_complete_on=dt.date(2025, 5, 27), today=dt.date(2025, 6, 3), working=weekdays_only)
    assert not paid[0]["overdue"]


@pytest.mark.django_db
def test_accident_report_within_two_days_and_the_five_year_window():
    rows = {d["code"]: d for d in deadlines(kind="stmb", state="draft", event_date=dt.date(2020, 6, 15),
                                            accident_report_on=None, documents_complete_on=None,
                                            today=dt.date(2025, 6, 16), working=weekdays_only)}
    assert rows["accident_report"]["due"] == dt.date(2020, 6, 17) and rows["accident_report"]["overdue"]
    assert rows["accident_report"]["role"] == "village_operator"
    assert rows["jkk_window"]["due"] == dt.date(2025, 6, 15) and rows["jkk_window"]["overdue"]
    on_time = {d["code"]: d for d in deadlines(kind="stmb", state="draft", event_date=dt.date(2020, 6, 15),
                                               accident_report_on=dt.date(2020, 6, 16), documents_complete_on=None,
                                               today=dt.date(2025, 6, 15), working=weekdays_only)}
    assert not on_time["accident_report"]["overdue"] and not on_time["jkk_window"]["overdue"]
