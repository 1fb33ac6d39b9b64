"""Programme pages: the list (with the form creating one), and each programme's progress village by village
with the sponsorship lists that belong to it."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lindung import months
from lindung.errors import DomainError, InvalidInput, to_form, to_messages

from .forms import AttachForm, ProgrammeForm, VillagesForm
from .services import (attach_lists, attachable_lists, can_manage, create_programme, detach_list,
                       managed_funders, progress, set_villages, visible_programmes)


@login_required
def programme_list(request):
    access = request.access
    access.require("programme.view")
    form = None
    if access.can("programme.manage"):
        funders = managed_funders(access)
        form = ProgrammeForm(request.POST or None, funders=funders,
                             initial={"start_month": months.month_label(months.this_month())})
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            funder = next(f for f in funders if f.pk == data["funder"])
            try:
                programme = create_programme(
                    access, funder, name=data["name"], legal_basis=data["legal_basis"],
                    start_month=data["start_month"], end_month=data["end_month"],
                    target_workers=data["target_workers"], target_segment=data["target_segment"],
                    budget=data["budget"])
            except DomainError as exc:
                to_form(form, exc)
            else:
                messages.success(request, _("Programme created. Now let its sponsorship lists belong to it."))
                return redirect("programme-progress", pk=programme.pk)
    return render(request, "programmes/list.html", {"programmes": visible_programmes(access), "form": form})


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
    manage = can_manage(access, programme)
    return render(request, "programmes/progress.html", {
        "programme": programme, "data": data, "rows": rows, "month": month, "show": request.GET.get("show", ""),
        "previous": months.add_months(month, -1), "next": months.add_months(month, 1), "manage": manage,
        "lists": programme.lists.select_related("funder").order_by("pk"),
        "attach_form": AttachForm(lists=attachable_lists(access, programme)) if manage else None,
        "villages_form": VillagesForm(initial={"villages": _villages_text(programme)}) if manage else None})


def _villages_text(programme) -> str:
    return "\n".join(code if own is None else f"{code}={own}"
                     for code, own in programme.villages.values_list("village_id", "target"))


@login_required
@require_POST
def programme_villages(request, pk):
    access = request.access
    programme = get_object_or_404(visible_programmes(access), pk=pk)
    form = VillagesForm(request.POST)
    if not form.is_valid():
        for line in form.errors.get("villages", []):
            messages.error(request, line)
    else:
        try:
            count = set_villages(access, programme, form.cleaned_data["villages"], replace=True)
        except DomainError as exc:
            to_messages(request, exc)
        else:
            messages.success(request, _("%(n)s villages take part.") % {"n": count})
    return redirect("programme-progress", pk=programme.pk)


@login_required
@require_POST
def programme_attach(request, pk):
    access = request.access
    programme = get_object_or_404(visible_programmes(access), pk=pk)
    form = AttachForm(request.POST, lists=attachable_lists(access, programme))
    if not form.is_valid():
        for line in form.errors.get("list_id", []):
            messages.error(request, line)
    else:
        try:
            attach_lists(access, programme, [form.cleaned_data["list_id"]])
        except (DomainError, PermissionDenied) as exc:
            to_messages(request, exc)
        else:
            messages.success(request, _("List #%(id)s now belongs to the programme.") % {
                "id": form.cleaned_data["list_id"]})
    return redirect("programme-progress", pk=programme.pk)


@login_required
@require_POST
def programme_detach(request, pk, list_id):
    access = request.access
    programme = get_object_or_404(visible_programmes(access), pk=pk)
    try:
        detach_list(access, programme, list_id)
    except DomainError as exc:
        to_messages(request, exc)
    else:
        messages.success(request, _("List #%(id)s no longer belongs to the programme.") % {"id": list_id})
    return redirect("programme-progress", pk=programme.pk)
