"""Checking one row of a worker list on its own: cells cleaned, the registry's validator, the village
and the uploader's scope — nothing that needs another row or the registry (``registry_checks`` does that,
per batch). Also the options of an import, its findings and counts, and the header row.
"""

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from lindung.errors import InvalidInput
from lindung.people.models import Segment, normalise_name
from lindung.people.nik import decode_nik
from lindung.people.validation import check_worker, normalise_phone

from .columns import BY_KEY, CellError, header_score
from .copyformat import copy_prefix
from .models import Severity
from .readers import is_blank

MAX_NOTICES = 10_000


@dataclass
class Options:
    update_existing: bool = False
    all_or_nothing: bool = False
    dry_run: bool = False
    village_code: str = ""      # the list is for this village: rows without a village go there
    district_code: str = ""     # village names are looked up in this district
    default_segment: str = Segment.BPU_VULNERABLE
    funder_id: int | None = None
    programs: list[str] = field(default_factory=list)
    start_month: dt.date | None = None
    months: int | None = None
    funding_source: str = ""
    note: str = ""

    @property
    def sponsoring(self) -> bool:
        return bool(self.funder_id and self.programs and self.start_month and self.months)

    def as_json(self) -> dict:
        data = dict(self.__dict__)
        data["start_month"] = self.start_month.isoformat() if self.start_month else None
        return data

    @classmethod
    def from_json(cls, data: dict) -> "Options":
        data = dict(data or {})
        if data.get("start_month"):
            data["start_month"] = dt.date.fromisoformat(data["start_month"])
        known = set(cls.__dataclass_fields__)
        return cls(**{k: v for k, v in data.items() if k in known})


@dataclass
class Issue:
    row: int
    column: str
    code: str
    message: str
    severity: str = Severity.ERROR

    def as_dict(self) -> dict:
        return {"row": self.row, "column": self.column, "code": self.code, "message": self.message,
                "severity": self.severity}


@dataclass
class Result:
    rows: int = 0
    created: int = 0          # new workers (written, or to be written)
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0          # already registered, operator chose not to update
    rejected: int = 0
    flagged: int = 0          # accepted, but needs review (possible duplicate, NIK warnings)
    blank: int = 0
    already_sponsored: int = 0  # the chosen funder already pays for them in that period
    spool: object = None      # the COPY-format file of rows to create
    updates: list = field(default_factory=list)       # (worker id, {field: new value}, {field: value before})
    sponsor_niks: list = field(default_factory=list)  # NIKs of accepted rows, for sponsorships

    @property
    def accepted(self) -> int:
        return self.created + self.updated + self.unchanged + self.skipped

    def counts(self) -> dict:
        return {"rows": self.rows, "blank": self.blank, "accepted": self.accepted, "rejected": self.rejected,
                "created": self.created, "updated": self.updated, "unchanged": self.unchanged,
                "skipped": self.skipped, "flagged": self.flagged, "already_sponsored": self.already_sponsored}


# Columns whose values repeat from row to row (a list names few villages, dates of birth and incomes
# repeat): their cleaners remember answers per distinct cell value.


REPETITIVE = {"birth_date", "sex", "village_code", "village_name", "district_name", "district_code",
              "occupation", "birth_place", "declared_income", "segment", "ecosystem", "sector"}
MEMO_LIMIT = 100_000


def memoised(clean: Callable) -> Callable:
    cache: dict = {}

    def cached(value):
        try:
            answer = cache[value]
        except (KeyError, TypeError):  # TypeError: an unhashable cell value
            try:
                answer = clean(value)
            except CellError as exc:
                answer = exc
            if len(cache) < MEMO_LIMIT and not isinstance(value, bool):  # True == 1: keep them apart
                try:
                    cache[value] = answer
                except TypeError:
                    pass
        if isinstance(answer, CellError):
            raise CellError(answer.code, answer.message)
        return answer

    return cached


class MappingError(InvalidInput):
    """The columns cannot be used as mapped (e.g. no NIK column); the message says why."""


def find_header(rows: Iterator[list]) -> tuple[int, list, list[list]]:
    """The header row among the first lines: the one naming the most known columns.

    Returns (header row number, header values, the rows read after it so far).
    """
    seen: list[list] = []
    for values in rows:
        seen.append(list(values))
        if len(seen) >= 10:
            break
    if not seen:
        raise MappingError(_("The file has no rows."))
    scores = [header_score(v) for v in seen]
    best = max(range(len(seen)), key=lambda i: (scores[i], -i))
    if scores[best] == 0:
        best = next(i for i, v in enumerate(seen) if not is_blank(v)) if any(not is_blank(v) for v in seen) else 0
    return best + 1, seen[best], seen[best + 1:]


def check_mapping(mapping: dict[str, str], options: Options) -> None:
    fields = set(mapping.values())
    if "nik" not in fields:
        raise MappingError(_("No column is mapped to NIK."))
    if "name" not in fields:
        raise MappingError(_("No column is mapped to the name."))
    if not fields & {"village_code", "village_name"} and not options.village_code:
        raise MappingError(_("No column gives the village (code or name): map one, or choose the village "
                             "the whole list is for."))


