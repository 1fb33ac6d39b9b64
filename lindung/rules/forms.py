"""Calculator forms for the web page. Each ``compute()`` calls the same service as the CLI and the API;
a RuleError becomes an error on the field it names."""


from django import forms
from django.utils.translation import gettext_lazy as _

from lindung.formatting import RupiahField
from lindung.months import month_label, parse_month, this_month, today
from lindung.people.models import Sector, Segment

from . import benefits, planner
from .choices import FundingSource, Program
from .models import RuleSegment
from .services import RuleError, quote

SEGMENT_CHOICES = [(RuleSegment.BPU.value, RuleSegment.BPU.label), (RuleSegment.PU.value, RuleSegment.PU.label)] \
    + [(v, label) for v, label in Segment.choices if v != Segment.PU]
RISK_CLASS_CHOICES = [("", _("— (BPU)"))] + [(str(n), _("class %(n)d") % {"n": n}) for n in range(1, 6)]
LEVEL_CHOICES = [("none", _("not yet at school")), ("tk", _("kindergarten (TK)")), ("sd", _("primary (SD)")),
                 ("smp", _("junior high (SMP)")), ("sma", _("senior high (SMA)")),
                 ("university", _("university (S1) or training"))]


def this_month_text() -> str:
    return month_label(this_month())


class MonthInput(forms.TextInput):
    input_type = "month"


class DateInput(forms.DateInput):
    input_type = "date"


class CalculatorForm(forms.Form):
    def compute(self):
        """The result dict, or None with errors added to the form."""
        if not self.is_valid():
            return None
        try:
            return self.run(self.cleaned_data)
        except RuleError as exc:
            self.add_error(exc.field if exc.field in self.fields else None, exc.message)
            return None


class QuoteForm(CalculatorForm):
    segment = forms.ChoiceField(label=_("Segment"), choices=SEGMENT_CHOICES, initial="bpu")
    income = RupiahField(label=_("Declared monthly income / wage (Rp)"), initial=1_000_000)
    programs = forms.MultipleChoiceField(label=_("Programmes"), choices=Program.choices, initial=["jkk", "jkm"],
                                         widget=forms.CheckboxSelectMultiple)
    month = forms.CharField(label=_("Month"), widget=MonthInput, initial=this_month_text)
    funding_source = forms.ChoiceField(label=_("Paid by"), choices=FundingSource.choices, initial="apbd-regency")
    sector = forms.ChoiceField(label=_("Sector"), choices=Sector.choices, initial="other")
    risk_class = forms.ChoiceField(label=_("Risk class (PU)"), choices=RISK_CLASS_CHOICES, required=False)

    def run(self, data):
        return quote(segment=data["segment"], income=data["income"], programs=data["programs"],
                     month=parse_month(data["month"]), funding_source=data["funding_source"], sector=data["sector"],
                     risk_class=data["risk_class"]).as_dict()


BENEFIT_KINDS = [("jkm", _("JKM death")), ("jkk-death", _("JKK death (work accident)")),
                 ("jkk-disability", _("JKK total permanent disability")),
                 ("stmb", _("Temporary inability to work (STMB)")), ("scholarship", _("Scholarship"))]
CHILD_ROWS = 3


