"""The columns a worker list may have: what they are called in Indonesian lists, and how a cell
becomes a typed value.

Each cleaner takes the cell as read (text, float, date or None) and returns the typed value, or
raises ``CellError`` with a code and a message for the operator. Cleaners are plain functions:
they run once per cell of a million-row file.
"""

import datetime as dt
import re
from dataclasses import dataclass
from collections.abc import Callable

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lindung.errors import InvalidInput
from lindung.formatting import parse_rupiah
from lindung.people.models import Ecosystem, Sector, Segment
from lindung.people.nik import nik_text, spreadsheet_damage


class CellError(InvalidInput):
    """One cell that cannot be used; ``code`` names the kind of problem in the import report."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code


def header_key(text) -> str:
    """'Tgl. Lahir' → 'tgllahir': headers compared without case, spaces or punctuation."""
    return re.sub(r"[^a-z0-9]+", "", str(text or "").lower())


# --- cleaners -------------------------------------------------------------------------------------

def blank(value) -> bool:
    return value is None or value == "" or (isinstance(value, str) and not value.strip())


def clean_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return " ".join(str(value).split())


NIK_SEPARATORS = (" ", "-", ".", "\u00a0")


def unwrap_nik(text: str) -> str:
    """A NIK typed with separators or Excel's text marker, as its 16 digits — only when unambiguous.

    ``'3525110101900001`` (the apostrophe Excel uses to keep a number as text) and groups of digits
    split by one kind of separator — ``3525 1101 0190 0001``, ``3525-1101-0190-0001``,
    ``3525.1101.0190.0001`` — give 16 digits with nothing guessed. Anything else is returned as it is,
    for the NIK rules to judge.
    """
    body = text[1:].strip() if text.startswith("'") else text
    if body.isdigit():
        return body
    used = {ch for ch in body if not ch.isdigit()}
    if len(used) == 1 and used <= set(NIK_SEPARATORS):
        (separator,) = used
        groups = body.split(separator)
        digits = "".join(groups)
        if len(digits) == 16 and all(group.isdigit() for group in groups):
            return digits
    return text


def clean_nik(value) -> str:
    damage = spreadsheet_damage(value)
    if damage is not None:
        raise CellError(damage.code, damage.message)
    text = nik_text(value)
    if text and not text.isdigit():
        return unwrap_nik(text)
    return text


EXCEL_EPOCH = dt.date(1899, 12, 30)  # Excel's day 0 (with its 1900 leap-year quirk already absorbed)
_DATE_SPLIT = re.compile(r"[/.\-\s]+")


def _date(year: int, month: int, day: int, shown) -> dt.date:
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise CellError("date_impossible", _("%(value)s is not a real date.") % {"value": shown}) from None


def clean_date(value) -> dt.date | None:
    """Dates as DD/MM/YYYY (also with - or .), YYYY-MM-DD, spreadsheet date cells or Excel serial numbers."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return _serial(value)
    text = str(value).strip() if value is not None else ""
    if not text:
        return None
    if len(text) == 10:  # the common cases without a regular expression
        if text[2] in "/-." and text[5] == text[2] and text[:2].isdigit() and text[3:5].isdigit() \
                and text[6:].isdigit():
            return _date(int(text[6:]), int(text[3:5]), int(text[:2]), text)
        if text[4] == "-" and text[7] == "-" and text[:4].isdigit() and text[5:7].isdigit() and text[8:].isdigit():
            return _date(int(text[:4]), int(text[5:7]), int(text[8:]), text)
    if len(text) >= 19 and text[4] == "-" and text[10] in " T":  # 1985-03-12 00:00:00
        return clean_date(text[:10])
    if text.isdigit() and len(text) <= 5:
        return _serial(int(text))
    parts = _DATE_SPLIT.split(text)
    if len(parts) == 3 and all(p.isdigit() for p in parts):
        a, b, c = parts
        if len(a) == 4:
            return _date(int(a), int(b), int(c), text)
        if len(c) == 4:
            return _date(int(c), int(b), int(a), text)
        if len(c) == 2:
            raise CellError("date_two_digit_year", _(
                "%(value)s has a two-digit year; write the year with four digits (DD/MM/YYYY).") % {"value": text})
    raise CellError("date_format", _(
        "%(value)s is not a date; write DD/MM/YYYY or YYYY-MM-DD.") % {"value": text})


def _serial(number) -> dt.date:
    if isinstance(number, float) and not number.is_integer():
        number = int(number)  # a date-time serial: the day is the integer part
    if not 1 <= number <= 2958465:
        raise CellError("date_format", _("%(value)s is not a date; write DD/MM/YYYY or YYYY-MM-DD.")
                        % {"value": number})
    return EXCEL_EPOCH + dt.timedelta(days=int(number))


