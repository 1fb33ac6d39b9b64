"""The monthly billing run: reserved months → invoices, set-based.

``bill(month)`` bills, for every funder, each reserved worker-programme-month (``funding.CoveredMonth``)
from ``month`` to the end of the funder's prepayment period that is not billed yet:

1. the months to bill are copied once, with everything their price depends on, into a scratch table;
2. the rules engine prices each distinct (segment, income, programmes, funding source, sector,
   month) combination once — a million lines are a few dozen quotes — and the prices are stored
   with the run (``RunPrice``);
3. one invoice per funder is inserted with INSERT … SELECT, then the lines, in bounded batches,
   then the invoice totals and due dates.

No Python loop touches individual lines. A worker-programme-month is billed once, ever (a unique
constraint on the lines), so running the same month again bills only what is new — sponsorships
approved since the last run, on a supplementary invoice — and otherwise changes nothing.
"""

import datetime as dt
import time
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lindung.audit import services as audit

from . import sql
from .models import BillingPlan, BillingRun, Invoice, RunPrice, month_from_index, month_index
from .scope import actor
from .signals import lines_billed

BATCH = 200_000          # lines per INSERT … SELECT
PREPAY_PERIODS = (1, 3, 6, 12)
PENDING = "billing_pending"
TOTALS = "billing_pending_totals"


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


def _window_sql() -> str:
    """The months a funder is billed in a run: from the run month to the end of its prepayment period."""
    whens = " ".join(f"WHEN {n} THEN %s" for n in PREPAY_PERIODS[1:])
    return f"cm.month >= %s AND cm.month <= CASE COALESCE(bp.prepay_months, 1) {whens} ELSE %s END"


def _window_params(month: dt.date) -> list:
    ends = [sql.date_param(period_end(month, n)) for n in PREPAY_PERIODS[1:]]
    return [sql.date_param(month), *ends, sql.date_param(month)]


def bill(month: dt.date, *, user=None, batch_size: int = BATCH) -> RunResult:
    """Bill ``month`` (a first-of-month date) for every funder. Idempotent; see the module docstring."""
    month = month.replace(day=1)
    started = time.monotonic()
    result = RunResult(month=month)
    # Every id a run writes is read from the row it points at in the same statement (the reserved
    # month, its sponsorship and worker, the run's own prices and invoices), so SQLite's per-row
    # foreign-key look-ups are skipped during the run.
    with connection.cursor() as cursor, sql.bulk_work(cursor, check_foreign_keys=False), transaction.atomic():
        sql.serialise(cursor, "billing-run")
        pending = _collect_pending(cursor, month)
        t = result.lap("collect", started)
        if pending:
            run = BillingRun.objects.create(month=month, started_by=user if getattr(user, "pk", None) else None)
            result.run_id = run.pk
            prices = _price(cursor, run, month)
            result.prices, result.unpriced = prices
            t = result.lap("price", t)
            result.invoices = _insert_invoices(cursor, run, month)
            t = result.lap("invoices", t)
            result.lines = _insert_lines(cursor, run, month, batch_size)
            t = result.lap("lines", t)
            result.amount = _finish_invoices(cursor, run)
            result.invoices = _drop_empty_invoices(run)
            t = result.lap("totals", t)
            result.seconds = time.monotonic() - started
            BillingRun.objects.filter(pk=run.pk).update(
                finished_at=timezone.now(), invoices=result.invoices, lines=result.lines, amount=result.amount,
                prices=result.prices, unpriced=result.unpriced, seconds=round(result.seconds, 3))
            run.refresh_from_db()
            if result.lines:
                audit.record(user, audit.Action.CREATE, run, summary=_(
                    "billing run %(month)s: %(invoices)d invoices, %(lines)d lines, Rp%(amount)s") % {
                    "month": f"{month:%Y-%m}", "invoices": result.invoices, "lines": result.lines,
                    "amount": f"{result.amount:,}"}, changes=result.as_dict())
                lines_billed.send(sender=BillingRun, run=run)
                t = result.lap("follow-up", t)
        sql.drop_temp_table(cursor, PENDING)
        sql.drop_temp_table(cursor, TOTALS)
    result.seconds = time.monotonic() - started
    return result


