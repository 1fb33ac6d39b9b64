"""Programme pages: the list, and each programme's progress village by village."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, render

from lindung import months
from lindung.errors import InvalidInput, to_messages

from .services import progress, visible_programmes


@login_required
def programme_list(request):
    request.access.require("programme.view")
    return render(request, "programmes/list.html", {"programmes": visible_programmes(request.access)})


@login_required
def programme_progress(request, pk):
    access = request.access
    access.require("programme.view")
    programme = get_object_or_404(visible_programmes(access), pk=pk)
    month = months.this_month()
    if request.GET.get("month"):
        try:
            month = months.parse_month(request.GET["month"])
        except InvalidInput as exc:
            to_messages(request, exc)
    data = progress(access, programme, month)
    rows = data["villages"]
    if request.GET.get("show") == "behind":
        rows = [r for r in rows if r["state"] == "below"]
    return render(request, "programmes/progress.html", {
        "programme": programme, "data": data, "rows": rows, "month": month, "show": request.GET.get("show", ""),
        "previous": months.add_months(month, -1), "next": months.add_months(month, 1)})
