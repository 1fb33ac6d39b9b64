"""Funding from the console: funders and budgets, lists in bulk, the daily lifecycle run, reports.

Commands that change something act as a named user (``--as USERNAME``) so the same permission,
scope and maker–checker rules apply as on the web, and the audit trail names that person.
"""

import datetime as dt

import click
from django.utils.translation import gettext as _

from lindung.cli import emit
from lindung.formatting import label, number, percent, rupiah

from .errors import AlreadyCovered


def source_label(code: str) -> str:
    """A funding source by its label (``APBD provinsi``), never its code."""
    from lindung.rules.choices import FundingSource

    return label(FundingSource, code)


def _budget_line(s: dict) -> str:
    return _("allocation %(amount)s, committed %(committed)s, remaining %(remaining)s") % {
        "amount": rupiah(s["amount"]), "committed": rupiah(s["committed"]), "remaining": rupiah(s["remaining"])}


def _refused(access, exc, total: int, programs, start, months: int, option: str, *, door: str,
             exclude_batch=None) -> click.ClickException:
    """A bulk action refused because some workers already have a payer: who (the first five) and why,
    and the option that goes ahead without them — the pages' explanation (sponsorships.refusal) in one line."""
    from .sponsorships import refusal

    key = programs if isinstance(programs, str) else ",".join(programs)
    found = refusal(exc.worker_ids, total, key, start, months, limit=5, exclude_batch=exclude_batch)
    access.disclose([r["worker"].pk for r in found["rows"]], door=door)
    who = "; ".join(f"{access.nik_for_display(r['worker'])} {r['worker'].name} (" + ", ".join(
        f"{s.funder.name} {s.start_month:%Y-%m} – {s.end_month:%Y-%m}" for s in r["sponsorships"]) + ")"
        for r in found["rows"])
    more = "; …" if found["count"] > len(found["rows"]) else ""
    return click.ClickException(_(
        "%(n)s workers already have a payer for some of these months: %(who)s%(more)s. Nothing was saved; "
        "%(option)s goes ahead with the other %(others)s.") % {
        "n": number(found["count"]), "who": who or "–", "more": more, "option": option,
        "others": number(found["others"])})


def _user_access(username):
    from lindung.accounts.access import Access
    from lindung.accounts.models import User

    user = User.objects.filter(username=username, is_active=True).first()
    if user is None:
        raise click.ClickException(_("No active user %(name)r.") % {"name": username})
    return Access(user)


def _date(value: str | None, name: str) -> dt.date | None:
    from lindung.errors import InvalidInput
    from lindung.months import parse_day

    if not value:
        return None
    try:
        return parse_day(value, name, month_means_first=True)
    except InvalidInput:
        raise click.ClickException(_("%(name)s must look like 2026-01 or 2026-01-31, not %(value)r.") % {
            "name": name, "value": value}) from None


@click.group()
def funders():
    """Funders (governments, villages, companies, donors, members, self-payers) and their budgets."""


@funders.command("list")
@click.option("--kind", default="", help="Only this kind (province, regency, village, company, donor, sertakan, self).")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def list_funders(kind, as_json):
    """List funders with their budgets (allocation, committed, remaining) per fiscal year."""
    from .budget import summary
    from .models import Funder
    from .pricing import QuoteCache

    from .models import FunderKind

    qs = Funder.objects.order_by("kind", "name").prefetch_related("budgets")
    if kind:
        qs = qs.filter(kind=kind)
    cache = QuoteCache()
    rows = [{"id": f.pk, "kind": f.kind, "name": f.name, "region": f.region_id,
             "budgets": [summary(b, cache) for b in f.budgets.all()]} for f in qs]
    lines = []
    for r in rows:
        lines.append(f"{r['id']:>5}  {label(FunderKind, r['kind']):36} {r['name']}  {r['region'] or ''}")
        for b in r["budgets"]:
            lines.append(f"       {b['fiscal_year']} {source_label(b['source'])}: " + _budget_line(b))
    emit(rows, as_json, "\n".join(lines) or _("No funders."))


@funders.command("create")
@click.option("--kind", required=True, type=click.Choice(["province", "regency", "village", "company", "donor",
                                                          "sertakan"]))
@click.option("--name", required=True)
@click.option("--region", default="", help="Region code (required for governments and villages).")
@click.option("--as", "username", required=True, help="Act as this user.")
def create_funder(kind, name, region, username):
    """Register a funder."""
    from .funders import create_funder as create

    funder = create(_user_access(username), kind=kind, name=name, region_code=region)
    click.echo(f"{funder.pk} {funder.name}")