def _collect_pending(cursor, month: dt.date) -> int:
    """Copy the reserved, not yet billed months of the run into the scratch table (one pass)."""
    sql.create_temp_table(cursor, PENDING, """
        id integer PRIMARY KEY, worker_id bigint NOT NULL, program varchar(3) NOT NULL, month date NOT NULL,
        funder_id bigint NOT NULL, sponsorship_id bigint NOT NULL, segment varchar(20) NOT NULL,
        income bigint NOT NULL, programs varchar(30) NOT NULL, funding_source varchar(16) NOT NULL,
        sector varchar(10) NOT NULL, price_id bigint""")
    # Ordered by worker so the lines go into the (worker, programme, month) index in key order.
    cursor.execute(f"""
        INSERT INTO {PENDING} (id, worker_id, program, month, funder_id, sponsorship_id, segment, income,
                               programs, funding_source, sector)
        SELECT ROW_NUMBER() OVER (ORDER BY cm.worker_id, cm.program, cm.month),
               cm.worker_id, cm.program, cm.month, cm.funder_id, cm.sponsorship_id, w.segment, w.declared_income,
               s.programs, cm.funding_source, w.sector
        FROM funding_coveredmonth cm
        JOIN funding_sponsorship s ON s.id = cm.sponsorship_id
        JOIN people_worker w ON w.id = cm.worker_id
        LEFT JOIN billing_billingplan bp ON bp.funder_id = cm.funder_id
        WHERE {_window_sql()}
          AND NOT EXISTS (SELECT 1 FROM billing_invoiceline l
                          WHERE l.worker_id = cm.worker_id AND l.program = cm.program AND l.month = cm.month)
        """, _window_params(month))
    cursor.execute(f"SELECT COUNT(*) FROM {PENDING}")
    return cursor.fetchone()[0]


def _price(cursor, run: BillingRun, month: dt.date) -> tuple[int, list]:
    """Quote each distinct combination once; store the prices; point the pending rows at them."""
    from lindung.rules.services import RuleError, quote

    rows = sql.fetch_dicts(cursor, f"""
        SELECT segment, income, programs, funding_source, sector, month, COUNT(*) AS n
        FROM {PENDING} GROUP BY segment, income, programs, funding_source, sector, month""")
    prices, unpriced = [], []
    for row in rows:
        row_month = row["month"] if isinstance(row["month"], dt.date) else dt.date.fromisoformat(row["month"])
        combo = {"segment": row["segment"], "income": int(row["income"]), "programs": row["programs"],
                 "funding_source": row["funding_source"], "sector": row["sector"], "month": row_month}
        try:
            q = quote(segment=combo["segment"], income=combo["income"], programs=combo["programs"].split(","),
                      month=row_month, funding_source=combo["funding_source"], sector=combo["sector"])
        except RuleError as exc:
            unpriced.append({**combo, "month": f"{row_month:%Y-%m}", "rows": row["n"], "reason": exc.message})
            continue
        for line in q.lines:
            prices.append(RunPrice(run=run, **combo, program=line.program, base=line.base,
                                   rate=format(line.rate.normalize(), "f"), gross=line.gross,
                                   discount=line.discount, net=line.net, reference=line.reference[:200],
                                   discount_reference=line.discount_reference[:200], due_date=q.due_date))
    RunPrice.objects.bulk_create(prices, batch_size=1000)
    cursor.execute(f"""
        UPDATE {PENDING} SET price_id = (
            SELECT p.id FROM billing_runprice p
            WHERE p.run_id = %s AND p.segment = {PENDING}.segment AND p.income = {PENDING}.income
              AND p.programs = {PENDING}.programs AND p.funding_source = {PENDING}.funding_source
              AND p.sector = {PENDING}.sector AND p.month = {PENDING}.month AND p.program = {PENDING}.program)
        """, [run.pk])
    return len(prices), unpriced


