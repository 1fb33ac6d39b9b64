"""Auto-debit workflows: the web pages, the API and the CLI call these and nothing else.

- ``register_mandate`` / ``change_state`` / ``reveal_account``: mandates;
- ``debit_lines`` / ``export_debit_file``: the month's debit file for a bank;
- ``import_return_file``: the bank's answers — successes become payments through billing, failures are
  kept for follow-up and may suspend the mandate;
- ``open_failures`` / ``follow_up``: the list the agent or village works through;
- ``load_banks``: the shipped (or a deployment's) bank layouts.
"""

import datetime as dt
import hashlib
import json
import re
from collections import defaultdict
from dataclasses import dataclass, field
from importlib import resources

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from lindung import dialect, months
from lindung.accounts.models import Role
from lindung.audit import services as audit
from lindung.billing.models import Channel, InvoiceLine, Payment
from lindung.billing.payments import PaymentPlan, record_payments
from lindung.billing.scope import actor
from lindung.billing.signals import payment_batch
from lindung.errors import InvalidInput
from lindung.formatting import number
from lindung.funding.funders import self_funder_for
from lindung.funding.models import programs_key
from lindung.months import first_of_month, month_label
from lindung.rules.services import (RuleError, debit_failures_until_suspended, is_working_day, monthly_price,
                                    parse_programs)

from .layouts import DebitLine, LayoutOverflow, check_layout, read_return_file, write_debit_file
from .models import BankLayout, Debit, Mandate, MandateState, Outcome, RegisteredVia, ReturnFile, debit_reference
from .scope import sees_account_number, visible_debits, visible_mandates


class AutodebitError(InvalidInput):
    """A mandate, file or layout the auto-debit rules refuse; one line, or several (a file's rows by number)."""

    def __init__(self, lines, field: str = ""):
        lines = [str(line) for line in (lines if isinstance(lines, (list, tuple)) else [lines])]
        super().__init__("; ".join(lines[:10]), field, lines=lines, errors=lines)


ACCOUNT = re.compile(r"^[0-9]{6,20}$")
VIA_BY_ROLE = {Role.AGENT: RegisteredVia.AGENT, Role.VILLAGE_OPERATOR: RegisteredVia.VILLAGE,
               Role.BRANCH_OFFICER: RegisteredVia.BRANCH}


# --- banks ---------------------------------------------------------------------------------------

def load_banks(data: dict | None = None) -> int:
    """Add or update the banks of a layout file (default: the shipped ``data/banks.json``); returns how many.

    Banks not in the file are left alone, so a deployment's own layouts survive ``lindung setup``.
    """
    if data is None:
        data = json.loads(resources.files("lindung.autodebit").joinpath("data/banks.json").read_text("utf-8"))
    banks = data.get("banks") if isinstance(data, dict) else None
    if not isinstance(banks, list) or not banks:
        raise AutodebitError(_("A layout file is an object with a list of banks."))
    problems = []
    for bank in banks:
        code = str(bank.get("code", "")).strip().upper() if isinstance(bank, dict) else ""
        if not code or not bank.get("name"):
            problems.append(_("Every bank needs a code and a name."))
            continue
        problems += [f"{code}: {p}" for p in check_layout(bank.get("layout"))]
    if problems:
        raise AutodebitError(problems)
    with transaction.atomic():
        for bank in banks:
            BankLayout.objects.update_or_create(code=bank["code"].strip().upper(),
                                                defaults={"name": bank["name"], "layout": bank["layout"]})
    return len(banks)


def bank_for(code: str) -> BankLayout:
    bank = BankLayout.objects.filter(code=(code or "").strip().upper()).first()
    if bank is None:
        known = ", ".join(BankLayout.objects.values_list("code", flat=True)) or "—"
        unknown = AutodebitError(_("Unknown bank “%(code)s”; known banks: %(known)s.") % {"code": code, "known": known},
                                 "bank")
        unknown.status = 404  # an address naming a bank Lindung has no layout for: nothing there
        raise unknown
    return bank


# --- mandates ------------------------------------------------------------------------------------