@funders.command("budget")
@click.argument("funder_id", type=int)
@click.option("--year", "fiscal_year", required=True, type=int)
@click.option("--source", required=True, help="Funding source, e.g. apbd-province, village-budget, csr.")
@click.option("--amount", required=True, type=int, help="Allocation in whole rupiah.")
@click.option("--note", default="")
@click.option("--as", "username", required=True, help="Act as this user.")
def set_budget(funder_id, fiscal_year, source, amount, note, username):
    """Enter or change a fiscal year's allocation (never below what is committed)."""
    from .budget import summary
    from .models import Funder
    from .budget import set_budget as set_

    funder = Funder.objects.filter(pk=funder_id).first()
    if funder is None:
        raise click.ClickException(_("No funder %(id)s.") % {"id": funder_id})
    row = set_(_user_access(username), funder, fiscal_year=fiscal_year, source=source, amount=amount,
               note=note)
    s = summary(row)
    click.echo(f"{funder.name} {fiscal_year} {source_label(source)}: " + _budget_line(s))


@funders.command("sources")
@click.option("--json", "as_json", is_flag=True)
def sources(as_json):
    """Funding sources each kind of funder may use (data, loaded from the shipped defaults)."""
    from .kinds import allowed_sources
    from .models import FunderKind

    rows = {kind: sorted(allowed_sources(kind)) for kind in FunderKind.values}
    emit(rows, as_json, "\n".join(  # each source by its label, with the value --source takes
        f"{label(FunderKind, k)}: " + "; ".join(f"{source_label(c)} (--source {c})" for c in v)
        for k, v in rows.items()))


@click.group()
def sponsorships():
    """Sponsorship lists in bulk, the daily lifecycle run, ending-soon and hand-over reports."""


@sponsorships.command("end-due")
@click.option("--today", default="", help="Run as of this day (default: today).")
@click.option("--json", "as_json", is_flag=True)
def end_due(today, as_json):
    """Activate sponsorships whose first month began; end (or mark handed over) those whose last month is over.
    Idempotent: schedule it daily."""
    from .lifecycle import advance_sponsorships

    result = advance_sponsorships(_date(today, "--today"))
    emit(result, as_json, _("%(month)s: %(activated)s activated, %(ended)s ended, %(handed_over)s handed over") % {
        "month": result["month"][:7], **{k: number(result[k]) for k in ("activated", "ended", "handed_over")}})


@sponsorships.command("lists")
@click.option("--state", default="", type=click.Choice(["", "proposed", "approved", "cancelled"]))
@click.option("--json", "as_json", is_flag=True)
def lists(state, as_json):
    """Sponsorship lists with their state, proposer and approver."""
    from django.db.models import Count

    from .models import BatchState, SponsorshipBatch

    qs = SponsorshipBatch.objects.select_related("funder", "proposed_by", "approved_by").annotate(
        n=Count("sponsorships")).order_by("-created_at", "-id")
    if state:
        qs = qs.filter(state=state)
    rows = [{"id": b.pk, "funder": b.funder.name, "state": b.state, "origin": b.origin, "sponsorships": b.n,
             "proposed_by": b.proposed_by.username if b.proposed_by else None,
             "approved_by": b.approved_by.username if b.approved_by else None, "note": b.note} for b in qs[:500]]
    emit(rows, as_json, "\n".join(f"#{r['id']:<5} {label(BatchState, r['state']):12} {number(r['sponsorships']):>7} "
                                  f"{r['funder']} ({r['proposed_by'] or '–'} → {r['approved_by'] or '…'}) {r['note']}"
                                  for r in rows) or _("No lists."))


