"""Follow-up lists for a region and a month: members at risk of lapsing, lapsed, reactivated.

The same rule and the same rows as the indicators (RULES.md §3, rule data ``lapse``, default 3):

- *k unpaid months* (k = 1 … lapse − 1): the latest covered month is k months back and nothing
  follows it — the member lapses unless a month is paid soon (with two unpaid months: this month);
- *lapsed last month*: the lapse-th consecutive uncovered month was last month (counted like the
  dashboard's "lapsed" of that month);
- *reactivated*: a membership starts this month after an earlier one ended.

Each list is a ``CoveredMonth`` queryset (one row per worker), filtered to the user's own workers for
users without ``coverage.statistics``, exactly as the indicators are.
"""

import datetime as dt

from django.db.models import Exists, OuterRef

from lindung.months import add_months

from .indicators import _lapse, _live
from .models import CoveredMonth

REACTIVATED, LAPSED = "reactivated", "lapsed_last_month"


def unpaid_key(k: int) -> str:
    return f"unpaid_{k}"


def follow_up(code: str, month: dt.date, access=None) -> dict:
    """{state: CoveredMonth queryset}; states: unpaid_1 … unpaid_(lapse−1), lapsed_last_month, reactivated."""
    month = month.replace(day=1)
    lapse = _lapse(month)
    lists = {unpaid_key(k): _live(code, add_months(month, -k), access).filter(last=True) for k in range(1, lapse)}
    lists[LAPSED] = _live(code, add_months(month, -1 - lapse), access).filter(last=True)
    earlier = CoveredMonth.objects.filter(worker_id=OuterRef("worker_id"), month__lt=month)
    lists[REACTIVATED] = _live(code, month, access).filter(starts=True).filter(Exists(earlier))
    return lists
