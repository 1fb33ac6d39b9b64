"""Allocating payments to invoice lines: one rule, for one payment or a whole bank statement.

A payment is allocated to its invoice's unpaid lines oldest month first (then in line order), so every
worker-programme-month knows whether it is paid and on which day it became paid — coverage reads exactly
that. Lines the money covers are paid in full (with the payment's date and the payment that completed
them); the remainder part-pays the next line; money beyond what the invoice's lines still owe stays on
the payment as a surplus for a person to resolve.

Several payments to one invoice in one batch are applied in their order, as if one after the other: the
money forms a single stream along the invoice's lines, and each payment takes the stretch of it that
follows the one before (``shares``). A line is completed by the payment whose stretch contains the
line's end. The lines of every invoice of a batch are written by one UPDATE (a running total per
invoice, a window function), whatever the number of payments or lines.
"""

from django.db import connection

from lindung import dialect

from .models import InvoiceLine, Payment

# Tables of the raw SQL below, named by their models.
LINES, PAYMENTS = dialect.table(InvoiceLine), dialect.table(Payment)

# Payments per UPDATE: their stretches travel as a VALUES list (4 parameters each).
PLAN_ROWS = 1000


def shares(outstanding: int, amounts: list[int]) -> list[int]:
    """What each of several payments to one invoice, applied in order, allocates to its lines: each takes
    what it can of what the lines still owe after the payments before it; the rest is its surplus.

    ``shares(50_400, [33_600, 33_600]) == [33_600, 16_800]``."""
    taken = []
    for amount in amounts:
        take = max(0, min(amount, outstanding))
        taken.append(take)
        outstanding -= take
    return taken


def months_of(invoices) -> tuple:
    """The months the lines of these invoices lie in: from the earliest ``first_month`` to the latest
    ``last_month`` (the billing run writes an invoice's lines inside its span, and nothing adds lines
    later). Every line query below is bounded by them, so that PostgreSQL reads only those months'
    partitions: on ten million workers, a thousand self-payers' invoices (two lines each) looked to the
    planner like millions of lines — the average over funders paying for thousands — and it scanned
    every month's partition instead of looking the invoices up in the index (5 s a thousand payments)."""
    invoices = list(invoices)
    return min(i.first_month for i in invoices), max(i.last_month for i in invoices)


def outstanding_on_lines(invoices: dict) -> dict[int, int]:
    """What the unpaid lines of each invoice (``{id: Invoice}``) still owe (invoices with nothing owed
    are left out)."""
    owed = {}
    with connection.cursor() as cursor, dialect.by_index(cursor):
        for chunk in dialect.chunks(sorted(invoices)):
            first, last = months_of(invoices[i] for i in chunk)
            cursor.execute(f"""
                SELECT invoice_id, SUM(amount - paid) FROM {LINES}
                WHERE invoice_id IN ({", ".join(["%s"] * len(chunk))}) AND paid < amount
                  AND month >= %s AND month <= %s
                GROUP BY invoice_id""", [*chunk, dialect.date_param(first), dialect.date_param(last)])
            owed.update((invoice_id, int(total)) for invoice_id, total in cursor.fetchall())
    return owed


def allocate_lines(stretches: list[tuple[int, int, int, int]], invoices: dict) -> int:
    """Write the allocation to the lines. ``stretches`` are (payment id, invoice id, from, to): the part
    of the money stream along the invoice's unpaid lines (as they are now) that each payment pays,
    ``from`` < ``to``, contiguous from 0 per invoice — what ``shares`` gives, added up. ``invoices``
    (``{id: Invoice}``) are the invoices paid, whose row locks the caller holds. Returns the number of
    lines changed (paid in full or in part)."""
    by_invoice = {}
    for stretch in stretches:
        by_invoice.setdefault(stretch[1], []).append(stretch)
    changed, chunk, size = 0, [], 0
    for invoice_stretches in by_invoice.values():  # an invoice's payments stay in one statement
        chunk.extend(invoice_stretches)
        size += len(invoice_stretches)
        if size >= PLAN_ROWS:
            changed, chunk, size = changed + _allocate_chunk(chunk, invoices), [], 0
    if chunk:
        changed += _allocate_chunk(chunk, invoices)
    return changed


def _allocate_chunk(stretches: list[tuple[int, int, int, int]], invoices: dict) -> int:
    # The stretches travel as one VALUES list: a UNION ALL of a thousand SELECTs took PostgreSQL seconds
    # to plan against the partitioned lines.
    plan = ", ".join(["(%s, %s, %s, %s)"] * len(stretches))
    invoice_ids = sorted({s[1] for s in stretches})
    ids = ", ".join(["%s"] * len(invoice_ids))
    first, last = months_of(invoices[i] for i in invoice_ids)
    # (The columns of x are named apart from the lines' own: in SET, SQLite would find both. The month
    # lets PostgreSQL look for each line in its own partition only.)
    # Lines the batch's money reaches: those whose running total (oldest month first) starts below the
    # money paid to their invoice. Ending within it, a line is paid in full by the payment whose stretch
    # holds its end; the last one reached, ending beyond it, is paid in part and stays unpaid.
    sql = f"""
        WITH plan (payment_id, invoice_id, money_from, money_to) AS (VALUES {plan})
        UPDATE {LINES} SET
            paid = CASE WHEN x.running <= x.money THEN amount ELSE paid + x.money - (x.running - x.owed) END,
            paid_on = CASE WHEN x.running <= x.money THEN x.paid_day ELSE paid_on END,
            payment_id = CASE WHEN x.running <= x.money THEN x.completed_by ELSE payment_id END
        FROM (
            SELECT r.id, r.line_month, r.running, r.owed, t.money, p.payment_id AS completed_by, pay.paid_on AS paid_day
            FROM (SELECT id, invoice_id, month AS line_month, amount - paid AS owed,
                         SUM(amount - paid) OVER (PARTITION BY invoice_id ORDER BY month, id) AS running
                  FROM {LINES} WHERE invoice_id IN ({ids}) AND paid < amount AND month >= %s AND month <= %s) r
            JOIN (SELECT invoice_id, MAX(money_to) AS money FROM plan GROUP BY invoice_id) t
              ON t.invoice_id = r.invoice_id AND r.running - r.owed < t.money
            LEFT JOIN plan p
              ON p.invoice_id = r.invoice_id AND r.running > p.money_from AND r.running <= p.money_to
            LEFT JOIN {PAYMENTS} pay ON pay.id = p.payment_id
        ) x
        WHERE {LINES}.id = x.id AND {LINES}.month = x.line_month"""
    flat = [value for stretch in stretches for value in stretch]
    with connection.cursor() as cursor, dialect.by_index(cursor):
        cursor.execute(sql, [*flat, *invoice_ids, dialect.date_param(first), dialect.date_param(last)])
        return cursor.rowcount