@sponsorships.command("propose")
@click.option("--funder", "funder_id", required=True, type=int)
@click.option("--region", default="", help="All workers in your scope inside this region code.")
@click.option("--segment", default="", help="Only this segment (e.g. bpu_rentan, rt_rw).")
@click.option("--workers-file", type=click.File("r"), help="File with one worker id per line (instead of --region).")
@click.option("--start", "start", required=True, help="First month, e.g. 2026-01.")
@click.option("--months", required=True, type=int)
@click.option("--programs", default="jkk,jkm", show_default=True)
@click.option("--source", "funding_source", required=True)
@click.option("--note", default="")
@click.option("--skip-covered", is_flag=True, help="Leave out workers who already have a payer.")
@click.option("--as", "username", required=True, help="Act as this user (the proposer).")
def propose(funder_id, region, segment, workers_file, start, months, programs, funding_source, note, skip_covered,
            username):
    """Propose one list for many workers at once (set-based: tens of thousands in seconds)."""
    from lindung.people.services import search_workers

    from .models import Funder
    from .sponsorships import propose_sponsorships

    access = _user_access(username)
    funder = Funder.objects.filter(pk=funder_id).first()
    if funder is None:
        raise click.ClickException(_("No funder %(id)s.") % {"id": funder_id})
    if workers_file:
        try:
            ids = [int(line) for line in workers_file.read().split() if line.strip()]
        except ValueError:
            raise click.ClickException(_("The workers file must hold one numeric worker id per line.")) from None
    elif region:
        qs = search_workers(access, region=region)
        ids = list((qs.filter(segment=segment) if segment else qs).values_list("id", flat=True))
    else:
        raise click.ClickException(_("Give --region or --workers-file."))
    try:
        batch = propose_sponsorships(access, funder, ids, programs.split(","), _date(start, "--start"), months,
                                     funding_source, note, skip_covered=skip_covered)
    except AlreadyCovered as exc:
        raise _refused(access, exc, len(set(ids)), programs, _date(start, "--start"), months, "--skip-covered",
                       door="cli:sponsorships propose") from None
    click.echo(_("List #%(id)s: %(count)s sponsorships proposed") % {"id": batch.pk, "count": number(batch.count)}
               + (_(", %(n)s left out (already covered)") % {"n": number(len(batch.skipped_worker_ids))}
                  if batch.skipped_worker_ids else ""))


@sponsorships.command("approve")
@click.argument("list_id", type=int)
@click.option("--drop-covered", is_flag=True, help="Leave out workers another payer has taken meanwhile.")
@click.option("--today", default="", help="Approve as of this day (default: today).")
@click.option("--as", "username", required=True, help="Act as this user (the approver).")
def approve(list_id, drop_covered, today, username):
    """Approve a proposed list: checks the budget, reserves every month (one payer per month)."""
    from .models import SponsorshipBatch
    from .approval import approve_batch

    batch = SponsorshipBatch.objects.filter(pk=list_id).first()
    if batch is None:
        raise click.ClickException(_("No list %(id)s.") % {"id": list_id})
    access = _user_access(username)
    try:
        batch = approve_batch(access, batch, today=_date(today, "--today"), drop_covered=drop_covered)
    except AlreadyCovered as exc:
        programs, start, months = batch.sponsorships.order_by("id").values_list("programs", "start_month",
                                                                               "months").first()
        raise _refused(access, exc, batch.sponsorships.count(), programs, start, months, "--drop-covered",
                       door="cli:sponsorships approve", exclude_batch=batch) from None
    click.echo(_("List #%(id)s approved: %(count)s sponsorships.") % {"id": batch.pk, "count": number(batch.count)})


@sponsorships.command("ending")
@click.option("--days", default=30, show_default=True, type=int)
@click.option("--today", default="")
@click.option("--as", "username", required=True, help="List what this user may see.")
@click.option("--json", "as_json", is_flag=True)
def ending(days, today, username, as_json):
    """Sponsorships whose cover ends within N days, and whether someone continues them."""
    from .lifecycle import ending_soon

    access = _user_access(username)
    rows = [{"id": s.pk, "worker_id": s.worker_id, "worker": s.worker.name, "nik": access.nik_for_display(s.worker),
             "village": s.worker.village_id, "funder": s.funder.name, "end_month": f"{s.end_month:%Y-%m}",
             "continued_by": s.continued_by.funder.name if s.continued_by else None}
            for s in ending_soon(access, today=_date(today, "--today"), days=days)[:5000]]
    access.disclose([r["worker_id"] for r in rows], door="cli:sponsorships ending")
    emit(rows, as_json, "\n".join(f"{r['end_month']} {r['nik']} {r['worker']:30} {r['funder']}"
                                  f"{' → ' + r['continued_by'] if r['continued_by'] else ''}" for r in rows)
         or _("Nothing ends in this period."))


@sponsorships.command("graduation")
@click.option("--level", default="regency", show_default=True,
              type=click.Choice(["province", "regency", "district", "village"]))
@click.option("--as", "username", required=True, help="Report what this user may see.")
@click.option("--json", "as_json", is_flag=True)
def graduation(level, username, as_json):
    """Hand-over ("graduation") rate: finished sponsorships continued by the worker's own payment."""
    from .impact import graduation_report

    rows = graduation_report(_user_access(username), level=level)
    emit(rows, as_json, "\n".join(f"{r['funder']:40} {r['region_code']:10} {r['graduated']:>6}/{r['finished']:<6} "
                                  f"{percent(r['rate_percent'], 1)}" for r in rows) or _("No finished sponsorships yet."))


commands = [funders, sponsorships]
