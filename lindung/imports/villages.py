"""Finding a row's domicile village: by Kemendagri code, or by name within a district.

Village lists often carry "Desa/Kelurahan" and "Kecamatan" names instead of codes, typed by hand:
"Ds. Dadap Kuning", "DADAPKUNING", "Kec. Cerme". Names are compared in a normal form (upper-case
ASCII, no spaces or punctuation, without the words desa/kelurahan/kecamatan), and a name that fits
more than one village of the district (or more than one district) is reported as ambiguous rather
than guessed. All names under the list's region are loaded once; resolutions are remembered, since
the rows of one list name few villages.
"""

import re
import unicodedata

from django.utils.translation import gettext as _

from lindung.regions.models import Level, Region

from .columns import CellError

# "Desa …", "Ds. …", "Kel. …", "Kec. …" as typed before the name (after punctuation became spaces).
# "Desa …", "Ds. …", "Kel.…", "Kec. …" typed before the name.
_PREFIX = re.compile(r"(?:DESA|DS|KELURAHAN|KEL|KECAMATAN|KEC)(?:\.\s*|\s+)")
_NOT_ALNUM = re.compile(r"[^A-Z0-9]+")


def name_key(name: str) -> str:
    """'Ds. Dadap-Kuning' → 'DADAPKUNING': upper-case ASCII letters and digits, without the prefix."""
    text = str(name or "").strip()
    if not text.isascii():
        text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    text = text.upper()
    prefix = _PREFIX.match(text)
    if prefix:
        text = text[prefix.end():]
    return _NOT_ALNUM.sub("", text)


class VillageResolver:
    def __init__(self, prefix: str = ""):
        """``prefix``: the region the list belongs to ("" for the whole country)."""
        self.prefix = prefix
        self._loaded = False
        self._memo: dict[tuple, str] = {}

    def _load(self) -> None:
        rows = Region.objects.filter(level__in=(Level.DISTRICT, Level.VILLAGE))
        if self.prefix:
            rows = rows.filter(code__startswith=self.prefix[:6])
        self.districts: dict[str, list[str]] = {}
        self.villages: dict[tuple[str, str], list[str]] = {}
        self.villages_anywhere: dict[str, list[str]] = {}
        for code, name, level in rows.values_list("code", "name", "level").iterator(chunk_size=10000):
            key = name_key(name)
            if level == Level.DISTRICT:
                self.districts.setdefault(key, []).append(code)
            else:
                self.villages.setdefault((code[:6], key), []).append(code)
                self.villages_anywhere.setdefault(key, []).append(code)
        self._loaded = True

    def resolve(self, village_name: str, district_name: str = "", district_code: str = "") -> str:
        memo_key = (village_name, district_name, district_code)
        found = self._memo.get(memo_key)
        if found is None:
            try:
                found = self._resolve(village_name, district_name, district_code)
            except CellError as exc:
                found = exc
            self._memo[memo_key] = found
        if isinstance(found, CellError):
            raise found
        return found

    def _resolve(self, village_name: str, district_name: str, district_code: str) -> str:
        if not self._loaded:
            self._load()
        key = name_key(village_name)
        if district_code:
            districts = [district_code]
        elif district_name:
            districts = [d for d in self.districts.get(name_key(district_name), [])
                         if d.startswith(self.prefix[:6])]
            if not districts:
                raise CellError("district_not_found", _(
                    "No district (kecamatan) named %(name)s in this region.") % {"name": district_name})
            if len(districts) > 1:
                raise CellError("district_ambiguous", _(
                    "More than one district is named %(name)s (%(codes)s): give the village code.")
                    % {"name": district_name, "codes": ", ".join(districts)})
        elif len(self.prefix) >= 6:
            districts = [self.prefix[:6]]
        else:
            candidates = [c for c in self.villages_anywhere.get(key, []) if c.startswith(self.prefix)]
            return self._one(candidates, village_name, "")
        candidates = [c for d in districts for c in self.villages.get((d, key), [])]
        return self._one(candidates, village_name, district_name or district_code)

    @staticmethod
    def _one(candidates: list[str], village_name: str, district: str) -> str:
        if len(candidates) == 1:
            return candidates[0]
        if not candidates:
            if district:
                raise CellError("village_not_found", _("No village named %(name)s in district %(district)s.")
                                % {"name": village_name, "district": district})
            raise CellError("village_not_found", _("No village named %(name)s in this region; add the "
                                                   "district (kecamatan) or the village code.")
                            % {"name": village_name})
        raise CellError("village_ambiguous", _(
            "%(count)d villages are named %(name)s (%(codes)s): add the district (kecamatan) or the village code.")
            % {"count": len(candidates), "name": village_name, "codes": ", ".join(candidates[:5])})
