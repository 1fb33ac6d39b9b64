"""Benefit calculators: JKM death, JKK death and disability, STMB, scholarships (PP 82/2019).

Each returns a ``Benefit``: itemised amounts, the total, and — when something is not payable — the
reasons, as codes with translated messages. The amounts come from effective-dated rule rows chosen by
the date of the event (death or accident). Rounding follows ``services.round_rupiah``.
"""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _

from lindung.formatting import number
from lindung.months import parse_day, today

from .choices import SchoolLevel
from .services import HUNDRED, RuleError, check_amount, required_parameter, round_rupiah

def level_label(code: str) -> str:
    return str(dict(SchoolLevel.choices).get(code, code))


def kind_label(kind: str) -> str:
    return {"jkm": _("JKM death benefit"), "jkk-death": _("JKK death from a work accident"),
            "jkk-disability": _("JKK permanent disability"), "stmb": _("JKK wage while unable to work (STMB)"),
            "scholarship": _("Scholarship for children")}.get(kind, kind)


@dataclass
class Item:
    code: str
    label: str
    amount: int

    def as_dict(self) -> dict:
        return {"code": self.code, "label": self.label, "amount": self.amount}


@dataclass
class Reason:
    code: str
    message: str

    def as_dict(self) -> dict:
        return {"code": self.code, "message": self.message}


@dataclass
class Benefit:
    kind: str
    items: list[Item] = field(default_factory=list)
    reasons: list[Reason] = field(default_factory=list)
    references: list[str] = field(default_factory=list)
    children: list[dict] = field(default_factory=list)   # scholarship schedules

    @property
    def payable(self) -> bool:
        return not self.reasons and self.total > 0

    @property
    def total(self) -> int:
        return 0 if self.reasons else sum(item.amount for item in self.items)

    def refuse(self, code: str, message: str) -> "Benefit":
        self.reasons.append(Reason(code, message))
        return self

    def as_dict(self) -> dict:
        return {"kind": self.kind, "kind_label": kind_label(self.kind), "payable": self.payable, "total": self.total,
                "items": [i.as_dict() for i in self.items], "reasons": [r.as_dict() for r in self.reasons],
                "references": self.references, "children": self.children}


def _date(value, name: str) -> dt.date:
    return parse_day(value, name)


def _rule(key: str, on: dt.date, benefit: Benefit):
    row = required_parameter(key, on)
    if row.reference not in benefit.references:
        benefit.references.append(row.reference)
    return row.value


def add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def _claim_window(benefit: Benefit, accident_date: dt.date, claim_date: dt.date) -> None:
    years = _rule("benefit.jkk_claim_window", accident_date, benefit)["years"]
    if claim_date < accident_date:
        raise RuleError(_("The claim date lies before the accident."), "claim_date")
    if claim_date > add_years(accident_date, years):
        benefit.refuse("claim_window_passed", _("The right to claim JKK lapsed %(years)d years after the accident "
                                                "(%(until)s).") % {"years": years,
                                                                  "until": add_years(accident_date, years).isoformat()})


def jkm_death(*, death_date, membership_active: bool = True) -> Benefit:
    """JKM death benefit (death not from work): lump sum + periodic (24 months, paid at once) + funeral.
    Paid only when the member dies while the membership is active."""
    death_date = _date(death_date, "death_date")
    benefit = Benefit("jkm")
    rule = _rule("benefit.jkm", death_date, benefit)
    benefit.items = [Item("lump_sum", _("Lump sum"), rule["lump_sum"]),
                     Item("periodic", _("Periodic benefit (24 months, paid at once)"), rule["periodic"]),
                     Item("funeral", _("Funeral costs"), rule["funeral"])]
    if not membership_active:
        benefit.refuse("membership_inactive", _("JKM is paid only when the member dies while the membership is active."))
    return benefit


def _accident_lump_sum(name: str, rule_key: str, *, income, accident_date, claim_date, membership_active: bool,
                       extras) -> Benefit:
    """What JKK death and total permanent disability share: the declared income and the dates checked,
    the rule of the accident's date, multiplier × declared income, then ``extras(rule)``, refused when the
    membership was not active at the accident, and the claim window."""
    income = check_amount(income, "income", _("Declared income"))
    accident_date = _date(accident_date, "accident_date")
    claim_date = _date(claim_date or today(), "claim_date")
    benefit = Benefit(name)
    rule = _rule(rule_key, accident_date, benefit)
    benefit.items = [Item("lump_sum", _("%(n)d × declared income") % {"n": rule["multiplier"]},
                          rule["multiplier"] * income), *extras(rule)]
    if not membership_active:
        benefit.refuse("membership_inactive", _("The accident happened while the membership was not active."))
    _claim_window(benefit, accident_date, claim_date)
    return benefit