_SEX = {"L": "M", "LK": "M", "LAKI": "M", "LAKILAKI": "M", "PRIA": "M", "M": "M", "MALE": "M", "1": "M",
        "P": "F", "PR": "F", "PEREMPUAN": "F", "WANITA": "F", "W": "F", "F": "F", "FEMALE": "F", "2": "F"}


def clean_sex(value) -> str:
    if blank(value):
        return ""
    sex = _SEX.get(str(value).strip().upper())
    if sex is not None:
        return sex
    key = re.sub(r"[^A-Z0-9]", "", clean_text(value).upper())
    sex = _SEX.get(key)
    if sex is None:
        raise CellError("sex", _("%(value)s is not a sex; write L (laki-laki) or P (perempuan).")
                        % {"value": clean_text(value)})
    return sex


def clean_income(value) -> int | None:
    """Whole rupiah from 1000000, 1.000.000, 1,000,000, Rp 1.000.000,00 or a number cell
    (the rule of ``lindung.formatting.parse_rupiah``, shared with every money field)."""
    if isinstance(value, float) and not value.is_integer():
        raise CellError("income_format", _("Declared income must be whole rupiah; found %(value)s.")
                        % {"value": value})
    if blank(value):
        return None
    try:
        amount = parse_rupiah(value)
    except ValueError:
        amount = None
    if amount is None or amount < 0:
        raise CellError("income_format", _(
            "%(value)s is not an amount in whole rupiah (write e.g. 1000000 or 1.000.000).") % {"value": value})
    return amount


def clean_phone(value) -> str:
    if blank(value):
        return ""
    if isinstance(value, float):  # a number cell lost the leading 0 of 0812…
        text = str(int(value)) if value.is_integer() else str(value)
        return "0" + text if text.startswith("8") else text
    return clean_text(value)


def clean_code(value) -> str:
    """Kemendagri codes with or without dots (35.25.11.2001), or a number cell."""
    if blank(value):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).replace(".", "").replace(" ", "").strip()


def _choice_cleaner(code: str, synonyms: dict[str, str], valid) -> Callable:
    def clean(value) -> str:
        if blank(value):
            return ""
        key = header_key(value)
        found = synonyms.get(key) or (key if key in {header_key(v) for v in valid} and key in valid else None)
        if found is None:
            raise CellError(code, _("%(value)s is not one of: %(choices)s.") % {
                "value": clean_text(value), "choices": ", ".join(valid)})
        return found
    return clean


SEGMENT_SYNONYMS = {
    "bpurentan": Segment.BPU_VULNERABLE, "rentan": Segment.BPU_VULNERABLE, "pekerjarentan": Segment.BPU_VULNERABLE,
    "perangkatdesa": Segment.VILLAGE_OFFICIAL, "perangkat": Segment.VILLAGE_OFFICIAL,
    "rtrw": Segment.RT_RW, "rt": Segment.RT_RW, "rw": Segment.RT_RW, "ketuart": Segment.RT_RW,
    "ketuarw": Segment.RT_RW, "ketuartrw": Segment.RT_RW,
    "bpulain": Segment.BPU_OTHER, "bpu": Segment.BPU_OTHER, "informal": Segment.BPU_OTHER,
    "bukanpenerimaupah": Segment.BPU_OTHER,
    "pu": Segment.PU, "penerimaupah": Segment.PU,
}
ECOSYSTEM_SYNONYMS = {"desa": Ecosystem.VILLAGE, "pasar": Ecosystem.MARKET, "umkm": Ecosystem.UMKM,
                      "ecommerce": Ecosystem.UMKM, "rentan": Ecosystem.VULNERABLE,
                      "pekerjarentan": Ecosystem.VULNERABLE}
SECTOR_SYNONYMS = {"transport": Sector.TRANSPORT, "transportasi": Sector.TRANSPORT, "other": Sector.OTHER,
                   "lainnya": Sector.OTHER, "lain": Sector.OTHER}

clean_segment = _choice_cleaner("segment", SEGMENT_SYNONYMS, Segment.values)
clean_ecosystem = _choice_cleaner("ecosystem", ECOSYSTEM_SYNONYMS, Ecosystem.values)
clean_sector = _choice_cleaner("sector", SECTOR_SYNONYMS, Sector.values)


def clean_place_and_date(value) -> tuple[str, dt.date | None]:
    """'Gresik, 12-03-1985' (the TTL column of Indonesian forms)."""
    if isinstance(value, (dt.date, int, float)) and not isinstance(value, bool):
        return "", clean_date(value)
    text = clean_text(value)
    place, _sep, when = text.rpartition(",")
    if not _sep:
        place, _sep, when = text.rpartition(" ")
    return place.strip(), clean_date(when.strip())


# --- the columns ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Column:
    key: str
    label: object  # lazy translation
    clean: Callable
    aliases: tuple[str, ...] = ()
    # Substrings of a normalised header that identify the column when no alias matches exactly.
    keywords: tuple[str, ...] = ()
    required: bool = False


