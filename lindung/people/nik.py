"""NIK (Nomor Induk Kependudukan) rules (UU 24/2013 on civil administration, as amended).

Layout of the 16 digits: PPKKCC DDMMYY SSSS
- PPKKCC: province, regency, district where the NIK was first issued (may differ from domicile);
- DDMMYY: birth date, women add 40 to the day;
- SSSS: serial from 0001.

Hard errors make a NIK invalid. A district prefix that is not a current Kemendagri code is only a
warning (Papua's 2022 split retired 594 district codes), and a birth date or sex that disagrees with
what the person declared is a flag for review: civil registry does not reissue NIKs for wrong dates.
"""

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lindung.months import today as local_today

ERROR, WARNING, FLAG = "error", "warning", "flag"

# Warnings and flags kept on a worker for review (Worker.nik_flags), by the label people read.
FLAG_LABELS = {
    "prefix_unknown": gettext_lazy("region code of the NIK not in the Kemendagri list"),
    "birth_date_mismatch": gettext_lazy("birth date differs from the NIK"),
    "sex_mismatch": gettext_lazy("sex differs from the NIK"),
}


@dataclass(frozen=True)
class NikIssue:
    code: str
    severity: str
    message: str

    def as_dict(self) -> dict:
        return {"code": self.code, "severity": self.severity, "message": self.message}


@dataclass
class NikInfo:
    nik: str
    issues: list[NikIssue] = field(default_factory=list)
    province_code: str = ""
    regency_code: str = ""
    district_code: str = ""
    birth_date: dt.date | None = None
    sex: str = ""  # "M" or "F"
    serial: str = ""

    @property
    def valid(self) -> bool:
        return not self.errors

    @property
    def errors(self) -> list[NikIssue]:
        return [i for i in self.issues if i.severity == ERROR]

    @property
    def warnings(self) -> list[NikIssue]:
        return [i for i in self.issues if i.severity != ERROR]


def infer_birth_date(day: int, month: int, yy: int, today: dt.date) -> dt.date:
    """Two-digit year: the most recent century that does not put the birth in the future."""
    try:
        candidate = dt.date(2000 + yy, month, day)
    except ValueError:
        candidate = None
    if candidate is not None and candidate <= today:
        return candidate
    return dt.date(1900 + yy, month, day)  # raises ValueError for impossible dates


def decode_nik(
    nik: str,
    *,
    district_exists: Callable[[str], bool] | None = None,
    declared_birth_date: dt.date | None = None,
    declared_sex: str | None = None,
    today: dt.date | None = None,
) -> NikInfo:
    nik = (nik or "").strip()
    info = NikInfo(nik=nik)
    add = info.issues.append
    if not nik.isdigit() or not nik.isascii():
        add(NikIssue("not_digits", ERROR, _("NIK may contain digits only.")))
        return info
    if len(nik) != 16:
        add(NikIssue("length", ERROR,
                     _("NIK must be exactly 16 digits; this one has %(count)d.") % {"count": len(nik)}))
        return info

    info.province_code, info.regency_code, info.district_code = nik[:2], nik[:4], nik[:6]
    info.serial = nik[12:]
    raw_day, month, yy = int(nik[6:8]), int(nik[8:10]), int(nik[10:12])
    day = raw_day - 40 if raw_day > 40 else raw_day
    if raw_day == 0 or 32 <= raw_day <= 40 or raw_day >= 72:
        add(NikIssue("day", ERROR, _("Digits 7–8 (day of birth) must be 01–31, or 41–71 for women; "
                                     "found %(day)02d.") % {"day": raw_day}))
    else:
        info.sex = "F" if raw_day > 40 else "M"
    if not 1 <= month <= 12:
        add(NikIssue("month", ERROR, _("Digits 9–10 (month of birth) must be 01–12; found %(month)02d.")
                     % {"month": month}))
    if not info.issues:  # only errors can have been added so far
        try:
            info.birth_date = infer_birth_date(day, month, yy, today or local_today())
        except ValueError:
            add(NikIssue("date", ERROR, _("Digits 7–12 are not a real date (%(day)02d-%(month)02d-%(yy)02d).")
                         % {"day": day, "month": month, "yy": yy}))
    if info.serial == "0000":
        add(NikIssue("serial", ERROR, _("Digits 13–16 (serial number) cannot be 0000.")))

    if district_exists is not None and not district_exists(info.district_code):
        add(NikIssue("prefix_unknown", WARNING,
                     _("Digits 1–6 (%(code)s) are not a current district code; the NIK may predate a "
                       "region split. Check the identity card.") % {"code": info.district_code}))
    if declared_birth_date and info.birth_date and declared_birth_date != info.birth_date:
        add(NikIssue("birth_date_mismatch", FLAG,
                     _("The NIK encodes birth date %(nik_date)s but %(declared)s was declared.")
                     % {"nik_date": info.birth_date.isoformat(), "declared": declared_birth_date.isoformat()}))
    if declared_sex and info.sex and declared_sex != info.sex:
        add(NikIssue("sex_mismatch", FLAG, _("The NIK encodes the other sex than the one declared.")))
    return info


