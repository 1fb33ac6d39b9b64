"""Payments: unique references, oldest-month-first allocation, part payments, surpluses."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied

from lindung.accounts.access import Access
from lindung.billing.models import BillingPlan, Invoice, InvoiceLine, Payment
from lindung.billing.payments import move_surplus, record_payment, record_payment_as, spent_for_budget
from lindung.billing.runs import bill
from lindung.funding.models import Budget

from .billing_support import funder, month, sponsor
from .conftest import DADAPKUNING, JAMBI_VILLAGE, create_worker

pytestmark = pytest.mark.django_db


@pytest.fixture
def quarterly_invoice(db):
    gresik = funder("regency", "Pemerintah Kabupaten Gresik", "3525")
    BillingPlan.objects.create(funder=gresik, prepay_months=3)
    workers = [create_worker(DADAPKUNING, serial=i) for i in (1, 2)]
    sponsor(gresik, workers, start=month("2025-01"), months=12)
    bill(Access.console(), month("2025-01"))
    return Invoice.objects.get(funder=gresik)


def test_recording_the_same_reference_twice_is_a_no_op(quarterly_invoice):
    first, created = record_payment(quarterly_invoice, amount=33_600, reference="VA-0001", paid_on=dt.date(2025, 1, 10))
    again, created_again = record_payment(quarterly_invoice, amount=33_600, reference="VA-0001",
                                          paid_on=dt.date(2025, 1, 11))

    assert created and not created_again and again.pk == first.pk
    assert Payment.objects.count() == 1
    quarterly_invoice.refresh_from_db()
    assert quarterly_invoice.paid == 33_600


def test_a_part_payment_pays_the_oldest_months_first(quarterly_invoice):
    # January for both workers (2 × 16,800) and 5,000 towards the first February line.
    record_payment(quarterly_invoice, amount=38_600, reference="TRF-1", paid_on=dt.date(2025, 1, 14))

    lines = list(quarterly_invoice.lines.order_by("month", "id"))
    january = [line for line in lines if line.month == month("2025-01")]
    assert all(line.paid == line.amount and line.paid_on == dt.date(2025, 1, 14) for line in january)
    february = [line for line in lines if line.month == month("2025-02")]
    assert [line.paid for line in february] == [5_000, 0, 0, 0]
    assert all(line.paid_on is None for line in february)
    quarterly_invoice.refresh_from_db()
    assert (quarterly_invoice.paid, quarterly_invoice.status) == (38_600, "partly_paid")

    record_payment(quarterly_invoice, amount=quarterly_invoice.outstanding, reference="TRF-2",
                   paid_on=dt.date(2025, 2, 3))
    quarterly_invoice.refresh_from_db()
    assert quarterly_invoice.status == "paid"
    assert not InvoiceLine.objects.filter(invoice=quarterly_invoice, paid__lt=1).exists()
    assert InvoiceLine.objects.get(pk=february[0].pk).paid_on == dt.date(2025, 2, 3)


def test_an_overpayment_leaves_a_surplus_that_can_move_to_another_invoice_of_the_funder(quarterly_invoice,
                                                                                        national_admin):
    total = quarterly_invoice.total
    payment, _ = record_payment(quarterly_invoice, amount=total + 10_000, reference="TRF-9", paid_on=dt.date(2025, 1, 5))
    assert (payment.allocated, payment.surplus) == (total, 10_000)

    bill(Access.console(), month("2025-04"))
    april = Invoice.objects.get(funder=quarterly_invoice.funder, month=month("2025-04"))
    moved = move_surplus(Access(national_admin), payment, april, note="carried forward")

    payment.refresh_from_db()
    april.refresh_from_db()
    assert (payment.surplus, moved.amount, moved.channel, april.paid) == (0, 10_000, "credit", 10_000)


def test_only_finance_roles_record_payments_and_only_in_scope(quarterly_invoice, gresik_branch_officer,
                                                               gresik_regency_operator):
    with pytest.raises(PermissionDenied):
        record_payment_as(Access(gresik_regency_operator), quarterly_invoice, amount=1_000, reference="X",
                          paid_on=dt.date(2025, 1, 5))
    payment, created = record_payment_as(Access(gresik_branch_officer), quarterly_invoice, amount=1_000,
                                         reference="X", paid_on=dt.date(2025, 1, 5))
    assert created and payment.recorded_by == gresik_branch_officer

    jambi = funder("province", "Pemerintah Provinsi Jambi", "15")
    sponsor(jambi, [create_worker(JAMBI_VILLAGE, serial=3)], start=month("2025-01"), months=1)
    bill(Access.console(), month("2025-01"))
    with pytest.raises(PermissionDenied):
        record_payment_as(Access(gresik_branch_officer), Invoice.objects.get(funder=jambi), amount=1_000,
                          reference="Y", paid_on=dt.date(2025, 1, 5))


def test_spent_for_budget_counts_money_paid_for_the_sources_fiscal_year(quarterly_invoice):
    budget = Budget.objects.create(funder=quarterly_invoice.funder, fiscal_year=2025, source="apbd-regency",
                                   amount=10_000_000)
    assert spent_for_budget(budget) == 0
    record_payment(quarterly_invoice, amount=40_000, reference="B-1", paid_on=dt.date(2025, 1, 5))
    assert spent_for_budget(budget) == 40_000
    other_year = Budget.objects.create(funder=quarterly_invoice.funder, fiscal_year=2026, source="apbd-regency",
                                       amount=1)
    assert spent_for_budget(other_year) == 0
