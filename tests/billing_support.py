"""Helpers for the billing and coverage test modules: sponsorships with their reserved months."""

import datetime as dt

from lindung.funding.models import ReservedMonth, Funder, Sponsorship

SOURCE_BY_KIND = {"province": "apbd-province", "regency": "apbd-regency", "village": "village-budget",
                  "company": "csr", "donor": "donor", "sertakan": "donor", "self": "self"}


def funder(kind: str, name: str, region: str | None = None, **extra) -> Funder:
    return Funder.objects.create(kind=kind, name=name, region_id=region, **extra)


def sponsor(payer: Funder, workers, *, start: dt.date, months: int, programs: str = "jkk,jkm",
            source: str | None = None) -> list[Sponsorship]:
    """Approved sponsorships with their ReservedMonth rows, inserted directly (as approval would)."""
    source = source or SOURCE_BY_KIND[payer.kind]
    rows = []
    for worker in workers:
        s = Sponsorship(funder=payer, worker=worker, programs=programs, funding_source=source, start_month=start,
                        months=months, state="approved")
        s.fill_derived()
        rows.append(s)
    Sponsorship.objects.bulk_create(rows)
    created = list(Sponsorship.objects.filter(funder=payer, worker__in=workers, start_month=start).order_by("id"))
    ReservedMonth.objects.bulk_create([
        ReservedMonth(sponsorship=s, worker_id=s.worker_id, program=p, month=m, funder=payer, funding_source=source)
        for s in created for p in s.program_list for m in s.month_list()])
    return created


def month(text: str) -> dt.date:
    return dt.date.fromisoformat(text + "-01")
