"""Which invoices, payments and statements a user may see — built on the access layer only.

- national administrator: everything;
- funder user: its own funder's invoices;
- agent: the invoices of the self-payers and SERTAKAN members it collects for (``Funder.agent``) or
  registered;
- branch officer, regional and village operators: invoices of funders based inside their regions,
  and of self-payers living there.

Invoice lines name workers, so lists of lines are further limited by ``access.worker_q("worker__")``
(a regency operator seeing a company's invoice sees only the lines of its own regency's workers).
"""

import datetime as dt

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from lindung.accounts.models import Role
from lindung.funding.models import FunderKind

from .models import Invoice, InvoiceLine, InvoiceStatus, Statement, StatementRow

COLLECTED_KINDS = (FunderKind.SELF, FunderKind.SERTAKAN)
DUE_SOON_DAYS = 7
DUE_FILTERS = {"overdue": _("unpaid, past the due date"),
               "soon": _("unpaid, due within 7 days")}


def unpaid_due(invoices, which: str, today: dt.date):
    """Invoices not fully paid that are ``overdue`` (due date passed) or due ``soon`` (today or within
    DUE_SOON_DAYS days): the invoice list's "due" filter and the home page's counts."""
    unpaid = invoices.exclude(status=InvoiceStatus.PAID)
    if which == "overdue":
        return unpaid.filter(due_date__lt=today)
    return unpaid.filter(due_date__gte=today, due_date__lte=today + dt.timedelta(days=DUE_SOON_DAYS))


def invoice_q(access, prefix: str = "") -> Q:
    nothing = Q(pk__in=[])
    if access.role is None or not access.can("billing.view"):
        return nothing
    if access.is_national:
        return Q()
    if access.role == Role.FUNDER_USER:
        return Q(**{f"{prefix}funder_id": access.funder_id}) if access.funder_id else nothing
    own_workers = Q(**{f"{prefix}funder__kind__in": COLLECTED_KINDS}) & access.worker_q(f"{prefix}funder__worker__")
    if access.role == Role.AGENT:
        return Q(**{f"{prefix}funder__agent": access.user}) | own_workers
    q = own_workers
    for code in access.region_codes:
        q |= Q(**{f"{prefix}funder__region__code__startswith": code})
    return q


def visible_invoices(access, queryset=None):
    qs = Invoice.objects.all() if queryset is None else queryset
    return qs.filter(invoice_q(access))


def visible_lines(access, invoice=None):
    qs = InvoiceLine.objects.filter(invoice_q(access, "invoice__")).filter(access.worker_q("worker__"))
    return qs.filter(invoice=invoice) if invoice is not None else qs


def can_collect_for(access, funder) -> bool:
    """An agent collects for the self-payers and SERTAKAN members assigned to it or registered by it."""
    if access.role != Role.AGENT or funder.kind not in COLLECTED_KINDS:
        return False
    if funder.agent_id == access.user.pk:
        return True
    return funder.worker_id is not None and access.workers().filter(pk=funder.worker_id).exists()


def visible_statements(access):
    if not access.can("payment.import"):
        return Statement.objects.none()
    if access.is_national:
        return Statement.objects.all()
    return Statement.objects.filter(imported_by=access.user)


def visible_statement_rows(access):
    """Rows of the statements the user imported (all of them for the national administrator)."""
    return StatementRow.objects.filter(statement__in=visible_statements(access))


def actor(access):
    """The user behind an access (None for the console operator), for audit and "recorded by" columns."""
    return access.acting_user