def mask_nik(nik: str) -> str:
    """Show the issuing regency and the serial only, as the personal data protection law (UU 27/2022) asks: 3525••••••••0001."""
    if len(nik) != 16:
        return "•" * len(nik)
    return nik[:4] + "•" * 8 + nik[12:]


_SCIENTIFIC = re.compile(r"^[0-9](?:[.,][0-9]+)?[eE]\+?[0-9]+$")
_DECIMAL = re.compile(r"^[0-9]+[.,]0+$")


def spreadsheet_damage(value) -> NikIssue | None:
    """Recognise a NIK that a spreadsheet turned into a number (spreadsheets keep 15 significant digits).

    Excel stores numbers as doubles and keeps 15 significant digits, so a 16-digit NIK typed into a
    number cell comes back as ``3.52511E+15`` (scientific notation), ``3525111203850000`` (the
    16th digit replaced by a zero) or ``3525111203850001.0`` (a float written out by a program).
    The digits cannot be trusted in any of these forms, so the person who typed them must look
    at the identity card again; this returns the issue that says so, or None.

    ``value`` is the cell as read: a number (int/float) for numeric spreadsheet cells, else text.
    A number cell with 16 digits whose last digit is not zero was stored exactly (a program wrote
    it) and is not damage; its text form is returned by ``nik_text``.
    """
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, (int, float)):
        if isinstance(value, float) and not value.is_integer():
            return NikIssue("spreadsheet_decimal", ERROR, _(
                "The NIK cell holds a number with decimals (%(value)s), not 16 digits: the spreadsheet "
                "turned it into a number. Format the NIK column as Text and type the NIK again "
                "from the identity card.") % {"value": value})
        digits = str(int(value))
        if len(digits) >= 16 and digits[15:].strip("0") == "":
            return NikIssue("spreadsheet_rounded", ERROR, _(
                "The NIK was stored as a number (%(digits)s): spreadsheets keep only 15 significant "
                "digits, so the last digit was replaced by 0. Format the NIK column as Text and type "
                "the NIK again from the identity card.") % {"digits": digits})
        return None
    text = str(value).strip()
    if text.isdigit():
        if len(text) == 16 and text.endswith("0000"):
            return NikIssue("spreadsheet_rounded", ERROR, _(
                "The NIK ends in 0000 (%(text)s), which no NIK does: typically a spreadsheet rounded it to "
                "15 significant digits. Format the NIK column as Text and type the NIK again from the "
                "identity card.") % {"text": text})
        return None
    if _SCIENTIFIC.match(text):
        return NikIssue("spreadsheet_scientific", ERROR, _(
            "The NIK was turned into scientific notation (%(text)s) by a spreadsheet and its last digits "
            "are lost. Format the NIK column as Text and type the NIK again from the identity card.")
            % {"text": text})
    if _DECIMAL.match(text):
        return NikIssue("spreadsheet_decimal", ERROR, _(
            "The NIK ends in a decimal part (%(text)s): a spreadsheet stored it as a number, which keeps "
            "only 15 significant digits. Format the NIK column as Text and type the NIK again from the "
            "identity card.") % {"text": text})
    return None


def nik_text(value) -> str:
    """The NIK as text from a cell value: an exact number cell becomes its digits, text is stripped."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return "" if value is None else str(value).strip()
