"""Contribution quotes and rule look-ups: the one place amounts are computed.

The web page, the API, the CLI, billing and the budget planner all call these functions.

Rounding (the one rule): every amount computed from a percentage — a programme's gross contribution,
a discount, a benefit share — is rounded to the nearest whole rupiah, halves up, at the moment it is
computed; totals are sums of already-rounded amounts. Flat amounts are whole rupiah already.
"""

import datetime as dt
from dataclasses import asdict, dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache
from typing import NamedTuple

from django.utils.translation import gettext as _

from lindung import months
from lindung.errors import InvalidInput
from lindung.formatting import rupiah
from lindung.months import due_day, first_of_month
from lindung.people.models import Sector, Segment

from .book import book
from .choices import FundingSource, Program
from .models import Basis, RuleSegment

HUNDRED = Decimal(100)


# Bad input to a rule calculation: the message is translated and meant for the user, ``field`` names the
# input at fault (segment, income, programs, month, funding_source, sector, ...). The calendar raises the
# same error for a malformed month, so every door reports both alike.
RuleError = InvalidInput


def plain(value: Decimal) -> str:
    """A decimal without trailing zeros or exponent: Decimal('6800.0000') → '6800', '1.0000' → '1'."""
    return format(Decimal(value).normalize(), "f")


def round_rupiah(amount: Decimal) -> int:
    """The rounding rule: nearest whole rupiah, halves up."""
    return int(Decimal(amount).quantize(Decimal(1), rounding=ROUND_HALF_UP))


# --- inputs --------------------------------------------------------------------------------------

# Plain tuples: TextChoices.values rebuilds its list on every access, too slow for billing-run volumes.
RULE_SEGMENTS = tuple(RuleSegment.values)
WORKER_SEGMENTS = tuple(Segment.values)
PROGRAMS = tuple(Program.values)
FUNDING_SOURCES = tuple(FundingSource.values)
SECTORS = tuple(Sector.values)

WORKER_SEGMENT_TO_RULE = {
    str(Segment.BPU_VULNERABLE): "bpu",
    str(Segment.VILLAGE_OFFICIAL): "bpu",
    str(Segment.RT_RW): "bpu",
    str(Segment.BPU_OTHER): "bpu",
    str(Segment.PU): "pu",
}


def rule_segment(segment: str) -> str:
    """The rule segment (bpu, pu, ...) of a worker segment (people.models.Segment) or of a rule segment."""
    value = str(segment or "").strip().lower()
    if value in RULE_SEGMENTS:
        return value
    if value in WORKER_SEGMENT_TO_RULE:
        return WORKER_SEGMENT_TO_RULE[value]
    raise RuleError(_("Unknown segment “%(segment)s”; use one of: %(choices)s.") % {
        "segment": segment, "choices": ", ".join(RULE_SEGMENTS + WORKER_SEGMENTS)}, "segment")


def parse_programs(programs) -> list[str]:
    """A list or comma-separated string of programme codes → canonical order, no duplicates."""
    if isinstance(programs, str):
        programs = programs.split(",")
    wanted = [str(p).strip().lower() for p in programs or [] if str(p).strip()]
    if not wanted:
        raise RuleError(_("Choose at least one programme (%(choices)s).") % {"choices": ", ".join(PROGRAMS)},
                        "programs")
    unknown = [p for p in wanted if p not in PROGRAMS]
    if unknown:
        raise RuleError(_("Unknown programme “%(program)s”; use %(choices)s.") % {
            "program": unknown[0], "choices": ", ".join(PROGRAMS)}, "programs")
    return [p for p in PROGRAMS if p in wanted]


def check_funding_source(funding_source: str) -> str:
    if funding_source not in FUNDING_SOURCES:
        raise RuleError(_("Unknown funding source “%(source)s”; use one of: %(choices)s.") % {
            "source": funding_source, "choices": ", ".join(FUNDING_SOURCES)}, "funding_source")
    return funding_source


def check_sector(sector: str) -> str:
    if sector not in SECTORS:
        raise RuleError(_("Unknown sector “%(sector)s”; use one of: %(choices)s.") % {
            "sector": sector, "choices": ", ".join(SECTORS)}, "sector")
    return sector


