"""Registering and changing workers: one path for the web form, the API and the CLI.

Each function checks permission and scope through the access layer, validates with
``check_worker``, writes in a transaction and leaves an audit entry.
"""

import datetime as dt

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from lindung.accounts.access import Access
from lindung.audit import services as audit
from lindung.errors import DomainError, InvalidInput
from lindung.regions.cache import district_exists
from lindung.regions.models import Region, ancestor_codes, region_field

from .models import Worker, normalise_name
from .nik import decode_nik
from .validation import WorkerCheck, check_worker, normalise_phone

FIELDS = ["nik", "name", "birth_place", "birth_date", "sex", "village_code", "phone", "occupation",
          "segment", "ecosystem", "sector", "declared_income"]


class WorkerInvalid(InvalidInput):
    """Field errors, in the active language: ``errors`` is {field: [message, ...]}."""

    def __init__(self, errors: dict[str, list[str]]):
        super().__init__(_("Invalid worker data."), next(iter(errors), ""), errors=errors)
        self.errors = errors

    @property
    def messages(self) -> list[str]:
        return [m for field_errors in self.errors.values() for m in field_errors]

    def field_errors(self) -> dict[str, list[str]]:
        return self.errors


def _values(worker: Worker) -> dict:
    values = {f: getattr(worker, f) for f in FIELDS if f != "village_code"}
    values["village_code"] = worker.village_id
    return values


def _validate(access: Access, data: dict, *, current: Worker | None) -> WorkerCheck:
    check = check_worker(data)
    village = (data.get("village_code") or "").strip()
    if "village_code" not in check.errors and not access.can_register_in(village):
        check.add("village_code", _("This village is outside the regions you are assigned to."))
    nik = (data.get("nik") or "").strip()
    if nik and "nik" not in check.errors:
        taken = Worker.objects.filter(nik=nik)
        if current is not None:
            taken = taken.exclude(pk=current.pk)
        existing = taken.values_list("id", flat=True).first()
        if existing is not None:
            check.add("nik", _refuse_taken(access, existing))
    if not check.ok:
        raise WorkerInvalid(check.errors)
    return check


class TooManyRefusals(DomainError):
    """A user whose registrations were refused as duplicates too often in the last hour."""

    status = 429


def _refuse_taken(access: Access, worker_id: int) -> str:
    """The answer to registering a NIK that is already registered.

    Inside the user's scope the worker is named as a duplicate. Outside it nothing about the record is
    disclosed ("contact the branch office"). Every refusal is an audit event on the existing worker's
    trail, and ``LINDUNG_REGISTRATION_REFUSALS_PER_HOUR`` refusals an hour stop further attempts, so the
    form cannot be used to test NIKs nationwide.
    """
    if access.role and audit.recent(access.user, ["registry.refused"]) >= settings.LINDUNG_REGISTRATION_REFUSALS_PER_HOUR:
        raise TooManyRefusals(_("Too many registrations were refused in the last hour; please wait, or contact "
                                "the branch office."))
    audit.event(access.user, "registry.refused", workers=[worker_id],
                summary=_("registration refused: NIK already registered"))
    if access.workers().filter(pk=worker_id).exists():
        return _("A worker with this NIK is already registered.")
    return _("This NIK cannot be registered here; please contact the BPJS Ketenagakerjaan branch office.")


def refuse_import_rows(access: Access, worker_ids) -> None:
    """Record that an import (a dry run too) named workers registered outside the uploader's regions.

    Each such row answers only "cannot be registered from your regions", but that still says the NIK is
    registered somewhere, so the rows are audited on those workers' trails (one ``import.refused`` entry
    per batch) and ``LINDUNG_IMPORT_REFUSALS_PER_HOUR`` of them an hour stop the import before it reports
    anything (``TooManyRefusals``), like the registration form's limit.
    """
    worker_ids = sorted(set(worker_ids))
    if not worker_ids or access.role is None or access.is_national:
        return
    used = audit.recent_subjects(access.user, ["import.refused"])
    if used + len(worker_ids) > settings.LINDUNG_IMPORT_REFUSALS_PER_HOUR:
        raise TooManyRefusals(_("Too many rows named workers registered outside your regions in the last hour "
                                "(%(limit)d at most); nothing is reported. Please wait, or contact the branch "
                                "office.") % {"limit": settings.LINDUNG_IMPORT_REFUSALS_PER_HOUR})
    audit.event(access.user, "import.refused", workers=worker_ids,
                summary=_("import rows refused: NIK registered outside the uploader's regions"))