def register_mandate(access, worker, *, bank: BankLayout, account_holder: str, account_number: str,
                     debit_day: int, programs, start_month: dt.date, end_month: dt.date | None = None) -> Mandate:
    """Record a self-paying worker's auto-debit mandate (agent, village operator, or branch for a walk-in).

    The worker becomes a self-payer if he was not one (his own funder is created on demand); an agent
    registering the mandate becomes his collecting agent only if he has none yet.
    """
    access.require("autodebit.register")
    if not access.workers().filter(pk=worker.pk).exists():
        raise PermissionDenied(_("This worker is outside your scope."))
    holder = (account_holder or "").strip()
    number = re.sub(r"[\s.-]", "", account_number or "")
    if not holder:
        raise AutodebitError(_("Give the account holder's name."))
    if not ACCOUNT.match(number):
        raise AutodebitError(_("An account number has 6 to 20 digits."))
    if isinstance(debit_day, bool) or not isinstance(debit_day, int) or not 1 <= debit_day <= 28:
        raise AutodebitError(_("The debit day is a day of the month from 1 to 28."))
    try:
        key = programs_key(parse_programs(programs))
    except RuleError as exc:
        raise AutodebitError(exc.message) from None
    start_month = first_of_month(start_month)
    if end_month is not None:
        end_month = first_of_month(end_month)
        if end_month < start_month:
            raise AutodebitError(_("The last month cannot be before the first month."))
    user = actor(access)
    with transaction.atomic():
        overlapping = Mandate.objects.filter(worker=worker, state__in=[MandateState.ACTIVE, MandateState.SUSPENDED])
        if overlapping.exists():
            raise AutodebitError(_("This worker already has a mandate; cancel it before registering a new one."))
        existing = worker.self_funders.first()
        agent = user if access.role == Role.AGENT and (existing is None or existing.agent_id is None) else None
        funder = self_funder_for(access, worker, agent=agent)
        mandate = Mandate.objects.create(
            worker=worker, funder=funder, bank=bank, account_holder=holder, account_number=number,
            debit_day=debit_day, programs=key, start_month=start_month, end_month=end_month,
            registered_by=user, registered_via=VIA_BY_ROLE.get(access.role, RegisteredVia.OTHER))
        audit.record(user, audit.Action.CREATE, mandate, region_code=worker.village_id,
                     summary=_("auto-debit mandate at %(bank)s, account %(account)s") % {
                         "bank": bank.code, "account": mandate.masked_account})
    return mandate


TRANSITIONS = {
    MandateState.ACTIVE: {MandateState.SUSPENDED, MandateState.CANCELLED},
    MandateState.SUSPENDED: {MandateState.ACTIVE, MandateState.CANCELLED},
    MandateState.CANCELLED: set(),
}


def change_state(access, mandate: Mandate, state: str, *, reason: str = "") -> Mandate:
    """Suspend, reactivate or cancel a mandate (cancelled is final), with a reason in the audit trail."""
    access.require("autodebit.register")
    if not visible_mandates(access).filter(pk=mandate.pk).exists():
        raise PermissionDenied(_("This mandate is outside your scope."))
    with transaction.atomic():
        locked = Mandate.objects.select_for_update().get(pk=mandate.pk)
        if state not in TRANSITIONS.get(locked.state, set()):
            raise AutodebitError(_("A %(old)s mandate cannot become %(new)s.") % {
                "old": locked.get_state_display(), "new": MandateState(state).label
                if state in MandateState.values else state})
        _set_state(locked, state, reason, actor(access))
    return locked


def _set_state(mandate: Mandate, state: str, reason: str, user) -> None:
    before = mandate.state
    mandate.state, mandate.state_reason, mandate.state_changed_at = state, reason[:300], timezone.now()
    mandate.save(update_fields=["state", "state_reason", "state_changed_at"])
    audit.record(user, audit.Action.UPDATE, mandate, region_code=mandate.worker.village_id,
                 summary=reason[:300] or state, changes={"state": [before, state]})


def reveal_account(access, mandate: Mandate) -> str:
    """The full account number for the mandate page: only for roles holding ``autodebit.account``; audited."""
    if not sees_account_number(access):
        return mandate.masked_account
    audit.record(actor(access), audit.Action.VIEW, mandate, region_code=mandate.worker.village_id,
                 summary=_("account number of auto-debit mandate #%(id)s") % {"id": mandate.pk})
    return mandate.account_number


def reencrypt_accounts(batch: int = 1000) -> int:
    """Encrypt every account number again with the first account key (key rotation); all or nothing."""
    done, last = 0, 0
    with transaction.atomic():
        while True:
            rows = list(Mandate.objects.filter(pk__gt=last).order_by("pk").values_list("pk", "account_number")[:batch])
            if not rows:
                return done
            for pk, plain in rows:
                Mandate.objects.filter(pk=pk).update(account_number=plain)  # written with the first key
            done, last = done + len(rows), rows[-1][0]


# --- the debit file ------------------------------------------------------------------------------

