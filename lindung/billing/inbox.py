"""Billing work waiting for a user (the home page's inbox, see ``lindung.web.inbox``)."""

from django.urls import reverse
from django.utils.translation import gettext as _

from .scope import unpaid_due, visible_invoices
from .statements import open_items


def work_waiting(access, today) -> list[dict]:
    items = []
    if access.can("payment.resolve"):
        items.append({"key": "statement-rows", "label": _("statement rows to resolve"),
                      "count": open_items(access).count(), "url": reverse("billing-reconciliation")})
    if access.can("billing.view"):
        invoices = visible_invoices(access)
        items.append({"key": "invoices-overdue", "label": _("invoices unpaid past their due date"),
                      "count": unpaid_due(invoices, "overdue", today).count(),
                      "url": reverse("billing-invoices") + "?due=overdue"})
        items.append({"key": "invoices-due", "label": _("invoices due within 7 days"),
                      "count": unpaid_due(invoices, "soon", today).count(),
                      "url": reverse("billing-invoices") + "?due=soon"})
    return items