def _apply(worker: Worker, data: dict, check: WorkerCheck) -> None:
    for name in FIELDS:
        if name == "village_code":
            worker.village_id = data["village_code"].strip()
        elif name in data:
            value = data[name]
            setattr(worker, name, value.strip() if isinstance(value, str) else value)
    worker.phone = normalise_phone(worker.phone or "")
    worker.nik_flags = check.flags


def register_worker(access: Access, data: dict) -> Worker:
    access.require("worker.create")
    check = _validate(access, data, current=None)
    worker = Worker(registered_by=access.user if access.role else None)
    _apply(worker, data, check)
    try:
        with transaction.atomic():
            worker.save()
            audit.record(access.user, audit.Action.CREATE, worker, region_code=worker.village_id,
                         summary=worker.name, changes=audit.diff({}, _values(worker)))
    except IntegrityError:  # a concurrent registration of the same NIK won the race
        raise WorkerInvalid({"nik": [_("A worker with this NIK is already registered.")]}) from None
    return worker


def update_worker(access: Access, worker: Worker, data: dict) -> Worker:
    if not access.can_edit(worker):
        raise PermissionDenied(_("You may not change this worker."))
    merged = _values(worker) | data
    check = _validate(access, merged, current=worker)
    with transaction.atomic():
        locked = Worker.objects.select_for_update().get(pk=worker.pk)
        before = _values(locked)
        _apply(locked, merged, check)
        changes = audit.diff(before, _values(locked))
        if changes:
            locked.save()
            audit.record(access.user, audit.Action.UPDATE, locked, region_code=locked.village_id,
                         summary=locked.name, changes=changes)
    return locked


def open_worker(access: Access, worker_id: int) -> Worker:
    """A worker in the user's scope, opened for reading by a page or the API (404 outside the scope).

    Opening a worker discloses personal data (UU 27/2022 on personal data protection), so every opening
    is written to the audit trail — here, once, for every door.
    """
    worker = get_object_or_404(access.workers().select_related("village", "registered_by"), pk=worker_id)
    audit.record(access.acting_user, audit.Action.VIEW, worker, region_code=worker.village_id)
    return worker


def search_workers(access: Access, *, q: str = "", region: str = "", flagged: bool = False):
    """Search by NIK (full or prefix), name, and region code, inside the user's scope; ``flagged``: only
    workers whose NIK is flagged for review.

    Roles that see masked NIKs find nobody by NIK digits: otherwise a search would confirm a guessed
    NIK rebuilt from the masked one (``Access.may_search_nik``).
    """
    qs = access.workers().select_related("village", "registered_by")
    q = (q or "").strip()
    if q.isdigit():
        if not access.may_search_nik():
            return qs.none()
        qs = qs.filter(nik__startswith=q) if len(q) < 16 else qs.filter(nik=q)
    elif q:
        qs = qs.filter(name_key__contains=normalise_name(q))
    region = (region or "").replace(".", "").strip()
    field = region_field(region)
    if field and region.isdigit():
        qs = qs.filter(**{field: region})
    if flagged:
        qs = qs.exclude(nik_flags=[])
    return qs


def describe_nik(nik: str, *, today: dt.date | None = None) -> dict:
    """What support staff need to know about a NIK: validity with reasons, region names, birth, sex."""
    info = decode_nik(nik, district_exists=district_exists, today=today)
    names = {}
    if info.district_code:
        found = dict(Region.objects.filter(code__in=ancestor_codes(info.district_code))
                     .values_list("code", "name"))
        names = {"province": found.get(info.province_code), "regency": found.get(info.regency_code),
                 "district": found.get(info.district_code)}
    return {
        "nik": info.nik,
        "valid": info.valid,
        "errors": [i.as_dict() for i in info.errors],
        "warnings": [i.as_dict() for i in info.warnings],
        "region_of_issue": {"province_code": info.province_code, "regency_code": info.regency_code,
                            "district_code": info.district_code, **{f"{k}_name": v for k, v in names.items()}},
        "birth_date": info.birth_date.isoformat() if info.birth_date else None,
        "sex": info.sex or None,
        "serial": info.serial or None,
    }