def debit_date(month: dt.date, day: int) -> dt.date:
    """The mandate's debit day in the month; the next working day when that is a weekend or holiday."""
    on = month.replace(day=day)
    while not is_working_day(on):
        on += dt.timedelta(days=1)
    return on


@dataclass
class DebitRun:
    bank: BankLayout
    month: dt.date
    lines: list[DebitLine] = field(default_factory=list)
    skipped: list[dict] = field(default_factory=list)  # {"mandate": id, "reason": text}
    worker_ids: list[int] = field(default_factory=list)  # the workers whose accounts the file names

    @property
    def total(self) -> int:
        return sum(line.amount for line in self.lines)

    def as_dict(self) -> dict:
        return {"bank": self.bank.code, "month": month_label(self.month), "count": len(self.lines),
                "total": self.total, "skipped": self.skipped}


def debit_lines(access, month: dt.date, bank: BankLayout) -> DebitRun:
    """One line per active mandate of the bank whose month is billed to the worker's own funder and unpaid.

    The amount is the rules' price of that month (``monthly_price``: reliefs such as PP 50/2025 apply
    by who pays), for the programmes billed. Mandates whose month is not billed yet, already paid or
    cannot be priced are listed as skipped, with the reason.
    """
    access.require("autodebit.export")
    month = first_of_month(month)
    run = DebitRun(bank=bank, month=month)
    running = (visible_mandates(access).filter(bank=bank, state=MandateState.ACTIVE, start_month__lte=month)
               .exclude(end_month__lt=month))
    mandates = list(running.select_related("worker").order_by("id"))
    billed = defaultdict(lambda: {"programs": set(), "amount": 0, "paid": 0, "source": ""})
    # Subqueries, not lists of ids: a bank's file may hold hundreds of thousands of mandates.
    rows = (InvoiceLine.objects.filter(month=month, worker_id__in=running.order_by().values("worker_id"),
                                       invoice__funder_id__in=running.order_by().values("funder_id"))
            .values("worker_id", "invoice__funder_id", "program", "amount", "paid", "sponsorship__funding_source"))
    for row in rows:
        entry = billed[(row["worker_id"], row["invoice__funder_id"])]
        entry["programs"].add(row["program"])
        entry["amount"] += row["amount"]
        entry["paid"] += row["paid"]
        entry["source"] = row["sponsorship__funding_source"]
    for mandate in mandates:
        entry = billed.get((mandate.worker_id, mandate.funder_id))
        programs = sorted(entry["programs"] & set(mandate.program_list)) if entry else []
        if not programs:
            run.skipped.append({"mandate": mandate.pk, "reason": _("not billed for this month yet")})
            continue
        if entry["paid"] >= entry["amount"]:
            run.skipped.append({"mandate": mandate.pk, "reason": _("already paid")})
            continue
        if entry["paid"]:
            run.skipped.append({"mandate": mandate.pk, "reason": _("partly paid: collect the rest by hand")})
            continue
        worker = mandate.worker
        try:
            amount = monthly_price(segment=worker.segment, income=worker.declared_income, programs=programs,
                                   month=month, funding_source=entry["source"], sector=worker.sector)
        except RuleError as exc:
            run.skipped.append({"mandate": mandate.pk, "reason": exc.message})
            continue
        run.worker_ids.append(mandate.worker_id)
        run.lines.append(DebitLine(mandate=mandate.pk, reference=debit_reference(mandate.pk, month),
                                   account_number=mandate.account_number, account_holder=mandate.account_holder,
                                   amount=amount, debit_date=debit_date(month, mandate.debit_day)))
    return run


def export_debit_file(access, month: dt.date, bank: BankLayout, *, today: dt.date | None = None) -> tuple[str, DebitRun]:
    """The debit instruction file (text in the bank's layout) and what it holds; audited (it names accounts)."""
    run = debit_lines(access, month, bank)
    try:
        text = write_debit_file(bank.layout, bank=bank.code, month=run.month, created=today or months.today(),
                                lines=run.lines)
    except LayoutOverflow as exc:
        raise AutodebitError(exc.lines, "bank") from None
    audit.record(actor(access), audit.Action.EXPORT, bank,
                 summary=_("auto-debit file %(bank)s %(month)s: %(count)d lines, Rp%(total)s") % {
                     "bank": bank.code, "month": month_label(run.month), "count": len(run.lines),
                     "total": number(run.total)})
    # the file names each worker's account and holder: on every worker's own trail too
    access.disclose(run.worker_ids, door="export:autodebit file", export=True)
    return text, run


