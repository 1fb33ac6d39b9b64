"""Heirs and payees (PP 82/2019 order of precedence, kept as data in ``data/claims.json``).

The benefit goes to the first group of heirs that has anyone in it: spouse or children; then
parents, grandchildren, grandparents; then siblings; then parents-in-law; then a person named in a
will. A guardian is not an heir: he receives a minor heir's benefit as the payee.
"""

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from lindung.audit import services as audit
from lindung.people.nik import mask_nik
from lindung.rules.benefits import age_on

from . import data
from .errors import ClaimError
from .models import FamilyMember, Relationship
from .scope import worker_in_scope


def precedence_rank(relationship: str) -> int | None:
    """0 for the first group of heirs, 1 for the next …; None for someone who is not an heir."""
    for rank, group in enumerate(data.heir_precedence()):
        if relationship in group:
            return rank
    return None


def entitled(members) -> list:
    """The members of the first non-empty group of heirs, in the order given."""
    ranked = [(precedence_rank(m.relationship), m) for m in members]
    ranks = [r for r, _m in ranked if r is not None]
    if not ranks:
        return []
    first = min(ranks)
    return [m for r, m in ranked if r == first]


def is_minor(birth_date: dt.date | None, on: dt.date) -> bool:
    return birth_date is not None and age_on(birth_date, on) < data.adult_age()


def check_heir_and_payee(members, heir, payee, on: dt.date) -> None:
    """Refuse an heir who is not entitled, or a minor heir's benefit paid to anyone but an adult."""
    if heir is not None:
        allowed = entitled(members)
        if heir not in allowed:
            raise ClaimError(_("%(name)s is not the entitled heir: %(first)s come first.") % {
                "name": heir.name, "first": ", ".join(m.name for m in allowed) or "–"})
    if payee is not None:
        if is_minor(payee.birth_date, on):
            raise ClaimError(_("A minor cannot receive the payment; name an adult guardian as the payee."))
    if heir is not None and payee is None and is_minor(heir.birth_date, on):
        raise ClaimError(_("The heir is a minor: name an adult guardian as the payee."))


def add_family_member(access, worker, *, name: str, relationship: str, nik: str = "", birth_date=None,
                      school_level: str = "none", year_in_level: int = 1, married: bool = False,
                      working: bool = False) -> FamilyMember:
    access.require("claim.prepare")
    if not worker_in_scope(access, worker):
        raise PermissionDenied(_("This worker is outside your scope."))
    name = (name or "").strip()
    if not name:
        raise ClaimError(_("Give the family member's name."))
    if relationship not in Relationship.values:
        raise ClaimError(_("Unknown relationship “%(value)s”.") % {"value": relationship})
    nik = (nik or "").strip()
    if nik and (len(nik) != 16 or not nik.isdigit()):
        raise ClaimError(_("A NIK has 16 digits."))
    with transaction.atomic():
        member = FamilyMember.objects.create(worker=worker, name=name, relationship=relationship, nik=nik,
                                             birth_date=birth_date, school_level=school_level,
                                             year_in_level=max(1, int(year_in_level or 1)), married=married,
                                             working=working)
        audit.record(access.user, audit.Action.CREATE, member, region_code=worker.village_id,
                     summary=_("family member added: %(name)s (%(rel)s, %(nik)s)") % {
                         "name": name, "rel": member.get_relationship_display(), "nik": mask_nik(nik) if nik else "–"})
    return member
