"""Regulations a region issued for social-security cover, entered by its regional operator.

Entering and removing one needs ``regulation.edit`` and a region inside the user's area (a province or
regency); both are audited. Everyone with a region in scope may read them (the Paritrana pack prints
them).
"""

from django import forms
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lindung.audit import services as audit
from lindung.errors import InvalidInput
from lindung.regions.models import Level, Region

from .models import Regulation


class RegulationForm(forms.ModelForm):
    region_code = forms.CharField(label=gettext_lazy("Province or regency code"), max_length=5)

    class Meta:
        model = Regulation
        fields = ["kind", "number", "title", "issued_on"]
        widgets = {"issued_on": forms.DateInput(attrs={"type": "date"})}


def check_region(access, code: str) -> Region:
    code = (code or "").replace(".", "").strip()
    region = Region.objects.filter(code=code, level__in=[Level.PROVINCE, Level.REGENCY]).first()
    if region is None:
        raise InvalidInput(_("Give the code of a province or a regency/city."), "region_code")
    if not access.may_report_on(code):
        raise InvalidInput(_("You may only report on regions inside your own area."), "region_code")
    return region


def add_regulation(access, *, region_code: str, kind: str, number: str, title: str, issued_on) -> Regulation:
    access.require("regulation.edit")
    region = check_region(access, region_code)
    with transaction.atomic():
        row = Regulation.objects.create(region=region, kind=kind, number=number.strip(), title=title.strip(),
                                        issued_on=issued_on, created_by=access.user if access.user else None)
        audit.record(access.user, audit.Action.CREATE, row, region_code=region.code,
                     summary=f"{row.get_kind_display()} {row.number}: {row.title}")
    return row


def remove_regulation(access, row: Regulation) -> None:
    access.require("regulation.edit")
    check_region(access, row.region_id)
    with transaction.atomic():
        audit.record(access.user, audit.Action.DELETE, row, region_code=row.region_id,
                     summary=f"{row.get_kind_display()} {row.number}: {row.title}")
        row.delete()


def visible_regulations(access):
    """Regulations of the regions inside the user's area and of the province and regency above it."""
    if access.role is None:
        return Regulation.objects.none()
    if access.is_national:
        return Regulation.objects.all()
    q = Q(pk__in=[])
    for code in access.region_codes:
        q |= Q(region_id__in=[code[:2], code[:4]]) | Q(region__code__startswith=code)
    return Regulation.objects.filter(q)


def for_region(code: str, year: int | None = None):
    """The region's own regulations and, for a regency, its province's."""
    codes = [code[:2]] + ([code[:4]] if len(code) >= 4 else [])
    qs = Regulation.objects.filter(region_id__in=codes)
    if year:
        qs = qs.filter(issued_on__year__lte=year)
    return qs.select_related("region").order_by("issued_on", "number")
