"""What billing tells the rest of the system, after the change and inside its transaction.

- ``lines_billed(sender=BillingRun, run=…)``: a run added invoice lines.
- ``lines_paid(sender=Payment, payments=[(invoice id, payment id), …], months=(first, last))``: payments
  were allocated to invoice lines, and may have completed some (``InvoiceLine.payment``); one signal for
  a whole batch. The lines lie in ``months`` (``allocation.months_of`` the invoices).
- ``batch_settled(sender=None)``: a ``payment_batch()`` block ended; receivers that postponed work
  for its payments (``in_batch()``) do it now, once.

Coverage listens to all three to keep each worker's derived status current. They are sent inside the
transaction on purpose, unlike notifications (``transaction.on_commit``): what the receivers write is
derived rows of the same database (covered months, member status), which must commit or roll back with
the payment that caused them; after the commit, a failed or interrupted refresh would leave a paid
month uncovered with nothing left to redo it.
"""

from contextlib import contextmanager
from contextvars import ContextVar

from django.dispatch import Signal

lines_billed = Signal()
lines_paid = Signal()
batch_settled = Signal()

_batch: ContextVar[bool] = ContextVar("billing_payment_batch", default=False)


def in_batch() -> bool:
    return _batch.get()


@contextmanager
def payment_batch():
    """Record many payments (a statement, the demo) and let receivers settle them once at the end."""
    if _batch.get():
        yield
        return
    token = _batch.set(True)
    try:
        yield
    except BaseException:
        _batch.reset(token)
        raise
    _batch.reset(token)
    batch_settled.send(sender=None)
