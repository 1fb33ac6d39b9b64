"""Keep derived cover current as billing changes, inside billing's transaction."""

from django.db import connection
from django.dispatch import receiver

from lindung import dialect
from lindung.billing.models import Invoice, InvoiceLine
from lindung.billing.signals import batch_settled, in_batch, lines_billed, lines_paid

from .models import CoveredMonth
from .status import mark_dirty, refresh_dirty

# Tables of the raw SQL below, named by their models.
COVERED, INVOICES, LINES = dialect.table(CoveredMonth), dialect.table(Invoice), dialect.table(InvoiceLine)


@receiver(lines_paid, dispatch_uid="coverage-lines-paid")
def follow_payments(sender, payments, months, **kwargs):
    """The workers of the lines these (invoice id, payment id) pairs completed; found through the
    invoice (the lines' index starts with it) within the invoices' months, a few thousand pairs a query."""
    first, last = (dialect.date_param(month) for month in months)
    with connection.cursor() as cursor, dialect.by_index(cursor):
        for chunk in dialect.chunks(sorted(payments), 2000):
            invoice_ids, payment_ids = sorted({i for i, _p in chunk}), sorted({p for _i, p in chunk})
            mark_dirty(f"""
                SELECT DISTINCT worker_id FROM {LINES}
                WHERE invoice_id IN ({", ".join(["%s"] * len(invoice_ids))})
                  AND payment_id IN ({", ".join(["%s"] * len(payment_ids))}) AND month >= %s AND month <= %s""",
                       [*invoice_ids, *payment_ids, first, last])
    if not in_batch():
        refresh_dirty()


@receiver(batch_settled, dispatch_uid="coverage-batch-settled")
def follow_batch(sender, **kwargs):
    refresh_dirty()


@receiver(lines_billed, dispatch_uid="coverage-lines-billed")
def follow_billing(sender, run, **kwargs):
    """A new programme billed for a month already covered makes that month unpaid again."""
    mark_dirty(f"""
        SELECT DISTINCT pm.worker_id FROM {COVERED} pm
        WHERE pm.month >= %s AND EXISTS (
            SELECT 1 FROM {LINES} l JOIN {INVOICES} i ON i.id = l.invoice_id
            WHERE l.worker_id = pm.worker_id AND l.month = pm.month AND i.run_id = %s)""",
               [dialect.date_param(run.month), run.pk])
    refresh_dirty()