COLUMNS = [
    Column("nik", gettext_lazy("NIK"), clean_nik, required=True,
           aliases=("nik", "nonik", "nomornik", "niknomor", "nikktp", "noktp", "nomorktp", "ktp",
                    "nomorindukkependudukan", "noinduk"), keywords=("nik", "ktp")),
    Column("name", gettext_lazy("Name"), clean_text, required=True,
           aliases=("nama", "namalengkap", "namapekerja", "namapeserta", "namatenagakerja", "name",
                    "namasesuaiktp"), keywords=("nama",)),
    Column("birth_place_date", gettext_lazy("Place and date of birth"), clean_place_and_date,
           aliases=("ttl", "tempattanggallahir", "tempattgllahir", "tempatdantanggallahir")),
    Column("birth_place", gettext_lazy("Place of birth"), clean_text,
           aliases=("tempatlahir", "tmplahir", "tmptlahir", "tempatlhr"), keywords=("tempatlahir",)),
    Column("birth_date", gettext_lazy("Date of birth"), clean_date,
           aliases=("tanggallahir", "tgllahir", "tgllhr", "tanggallhr", "tgl lahir", "birthdate",
                    "dateofbirth"), keywords=("tanggallahir", "tgllahir", "lahir")),
    Column("sex", gettext_lazy("Sex (L/P)"), clean_sex,
           aliases=("jeniskelamin", "jk", "lp", "kelamin", "sex", "gender", "jeniskelaminlp"),
           keywords=("kelamin",)),
    Column("village_code", gettext_lazy("Village code"), clean_code,
           aliases=("kodedesa", "kodekelurahan", "kodedesakelurahan", "kodewilayah", "kodedesakel",
                    "kodekel", "villagecode"), keywords=("kodedesa", "kodekel")),
    Column("village_name", gettext_lazy("Village / kelurahan"), clean_text,
           aliases=("desa", "kelurahan", "desakelurahan", "namadesa", "namakelurahan", "kel", "desakel",
                    "village"), keywords=("desa", "kelurahan")),
    Column("district_code", gettext_lazy("District code"), clean_code,
           aliases=("kodekecamatan", "kodekec"), keywords=("kodekec",)),
    Column("district_name", gettext_lazy("District (kecamatan)"), clean_text,
           aliases=("kecamatan", "kec", "namakecamatan", "district"), keywords=("kecamatan",)),
    Column("occupation", gettext_lazy("Occupation"), clean_text,
           aliases=("pekerjaan", "jenispekerjaan", "profesi", "occupation"), keywords=("pekerjaan",)),
    Column("declared_income", gettext_lazy("Declared monthly income"), clean_income,
           aliases=("penghasilan", "penghasilanperbulan", "penghasilanbulanan", "pendapatan", "upah",
                    "gaji", "income"), keywords=("penghasilan", "pendapatan", "upah")),
    Column("phone", gettext_lazy("Phone"), clean_phone,
           aliases=("nohp", "nomorhp", "hp", "notelp", "notelepon", "telepon", "telp", "nowa", "wa",
                    "nohpwa", "phone", "handphone"), keywords=("hp", "telp", "telepon")),
    Column("segment", gettext_lazy("Segment"), clean_segment,
           aliases=("segmen", "segmenpeserta", "segment", "kategori", "kategoripeserta"), keywords=("segmen",)),
    Column("ecosystem", gettext_lazy("Ecosystem"), clean_ecosystem, aliases=("ekosistem", "ecosystem")),
    Column("sector", gettext_lazy("Sector"), clean_sector, aliases=("sektor", "sector")),
]
BY_KEY = {c.key: c for c in COLUMNS}
_ALIASES = {header_key(alias): c.key for c in COLUMNS for alias in c.aliases}


def guess_field(header) -> str | None:
    key = header_key(header)
    if not key:
        return None
    if key in _ALIASES:
        return _ALIASES[key]
    for column in COLUMNS:
        if any(word in key for word in column.keywords):
            # "kode" + "kecamatan"/"desa" go to the code columns, tested first by their keywords.
            if column.key in ("village_name", "district_name") and "kode" in key:
                continue
            return column.key
    return None


def guess_mapping(headers: list, remembered: dict | None = None) -> dict[str, str]:
    """{column index as text: field key}; each field at most once, the leftmost column wins."""
    mapping, used = {}, set()
    for index, header in enumerate(headers):
        key = header_key(header)
        field_key = (remembered or {}).get(key) or guess_field(header)
        if field_key and field_key not in used and field_key in BY_KEY:
            mapping[str(index)] = field_key
            used.add(field_key)
    return mapping


def header_score(values: list) -> int:
    """How many cells of a row look like known column headers (to find the header row)."""
    return sum(1 for v in values if isinstance(v, str) and guess_field(v))
