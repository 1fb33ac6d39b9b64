"""The reminders page and its export (CSV or XLSX through the project's tabular writer)."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils.translation import gettext as _

from lindung import months
from lindung.errors import InvalidInput, to_messages
from lindung.tabular import DATE, ID, NUMBER, Column, export_response

from lindung.rules.services import reminder_windows

from .services import grouped, kind_label, reminders


@login_required
def reminder_page(request):
    access = request.access
    day = months.today()
    if request.GET.get("date"):
        try:
            day = months.parse_day(request.GET["date"])
        except InvalidInput as exc:
            to_messages(request, exc)
    items = reminders(access, day)
    if request.GET.get("format") in ("csv", "xlsx"):
        access.disclose([r.worker_id for r in items], door="export:/reminders/", export=True)
        columns = [Column(_("Village"), ID), Column(_("Village")), Column(_("Agent")), Column(_("Reminder")),
                   Column(_("Worker")), Column(_("Date"), DATE), Column(_("Amount (Rp)"), NUMBER),
                   Column(_("Detail"))]
        rows = [[r.village_code, r.village, r.agent, kind_label(r.kind, day), r.worker, r.day, r.amount, r.detail]
                for r in items]
        return export_response(request, f"reminders-{day.isoformat()}", columns, rows, title=_("Reminders"))
    access.disclose([r.worker_id for r in items], door="page:/reminders/")
    villages = [(code, own[0].village, [(r, kind_label(r.kind, day)) for r in own])
                for code, own in grouped(items)["villages"].items()]
    return render(request, "reminders/page.html", {"day": day, "windows": reminder_windows(day), "villages": villages, "count": len(items)})