# --- the return file -----------------------------------------------------------------------------

REFERENCE = re.compile(r"^AD(\d{10})(\d{4})(\d{2})$")


@dataclass
class ReturnResult:
    file: ReturnFile | None
    rows: int = 0
    debited: int = 0
    failed: int = 0
    duplicates: int = 0
    suspended: list[int] = field(default_factory=list)
    imported_before: bool = False

    def as_dict(self) -> dict:
        return {"file_id": self.file.pk if self.file else None, "rows": self.rows, "debited": self.debited,
                "failed": self.failed, "already_recorded": self.duplicates, "suspended_mandates": self.suspended,
                "imported_before": self.imported_before}


def import_return_file(access, bank: BankLayout, name: str, content: bytes) -> ReturnResult:
    """Record a bank's return file: every row is checked first; then, in one transaction, successes become
    payments (reference = the debit's reference, so nothing is recorded twice) and failures are kept with
    the bank's reason code. A mandate failing ``debit_failures_until_suspended`` months in a row is
    suspended. The same file imported again records nothing."""
    access.require("autodebit.import")
    digest = hashlib.sha256(content).hexdigest()
    earlier = ReturnFile.objects.filter(sha256=digest).first()
    if earlier is not None:
        return ReturnResult(file=earlier, imported_before=True)
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise AutodebitError(_("The file is not UTF-8 text.")) from None
    lines, errors = read_return_file(bank.layout, text)
    mandates = {m.pk: m for m in visible_mandates(access).filter(bank=bank).select_related("worker")}
    matched = []
    for line in lines:
        match = REFERENCE.match(line.reference)
        mandate = mandates.get(int(match.group(1))) if match else None
        if mandate is None:
            errors.append(_("Row %(row)d: reference %(ref)s is not a debit of this bank in your scope.") % {
                "row": line.row, "ref": line.reference})
            continue
        matched.append((line, mandate, dt.date(int(match.group(2)), int(match.group(3)), 1)))
    invoices = _billed_invoices({(m.worker_id, m.funder_id, month) for line, m, month in matched if line.succeeded})
    planned = []
    for line, mandate, month in matched:
        invoice_id = invoices.get((mandate.worker_id, mandate.funder_id, month)) if line.succeeded else None
        if line.succeeded and invoice_id is None:
            errors.append(_("Row %(row)d: %(month)s is not billed to this worker's own funder.") % {
                "row": line.row, "month": month_label(month)})
            continue
        planned.append((line, mandate, month, invoice_id))
    if errors:
        raise AutodebitError(errors)
    user = actor(access)
    result = ReturnResult(file=None, rows=len(planned))

    with transaction.atomic(), payment_batch():
        result.file = ReturnFile.objects.create(bank=bank, name=name[:200], sha256=digest, imported_by=user,
                                                rows=len(planned))
        references = [line.reference for line, *_rest in planned]
        known = {}  # reference → Debit already recorded (by an earlier file, or a line above in this one)
        for chunk in dialect.chunks(references):
            known.update((d.reference, d) for d in Debit.objects.select_for_update().filter(reference__in=chunk))
        touched, new_debits, retried, to_pay = set(), [], [], []
        for line, mandate, month, invoice_id in planned:
            earlier = known.get(line.reference)
            if earlier is not None and (earlier.outcome == Outcome.DEBITED or not line.succeeded):
                result.duplicates += 1
                continue
            if line.succeeded:
                result.debited += 1
            else:
                result.failed += 1
                touched.add(mandate.pk)
            values = {"mandate": mandate, "month": month, "outcome": Outcome.DEBITED if line.succeeded else Outcome.FAILED,
                      "amount": line.amount, "on": line.on, "reason_code": "" if line.succeeded else line.status,
                      "reason": line.reason, "payment": None, "return_file": result.file}
            if earlier is None:
                debit = Debit(reference=line.reference, **values)
                new_debits.append(debit)
                known[line.reference] = debit
            elif earlier.pk is None:  # failed above in this same file, debited on a later line
                for name, value in values.items():
                    setattr(earlier, name, value)
                debit = earlier
            else:  # the bank retried a failed debit and it went through
                retried.append((earlier.pk, values))
                earlier.outcome = values["outcome"]
                debit = values
            if line.succeeded:
                to_pay.append((debit, PaymentPlan(invoice_id=invoice_id, amount=line.amount, reference=line.reference,
                                                  paid_on=line.on, channel=Channel.AUTODEBIT,
                                                  note=_("auto-debit %(bank)s") % {"bank": bank.code})))
        # Successes are recorded all at once (billing's ``record_payments``), in the file's order; a
        # reference already recorded as a payment by hand keeps that payment, as ``record_payment`` would.
        payments = _existing_payments([plan.reference for _debit, plan in to_pay])
        payments.update((r.payment.reference, r.payment) for r in record_payments(
            [plan for _debit, plan in to_pay if plan.reference not in payments], user=user))
        for debit, plan in to_pay:
            if isinstance(debit, dict):
                debit["payment"] = payments[plan.reference]
            else:
                debit.payment = payments[plan.reference]
        for pk, values in retried:
            Debit.objects.filter(pk=pk).update(**values)
        Debit.objects.bulk_create(new_debits, batch_size=2_000)
        for mandate_id in sorted(touched):
            if _suspend_if_failing(mandates[mandate_id], user):
                result.suspended.append(mandate_id)
        ReturnFile.objects.filter(pk=result.file.pk).update(succeeded=result.debited, failed=result.failed,
                                                            duplicates=result.duplicates)
        audit.record(user, audit.Action.CREATE, result.file,
                     summary=_("return file %(name)s: %(ok)d debited, %(failed)d failed") % {
                         "name": name[:100], "ok": result.debited, "failed": result.failed})
    return result


