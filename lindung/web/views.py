from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpResponseServerError, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.utils.translation import gettext as _
from django.views import i18n
from django.views.decorators.http import require_POST
from django.views.defaults import page_not_found

from lindung.coverage import charts
from lindung.coverage.indicators import home_region, indicators, last_complete_month, trend
from lindung.months import add_months, today

from .inbox import work_waiting

TREND_MONTHS = 6


def coverage_summary(access) -> dict | None:
    """The user's region (or, for funders and agents, their own members) in the last complete month,
    with the months before it: the same counts the coverage dashboard shows for that month."""
    if not access.can("coverage.view"):
        return None
    code = home_region(access)
    month = last_complete_month()
    months = [add_months(month, -i) for i in range(TREND_MONTHS - 1, -1, -1)]
    series = trend(code, months, access)
    data = indicators(code, month, access, children=False)
    before = series[-2]["active"] if len(series) > 1 else None
    return {"data": data, "month": month, "code": code, "chart": charts.column_chart(series, height=120),
            "change": None if before is None else data["active"] - before}


@login_required
def home(request):
    access = request.access
    return render(request, "web/home.html", {
        "items": work_waiting(access, today()),
        "coverage": coverage_summary(access),
        "regions": request.user.regions.all(),
    })


@require_POST
def set_language(request):
    """The language menu: Django's own view (cookie, redirect back), and the choice kept on the account."""
    response = i18n.set_language(request)
    language = request.POST.get("language", "")
    if request.user.is_authenticated and language in dict(settings.LANGUAGES) and request.user.language != language:
        request.user.language = language
        request.user.save(update_fields=["language"])
    return response


def not_found(request, exception=None):
    """404: the API answers with its JSON error body (its schema says so), pages inside the layout."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": _("Not found, or outside your scope.")}, status=404)
    return page_not_found(request, exception)


def server_error(request):
    """500 inside the layout, in the user's language. If the layout itself cannot be drawn (the database
    is down, say), the same page is drawn without the parts that need it."""
    try:
        return render(request, "500.html", status=500)
    except Exception:  # noqa: BLE001 — the error page must never fail
        template = loader.get_template("500.html")
        return HttpResponseServerError(template.render({"request": None, "status": 500}))


def csrf_failure(request, reason=""):
    """A form sent after its page went stale: the layout's 403 page with what to do about it."""
    return render(request, "403.html", {"exception": _(
        "The form was out of date (the page was open too long, or you logged in again elsewhere). "
        "Go back, reload the page and send it again.")}, status=403)
