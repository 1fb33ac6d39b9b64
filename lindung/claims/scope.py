"""Which life events and claims a user sees: the access layer's worker scope, applied to them.

Government roles see the events and claims of the workers in their regions (national: all); a
funder user sees only the paid claims of workers its funder paid for (also after the death ended
the sponsorship), with NIKs masked by the
pages (``Access.nik_for_display``). Agents see none.
"""

from lindung.accounts.models import Role
from lindung.funding.models import Sponsorship, SponsorshipState
from lindung.regions.models import REGION_FIELDS as WORKER_REGION_FIELD

from .models import Claim, ClaimState, LifeEvent


def visible_claims(access, queryset=None):
    qs = Claim.objects.all() if queryset is None else queryset
    if not access.can("claim.view"):
        return qs.none()
    if access.role == Role.FUNDER_USER:
        # The outcome outlives the sponsorship: a death ends it, yet the funder sees what its cover paid.
        return qs.filter(state=ClaimState.PAID, worker_id__in=funded_worker_ids(access.funder_id))
    return qs.filter(access.worker_q("worker__"))


def funded_worker_ids(funder_id: int | None):
    """Workers whose cover the funder paid for at some time (a sponsorship that held months)."""
    if funder_id is None:
        return Sponsorship.objects.none().values("worker_id")
    return Sponsorship.objects.filter(funder_id=funder_id, state__in=SponsorshipState.reserving()).values("worker_id")


def visible_events(access, queryset=None):
    qs = LifeEvent.objects.all() if queryset is None else queryset
    if not access.can("claim.view") or access.role == Role.FUNDER_USER:
        return qs.none()
    return qs.filter(access.worker_q("worker__"))


def worker_in_scope(access, worker) -> bool:
    return access.workers().filter(pk=worker.pk).exists()


def in_region(queryset, code: str, prefix: str = "worker__"):
    """Rows whose worker lives in the region ``code`` (any level; '' for the whole country)."""
    code = (code or "").replace(".", "").strip()
    if not code:
        return queryset
    field = WORKER_REGION_FIELD.get(len(code))
    if field is None:
        return queryset.none()
    return queryset.filter(**{f"{prefix}{field}": code})