def _existing_payments(references: list[str]) -> dict:
    found = {}
    for chunk in dialect.chunks(references):
        found.update((p.reference, p) for p in Payment.objects.filter(reference__in=chunk))
    return found


def _billed_invoices(keys: set[tuple[int, int, dt.date]]) -> dict[tuple[int, int, dt.date], int]:
    """(worker, his own funder, month) → the invoice billing that month, in a few queries (not one a line)."""
    found = {}
    by_month = {}
    for worker_id, funder_id, month in keys:
        by_month.setdefault(month, []).append(worker_id)
    for month, workers in by_month.items():
        for chunk in dialect.chunks(sorted(set(workers))):
            rows = (InvoiceLine.objects.filter(worker_id__in=chunk, month=month)
                    .values_list("worker_id", "invoice__funder_id", "invoice_id"))
            for worker_id, funder_id, invoice_id in rows:
                if (worker_id, funder_id, month) in keys:
                    found.setdefault((worker_id, funder_id, month), invoice_id)
    return found


def consecutive_failures(mandate: Mandate) -> int:
    """Failed months in a row, counting back from the mandate's latest returned debit."""
    count = 0
    for outcome in mandate.debits.order_by("-month").values_list("outcome", flat=True):
        if outcome != Outcome.FAILED:
            break
        count += 1
    return count


def _suspend_if_failing(mandate: Mandate, user) -> bool:
    mandate.refresh_from_db()
    if mandate.state != MandateState.ACTIVE:
        return False
    latest = mandate.debits.order_by("-month").values_list("month", flat=True).first()
    limit = debit_failures_until_suspended(latest)
    failures = consecutive_failures(mandate)
    if failures < limit:
        return False
    _set_state(mandate, MandateState.SUSPENDED, _("%(n)d debits failed in a row") % {"n": failures}, user)
    return True


# --- follow-up -----------------------------------------------------------------------------------

def open_failures(access):
    """Failed debits nobody has followed up yet, newest month first."""
    return (visible_debits(access).filter(outcome=Outcome.FAILED, followed_up_at__isnull=True)
            .select_related("mandate", "mandate__worker", "mandate__worker__village", "mandate__bank",
                            "mandate__registered_by").order_by("-month", "mandate_id"))


def follow_up(access, debit: Debit, *, note: str) -> Debit:
    """The agent or village records what it did about a failed debit (visited, collected cash, …)."""
    access.require("autodebit.followup")
    if not visible_debits(access).filter(pk=debit.pk, outcome=Outcome.FAILED).exists():
        raise PermissionDenied(_("This debit is outside your scope."))
    note = (note or "").strip()
    if not note:
        raise AutodebitError(_("Say what was done (visited, collected by hand, new account …)."))
    user = actor(access)
    Debit.objects.filter(pk=debit.pk).update(followed_up_at=timezone.now(), followed_up_by=user,
                                             follow_up_note=note[:300])
    debit.refresh_from_db()
    audit.record(user, audit.Action.UPDATE, debit, region_code=debit.mandate.worker.village_id, summary=note[:300])
    return debit


def totals_by_state(access) -> dict:
    rows = visible_mandates(access).order_by().values("state").annotate(n=Count("id"))
    return {row["state"]: row["n"] for row in rows}
