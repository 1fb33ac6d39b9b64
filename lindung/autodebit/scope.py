"""Which mandates and returned debits a user may see: the worker's scope, from the access layer.

Mandates name a worker and his bank account, so they follow ``access.worker_q`` exactly (an agent sees
the mandates of the workers it registered, a village operator those of its village, a branch officer
those of its regencies); funder users see none (permission ``autodebit.view``).
"""

from .models import Debit, Mandate


def visible_mandates(access, queryset=None):
    if not access.can("autodebit.view"):
        return Mandate.objects.none()
    qs = Mandate.objects.all() if queryset is None else queryset
    return qs.filter(access.worker_q("worker__"))


def visible_debits(access):
    if not access.can("autodebit.view"):
        return Debit.objects.none()
    return Debit.objects.filter(access.worker_q("mandate__worker__"))


def sees_account_number(access) -> bool:
    """Full account numbers, on the mandate page only (audited there)."""
    return access.can("autodebit.account")
