"""The rule rows as people read them: for the rules page, `lindung rules show` and the API."""

import datetime as dt

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lindung.formatting import percent, rupiah
from lindung.months import today as local_today

from .book import book
from .models import Basis
from .services import plain


# What each parameter is, for people (the key stays the data's name).
PARAMETER_LABELS = {
    "agent_activity": gettext_lazy("agent activity"), "autodebit": gettext_lazy("autodebit"),
    "reminders": gettext_lazy("reminder windows"),
    "benefit.jkk_claim_window": gettext_lazy("JKK claim window"),
    "benefit.jkk_death": gettext_lazy("JKK death benefit"),
    "benefit.jkk_disability": gettext_lazy("JKK disability benefit"), "benefit.jkm": gettext_lazy("JKM benefit"),
    "benefit.scholarship": gettext_lazy("scholarship"), "benefit.stmb": gettext_lazy("STMB (unable to work)"),
    "commission": gettext_lazy("agent commission"), "due_date": gettext_lazy("due date"),
    "income_bands": gettext_lazy("income bands"), "lapse": gettext_lazy("lapse"),
    "late_fine": gettext_lazy("late fine"), "minimum_income": gettext_lazy("minimum declared income"),
    "prepay_months": gettext_lazy("prepayment periods"), "wage_cap.jkp": gettext_lazy("JKP wage cap"),
    "wage_cap.jp": gettext_lazy("JP wage cap"),
}


# The sections of rule_rows, for people.
SECTION_LABELS = {"rates": gettext_lazy("Contribution rates"), "discounts": gettext_lazy("Reliefs"),
                  "parameters": gettext_lazy("Parameters"), "holidays": gettext_lazy("Holidays")}


def _row(obj, summary: str, on: dt.date | None, **extra) -> dict:
    """A rule row; its note and legal reference are shipped in English and shown in the user's language
    (the notes and references of rules.json are in the catalogues, checked by tests/test_first_hour.py)."""
    today = on or local_today()
    return {"code": obj.code, "summary": summary, "valid_from": obj.valid_from.isoformat(),
            "valid_to": obj.valid_to.isoformat() if obj.valid_to else None,
            "reference": _(obj.reference) if obj.reference else "",
            "note": _(obj.note) if obj.note else "", "in_force": obj.applies_on(today), **extra}


def rule_rows(on: dt.date | None = None) -> dict[str, list[dict]]:
    """Every rule row (or only those in force on ``on``), grouped, oldest first within a rule."""
    rules = book()
    keep = (lambda r: r.applies_on(on)) if on else (lambda r: True)
    rates = []
    for r in sorted((r for rows in rules.rates.values() for r in rows),
                    key=lambda r: (r.segment, r.program, r.risk_class, r.valid_from)):
        if keep(r):
            shown = percent(r.value, None) if r.basis == Basis.PERCENT else rupiah(int(r.value))
            klass = " " + _("class %(n)s") % {"n": r.risk_class} if r.risk_class else ""
            rates.append(_row(r, f"{r.program.upper()} {r.segment.upper()}{klass}: {shown}", on,
                              program=r.program, segment=r.segment, risk_class=r.risk_class, basis=r.basis,
                              value=plain(r.value), wage_cap=r.wage_cap,
                              wage_cap_label=str(PARAMETER_LABELS.get(r.wage_cap, r.wage_cap or ""))))
    discounts = [_row(d, f"{percent(d.percent, None)} {'+'.join(p.upper() for p in d.programs)}", on,
                      percent=plain(d.percent), programs=d.programs, segments=d.segments, sectors=d.sectors,
                      excluded_funding=d.excluded_funding)
                 for d in rules.discounts if keep(d)]
    parameters = [_row(p, str(PARAMETER_LABELS.get(p.key, p.key)) + (f" [{p.segment.upper()}]" if p.segment else ""),
                       on, key=p.key, segment=p.segment,
                       value=p.value)
                  for p in sorted((p for rows in rules.parameters.values() for p in rows),
                                  key=lambda p: (p.key, p.segment, p.valid_from)) if keep(p)]
    return {"rates": rates, "discounts": discounts, "parameters": parameters,  # keys: SECTION_LABELS
            "holidays": [d.isoformat() for d in sorted(rules.holidays) if not on or d.year == on.year]}
