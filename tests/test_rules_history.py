"""Rules change as data: new rows from an effective date, old months unchanged, audited, reload-safe."""

import datetime as dt
from decimal import Decimal

import pytest

from lindung.audit.models import AuditEntry
from lindung.rules.changes import add_rule, change_rule
from lindung.rules.loader import load_rules
from lindung.rules.models import Discount, Parameter, Rate
from lindung.rules.services import (RuleError, agent_commission, commission_split, lapse_months, minimum_income_for,
                                    quote, reactivation_rule)

pytestmark = pytest.mark.django_db


def bpu_quote(month, funding="apbd-regency", sector="other"):
    return quote(segment="bpu", income=1_000_000, programs=["jkk", "jkm"], month=month, funding_source=funding,
                 sector=sector)


def trail(obj):
    return list(AuditEntry.objects.filter(target_type=obj._meta.label_lower, target_id=str(obj.pk)))


def test_changing_a_rate_is_a_new_row_and_past_months_keep_their_quote(national_admin):
    before = {m: bpu_quote(m).total for m in (dt.date(2024, 1, 1), dt.date(2026, 12, 1))}
    old = Rate.objects.get(code="bpu-jkk-2015")
    new = change_rule(national_admin, old, {"value": Decimal("1.5"), "valid_from": dt.date(2027, 1, 1),
                                            "reference": "PP 99/2026 (example amendment)"})
    assert new.pk != old.pk and new.valid_from == dt.date(2027, 1, 1) and new.valid_to is None
    old.refresh_from_db()
    assert old.valid_to == dt.date(2026, 12, 31) and old.value == Decimal("1.0000")
    assert {m: bpu_quote(m).total for m in before} == before          # past months unchanged
    q = bpu_quote(dt.date(2027, 1, 1))
    assert q.total == 15_000 + 6_800 and "PP 99/2026" in q.lines[0].reference
    assert [e.action for e in trail(old)][:1] == ["update"] and [e.action for e in trail(new)] == ["create"]
    assert trail(new)[0].actor == national_admin


def test_a_change_needs_a_later_effective_date(national_admin):
    row = Rate.objects.get(code="bpu-jkk-2015")
    with pytest.raises(RuleError) as err:
        change_rule(national_admin, row, {"value": Decimal("2")})
    assert err.value.field == "valid_from"
    with pytest.raises(RuleError):
        change_rule(national_admin, row, {"value": Decimal("2"), "valid_from": dt.date(2015, 7, 1)})
    row.refresh_from_db()
    assert row.value == Decimal("1.0000") and row.valid_to is None


def test_reference_can_be_corrected_in_place_with_an_audit_entry(national_admin):
    row = Parameter.objects.get(code="jkm-benefit-2019")
    same = change_rule(national_admin, row, {"reference": "PP 82/2019, art. 34"})
    assert same.pk == row.pk and same.edited
    entry = trail(row)[0]
    assert entry.changes["reference"][1] == "PP 82/2019, art. 34"


def test_end_date_cannot_be_moved_into_the_past(national_admin):
    row = Discount.objects.get(code="pp50-2025-other")
    with pytest.raises(RuleError):
        change_rule(national_admin, row, {"valid_to": dt.date(2026, 5, 31)}, today=dt.date(2026, 7, 1))
    extended = change_rule(national_admin, row, {"valid_to": dt.date(2027, 6, 30)}, today=dt.date(2026, 7, 1))
    assert extended.valid_to == dt.date(2027, 6, 30)
    assert bpu_quote(dt.date(2027, 6, 1), funding="csr").total == 8_400


def test_which_payers_a_discount_excludes_is_data(national_admin):
    row = Discount.objects.get(code="pp50-2025-other")
    assert bpu_quote(dt.date(2026, 6, 1), funding="village-budget").total == 16_800
    change_rule(national_admin, row, {"excluded_funding": ["apbn", "apbd-province", "apbd-regency"],
                                      "valid_from": dt.date(2026, 6, 1)})
    assert bpu_quote(dt.date(2026, 5, 1), funding="village-budget").total == 16_800
    assert bpu_quote(dt.date(2026, 6, 1), funding="village-budget").total == 8_400
    assert bpu_quote(dt.date(2026, 6, 1), funding="apbd-regency").total == 16_800


def test_adding_a_row_closes_the_open_one(national_admin):
    add_rule(national_admin, Parameter(key="minimum_income", segment="bpu", value=1_200_000,
                                       valid_from=dt.date(2027, 1, 1), reference="Permenaker 1/2027 (example)"))
    assert minimum_income_for("bpu_rentan", dt.date(2026, 12, 31)) == 1_000_000
    assert minimum_income_for("bpu_rentan", dt.date(2027, 1, 1)) == 1_200_000
    assert Parameter.objects.get(code="bpu-minimum-income-2015").valid_to == dt.date(2026, 12, 31)
    from lindung.people.policy import minimum_declared_income

    assert minimum_declared_income("rt_rw", dt.date(2027, 2, 1)) == 1_200_000
    with pytest.raises(RuleError):
        bpu_quote(dt.date(2027, 1, 1))            # Rp1,000,000 is now below the minimum


