"""Rule commands: load the rule data, show it, and the three calculators (quote, benefits, plan).

Every calculator calls the same service function as the web page and the API; bad input ends with a
one-line message and exit status 1.
"""

import click

from lindung.cli import emit, this_month_text, today_text
from lindung.formatting import number


@click.group()
def rules():
    """Contribution, relief and benefit rules (effective-dated data)."""


@rules.command("load")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def load(as_json):
    """Load the shipped rule data (lindung/rules/data/rules.json). Idempotent; locally changed rows are kept."""
    from django.utils.translation import gettext as _

    from .loader import load_rules

    result = load_rules()
    text = _("Rules %(version)s: %(created)d created, %(updated)d updated, %(unchanged)d unchanged, "
             "%(holidays)d holidays added.") % result.as_dict()
    if result.kept_local:
        text += "\n" + _("Kept as changed locally: %(codes)s") % {"codes": ", ".join(result.kept_local)}
    emit(result.as_dict(), as_json, text)


@rules.command("show")
@click.option("--on", "on", default=None, help="Only rows in force on this date (YYYY-MM-DD).")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def show(on, as_json):
    """List the rule rows (all versions, or those in force on a date) with their legal references."""
    from lindung.months import parse_day

    from .catalogue import SECTION_LABELS, rule_rows

    rows = rule_rows(parse_day(on, "on") if on else None)
    lines = []
    for section, items in rows.items():
        lines.append(f"[{SECTION_LABELS[section]}]")
        if section == "holidays":
            lines.append("  " + ", ".join(items))
            continue
        lines += [f"  {r['code']:32} {r['summary']:40} {r['valid_from']} – {r['valid_to'] or '…'}  {r['reference']}"
                  for r in items]
    emit(rows, as_json, "\n".join(lines))


@click.command()
@click.option("--segment", default="bpu", show_default=True,
              help="bpu, pu, or a worker segment (bpu_rentan, perangkat_desa, rt_rw, bpu_lain).")
@click.option("--income", required=True, help="Declared monthly income (BPU) or wage (PU), whole rupiah.")
@click.option("--programs", default="jkk,jkm", show_default=True, help="Comma-separated: jkk,jkm,jht,jp,jkp.")
@click.option("--month", default=this_month_text, help="YYYY-MM (default: this month).")
@click.option("--funding", required=True,
              help="Who pays: apbn, apbd-province, apbd-regency, village-budget, csr, donor, self.")
@click.option("--sector", default="other", show_default=True, help="transport or other (PP 50/2025).")
@click.option("--risk-class", default="", help="PU work-accident risk class 1–5.")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def quote(segment, income, programs, month, funding, sector, risk_class, as_json):
    """The contribution for one worker and one month, programme by programme, with reliefs and due date."""
    from django.utils.translation import gettext as _

    from lindung.formatting import label, rupiah
    from lindung.months import parse_month

    from .choices import FundingSource
    from .services import quote as make_quote

    q = make_quote(segment=segment, income=income, programs=programs, month=parse_month(month),
                   funding_source=funding, sector=sector, risk_class=risk_class)
    text = [f"{q.month:%Y-%m} · {q.segment.upper()} · {label(FundingSource, funding)}"]
    for line in q.lines:
        relief = f"  −{rupiah(line.discount)} ({_(line.discount_reference)})" if line.discount else ""
        text.append(f"  {line.program.upper():4} {rupiah(line.gross):>12}{relief}  = {rupiah(line.net)}")
    text.append(f"  {_('Total')} {rupiah(q.total):>12}   " + _("due %(date)s") % {"date": q.due_date})
    emit(q.as_dict(), as_json, "\n".join(text))


def _benefit_output(benefit, as_json):
    from django.utils.translation import gettext as _

    from lindung.formatting import rupiah

    from .benefits import kind_label

    lines = [f"{kind_label(benefit.kind)}: {rupiah(benefit.total)}"]
    if not benefit.children:  # a scholarship lists its children below instead
        lines += [f"  {item.label}: {rupiah(item.amount)}" for item in benefit.items]
    lines += [f"  ✗ {reason.message}" for reason in benefit.reasons]
    for child in benefit.children:
        lines.append(("  " + _("Child %(n)d") % {"n": child["index"]} + f" {child['name']}").rstrip()
                     + f": {rupiah(child['total'])}")
        lines += ["    " + _("%(year)d: %(level)s year %(n)d, age %(age)d: %(amount)s") % {
            "year": p["year"], "level": p["level_label"], "n": p["year_in_level"], "age": p["age"],
            "amount": rupiah(p["amount"])} for p in child["payments"]]
        lines += [f"    ✗ {r['message']}" for r in child["reasons"]]
    emit(benefit.as_dict(), as_json, "\n".join(lines))


@click.group()
def benefits():
    """Benefit calculators: jkm, jkk-death, jkk-disability, stmb, scholarship."""


@benefits.command("jkm")
@click.option("--death-date", default=today_text, help="YYYY-MM-DD (default today).")
@click.option("--inactive", is_flag=True, help="The membership was not active at death.")
@click.option("--json", "as_json", is_flag=True)
def jkm(death_date, inactive, as_json):
    """JKM death benefit (death not from work)."""
    from .benefits import jkm_death

    _benefit_output(jkm_death(death_date=death_date, membership_active=not inactive), as_json)


def _jkk_options(func):
    for option in reversed([
        click.option("--income", required=True, help="Declared monthly income, whole rupiah."),
        click.option("--accident-date", required=True, help="YYYY-MM-DD."),
        click.option("--claim-date", default=None, help="YYYY-MM-DD (default today)."),
    ]):
        func = option(func)
    return func


