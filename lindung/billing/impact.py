"""What a funder's payments bought: workers, worker-months and rupiah paid, by month and by regency.

One function for the funder's billing page and the donor's impact letter (lindung.reports), so both
print the same figures. Lines are counted through the user's scope (``visible_lines``).
"""

from django.db.models import Count, Sum

from lindung.regions.models import Region

from .scope import visible_lines


def funder_paid(access, funder, *, year: int | None = None) -> dict:
    lines = visible_lines(access).filter(invoice__funder=funder)
    paid = lines.filter(paid_on__isnull=False)
    if year:
        paid = paid.filter(month__year=year)
    by_month = list(paid.order_by().values("month").annotate(workers=Count("worker_id", distinct=True),
                                                              amount=Sum("paid")).order_by("month"))
    by_regency = list(paid.order_by().values("worker__regency_code")
                      .annotate(workers=Count("worker_id", distinct=True), amount=Sum("paid")).order_by("-workers")[:20])
    names = dict(Region.objects.filter(code__in=[r["worker__regency_code"] for r in by_regency])
                 .values_list("code", "name"))
    return {
        "by_month": by_month,
        "by_regency": [{**r, "name": names.get(r["worker__regency_code"], "")} for r in by_regency],
        "workers": paid.values("worker_id").distinct().count(),
        "worker_months": paid.values("worker_id", "month").distinct().count(),
        "amount": int(paid.aggregate(s=Sum("paid"))["s"] or 0),
        "regencies": paid.values("worker__regency_code").distinct().count(),
    }