class BenefitForm(CalculatorForm):
    kind = forms.ChoiceField(label=_("Benefit"), choices=BENEFIT_KINDS, initial="jkm")
    event_date = forms.DateField(label=_("Date of death or accident"), widget=DateInput, initial=today)
    income = RupiahField(label=_("Declared monthly income (Rp)"), initial=1_000_000, required=False)
    claim_date = forms.DateField(label=_("Claim date"), widget=DateInput, required=False,
                                 help_text=_("Empty: today."))
    months = forms.IntegerField(label=_("Months unable to work (STMB)"), required=False, min_value=0)
    membership_active = forms.BooleanField(label=_("Membership active at the event"), initial=True, required=False)
    route = forms.ChoiceField(label=_("Scholarship through"), required=False, initial="jkm",
                              choices=[("jkm", _("JKM (death not from work)")), ("jkk", _("JKK (work accident)"))])
    contribution_months = forms.IntegerField(label=_("Contribution months paid"), required=False, min_value=0,
                                             initial=36)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for n in range(1, CHILD_ROWS + 1):
            self.fields[f"child{n}_birth"] = forms.DateField(label=_("Child %(n)d: birth date") % {"n": n},
                                                             widget=DateInput, required=False)
            self.fields[f"child{n}_level"] = forms.ChoiceField(label=_("school level"), choices=LEVEL_CHOICES,
                                                               required=False)
            self.fields[f"child{n}_year"] = forms.IntegerField(label=_("year in level"), min_value=1,
                                                               required=False, initial=1)

    def child_rows(self):
        return [(self[f"child{n}_birth"], self[f"child{n}_level"], self[f"child{n}_year"])
                for n in range(1, CHILD_ROWS + 1)]

    def run(self, data):
        kind = data["kind"]
        active = data["membership_active"]
        if kind == "jkm":
            return benefits.jkm_death(death_date=data["event_date"], membership_active=active).as_dict()
        if kind == "scholarship":
            children = [{"birth_date": data[f"child{n}_birth"], "level": data[f"child{n}_level"] or "none",
                         "year_in_level": data[f"child{n}_year"] or 1}
                        for n in range(1, CHILD_ROWS + 1) if data[f"child{n}_birth"]]
            return benefits.scholarship(route=data["route"] or "jkm", event_date=data["event_date"],
                                        contribution_months=data["contribution_months"] or 0, children=children,
                                        membership_active=active).as_dict()
        if data["income"] is None:
            raise RuleError(str(_("Enter the declared monthly income.")), "income")
        common = {"income": data["income"], "accident_date": data["event_date"], "claim_date": data["claim_date"]}
        if kind == "stmb":
            return benefits.stmb(months=data["months"] or 0, **common).as_dict()
        calculator = benefits.jkk_death if kind == "jkk-death" else benefits.jkk_disability
        return calculator(membership_active=active, **common).as_dict()


class PlanForm(CalculatorForm):
    mode = forms.ChoiceField(label=_("Plan from"), initial="budget", widget=forms.RadioSelect, choices=[
        ("budget", _("a budget → workers covered")), ("workers", _("a number of workers → cost")),
        ("target", _("a coverage target for a region → cost"))])
    budget = RupiahField(label=_("Budget (Rp)"), required=False)
    workers = forms.IntegerField(label=_("Workers"), required=False)
    region = forms.CharField(label=_("Region code"), required=False, max_length=13)
    target = forms.DecimalField(label=_("Coverage target (%)"), required=False, max_digits=5, decimal_places=2)
    active = forms.IntegerField(label=_("Active members now"), required=False,
                                help_text=_("Empty: taken from the coverage figures when available."))
    programs = forms.MultipleChoiceField(label=_("Programmes"), choices=Program.choices, initial=["jkk", "jkm"],
                                         widget=forms.CheckboxSelectMultiple)
    income = RupiahField(label=_("Declared monthly income (Rp)"), initial=1_000_000)
    funding_source = forms.ChoiceField(label=_("Paid by"), choices=FundingSource.choices, initial="apbd-province")
    sector = forms.ChoiceField(label=_("Sector"), choices=Sector.choices, initial="other")
    start = forms.CharField(label=_("First month"), widget=MonthInput, initial=this_month_text)
    months = forms.IntegerField(label=_("Months"), initial=12)

    def run(self, data):
        common = {"programs": data["programs"], "income": data["income"], "funding_source": data["funding_source"],
                  "sector": data["sector"], "start": parse_month(data["start"]), "months": data["months"]}
        mode = data["mode"]
        if mode == "budget":
            if data["budget"] is None:
                raise RuleError(str(_("Enter the budget.")), "budget")
            return planner.plan_budget(budget=data["budget"], **common).as_dict()
        if mode == "workers":
            if data["workers"] is None:
                raise RuleError(str(_("Enter the number of workers.")), "workers")
            return planner.plan_workers(workers=data["workers"], **common).as_dict()
        if data["target"] is None:
            raise RuleError(str(_("Enter the coverage target.")), "target")
        return planner.plan_target(region_code=data["region"], target_percent=data["target"], active=data["active"],
                                   **common).as_dict()