class RowChecks:
    """The per-row half of ``lindung.imports.pipeline.Validator``."""

    def column(self, key: str) -> str:
        """The file's header for a field, for the report (the field's label when no column holds it)."""
        if key in self.column_of:
            return self.column_of[key]
        if key == "village_code" and "village_name" in self.column_of:
            return self.column_of["village_name"]
        if key == "birth_date" and "birth_place_date" in self.column_of:
            return self.column_of["birth_place_date"]
        return str(BY_KEY[key].label) if key in BY_KEY else key

    def add_issue(self, row: int, key: str, code: str, message: str, severity: str = Severity.ERROR, *,
                  column: str | None = None) -> None:
        if severity == Severity.NOTICE:
            self.notices += 1
            if self.notices > MAX_NOTICES:  # a re-sent list of 100,000 known workers needs no 100,000 lines
                return
        self.issues.append(Issue(row, self.column(key) if column is None else column, code, message, severity))

    def inspect_row(self, row: int, values: list) -> tuple[dict | None, list[Issue], list, list]:
        """Clean and check one row on its own — no registry look-up, no other row.

        Returns (the typed row, or None when rejected; its issues; NIK flag codes; NIK warnings).
        """
        found: list[Issue] = []
        data: dict = {}
        failed: set[str] = set()
        n = len(values)
        for index, key, clean in self.plan:
            value = values[index] if index < n else None
            try:
                data[key] = clean(value)
            except CellError as exc:
                failed.add(key)
                found.append(Issue(row, self.column(key), exc.code, exc.message))
                continue
            if key == "nik" and isinstance(value, str) and value.strip() != data[key]:
                found.append(Issue(row, self.column(key), "nik_cleaned", _(
                    "NIK written as “%(text)s”; read as %(nik)s (separators and the spreadsheet's text "
                    "marker removed).") % {"text": value.strip(), "nik": data[key]}, Severity.NOTICE))
        self._complete(row, data, failed, found)
        if data.get("phone"):
            data["phone"] = normalise_phone(data["phone"])
        check = check_worker(data, today=self.today)
        rejected = bool(failed)
        if check.errors:
            for name, code, message in check.issues():
                if name in failed:
                    continue
                rejected = True
                found.append(Issue(row, self.column(name), code, message))
        if not rejected:
            village = data["village_code"]
            if not self.can_register_in(village):
                rejected = True
                found.append(Issue(row, self.column("village_code"), "outside_scope", _(
                    "Village %(code)s is outside the regions you are assigned to.") % {"code": village}))
        if rejected:
            return None, found, [], []
        return data, found, check.flags, check.warnings

    def pack(self, row: int, data: dict | None, found: list[Issue], flags: list, warnings: list) -> tuple:
        """An inspected row in the compact form the batch step needs:
        (row, (NIK, (name key, birth date, regency), COPY line without its flags, flags, warnings,
        the typed row when updates were asked) or None, issues)."""
        if data is None:
            return row, None, found
        name_key = normalise_name(data["name"])
        person = (name_key, data["birth_date"].isoformat(), data["village_code"][:4])
        keep = data if self.options.update_existing else None
        return row, (data["nik"], person, copy_prefix(data, name_key), flags, warnings, keep), found

    def _complete(self, row: int, data: dict, failed: set[str], found: list[Issue]) -> None:
        """Fill what the row leaves out: place/date split, defaults, birth date and sex from the NIK,
        the village from its name."""
        if "birth_place_date" in data:
            place, born = data.pop("birth_place_date")
            data.setdefault("birth_place", place)
            if data.get("birth_date") is None and "birth_date" not in failed:
                data["birth_date"] = born
        elif "birth_place_date" in failed:
            failed.add("birth_date")
        nik = data.get("nik") or ""
        if ("birth_date" not in self.mapped and "birth_place_date" not in self.mapped) or not data.get("sex"):
            info = decode_nik(nik, today=self.today) if len(nik) == 16 and nik.isdigit() else None
            if info is not None and info.valid:
                if "birth_date" not in self.mapped and "birth_place_date" not in self.mapped:
                    data["birth_date"] = info.birth_date
                if not data.get("sex") and "sex" not in failed:
                    data["sex"] = info.sex
        if not data.get("segment") and "segment" not in failed:
            data["segment"] = self.options.default_segment
        if self.default_income is not None:
            data["declared_income"] = self.default_income
        if "village_code" in failed:
            return
        code = data.get("village_code") or ""
        if not code:
            name = data.get("village_name") or ""
            if name:
                try:
                    data["village_code"] = self.resolver.resolve(name, data.get("district_name") or "",
                                                                 data.get("district_code") or "")
                except CellError as exc:
                    failed.add("village_code")
                    found.append(Issue(row, self.column("village_name"), exc.code, exc.message))
            elif self.options.village_code:
                data["village_code"] = self.options.village_code