@benefits.command("jkk-death")
@_jkk_options
@click.option("--inactive", is_flag=True, help="The membership was not active at the accident.")
@click.option("--json", "as_json", is_flag=True)
def jkk_death_command(income, accident_date, claim_date, inactive, as_json):
    """JKK death from a work accident."""
    from .benefits import jkk_death

    _benefit_output(jkk_death(income=income, accident_date=accident_date, claim_date=claim_date,
                              membership_active=not inactive), as_json)


@benefits.command("jkk-disability")
@_jkk_options
@click.option("--inactive", is_flag=True, help="The membership was not active at the accident.")
@click.option("--json", "as_json", is_flag=True)
def jkk_disability_command(income, accident_date, claim_date, inactive, as_json):
    """JKK total permanent disability."""
    from .benefits import jkk_disability

    _benefit_output(jkk_disability(income=income, accident_date=accident_date, claim_date=claim_date,
                                   membership_active=not inactive), as_json)


@benefits.command("stmb")
@_jkk_options
@click.option("--months", required=True, help="Months unable to work.")
@click.option("--json", "as_json", is_flag=True)
def stmb_command(income, accident_date, claim_date, months, as_json):
    """Temporary inability to work after a work accident (STMB)."""
    from .benefits import stmb

    _benefit_output(stmb(income=income, months=months, accident_date=accident_date, claim_date=claim_date), as_json)


def parse_child(text: str) -> dict:
    """BIRTH_DATE:LEVEL[:YEAR_IN_LEVEL[:NAME]], e.g. 2014-05-01:sd:4 or 2021-02-01:none."""
    parts = text.split(":")
    data = {"birth_date": parts[0], "level": parts[1] if len(parts) > 1 else "none"}
    if len(parts) > 2 and parts[2]:
        data["year_in_level"] = parts[2]
    if len(parts) > 3:
        data["name"] = parts[3]
    return data


@benefits.command("scholarship")
@click.option("--route", type=click.Choice(["jkm", "jkk"]), required=True,
              help="jkm: death not from work; jkk: death or total permanent disability from work.")
@click.option("--event-date", required=True, help="Date of death or accident, YYYY-MM-DD.")
@click.option("--contribution-months", default="0", show_default=True, help="Months of contributions paid.")
@click.option("--child", "children", multiple=True, required=True,
              help="BIRTH_DATE:LEVEL[:YEAR_IN_LEVEL[:NAME]]; LEVEL is none, tk, sd, smp, sma or university.")
@click.option("--first-payment", default=None, help="Date of the first yearly payment (default: the event date).")
@click.option("--inactive", is_flag=True, help="The membership was not active at the event.")
@click.option("--json", "as_json", is_flag=True)
def scholarship_command(route, event_date, contribution_months, children, first_payment, inactive, as_json):
    """Scholarship for up to two children: the yearly schedule per child, with the overall cap applied."""
    from .benefits import scholarship

    _benefit_output(scholarship(route=route, event_date=event_date, contribution_months=contribution_months,
                                children=[parse_child(c) for c in children], first_payment=first_payment,
                                membership_active=not inactive), as_json)


@click.command()
@click.option("--budget", default=None, help="Budget in rupiah → how many workers it covers.")
@click.option("--workers", default=None, help="Number of workers → what they cost.")
@click.option("--region", default=None, help="Region code, with --target: the cost of reaching a coverage target.")
@click.option("--target", default=None, help="Coverage target in percent of the region's working population.")
@click.option("--active", default=None,
              help="Active members in the region now (default: from the coverage module, when present).")
@click.option("--programs", default="jkk,jkm", show_default=True)
@click.option("--income", default="1000000", show_default=True, help="Declared monthly income, whole rupiah.")
@click.option("--funding", required=True, help="Who pays (see `lindung quote --help`).")
@click.option("--sector", default="other", show_default=True)
@click.option("--segment", default="bpu", show_default=True)
@click.option("--start", default=this_month_text, help="First month, YYYY-MM (default: this month).")
@click.option("--months", default="12", show_default=True)
@click.option("--json", "as_json", is_flag=True)
def plan(budget, workers, region, target, active, programs, income, funding, sector, segment, start, months,
         as_json):
    """Budget planner: a budget → workers covered, or workers (or a coverage target) → cost."""
    from django.utils.translation import gettext as _

    from lindung.formatting import rupiah
    from lindung.months import parse_month

    from .planner import plan_budget, plan_target, plan_workers

    common = dict(programs=programs, income=income, funding_source=funding, sector=sector, segment=segment,
                  start=parse_month(start), months=months)
    chosen = [name for name, value in (("--budget", budget), ("--workers", workers), ("--region", region))
              if value is not None]
    if len(chosen) != 1:
        raise click.ClickException(_("Give exactly one of --budget, --workers or --region with --target."))
    if budget is not None:
        result = plan_budget(budget=budget, **common)
    elif workers is not None:
        result = plan_workers(workers=workers, **common)
    else:
        if target is None:
            raise click.ClickException(_("--region needs --target (percent of the working population)."))
        result = plan_target(region_code=region, target_percent=target, active=active, **common)
    text = [_("%(months)d months from %(start)s: %(per)s per worker") % {
        "months": result.months, "start": f"{result.start:%Y-%m}", "per": rupiah(result.cost_per_worker)}]
    text.append(_("Workers: %(n)s · cost %(cost)s") % {"n": number(result.workers), "cost": rupiah(result.cost)})
    if result.budget is not None:
        text.append(_("Remainder: %(r)s") % {"r": rupiah(result.remainder)})
    emit(result.as_dict(), as_json, "\n".join(text))


commands = [rules, quote, benefits, plan]