def jkk_death(*, income, accident_date, claim_date=None, membership_active: bool = True) -> Benefit:
    """JKK death from a work accident: multiplier × declared income + funeral + periodic benefit."""
    return _accident_lump_sum("jkk-death", "benefit.jkk_death", income=income, accident_date=accident_date,
                              claim_date=claim_date, membership_active=membership_active, extras=lambda rule: [
                                  Item("funeral", _("Funeral costs"), rule["funeral"]),
                                  Item("periodic", _("Periodic benefit (paid at once)"), rule["periodic"])])


def jkk_disability(*, income, accident_date, claim_date=None, membership_active: bool = True) -> Benefit:
    """JKK total permanent disability: multiplier × declared income + periodic benefit."""
    return _accident_lump_sum("jkk-disability", "benefit.jkk_disability", income=income,
                              accident_date=accident_date, claim_date=claim_date,
                              membership_active=membership_active, extras=lambda rule: [
                                  Item("periodic", _("Periodic benefit (paid at once)"), rule["periodic"])])


def stmb(*, income, months: int, accident_date, claim_date=None) -> Benefit:
    """Temporary inability to work (STMB): full declared income for the first months, then a share."""
    income = check_amount(income, "income", _("Declared income"))
    months = check_amount(months, "months", _("Months unable to work"))
    accident_date = _date(accident_date, "accident_date")
    claim_date = _date(claim_date or today(), "claim_date")
    benefit = Benefit("stmb")
    rule = _rule("benefit.stmb", accident_date, benefit)
    full = min(months, rule["full_months"])
    after = months - full
    full_pct, after_pct = Decimal(str(rule["full_percent"])), Decimal(str(rule["after_percent"]))
    if full:
        benefit.items.append(Item("full", _("Months 1–%(n)d at %(pct)s %%") % {"n": full, "pct": number(full_pct, None)},
                                  full * round_rupiah(income * full_pct / HUNDRED)))
    if after:
        benefit.items.append(Item("reduced", _("Months %(a)d–%(b)d at %(pct)s %%") % {
            "a": full + 1, "b": months, "pct": number(after_pct, None)}, after * round_rupiah(income * after_pct / HUNDRED)))
    _claim_window(benefit, accident_date, claim_date)
    return benefit


# --- scholarships --------------------------------------------------------------------------------

@dataclass
class Child:
    """A member's child as the scholarship sees it.

    ``level`` is the school level now (none, tk, sd, smp, sma, university) and ``year_in_level`` the
    year of that level the child is in (1 = first year).
    """

    birth_date: dt.date
    level: str = "none"
    year_in_level: int = 1
    name: str = ""
    married: bool = False
    working: bool = False


LEVELS = ["tk", "sd", "smp", "sma", "university"]


def make_child(data) -> Child:
    if isinstance(data, Child):
        return data
    level = str(data.get("level") or "none").lower()
    if level not in LEVELS + ["none"]:
        raise RuleError(_("Unknown school level “%(level)s”; use none, %(levels)s.") % {
            "level": level, "levels": ", ".join(LEVELS)}, "children")
    year = check_amount(data.get("year_in_level") or 1, "children", _("Year in the school level"))
    return Child(birth_date=_date(data.get("birth_date"), "children"), level=level, year_in_level=max(year, 1),
                 name=str(data.get("name") or ""), married=bool(data.get("married")),
                 working=bool(data.get("working")))


