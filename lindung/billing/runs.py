"""The monthly billing run: reserved months → invoices, set-based.

``bill(access, month)`` bills, for every funder, each reserved worker-programme-month (``funding.ReservedMonth``)
from ``month`` to the end of the funder's prepayment period that is not billed yet:

1. the months to bill are copied once into a scratch table, each with a key made of everything its
   price depends on (segment, income, programmes, funding source, sector, month, programme);
2. the rules engine prices each distinct key once — a million lines are a few dozen quotes — and
   the prices are stored with the run (``RunPrice``);
3. one invoice per funder, with its total and due date, is inserted with INSERT … SELECT, then the
   lines, in bounded batches.

No Python loop touches individual lines. A worker-programme-month is billed once, ever (a unique
constraint on the lines), so running the same month again bills only what is new — sponsorships
approved since the last run, on a supplementary invoice — and otherwise changes nothing.
"""

import datetime as dt
import time
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from lindung import dialect
from lindung.audit import services as audit
from lindung.formatting import number
from lindung.funding.models import ReservedMonth, Sponsorship
from lindung.funding.scope import can_act_for
from lindung.months import month_from_index, month_index
from lindung.people.models import Worker
from lindung.rules.services import RuleError, parameter_value, quote

from .models import BillingPlan, BillingRun, Invoice, InvoiceLine, RunPrice
from .payments import PaymentError
from .scope import actor
from .signals import lines_billed

# Tables of the raw SQL below, named by their models.
INVOICES, LINES, PLANS = dialect.table(Invoice), dialect.table(InvoiceLine), dialect.table(BillingPlan)
RESERVED, SPONSORSHIPS, WORKERS = dialect.table(ReservedMonth), dialect.table(Sponsorship), dialect.table(Worker)

BATCH = 200_000          # lines per INSERT … SELECT
PREPAY_PERIODS = (1, 3, 6, 12)
PENDING = "billing_pending"
PRICES = "billing_pending_prices"
# Nothing is billed for the months after a confirmed death (a month's first day after the date of death).
ALIVE_IN_MONTH = "AND (w.died_on IS NULL OR cm.month <= w.died_on)"


@dataclass
class RunResult:
    month: dt.date
    run_id: int | None = None
    invoices: int = 0
    lines: int = 0
    amount: int = 0
    prices: int = 0
    unpriced: list = field(default_factory=list)
    seconds: float = 0.0
    phases: dict = field(default_factory=dict)  # seconds per step, for the benchmark

    def lap(self, name: str, since: float) -> float:
        now = time.monotonic()
        self.phases[name] = round(now - since, 2)
        return now

    def as_dict(self) -> dict:
        return {"month": self.month.strftime("%Y-%m"), "run_id": self.run_id, "invoices": self.invoices,
                "lines": self.lines, "amount": self.amount, "prices": self.prices, "unpriced": self.unpriced,
                "seconds": round(self.seconds, 2)}


