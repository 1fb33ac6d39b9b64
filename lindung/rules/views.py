"""The rules page (every rule row with its period and legal reference) and the calculator page.

The calculator's three forms submit by GET, so a result has a shareable address; with htmx only the
result panel is replaced. Amounts come from the same services as the CLI and the API.
"""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from lindung.months import parse_day

from .catalogue import rule_rows
from .choices import default_funding_source
from .forms import BenefitForm, PlanForm, QuoteForm
from .services import RuleError

TOOLS = {"quote": QuoteForm, "benefit": BenefitForm, "plan": PlanForm}


@login_required
def rules_page(request):
    request.access.require("rules.view")
    on, error = None, ""
    if request.GET.get("on"):
        try:
            on = parse_day(request.GET["on"], "on")
        except RuleError as exc:
            error = exc.message
    return render(request, "rules/rules.html", {
        "rows": rule_rows(on), "on": on, "error": error, "can_edit": request.access.can("rules.edit"),
    })


@login_required
def calculator(request):
    request.access.require("rules.view")
    tool = request.GET.get("tool") if request.GET.get("tool") in TOOLS else "quote"
    forms, result = {}, None
    for name, form_class in TOOLS.items():
        if name == tool and "go" in request.GET:
            forms[name] = form_class(request.GET, prefix=name)
            result = forms[name].compute()
        else:
            source = default_funding_source(request.access)
            forms[name] = form_class(prefix=name, initial={"funding_source": source} if source else None)
    context = {"tool": tool, "forms": forms, "result": result, "form": forms[tool]}
    if request.htmx:
        return render(request, "rules/_panel.html", context)
    return render(request, "rules/calculator.html", context)
