"""Budgets: what is allocated is typed; what is committed and spent is derived.

- committed: the cost, under the rules of each month, of every worker-month reserved for the funder
  from that source in that fiscal year (``ReservedMonth`` rows of approved, active, ended or
  handed-over sponsorships; a cancelled sponsorship keeps only the months before cancellation);
- spent: payments allocated to the budget, reported by the billing module (``spent_for_budget``);
- remaining = allocation − committed, never below zero: approvals that would overdraw it are
  refused with the shortfall, and an allocation cannot be cut below what is committed.

A budget is required for funders that commit public money (province, regency, village) for every
fiscal year a sponsorship touches; private funders are limited only where they entered a budget.
"""

import datetime as dt
from collections.abc import Callable

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from lindung.audit import services as audit
from lindung.formatting import number

from .errors import BudgetShortfall, FundingError
from .kinds import allowed_sources
from .models import Budget, Funder, Sponsorship, SponsorshipBatch, SponsorshipState
from .pricing import QuoteCache, cost_by_year, reserved_cost_by_year, sponsorship_groups
from .scope import can_act_for


def committed(budget: Budget, cache: QuoteCache | None = None) -> int:
    return committed_for(budget.funder_id, budget.source, budget.fiscal_year, cache)


def committed_for(funder_id: int, source: str, year: int, cache: QuoteCache | None = None) -> int:
    jan, dec = dt.date(year, 1, 1), dt.date(year, 12, 1)
    sponsorships = Sponsorship.objects.filter(funder_id=funder_id, funding_source=source, start_month__lte=dec,
                                              end_month__gte=jan)
    return reserved_cost_by_year(sponsorships, cache, first=jan, last=dec).get(year, 0)


# Payments allocated to a budget, handed in by the billing app when Django is ready (billing/apps.py):
# billing sits on a higher floor than funding.
_spent_for_budget: Callable[[Budget], int] | None = None


def use_spent_for_budget(count: Callable[[Budget], int]) -> None:
    global _spent_for_budget
    _spent_for_budget = count


def spent(budget: Budget) -> int | None:
    """Payments allocated to the budget, from billing (None before billing has handed in its sum)."""
    return None if _spent_for_budget is None else int(_spent_for_budget(budget))


def summary(budget: Budget, cache: QuoteCache | None = None) -> dict:
    used = committed(budget, cache)
    return {
        "id": budget.pk, "funder_id": budget.funder_id, "fiscal_year": budget.fiscal_year,
        "source": budget.source, "amount": budget.amount, "committed": used, "spent": spent(budget),
        "remaining": budget.amount - used, "note": budget.note,
    }


def check_and_lock(funder: Funder, source: str, needed_by_year: dict[int, int],
                   cache: QuoteCache | None = None) -> list[dict]:
    """Lock the funder's budgets for these years (in id order) and refuse when any would overdraw.

    Call inside a transaction; the row locks (PostgreSQL) keep two approvals against one budget
    from both passing the check. On SQLite, writers are serialised by the database itself.
    Returns the budget lines checked, for the audit entry.
    """
    cache = cache or QuoteCache()
    years = sorted(y for y, amount in needed_by_year.items() if amount > 0)
    budgets = {b.fiscal_year: b for b in Budget.objects.select_for_update().order_by("id")
               .filter(funder=funder, source=source, fiscal_year__in=years)}
    lines, shortfalls = [], []
    for year in years:
        budget = budgets.get(year)
        if budget is None:
            if funder.is_public:
                raise FundingError(_("%(funder)s has no %(year)s budget from %(source)s. Enter the allocation "
                                     "before approving.") % {"funder": funder.name, "year": year, "source": source},
                                   fiscal_year=year, source=source)
            continue
        remaining = budget.amount - committed(budget, cache)
        line = {"fiscal_year": year, "source": source, "needed": needed_by_year[year], "remaining": remaining,
                "shortfall": max(0, needed_by_year[year] - remaining)}
        lines.append(line)
        if line["shortfall"]:
            shortfalls.append(line)
    if shortfalls:
        raise BudgetShortfall(shortfalls)
    return lines


def set_budget(access, funder: Funder, *, fiscal_year: int, source: str, amount: int, note: str = "") -> Budget:
    """Enter or change an allocation; it may not fall below what is already committed."""
    access.require("budget.edit")
    if not can_act_for(access, funder):
        raise PermissionDenied(_("You may not manage this funder's budget."))
    if source not in allowed_sources(funder.kind):
        raise FundingError(_("A %(kind)s funder may not pay from %(source)s.") % {"kind": funder.kind, "source": source})
    if not isinstance(amount, int) or isinstance(amount, bool) or amount < 0:
        raise FundingError(_("The allocation must be a whole number of rupiah, zero or more."))
    if not 2000 <= int(fiscal_year) <= 2100:
        raise FundingError(_("Fiscal year %(year)s is out of range.") % {"year": fiscal_year})
    with transaction.atomic():
        row = (Budget.objects.select_for_update()
               .filter(funder=funder, fiscal_year=fiscal_year, source=source).first())
        used = committed_for(funder.pk, source, int(fiscal_year))
        if amount < used:
            raise FundingError(_("Rp%(committed)s of this budget is already committed; the allocation cannot be "
                                 "lower.") % {"committed": number(used)}, committed=used)
        before = {} if row is None else {"amount": row.amount, "note": row.note}
        if row is None:
            row = Budget(funder=funder, fiscal_year=fiscal_year, source=source)
        row.amount, row.note = amount, note
        row.save()
        audit.record(access.acting_user, audit.Action.CREATE if not before else audit.Action.UPDATE, row,
                     region_code=funder.region_id or "", summary=f"{funder.name} {fiscal_year} {source}",
                     changes=audit.diff(before, {"amount": amount, "note": note}))
    return row


def batch_cost(batch: SponsorshipBatch, cache: QuoteCache | None = None) -> dict[str, dict[int, int]]:
    """Cost per funding source and fiscal year of the batch's proposed sponsorships."""
    cache = cache or QuoteCache()
    pending = batch.sponsorships.filter(state=SponsorshipState.PROPOSED)
    by_source: dict[str, dict[int, int]] = {}
    for source in pending.order_by().values_list("funding_source", flat=True).distinct():
        by_source[source] = cost_by_year(sponsorship_groups(pending.filter(funding_source=source)), cache)
    return by_source


def budget_impact(batch: SponsorshipBatch, cache: QuoteCache | None = None) -> list[dict]:
    """What approving would do to each budget: needed, remaining, shortfall (for pages, no locks)."""
    cache = cache or QuoteCache()
    lines = []
    for source, by_year in batch_cost(batch, cache).items():
        for year, needed in sorted(by_year.items()):
            row = Budget.objects.filter(funder_id=batch.funder_id, fiscal_year=year, source=source).first()
            remaining = None if row is None else row.amount - committed(row, cache)
            lines.append({"fiscal_year": year, "source": source, "needed": needed, "budget": row and row.amount,
                          "remaining": remaining,
                          "shortfall": None if remaining is None else max(0, needed - remaining)})
    return lines