def check_amount(value, field_name: str, label: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        try:
            value = int(str(value).strip().replace("_", ""))
        except (TypeError, ValueError):
            raise RuleError(_("%(label)s must be a whole number of rupiah.") % {"label": label}, field_name) from None
    if value < 0:
        raise RuleError(_("%(label)s cannot be negative.") % {"label": label}, field_name)
    return value


# --- look-ups ------------------------------------------------------------------------------------

def parameter_value(key: str, on: dt.date, segment: str = ""):
    """The value of a rule parameter on a day, or None when no row applies."""
    row = book().parameter(key, rule_segment(segment) if segment else "", on)
    return None if row is None else row.value


def required_parameter(key: str, on: dt.date, segment: str = ""):
    row = book().parameter(key, rule_segment(segment) if segment else "", on)
    if row is None:
        raise RuleError(_("No rule “%(key)s” applies on %(date)s.") % {"key": key, "date": on.isoformat()}, "month")
    return row


def minimum_income_for(segment: str, on: dt.date) -> int | None:
    """Minimum declared monthly income of a segment on a day (Permenaker 5/2021 for BPU); None if no row."""
    return parameter_value("minimum_income", on, segment)


def minimum_income_or_none(segment: str, on: dt.date) -> int | None:
    """``minimum_income_for``, None for a segment the rules do not know; remembered per rule-book
    generation (the registry asks it for every imported row)."""
    return _minimum_income_or_none(segment, on, book().generation)


@lru_cache(maxsize=1024)
def _minimum_income_or_none(segment: str, on: dt.date, generation: int) -> int | None:
    try:
        return minimum_income_for(segment, on)
    except RuleError:
        return None


def lapse_months(on: dt.date) -> int:
    """Consecutive unpaid months after which a membership becomes inactive (default 3)."""
    return int(required_parameter("lapse", on).value["months_until_inactive"])


def reactivation_rule(on: dt.date) -> str:
    """What a payment after a lapse does: ``new_membership_from_paid_month`` (cover starts at the month
    paid, no back-dated cover) or ``continue``."""
    return required_parameter("lapse", on).value["reactivation"]


class Commission(NamedTuple):
    """Perisai agent commission: ``rate_agent`` of the contributions collected, of which ``rate_wadah``
    (a share of the commission, not of the contributions) goes to the agent's wadah."""

    rate_agent: Decimal
    rate_wadah: Decimal


def agent_commission(on: dt.date) -> Commission:
    """The commission rates on a day as fractions, e.g. (Decimal('0.075'), Decimal('0.1'))."""
    value = required_parameter("commission", on).value
    return Commission(Decimal(str(value["agent_percent"])) / HUNDRED, Decimal(str(value["wadah_percent"])) / HUNDRED)


def commission_split(collected: int, on: dt.date) -> tuple[int, int]:
    """(agent's part, wadah's part) in rupiah of the commission on ``collected`` contributions."""
    rates = agent_commission(on)
    commission = round_rupiah(collected * rates.rate_agent)
    wadah = round_rupiah(commission * rates.rate_wadah)
    return commission - wadah, wadah


def debit_failures_until_suspended(on: dt.date) -> int:
    """Consecutive failed monthly auto-debits after which a mandate is suspended (rule data ``autodebit``)."""
    return int(required_parameter("autodebit", on).value["failures_until_suspended"])


class AgentActivity(NamedTuple):
    """Perisai rules (RULES.md §8): months without a new member before an agent is inactive, and months of
    contributions before a newly registered worker counts as acquired."""

    inactive_after_months: int
    acquired_after_months: int


def agent_activity(on: dt.date) -> AgentActivity:
    value = required_parameter("agent_activity", on).value
    return AgentActivity(int(value["inactive_after_months"]), int(value["acquired_after_months"]))


class ReminderWindows(NamedTuple):
    """How far ahead the daily reminders look: days before a self-payer's due date, and days before a
    sponsorship's cover ends (a Lindung operating rule, effective-dated like every rule)."""

    due_soon_days: int
    ending_days: int


def reminder_windows(on: dt.date) -> ReminderWindows:
    value = required_parameter("reminders", on).value
    return ReminderWindows(int(value["due_soon_days"]), int(value["ending_days"]))


def is_working_day(day: dt.date) -> bool:
    """Not a weekend and not in the rules' holiday list."""
    return months.is_working_day(day, book().holidays)


def due_date(segment: str, month) -> dt.date:
    """Payment due date of a month's contribution (BPU: the 15th of the month, next working day when
    that is a weekend or holiday; PU: the 15th of the following month)."""
    month = first_of_month(month)
    rule = required_parameter("due_date", month, segment).value
    return due_day(month, month_offset=rule["month_offset"], day=rule["day"], roll=rule["roll"],
                   holidays=book().holidays)


# --- the quote -----------------------------------------------------------------------------------

@dataclass
class QuoteLine:
    program: str
    base: int
    basis: str
    rate: Decimal       # percent (1.0000 = 1 %) or, for a flat basis, the amount
    gross: int
    discount: int
    net: int
    reference: str
    discount_percent: Decimal = Decimal(0)
    discount_reference: str = ""
    discount_code: str = ""

    def as_dict(self) -> dict:
        data = asdict(self)
        data["rate"] = plain(self.rate)
        data["discount_percent"] = plain(self.discount_percent)
        return data


@dataclass
class Quote:
    segment: str            # rule segment
    income: int
    month: dt.date
    funding_source: str
    sector: str
    lines: list[QuoteLine] = field(default_factory=list)
    due_date: dt.date | None = None
    risk_class: str = ""

    @property
    def total(self) -> int:
        return sum(line.net for line in self.lines)

    @property
    def gross(self) -> int:
        return sum(line.gross for line in self.lines)

    @property
    def discount(self) -> int:
        return sum(line.discount for line in self.lines)

    @property
    def references(self) -> list[str]:
        refs = []
        for line in self.lines:
            for ref in (line.reference, line.discount_reference):
                if ref and ref not in refs:
                    refs.append(ref)
        return refs

    def as_dict(self) -> dict:
        return {
            "segment": self.segment, "income": self.income, "month": self.month.strftime("%Y-%m"),
            "funding_source": self.funding_source, "sector": self.sector, "risk_class": self.risk_class,
            "lines": [line.as_dict() for line in self.lines],
            "gross": self.gross, "discount": self.discount, "total": self.total,
            "due_date": self.due_date.isoformat() if self.due_date else None, "references": self.references,
        }


def _base(segment: str, income: int, month: dt.date) -> int:
    bands = parameter_value("income_bands", month, segment) or []
    base = income
    for band in sorted(bands, key=lambda b: b["from"]):
        if income >= band["from"]:
            base = band["base"]
    return base


def _best_discount(program, segment, sector, funding_source, month):
    """The largest discount covering the line; reliefs do not stack."""
    best = None
    for d in book().discounts_on(month):
        if d.covers(program=program, segment=segment, sector=sector, funding_source=funding_source):
            if best is None or d.percent > best.percent:
                best = d
    return best


def quote(*, segment: str, income: int, programs: list[str], month: dt.date, funding_source: str,
          sector: str = "other", risk_class: str = "") -> Quote:
    """The contribution for one worker and one month, line by line.

    ``segment`` is a worker segment (bpu_rentan, perangkat_desa, rt_rw, bpu_lain, pu) or a rule segment
    (bpu, pu); ``month`` any day of the month; ``risk_class`` (1–5) is needed for PU JKK. Reliefs
    (PP 49/2020, PP 50/2025) apply by month, segment, sector and who pays. Raises RuleError.
    """
    seg = rule_segment(segment)
    month = first_of_month(month)
    wanted = parse_programs(programs)
    check_funding_source(funding_source)
    check_sector(sector)
    income = check_amount(income, "income", _("Declared income"))
    minimum = minimum_income_for(seg, month)
    if minimum is not None and income < minimum:
        raise RuleError(_("Declared income %(income)s is below the minimum of %(minimum)s for this segment.") % {
            "income": rupiah(income), "minimum": rupiah(minimum)}, "income")
    if income <= 0:
        raise RuleError(_("Declared income must be more than zero."), "income")
    rules = book()
    result = Quote(segment=seg, income=income, month=month, funding_source=funding_source, sector=sector,
                   risk_class=str(risk_class or ""))
    base_income = _base(seg, income, month)
    for program in wanted:
        classes = rules.risk_classes(program, seg, month)
        klass = str(risk_class or "") if any(classes) else ""
        if any(classes) and klass not in classes:
            raise RuleError(_("%(program)s for this segment is rated by risk class; choose one of %(classes)s.") % {
                "program": program.upper(), "classes": ", ".join(classes)}, "risk_class")
        rate = rules.rate(program, seg, month, klass)
        if rate is None:
            if not rules.has_rates(program, seg):
                raise RuleError(_("%(program)s is not available to the %(segment)s segment.") % {
                    "program": program.upper(), "segment": seg.upper()}, "programs")
            raise RuleError(_("No %(program)s rate for the %(segment)s segment applies in %(month)s.") % {
                "program": program.upper(), "segment": seg.upper(), "month": month.strftime("%Y-%m")}, "month")
        base = base_income
        if rate.wage_cap:
            cap = required_parameter(rate.wage_cap, month, seg).value
            base = min(base, cap)
        if rate.basis == Basis.FLAT:
            gross = int(rate.value)
        else:
            gross = round_rupiah(base * rate.value / HUNDRED)
        line = QuoteLine(program=program, base=base, basis=rate.basis, rate=rate.value, gross=gross, discount=0,
                         net=gross, reference=rate.reference)
        relief = _best_discount(program, seg, sector, funding_source, month)
        if relief is not None:
            line.discount = round_rupiah(gross * relief.percent / HUNDRED)
            line.net = gross - line.discount
            line.discount_percent = relief.percent
            line.discount_reference = relief.reference
            line.discount_code = relief.code
        result.lines.append(line)
    result.due_date = due_date(seg, month)
    return result


@lru_cache(maxsize=4096)
def _cached_price(generation, segment, income, programs, month, funding_source, sector, risk_class) -> int:
    return quote(segment=segment, income=income, programs=list(programs), month=month,
                 funding_source=funding_source, sector=sector, risk_class=risk_class).total


def monthly_price(*, segment: str, income: int, programs, month: dt.date, funding_source: str,
                  sector: str = "other", risk_class: str = "") -> int:
    """``quote(...).total``, memoised per rule-book generation: the fast path for billing runs."""
    return _cached_price(book().generation, segment, income, tuple(parse_programs(programs)),
                         first_of_month(month), funding_source, sector, str(risk_class or ""))