def period_end(month: dt.date, prepay_months: int) -> dt.date:
    """Last month of the calendar prepayment period containing ``month`` (quarters, half-years, years)."""
    index = month_index(month)
    return month_from_index((index // prepay_months + 1) * prepay_months - 1)


def _windows(month: dt.date) -> list[tuple[str, list]]:
    """The months each funder is billed in a run: from the run month to the end of its prepayment
    period. One condition per prepayment period in use, each a tight range on the month."""
    plans = dict(BillingPlan.objects.exclude(prepay_months=1).values_list("funder_id", "prepay_months"))
    if not plans:
        return [("cm.month = %s", [dialect.date_param(month)])]
    advance = f"SELECT funder_id FROM {PLANS} WHERE prepay_months <> 1"
    windows = [(f"cm.month = %s AND cm.funder_id NOT IN ({advance})", [dialect.date_param(month)])]
    for n in sorted(set(plans.values())):
        windows.append(("cm.month >= %s AND cm.month <= %s AND cm.funder_id IN "
                        f"(SELECT funder_id FROM {PLANS} WHERE prepay_months = %s)",
                        [dialect.date_param(month), dialect.date_param(period_end(month, n)), n]))
    return windows


def _billed_before(month: dt.date) -> bool:
    """Whether any invoice already bills a month of this run's longest window."""
    return Invoice.objects.filter(first_month__lte=period_end(month, max(PREPAY_PERIODS)),
                                  last_month__gte=month).exists()


def bill(access, month: dt.date, *, batch_size: int = BATCH) -> RunResult:
    """Bill ``month`` (a first-of-month date) for every funder. Idempotent; see the module docstring.

    Needs ``billing.run``; the run and its audit entry name ``access``'s user (no one for the console).
    """
    access.require("billing.run")
    user = access.acting_user
    month = month.replace(day=1)
    started = time.monotonic()
    result = RunResult(month=month)
    # Every id a run writes is read from the row it points at in the same statement (the reserved
    # month, its sponsorship and worker, the run's own prices and invoices), so SQLite's per-row
    # foreign-key look-ups are skipped during the run.
    with connection.cursor() as cursor, dialect.bulk_work(cursor, check_foreign_keys=False), transaction.atomic():
        dialect.serialise(cursor, "billing-run")
        dialect.roomy_sorts(cursor)
        pending = _collect_pending(cursor, month)
        t = result.lap("collect", started)
        run = None
        if pending:
            run = BillingRun.objects.create(month=month, started_by=user)
            result.run_id = run.pk
            result.prices, result.unpriced = _price(cursor, run, month)
            t = result.lap("price", t)
            result.invoices = _insert_invoices(cursor, run, month)
            dialect.analyse(cursor, INVOICES)
            t = result.lap("invoices", t)
            result.lines = _insert_lines(cursor, run, month, batch_size)
            t = result.lap("lines", t)
            if not result.lines:  # only unpriced combinations: reported to the caller, nothing kept
                run.delete()
                result.run_id = None
                run = None
        if run is not None:
            result.amount = int(Invoice.objects.filter(run=run).aggregate(s=Sum("total"))["s"] or 0)
            result.seconds = time.monotonic() - started
            BillingRun.objects.filter(pk=run.pk).update(
                finished_at=timezone.now(), invoices=result.invoices, lines=result.lines, amount=result.amount,
                prices=result.prices, unpriced=result.unpriced, seconds=round(result.seconds, 3))
            run.refresh_from_db()
            audit.record(user, audit.Action.CREATE, run, summary=_(
                "billing run %(month)s: %(invoices)d invoices, %(lines)d lines, Rp%(amount)s") % {
                "month": f"{month:%Y-%m}", "invoices": result.invoices, "lines": result.lines,
                "amount": number(result.amount)}, changes=result.as_dict())
            lines_billed.send(sender=BillingRun, run=run)
            result.lap("follow-up", t)
        dialect.drop_temp_table(cursor, PENDING)
        dialect.drop_temp_table(cursor, PRICES)
    result.seconds = time.monotonic() - started
    return result


def _collect_pending(cursor, month: dt.date) -> int:
    """Copy the reserved, not yet billed months of the run into the scratch table (one pass).

    Everything a price depends on is folded into one text key (``combo``), so that the distinct
    combinations and the price look-ups afterwards compare one column, not seven.
    """
    dialect.create_temp_table(cursor, PENDING, f"""
        {dialect.serial_key()}, worker_id bigint NOT NULL, program varchar(3) NOT NULL, month date NOT NULL,
        funder_id bigint NOT NULL, sponsorship_id bigint NOT NULL, combo varchar(120) NOT NULL""")
    combo = " || '|' || ".join(["w.segment", "CAST(w.declared_income AS varchar(20))", "s.programs",
                                "cm.funding_source", "w.sector", "CAST(cm.month AS varchar(10))", "cm.program"])
    # The first run of a month has nothing to skip: the check is left out when no invoice touches it.
    unbilled = f"""AND NOT EXISTS (SELECT 1 FROM {LINES} l
                  WHERE l.worker_id = cm.worker_id AND l.program = cm.program AND l.month = cm.month)"""
    if not _billed_before(month):
        unbilled = ""
    for window, params in _windows(month):
        cursor.execute(f"""
            INSERT INTO {PENDING} (worker_id, program, month, funder_id, sponsorship_id, combo)
            SELECT cm.worker_id, cm.program, cm.month, cm.funder_id, cm.sponsorship_id, {combo}
            FROM {RESERVED} cm
            JOIN {SPONSORSHIPS} s ON s.id = cm.sponsorship_id
            JOIN {WORKERS} w ON w.id = cm.worker_id
            WHERE {window} {unbilled} {ALIVE_IN_MONTH}
            ORDER BY cm.worker_id, cm.program, cm.month
            """, params)
    dialect.analyse(cursor, PENDING)
    cursor.execute(f"SELECT COUNT(*) FROM {PENDING}")
    return cursor.fetchone()[0]


def _price(cursor, run: BillingRun, month: dt.date) -> tuple[int, list]:
    """Quote each distinct combination once and store the prices with the run (``RunPrice``)."""
    cursor.execute(f"SELECT combo, COUNT(*) FROM {PENDING} GROUP BY combo")
    groups: dict[tuple, dict[str, int]] = {}
    for key, n in cursor.fetchall():
        segment, income, programs, source, sector, row_month, program = key.split("|")
        groups.setdefault((segment, int(income), programs, source, sector, row_month[:10]), {})[program] = n
    prices, unpriced, keys = [], [], []
    for (segment, income, programs, source, sector, row_month), by_program in groups.items():
        first = dt.date.fromisoformat(row_month)
        combo = {"segment": segment, "income": income, "programs": programs, "funding_source": source,
                 "sector": sector, "month": first}
        try:
            q = quote(segment=segment, income=income, programs=programs.split(","), month=first,
                      funding_source=source, sector=sector)
        except RuleError as exc:
            unpriced.append({**combo, "month": f"{first:%Y-%m}", "rows": sum(by_program.values()),
                             "reason": exc.message})
            continue
        for line in q.lines:
            if line.program not in by_program:
                continue  # that programme is billed already for these workers
            prices.append(RunPrice(run=run, **combo, program=line.program, base=line.base,
                                   rate=format(line.rate.normalize(), "f"), gross=line.gross,
                                   discount=line.discount, net=line.net, reference=line.reference[:200],
                                   discount_reference=line.discount_reference[:200], due_date=q.due_date))
            keys.append("|".join([segment, str(income), programs, source, sector, row_month, line.program]))
    RunPrice.objects.bulk_create(prices, batch_size=1000)
    # The pending rows find their price through the combination key.
    dialect.create_temp_table(cursor, PRICES, "combo varchar(120) PRIMARY KEY, price_id bigint NOT NULL, "
                                          "net bigint NOT NULL, due_date date NOT NULL")
    cursor.executemany(f"INSERT INTO {PRICES} (combo, price_id, net, due_date) VALUES (%s, %s, %s, %s)",
                       [(key, p.pk, p.net, dialect.date_param(p.due_date)) for key, p in zip(keys, prices)])
    dialect.analyse(cursor, PRICES)
    if unpriced:
        cursor.execute(f"DELETE FROM {PENDING} WHERE combo NOT IN (SELECT combo FROM {PRICES})")
    return len(prices), unpriced


def _insert_invoices(cursor, run: BillingRun, month: dt.date) -> int:
    """One invoice per funder with something to bill, with its total and due date (the earliest of the
    months billed); a later run for the same month adds a supplementary invoice."""
    now = dialect.datetime_param(timezone.now())
    cursor.execute(f"""
        INSERT INTO {INVOICES} (number, funder_id, run_id, month, seq, first_month, last_month, due_date,
                                     total, paid, status, created_at)
        SELECT 'INV-' || %s || '-' || g.funder_id || '-' || g.seq, g.funder_id, %s, %s, g.seq, g.first_month,
               g.last_month, g.due_date, g.total, 0, 'open', %s
        FROM (SELECT t.funder_id, t.first_month, t.last_month, t.due_date, t.total,
                     1 + (SELECT COUNT(*) FROM {INVOICES} i WHERE i.funder_id = t.funder_id AND i.month = %s)
                     AS seq
              FROM (SELECT x.funder_id, MIN(x.month) AS first_month, MAX(x.month) AS last_month,
                           MIN(p.due_date) AS due_date, SUM(p.net) AS total
                    FROM {PENDING} x JOIN {PRICES} p ON p.combo = x.combo GROUP BY x.funder_id) t) g
        """, [f"{month:%Y%m}", run.pk, dialect.date_param(month), now, dialect.date_param(month)])
    return cursor.rowcount


def _insert_lines(cursor, run: BillingRun, month: dt.date, batch_size: int) -> int:
    cursor.execute(f"SELECT MIN(id), MAX(id) FROM {PENDING}")
    first, last = cursor.fetchone()
    inserted = 0
    for low in range(first or 1, (last or 0) + 1, batch_size):
        cursor.execute(f"""
            INSERT INTO {LINES} (invoice_id, worker_id, program, month, sponsorship_id, price_id,
                                             amount, paid)
            SELECT i.id, x.worker_id, x.program, x.month, x.sponsorship_id, p.price_id, p.net, 0
            FROM {PENDING} x
            JOIN {PRICES} p ON p.combo = x.combo
            JOIN {INVOICES} i ON i.funder_id = x.funder_id AND i.month = %s AND i.run_id = %s
            WHERE x.id >= %s AND x.id < %s
            """, [dialect.date_param(month), run.pk, low, low + batch_size])
        inserted += cursor.rowcount
    return inserted


def set_prepayment(access, funder, months: int, *, on: dt.date | None = None) -> BillingPlan:
    """Choose how many months a funder is billed in advance (allowed periods are rule data)."""

    access.require("billing.plan.edit")
    if not can_act_for(access, funder):
        raise PermissionDenied(_("You may not act for this funder."))
    allowed = parameter_value("prepay_months", on or timezone.localdate(), "bpu") or [1]
    if months not in allowed or months not in PREPAY_PERIODS:
        raise PaymentError(_("Prepayment must be one of %(allowed)s months.") % {
            "allowed": ", ".join(str(n) for n in allowed)})
    with transaction.atomic():
        plan, _created = BillingPlan.objects.select_for_update().get_or_create(funder=funder)
        before = plan.prepay_months
        plan.prepay_months, plan.updated_by = months, actor(access)
        plan.save()
        audit.record(actor(access), audit.Action.UPDATE, funder, region_code=funder.region_id or "",
                     summary=_("billing plan: %(n)d months in advance") % {"n": months},
                     changes={"prepay_months": [before, months]})
    return plan
