"""Validation of one worker record, shared by the web form, the API, the CLI and the importer.

Returns errors per field in the active language, plus the NIK warnings/flags to keep on the record.
Database look-ups are limited to cached code sets so the importer can call this per row.
"""

import datetime as dt
import re
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from lindung.regions.cache import district_exists, village_exists

from . import policy
from .models import Ecosystem, Sector, Segment, Sex
from .nik import decode_nik

PHONE_RE = re.compile(r"^\+?[0-9]{8,15}$")


@dataclass
class WorkerCheck:
    errors: dict[str, list[str]] = field(default_factory=dict)
    flags: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def add(self, name: str, message: str) -> None:
        self.errors.setdefault(name, []).append(message)

    @property
    def ok(self) -> bool:
        return not self.errors


def age_on(birth_date: dt.date, day: dt.date) -> int:
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


def normalise_phone(phone: str) -> str:
    return re.sub(r"[\s\-().]", "", phone or "")


def check_worker(data: dict, *, today: dt.date | None = None) -> WorkerCheck:
    """Check a worker's fields. ``data`` holds already-typed values (date, int) or None."""
    today = today or dt.date.today()
    check = WorkerCheck()
    birth_date = data.get("birth_date")
    sex = data.get("sex") or ""

    nik = (data.get("nik") or "").strip()
    if not nik:
        check.add("nik", _("NIK is required."))
    else:
        info = decode_nik(nik, district_exists=district_exists, declared_birth_date=birth_date,
                          declared_sex=sex or None, today=today)
        for issue in info.errors:
            check.add("nik", issue.message)
        check.flags = [i.code for i in info.warnings]
        check.warnings = [i.message for i in info.warnings]

    if not (data.get("name") or "").strip():
        check.add("name", _("Name is required."))
    if sex not in Sex.values:
        check.add("sex", _("Sex must be M (male) or F (female)."))
    if birth_date is None:
        check.add("birth_date", _("Date of birth is required."))
    else:
        low, high = policy.registration_age_window()
        age = age_on(birth_date, today)
        if not low <= age <= high:
            check.add("birth_date", _("Age %(age)d is outside the registration window of %(low)d–%(high)d "
                                      "years.") % {"age": age, "low": low, "high": high})

    village = (data.get("village_code") or "").strip()
    if not village:
        check.add("village_code", _("Domicile village is required."))
    elif not (len(village) == 10 and village.isdigit() and village_exists(village)):
        check.add("village_code", _("%(code)s is not a village code (10 digits, Kemendagri 2025).")
                  % {"code": village})

    segment = data.get("segment") or ""
    if segment not in Segment.values:
        check.add("segment", _("Unknown segment."))
    if (data.get("ecosystem") or Ecosystem.VULNERABLE) not in Ecosystem.values:
        check.add("ecosystem", _("Unknown ecosystem."))
    if (data.get("sector") or Sector.OTHER) not in Sector.values:
        check.add("sector", _("Unknown sector."))

    income = data.get("declared_income")
    if income is None:
        check.add("declared_income", _("Declared monthly income is required."))
    elif income < 0:
        check.add("declared_income", _("Declared income cannot be negative."))
    elif segment in Segment.values:
        minimum = policy.minimum_declared_income(segment, today)
        if income < minimum:
            check.add("declared_income", _("Declared income must be at least Rp%(minimum)s for this segment.")
                      % {"minimum": f"{minimum:,}".replace(",", ".")})

    phone = normalise_phone(data.get("phone") or "")
    if phone and not PHONE_RE.match(phone):
        check.add("phone", _("Phone number must have 8–15 digits."))
    return check