def test_overlapping_rows_are_refused(national_admin):
    with pytest.raises(RuleError):
        add_rule(national_admin, Rate(program="jkm", segment="bpu", basis="flat", value=Decimal(7000),
                                      valid_from=dt.date(2014, 1, 1), valid_to=dt.date(2016, 1, 1), reference="x"))


def test_bad_parameter_value_is_refused(national_admin):
    with pytest.raises(RuleError):
        add_rule(national_admin, Parameter(key="lapse", value={"months_until_inactive": 0},
                                           valid_from=dt.date(2027, 1, 1), reference="x"))


def test_load_is_idempotent_and_keeps_local_changes(national_admin):
    again = load_rules()
    assert (again.created, again.updated) == (0, 0) and again.unchanged > 30
    change_rule(national_admin, Rate.objects.get(code="bpu-jkm-2015"),
                {"value": Decimal(7000), "valid_from": dt.date(2027, 1, 1)})
    reload = load_rules()
    assert reload.kept_local == ["bpu-jkm-2015"]
    assert Rate.objects.get(code="bpu-jkm-2015").valid_to == dt.date(2026, 12, 31)
    assert bpu_quote(dt.date(2027, 2, 1)).total == 10_000 + 7_000


def test_load_restores_an_unedited_row_to_the_shipped_values():
    Rate.objects.filter(code="bpu-jkk-2015").update(value=Decimal("9"))
    result = load_rules()
    assert result.updated == 1
    assert Rate.objects.get(code="bpu-jkk-2015").value == Decimal("1.0000")


def test_lapse_and_commission_settings():
    day = dt.date(2026, 1, 1)
    assert lapse_months(day) == 3
    assert reactivation_rule(day) == "new_membership_from_paid_month"
    assert agent_commission(day) == (Decimal("0.075"), Decimal("0.1"))
    assert commission_split(1_000_000, day) == (67_500, 7_500)


# --- the back office ------------------------------------------------------------------------------

def rate_form(row, **changes):
    data = {"valid_from": row.valid_from.isoformat(), "valid_to": row.valid_to.isoformat() if row.valid_to else "",
            "reference": row.reference, "note": row.note, "program": row.program, "segment": row.segment,
            "risk_class": row.risk_class, "basis": row.basis, "value": str(row.value), "wage_cap": row.wage_cap,
            "_save": "Save"}
    data.update(changes)
    return data


def test_national_admin_changes_a_rate_in_the_back_office(client, national_admin):
    client.force_login(national_admin)
    row = Rate.objects.get(code="bpu-jkm-2015")
    url = f"/admin/rules/rate/{row.pk}/change/"
    response = client.post(url, rate_form(row, value="7000"))          # no new effective date
    assert response.status_code == 200 and b"errorlist" in response.content
    assert Rate.objects.filter(program="jkm", segment="bpu").count() == 1
    response = client.post(url, rate_form(row, value="7000", valid_from="2027-01-01"))
    assert response.status_code == 302
    rows = list(Rate.objects.filter(program="jkm", segment="bpu").order_by("valid_from"))
    assert [(r.valid_from, r.valid_to, int(r.value)) for r in rows] == [
        (dt.date(2015, 7, 1), dt.date(2026, 12, 31), 6_800), (dt.date(2027, 1, 1), None, 7_000)]
    assert bpu_quote(dt.date(2026, 12, 1)).total == 16_800
    assert bpu_quote(dt.date(2027, 1, 1)).total == 17_000
    assert client.get(f"/admin/rules/rate/{row.pk}/delete/").status_code == 403


def test_national_admin_adds_a_holiday_that_moves_a_due_date(client, national_admin):
    from lindung.rules.services import due_date

    client.force_login(national_admin)
    response = client.post("/admin/rules/holiday/add/", {"date": "2026-06-15", "name": "Example holiday",
                                                         "reference": "SKB 2026", "_save": "Save"})
    assert response.status_code == 302
    assert due_date("bpu", dt.date(2026, 6, 1)) == dt.date(2026, 6, 16)


def test_other_roles_cannot_edit_rules(client, gresik_regency_operator):
    client.force_login(gresik_regency_operator)
    row = Rate.objects.get(code="bpu-jkm-2015")
    response = client.post(f"/admin/rules/rate/{row.pk}/change/", rate_form(row, value="1", valid_from="2027-01-01"))
    assert response.status_code in (302, 403)
    assert Rate.objects.filter(program="jkm", segment="bpu").count() == 1
