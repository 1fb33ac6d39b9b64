"""The parameter keys a rule row may carry, and the shape of their values.

Checked when a row is saved (admin) or loaded (data file), so a typo cannot reach a calculation.
"""

from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

SCHOLARSHIP_LEVELS = ["tk", "sd", "smp", "sma", "university"]


def _int(v) -> bool:
    return isinstance(v, int) and not isinstance(v, bool) and v >= 0


def _percent(v) -> bool:
    try:
        return isinstance(v, (str, int)) and not isinstance(v, bool) and 0 <= Decimal(str(v)) <= 100
    except InvalidOperation:
        return False


def _fields(**spec):
    def check(value):
        if not isinstance(value, dict):
            return False
        return all(name in value and test(value[name]) for name, test in spec.items())
    return check


def _bands(value) -> bool:
    return isinstance(value, list) and all(_fields(**{"from": _int, "base": _int})(b) for b in value)


def _scholarship(value) -> bool:
    if not _fields(max_children=_int, cap=_int, max_age=_int, min_months_jkm=_int, min_months_jkk=_int,
                   tk_entry_age=_int)(value):
        return False
    levels = value.get("levels")
    return (isinstance(levels, list)
            and [lv.get("level") for lv in levels if isinstance(lv, dict)] == SCHOLARSHIP_LEVELS
            and all(_fields(amount=_int, years=_int)(lv) for lv in levels))


def _due(value) -> bool:
    return (_fields(day=_int, month_offset=_int)(value) and 1 <= value["day"] <= 28
            and value.get("roll") in ("next_working_day", "none"))


def _lapse(value) -> bool:
    return (_fields(months_until_inactive=_int)(value) and value["months_until_inactive"] >= 1
            and value.get("reactivation") in ("new_membership_from_paid_month", "continue"))


def _periods(value) -> bool:
    return isinstance(value, list) and value and all(_int(v) and v > 0 for v in value)


# key → (description, validator)
KEYS = {
    "minimum_income": ("Minimum declared monthly income (Rp), per segment", _int),
    "income_bands": ("Declared-income bands: [{from, base}]; empty list: any whole rupiah ≥ the minimum", _bands),
    "wage_cap.jp": ("Monthly wage cap for the JP (pension) base (Rp)", _int),
    "wage_cap.jkp": ("Monthly wage cap for the JKP (job-loss) base (Rp)", _int),
    "due_date": ("Due date: {day, month_offset, roll: next_working_day|none}, per segment", _due),
    "late_fine": ("Late fine: {percent_per_month}, per segment", _fields(percent_per_month=_percent)),
    "prepay_months": ("Allowed prepayment periods in months, e.g. [1, 3, 6, 12]", _periods),
    "lapse": ("Lapse: {months_until_inactive, reactivation: new_membership_from_paid_month|continue}", _lapse),
    "commission": ("Perisai agent commission: {agent_percent, wadah_percent (share of the commission)}",
                   _fields(agent_percent=_percent, wadah_percent=_percent)),
    "autodebit": ("Auto-debit: {failures_until_suspended} consecutive failed monthly debits suspend a mandate",
                  lambda v: _fields(failures_until_suspended=_int)(v) and v["failures_until_suspended"] >= 1),
    "agent_activity": ("Perisai agents: {inactive_after_months} without a new member marks an agent inactive; "
                       "{acquired_after_months} of contributions before a new member counts as acquired",
                       lambda v: _fields(inactive_after_months=_int, acquired_after_months=_int)(v)
                       and v["inactive_after_months"] >= 1 and v["acquired_after_months"] >= 1),
    "reminders": ("Reminders: {due_soon_days} before a self-payer's due date; {ending_days} before a "
                  "sponsorship's cover ends",
                  lambda v: _fields(due_soon_days=_int, ending_days=_int)(v)
                  and v["due_soon_days"] >= 1 and v["ending_days"] >= 1),
    "benefit.jkm": ("JKM death benefit (Rp): {lump_sum, periodic, funeral}",
                    _fields(lump_sum=_int, periodic=_int, funeral=_int)),
    "benefit.jkk_death": ("JKK death: {multiplier (× declared income), funeral, periodic}",
                          _fields(multiplier=_int, funeral=_int, periodic=_int)),
    "benefit.jkk_disability": ("JKK total permanent disability: {multiplier, periodic}",
                               _fields(multiplier=_int, periodic=_int)),
    "benefit.stmb": ("Temporary inability to work: {full_months, full_percent, after_percent}",
                     _fields(full_months=_int, full_percent=_percent, after_percent=_percent)),
    "benefit.jkk_claim_window": ("Years after the accident within which a JKK claim can be made: {years}",
                                 _fields(years=_int)),
    "benefit.scholarship": ("Scholarship: {max_children, cap, max_age, min_months_jkm, min_months_jkk, "
                            "tk_entry_age (planning assumption), levels: [{level, amount, years}] for tk, sd, smp, sma, university}", _scholarship),
}


def validate_value(key: str, value) -> str | None:
    """None when ``value`` suits ``key``, else a message."""
    if key not in KEYS:
        return _("Unknown parameter key %(key)s.") % {"key": key}
    if not KEYS[key][1](value):
        return _("The value does not have the form %(form)s.") % {"form": KEYS[key][0]}
    return None
