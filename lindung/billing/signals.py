"""What billing tells the rest of the system, after the change and inside its transaction.

- ``lines_billed(sender=BillingRun, run=…)``: a run added invoice lines.
- ``lines_paid(sender=Payment, payment=…)``: a payment completed invoice lines (``InvoiceLine.payment``).

Coverage listens to both to keep each worker's derived status current.
"""

from django.dispatch import Signal

lines_billed = Signal()
lines_paid = Signal()
