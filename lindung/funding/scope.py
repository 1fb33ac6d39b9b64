"""Which funders, lists and sponsorships a user may see, and for which funders they may act.

Built only on the access layer (``lindung.accounts.access``): a sponsorship is visible exactly when
its worker is (``access.worker_q``), and funder users additionally see only their own funder's
rows. Acting for a funder (budgets, approving its lists) follows who holds the purse:

- province or regency funder: the regional operator whose region covers the funder's region;
- village funder: a village operator account of that very village (the village head's account);
- company, donor or SERTAKAN funder: that funder's own users;
- self-paying worker: the agent who collects for him;
- the national administrator: any funder.

Proposing is wider: a village operator may propose its people to the regency or province that pays
for its villages, and an agent may propose for the self-payers and members it collects from.
"""

from django.db.models import Count, Exists, OuterRef, Q

from lindung.accounts.models import Role
from lindung.regions.models import ancestor_codes

from .models import BatchState, Funder, FunderKind, Sponsorship, SponsorshipBatch, SponsorshipState


LIVE = (SponsorshipState.APPROVED, SponsorshipState.ACTIVE)


def funder_worker_ids(funder_id: int):
    """Subquery of the ids of workers the funder pays for now: a live (approved or active) sponsorship.

    Used by the access layer for funder users. A proposed, cancelled or ended sponsorship gives no
    sight of the worker, so confirming a match and cancelling it cannot be used to collect personal
    data. It stays a subquery so scope filters remain one SQL statement however many workers a
    funder pays for.
    """
    return Sponsorship.objects.filter(funder_id=funder_id, state__in=LIVE).values("worker_id")


def visible_sponsorships(access, queryset=None):
    """Sponsorships the user may see: those of workers in scope; a funder user sees its own funder's
    sponsorships in every state (its history), each showing only what ``WORKER_FIELDS`` allows."""
    qs = Sponsorship.objects.all() if queryset is None else queryset
    if not access.can("funding.view"):
        return qs.none()
    if access.role == Role.FUNDER_USER:
        return qs.filter(funder_id=access.funder_id) if access.funder_id else qs.none()
    return qs.filter(access.worker_q("worker__"))


def visible_funders(access):
    qs = Funder.objects.all()
    if not access.can("funding.view"):
        return qs.none()
    if access.is_national:
        return qs
    if access.role == Role.FUNDER_USER:
        return qs.filter(pk=access.funder_id)
    q = Q(pk__in=visible_sponsorships(access).values("funder_id"))
    if access.role == Role.AGENT:
        q |= Q(agent=access.user)
    else:
        for code in access.region_codes:
            # funders inside the user's regions, and the governments above them that may pay for them
            q |= Q(region__code__startswith=code) | Q(region_id__in=ancestor_codes(code),
                                                      kind__in=FunderKind.public())
    return qs.filter(q)


def budget_funders(access):
    """Funders whose budgets the user may read. Public money (province, regency, village) is open to the
    government roles that see the funder; a company's, donor's or SERTAKAN member's budget only to the
    funder's own users (and a self-payer's to the agent who collects for him); everything to the
    national administrator."""
    qs = visible_funders(access)
    if access.is_national:
        return qs
    if access.role == Role.FUNDER_USER:
        return qs.filter(pk=access.funder_id)
    if access.role == Role.AGENT:
        return qs.filter(agent=access.user)
    return qs.filter(kind__in=FunderKind.public())


def visible_batches(access):
    qs = SponsorshipBatch.objects.all()
    if not access.can("funding.view"):
        return qs.none()
    if access.is_national:
        return qs
    if access.role == Role.FUNDER_USER:
        return qs.filter(funder_id=access.funder_id)
    mine = visible_sponsorships(access).filter(batch=OuterRef("pk"))
    return qs.filter(Exists(mine) | Q(proposed_by=access.user))


def can_act_for(access, funder: Funder) -> bool:
    """May this user manage the funder's budgets and approve its lists (given the permission)?"""
    role = access.role
    if role is None:
        return False
    if access.is_national:
        return True
    if role == Role.FUNDER_USER:
        return funder.pk == access.funder_id
    if role == Role.AGENT:
        return funder.agent_id == access.user.pk
    if not funder.is_public or not funder.region_id:
        return False
    if funder.kind == FunderKind.VILLAGE:
        return role == Role.VILLAGE_OPERATOR and funder.region_id in access.region_codes
    return role == Role.REGIONAL_OPERATOR and access.region_in_scope(funder.region_id)


def can_propose_for(access, funder: Funder) -> bool:
    if not access.can("sponsorship.propose"):
        return False
    if can_act_for(access, funder):
        return True
    if access.role in (Role.REGIONAL_OPERATOR, Role.VILLAGE_OPERATOR) and funder.is_public and funder.region_id:
        return any(mine.startswith(funder.region_id) or funder.region_id.startswith(mine)
                   for mine in access.region_codes)
    if access.role == Role.AGENT and funder.kind == FunderKind.SELF and funder.worker_id:
        return access.workers().filter(pk=funder.worker_id).exists()
    return False


def can_approve_for(access, funder: Funder) -> bool:
    return access.can("sponsorship.approve") and can_act_for(access, funder)


def is_own_public_proposal(access, batch: SponsorshipBatch, funder: Funder | None = None) -> bool:
    """Maker–checker: a list that commits public money is never approved by the person who proposed it."""
    funder = funder or batch.funder
    return funder.is_public and batch.proposed_by_id is not None and batch.proposed_by_id == getattr(access.user,
                                                                                                    "pk", None)


def may_approve(access, batch: SponsorshipBatch) -> bool:
    """A proposed list this user approves for its funder, unless it is his own proposal of public money."""
    return (batch.state == BatchState.PROPOSED and can_approve_for(access, batch.funder)
            and not is_own_public_proposal(access, batch))


def proposable_funders(access):
    return [f for f in visible_funders(access).select_related("region").exclude(kind=FunderKind.SELF)
            if can_propose_for(access, f)]


def own_funder(access, funders: list):
    """Of the funders a user may act or propose for, their own: a funder user's funder, or the government
    or village funder of the very region the user is assigned to (a regency operator's regency, not a
    village inside it). The first of the list otherwise."""
    if not funders:
        return None
    for funder in funders:
        if access.funder_id and funder.pk == access.funder_id:
            return funder
    mine = set(access.region_codes)
    return next((f for f in funders if f.region_id in mine and f.kind != FunderKind.SELF), funders[0])


def awaiting_approval(access, limit: int = 200) -> list:
    """Proposed lists this user may approve (excluding his own proposals of public money)."""
    if not access.can("sponsorship.approve"):
        return []
    rows = (visible_batches(access).filter(state=BatchState.PROPOSED).select_related("funder", "proposed_by")
            .annotate(n=Count("sponsorships")).order_by("created_at")[:limit])
    return [b for b in rows if may_approve(access, b)]
