from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.shortcuts import render

from lindung.people.models import Segment


@login_required
def home(request):
    access = request.access
    workers = access.workers()
    by_segment = dict(workers.order_by().values_list("segment").annotate(n=Count("id")))
    return render(request, "web/home.html", {
        "total": workers.count(),
        "by_segment": [(label, by_segment.get(value, 0)) for value, label in Segment.choices],
        "regions": request.user.regions.all(),
        "flagged": workers.exclude(nik_flags=[]).count(),
    })
