from django.http import Http404
from ninja import Router, Schema

from lindung.api.fields import text

from .models import Level, Region, WorkingPopulation
from .views import OWN_FIELD, worker_counts

router = Router(tags=["regions"])


class RegionOut(Schema):
    code: str
    name: str
    level: str
    parent_code: str | None
    workers: int


class RegionDetail(RegionOut):
    children: list[RegionOut]
    working_population: dict | None


def _row(region: Region, workers: int) -> dict:
    return {"code": region.code, "name": region.name, "level": Level(region.level).name.lower(),
            "parent_code": region.parent_id, "workers": workers}


@router.get("", response=list[RegionOut], summary="Provinces, with registered workers you may see")
def provinces(request):
    counts = worker_counts(request.access, None)
    return [_row(r, counts.get(r.code, 0)) for r in Region.objects.filter(level=Level.PROVINCE)
            if request.access.region_visible(r.code)]


@router.get("/{code}", response=RegionDetail, summary="A region with its children and worker counts")
def region(request, code: text(64)):
    found = Region.objects.filter(code=code.replace(".", "")).first()
    if found is None or not request.access.region_visible(found.code):
        raise Http404
    counts = worker_counts(request.access, found)
    total = request.access.workers().filter(**{OWN_FIELD[found.level]: found.code}).count()
    wp = WorkingPopulation.objects.filter(region=found).order_by("-year").first()
    return {**_row(found, total),
            "children": [_row(c, counts.get(c.code, 0)) for c in found.children.all()
                         if request.access.region_visible(c.code)],
            "working_population": {"year": wp.year, "count": wp.count, "source": wp.source} if wp else None}
