"""Funders: registering governments, villages, companies and donors; a self-paying worker's own funder."""

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from lindung.audit import services as audit
from lindung.people.models import Worker
from lindung.regions.models import Region

from .errors import FundingError
from .models import Funder, FunderKind


def create_funder(access, *, kind: str, name: str, region_code: str | None = None, agent=None,
                  wadah: str = "") -> Funder:
    """Register a funder. Regional operators may register governments and villages inside their region."""
    access.require("funder.manage")
    if kind not in FunderKind.values:
        raise FundingError(_("Unknown funder kind %(kind)s.") % {"kind": kind})
    if kind == FunderKind.SELF:
        raise FundingError(_("Self-paying workers become funders through a hand-over, not by hand."))
    name = (name or "").strip()
    if not name:
        raise FundingError(_("A funder needs a name."))
    region_code = (region_code or "").replace(".", "").strip() or None
    if kind in FunderKind.public() and not region_code:
        raise FundingError(_("A government or village funder needs its region."))
    expected = {FunderKind.PROVINCE: 2, FunderKind.REGENCY: 4, FunderKind.VILLAGE: 10}.get(kind)
    if expected and len(region_code) != expected:
        raise FundingError(_("The region of this kind of funder must be a %(n)d-digit code.") % {"n": expected})

    if region_code and not Region.objects.filter(code=region_code).exists():
        raise FundingError(_("Unknown region code %(code)s.") % {"code": region_code})
    if not access.is_national and not (kind in FunderKind.public() and access.region_in_scope(region_code)):
        raise PermissionDenied(_("You may register only governments and villages inside your region."))
    with transaction.atomic():
        funder = Funder.objects.create(kind=kind, name=name, region_id=region_code, agent=agent, wadah=wadah)
        audit.record(access.acting_user, audit.Action.CREATE, funder, region_code=region_code or "",
                     summary=name, changes={"kind": [None, kind]})
    return funder


def self_funder_for(access, worker: Worker, *, agent=None, wadah: str = "") -> Funder:
    """The worker's own funder (kind self), created on first use; safe when two requests race.

    Naming a new collecting agent (who then sees and collects the worker's contributions) is a change of
    who handles personal data and money: it is audited, as is the creation.
    """
    existing = Funder.objects.filter(kind=FunderKind.SELF, worker=worker).first()
    if existing is None:
        try:
            with transaction.atomic():
                existing = Funder.objects.create(kind=FunderKind.SELF, worker=worker, region_id=worker.village_id,
                                                 name=_("%(name)s (self-paying)") % {"name": worker.name},
                                                 agent=agent, wadah=wadah)
                audit.record(access.acting_user, audit.Action.CREATE, existing, region_code=worker.village_id,
                             summary=existing.name, changes={"kind": [None, FunderKind.SELF],
                                                             "agent": [None, getattr(agent, "pk", None)]})
            return existing
        except IntegrityError:
            existing = Funder.objects.get(kind=FunderKind.SELF, worker=worker)
    if agent is not None and existing.agent_id != agent.pk:
        before = {"agent": existing.agent_id, "wadah": existing.wadah}
        existing.agent, existing.wadah = agent, wadah or existing.wadah
        existing.save(update_fields=["agent", "wadah"])
        audit.record(access.acting_user, audit.Action.UPDATE, existing, region_code=worker.village_id,
                     summary=_("collecting agent changed"),
                     changes=audit.diff(before, {"agent": existing.agent_id, "wadah": existing.wadah}))
    return existing
