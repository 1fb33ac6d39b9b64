"""Helpers shared by the funding test modules: bulk workers and village lists."""

import datetime as dt

from lindung.people.models import Worker
from lindung.regions.models import Level, Region

from .conftest import make_nik


def villages(prefix: str, n: int) -> list[str]:
    return list(Region.objects.filter(level=Level.VILLAGE, code__startswith=prefix).order_by("code")
                .values_list("code", flat=True)[:n])


def bulk_workers(village_codes: list[str], per_village: int, *, segment: str = "bpu_rentan",
                 occupation: str = "Petani", income: int = 1_000_000, registered_by=None,
                 birth: dt.date = dt.date(1980, 1, 1)) -> list[Worker]:
    """Workers inserted in bulk (bypassing scope checks) with valid NIKs issued in their district."""
    rows, serials = [], {}
    for village in village_codes:
        for i in range(per_village):
            key = village[:6]
            if key not in serials:  # continue after workers born the same day in that district
                serials[key] = Worker.objects.filter(district_code=key, birth_date=birth).count()
            serials[key] += 1
            w = Worker(nik=make_nik(key, birth, "M", serials[key]), name=f"Pekerja {village[-4:]} {i + 1}",
                       birth_date=birth, sex="M", village_id=village, segment=segment, occupation=occupation,
                       declared_income=income, registered_by=registered_by)
            w.fill_derived()
            rows.append(w)
    Worker.objects.bulk_create(rows, batch_size=2000)
    return list(Worker.objects.filter(nik__in=[w.nik for w in rows]).order_by("id"))