def _insert_invoices(cursor, run: BillingRun, month: dt.date) -> int:
    """One invoice per funder with something to bill; a later run for the month adds a supplementary one."""
    now = sql.datetime_param(timezone.now())
    cursor.execute(f"""
        INSERT INTO billing_invoice (number, funder_id, run_id, month, seq, first_month, last_month, total, paid,
                                     status, created_at)
        SELECT 'INV-' || %s || '-' || g.funder_id || '-' || g.seq, g.funder_id, %s, %s, g.seq, g.first_month,
               g.last_month, 0, 0, 'open', %s
        FROM (SELECT x.funder_id, MIN(x.month) AS first_month, MAX(x.month) AS last_month,
                     1 + (SELECT COUNT(*) FROM billing_invoice i WHERE i.funder_id = x.funder_id AND i.month = %s)
                     AS seq
              FROM {PENDING} x WHERE x.price_id IS NOT NULL GROUP BY x.funder_id) g
        """, [f"{month:%Y%m}", run.pk, sql.date_param(month), now, sql.date_param(month)])
    return cursor.rowcount


def _insert_lines(cursor, run: BillingRun, month: dt.date, batch_size: int) -> int:
    cursor.execute(f"SELECT MAX(id) FROM {PENDING}")
    last = cursor.fetchone()[0] or 0
    inserted = 0
    for low in range(1, last + 1, batch_size):
        cursor.execute(f"""
            INSERT INTO billing_invoiceline (invoice_id, worker_id, program, month, sponsorship_id, price_id,
                                             amount, paid)
            SELECT i.id, x.worker_id, x.program, x.month, x.sponsorship_id, x.price_id, p.net, 0
            FROM {PENDING} x
            JOIN billing_runprice p ON p.id = x.price_id
            JOIN billing_invoice i ON i.funder_id = x.funder_id AND i.month = %s AND i.run_id = %s
            WHERE x.id >= %s AND x.id < %s
            ORDER BY x.id
            """, [sql.date_param(month), run.pk, low, low + batch_size])
        inserted += cursor.rowcount
    return inserted


def _finish_invoices(cursor, run: BillingRun) -> int:
    """Totals and due dates (the earliest due date of the months billed) from the pending rows."""
    sql.create_temp_table(cursor, TOTALS, "funder_id bigint PRIMARY KEY, total bigint NOT NULL, due_date date")
    cursor.execute(f"""
        INSERT INTO {TOTALS} (funder_id, total, due_date)
        SELECT x.funder_id, SUM(p.net), MIN(p.due_date)
        FROM {PENDING} x JOIN billing_runprice p ON p.id = x.price_id
        GROUP BY x.funder_id""")
    cursor.execute(f"""
        UPDATE billing_invoice SET
            total = COALESCE((SELECT t.total FROM {TOTALS} t WHERE t.funder_id = billing_invoice.funder_id), 0),
            due_date = (SELECT t.due_date FROM {TOTALS} t WHERE t.funder_id = billing_invoice.funder_id)
        WHERE run_id = %s""", [run.pk])
    cursor.execute("SELECT COALESCE(SUM(total), 0) FROM billing_invoice WHERE run_id = %s", [run.pk])
    return int(cursor.fetchone()[0])


def _drop_empty_invoices(run: BillingRun) -> int:
    Invoice.objects.filter(run=run, total=0).exclude(lines__isnull=False).delete()
    return Invoice.objects.filter(run=run).count()


def set_prepayment(access, funder, months: int, *, on: dt.date | None = None) -> BillingPlan:
    """Choose how many months a funder is billed in advance (allowed periods are rule data)."""
    from django.core.exceptions import PermissionDenied

    from lindung.funding.scope import can_act_for

    from .payments import PaymentError
    from lindung.rules.services import parameter_value

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
