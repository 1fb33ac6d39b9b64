"""The rule rows as people read them: for the rules page, `lindung rules show` and the API."""

import datetime as dt

from django.utils.translation import gettext as _

from lindung.months import today as local_today

from .book import book
from .formatting import rupiah
from .models import Basis
from .services import plain


def _row(obj, summary: str, on: dt.date | None, **extra) -> dict:
    today = on or local_today()
    return {"code": obj.code, "summary": summary, "valid_from": obj.valid_from.isoformat(),
            "valid_to": obj.valid_to.isoformat() if obj.valid_to else None, "reference": obj.reference,
            "note": obj.note, "in_force": obj.applies_on(today), **extra}


def rule_rows(on: dt.date | None = None) -> dict[str, list[dict]]:
    """Every rule row (or only those in force on ``on``), grouped, oldest first within a rule."""
    rules = book()
    keep = (lambda r: r.applies_on(on)) if on else (lambda r: True)
    rates = []
    for r in sorted((r for rows in rules.rates.values() for r in rows),
                    key=lambda r: (r.segment, r.program, r.risk_class, r.valid_from)):
        if keep(r):
            shown = f"{plain(r.value)} %" if r.basis == Basis.PERCENT else rupiah(int(r.value))
            klass = " " + _("class %(n)s") % {"n": r.risk_class} if r.risk_class else ""
            rates.append(_row(r, f"{r.program.upper()} {r.segment.upper()}{klass}: {shown}", on,
                              program=r.program, segment=r.segment, risk_class=r.risk_class, basis=r.basis,
                              value=plain(r.value), wage_cap=r.wage_cap))
    discounts = [_row(d, f"{plain(d.percent)} % {'+'.join(p.upper() for p in d.programs)}", on,
                      percent=plain(d.percent), programs=d.programs, segments=d.segments, sectors=d.sectors,
                      excluded_funding=d.excluded_funding)
                 for d in rules.discounts if keep(d)]
    parameters = [_row(p, p.key + (f" [{p.segment}]" if p.segment else ""), on, key=p.key, segment=p.segment,
                       value=p.value)
                  for p in sorted((p for rows in rules.parameters.values() for p in rows),
                                  key=lambda p: (p.key, p.segment, p.valid_from)) if keep(p)]
    return {"rates": rates, "discounts": discounts, "parameters": parameters,
            "holidays": [d.isoformat() for d in sorted(rules.holidays) if not on or d.year == on.year]}
