"""Helpers for the claims tests: workers with a paid contribution history, documents to upload."""

import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile

from lindung.accounts.access import Access
from lindung.billing.models import Invoice
from lindung.billing.payments import record_payment
from lindung.billing.runs import bill
from lindung.months import add_months

from .billing_support import sponsor

PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32

SUKABUMI_VILLAGE = "3202011001"   # Kab. Sukabumi › Palabuhanratu › Palabuhanratu
JAMBI_VILLAGE = "1501011004"      # Kab. Kerinci › Gunung Raya › Lempur Tengah


def pay_on_time(payer, workers, *, start: dt.date, months: int) -> None:
    """Sponsor ``workers`` from ``start`` and bill and pay every month on the 10th of that month."""
    sponsor(payer, workers, start=start, months=months)
    for i in range(months):
        month = add_months(start, i)
        bill(Access.console(), month)
        for invoice in Invoice.objects.filter(funder=payer, month=month, paid__lt=1).exclude(total=0):
            record_payment(invoice, amount=invoice.outstanding, reference=f"P-{invoice.pk}",
                           paid_on=month.replace(day=10))


def pdf(name: str = "dokumen.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")
