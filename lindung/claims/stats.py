"""What the benefits did: families reached and rupiah paid, per region, month and programme.

The figure articles quote ("Rp… to N residents"), for what Lindung tracks: paid claims (their
recorded amount) and, for scholarships, every school year paid. Counted over the claims the user
may see, so a funder sees the benefits paid for the workers it funded.
"""

from django.db.models import Count, Sum
from django.db.models.functions import TruncMonth

from .models import Claim, ClaimKind, ClaimState, ScholarshipYear, ScholarshipYearState
from .scope import WORKER_REGION_FIELD, in_region, visible_claims

CHILD_LEVEL = {0: 2, 2: 4, 4: 6, 6: 10, 10: 10}


def paid_statistics(access, region_code: str = "", year: int | None = None) -> dict:
    """Totals and rows (region one level down, month, programme) of benefits paid."""
    code = (region_code or "").replace(".", "")
    child_field = WORKER_REGION_FIELD[CHILD_LEVEL.get(len(code), 10)]
    claims = in_region(visible_claims(access), code)
    lump = claims.filter(state=ClaimState.PAID).exclude(kind=ClaimKind.SCHOLARSHIP)
    years = ScholarshipYear.objects.filter(claim__in=in_region(visible_claims(access), code),
                                           state=ScholarshipYearState.PAID)
    if year:
        lump, years = lump.filter(paid_on__year=year), years.filter(paid_on__year=year)
    rows = {}
    for r in (lump.order_by().annotate(m=TruncMonth("paid_on"))
              .values(f"worker__{child_field}", "m", "kind").annotate(n=Count("worker_id", distinct=True),
                                                                      amount=Sum("paid_amount"))):
        key = (r[f"worker__{child_field}"], r["m"], r["kind"])
        rows[key] = {"families": r["n"], "amount": int(r["amount"] or 0)}
    for r in (years.order_by().annotate(m=TruncMonth("paid_on"))
              .values(f"claim__worker__{child_field}", "m").annotate(n=Count("claim__worker_id", distinct=True),
                                                                     amount=Sum("amount"))):
        key = (r[f"claim__worker__{child_field}"], r["m"], ClaimKind.SCHOLARSHIP.value)
        rows[key] = {"families": r["n"], "amount": int(r["amount"] or 0)}
    out = [{"region_code": k[0], "month": k[1].strftime("%Y-%m") if k[1] else None, "programme": k[2], **v}
           for k, v in sorted(rows.items(), key=lambda kv: (kv[0][0], str(kv[0][1]), kv[0][2]))]
    families = (set(lump.values_list("worker_id", flat=True))
                | set(years.values_list("claim__worker_id", flat=True)))
    by_programme = {}
    for row in out:
        by_programme[row["programme"]] = by_programme.get(row["programme"], 0) + row["amount"]
    return {"region_code": code, "year": year, "families": len(families),
            "amount": sum(r["amount"] for r in out), "by_programme": by_programme, "rows": out}