def age_on(birth: dt.date, day: dt.date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def _child_plan(child: Child, rule: dict, first_payment: dt.date) -> list[dict]:
    """The yearly payments for one child before the overall cap: one per school year still ahead."""
    levels = {lv["level"]: lv for lv in rule["levels"]}
    entry_age = rule["tk_entry_age"]
    payments = []
    if child.level == "none":
        # Paid on entering school: planned from the year the child reaches kindergarten age.
        start = max(first_payment, add_years(child.birth_date, entry_age))
        level_index, year_in_level = 0, 1
    else:
        start = first_payment
        level_index, year_in_level = LEVELS.index(child.level), child.year_in_level
    day = start
    while level_index < len(LEVELS):
        level = levels[LEVELS[level_index]]
        if year_in_level > level["years"]:
            level_index, year_in_level = level_index + 1, 1
            continue
        if age_on(child.birth_date, day) >= rule["max_age"]:
            break
        payments.append({"year": day.year, "date": day.isoformat(), "level": LEVELS[level_index],
                         "level_label": str(level_label(LEVELS[level_index])),
                         "year_in_level": year_in_level, "age": age_on(child.birth_date, day),
                         "amount": level["amount"]})
        year_in_level += 1
        day = add_years(day, 1)
    return payments


def scholarship_minimum_months(route: str, event_date) -> int:
    """Contribution months the scholarship needs on ``route`` (jkm or jkk) under the rules of the date."""
    rule = required_parameter("benefit.scholarship", _date(event_date, "event_date")).value
    return rule["min_months_jkm"] if route == "jkm" else rule["min_months_jkk"]


def scholarship(*, route: str, event_date, children: list, contribution_months: int = 0,
                first_payment=None, membership_active: bool = True) -> Benefit:
    """Scholarship for a member's children after death or total permanent disability.

    ``route`` is ``jkm`` (death not from work; needs the minimum contribution months) or ``jkk``
    (death or total permanent disability from work; no minimum). ``first_payment`` is the date of the
    first yearly payment (default: the event date); each later payment is a year after the previous.
    Returns the yearly schedule per child, the overall cap applied in date order.
    """
    if route not in ("jkm", "jkk"):
        raise RuleError(_("The scholarship route is jkm (death not from work) or jkk (work accident)."), "route")
    event_date = _date(event_date, "event_date")
    first_payment = _date(first_payment or event_date, "first_payment")
    contribution_months = check_amount(contribution_months, "contribution_months", _("Contribution months"))
    kids = [make_child(c) for c in children or []]
    benefit = Benefit("scholarship")
    rule = _rule("benefit.scholarship", event_date, benefit)
    minimum = scholarship_minimum_months(route, event_date)
    if not kids:
        raise RuleError(_("Give at least one child (birth date and school level)."), "children")
    if contribution_months < minimum:
        benefit.refuse("too_few_contribution_months", _(
            "Through %(route)s the scholarship needs at least %(min)d contribution months; %(n)d were paid.") % {
            "route": route.upper(), "min": minimum, "n": contribution_months})
    if not membership_active:
        benefit.refuse("membership_inactive", _("The membership was not active at the time of the event."))

    schedules, all_payments = [], []
    for index, child in enumerate(kids):
        entry = {"index": index + 1, "name": child.name, "birth_date": child.birth_date.isoformat(),
                 "level": child.level, "payments": [], "total": 0, "reasons": []}
        schedules.append(entry)
        if index >= rule["max_children"]:
            entry["reasons"].append(Reason("child_limit", _("The scholarship is for at most %(n)d children.") % {
                "n": rule["max_children"]}).as_dict())
            continue
        if child.married or child.working:
            entry["reasons"].append(Reason("child_married_or_working", _(
                "Stops when the child marries or starts work.")).as_dict())
            continue
        plan = _child_plan(child, rule, first_payment)
        if not plan:
            entry["reasons"].append(Reason("child_too_old", _("Stops when the child turns %(age)d.") % {
                "age": rule["max_age"]}).as_dict())
        for payment in plan:
            all_payments.append((payment["date"], index, payment))

    remaining = rule["cap"]
    for _day, index, payment in sorted(all_payments, key=lambda p: (p[0], p[1])):
        amount = min(payment["amount"], remaining)
        if amount <= 0:
            break
        if amount < payment["amount"]:
            payment["capped"] = True
        payment["amount"] = amount
        remaining -= amount
        schedules[index]["payments"].append(payment)
        schedules[index]["total"] += amount
    for entry in schedules:
        if entry["total"]:
            label = _("Child %(n)d") % {"n": entry["index"]}
            if entry["name"]:
                label += f" ({entry['name']})"
            benefit.items.append(Item(f"child_{entry['index']}", label, entry["total"]))
    if benefit.reasons:  # not eligible: no child's schedule may show money the total does not pay
        for entry in schedules:
            entry["payments"], entry["total"] = [], 0
        benefit.items = []
    benefit.children = schedules
    if not benefit.items and not benefit.reasons:
        benefit.refuse("nothing_payable", _("No child qualifies for a scholarship."))
    return benefit
