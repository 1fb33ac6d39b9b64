"""Checking every row of a worker list before anything is written.

One streaming pass over the file: each row's cells are cleaned by its column's cleaner, checked by
``lindung.people.validation.check_worker`` (the registry's one validator), its village resolved and
its scope checked; every 5,000 rows the NIKs are looked up in the registry in one query (already
registered? possibly the same person under another NIK? already paid for in the requested period?).
Rows to be created are written to a spool file in PostgreSQL COPY text format, so memory stays flat
whatever the file size; the commit step streams that spool into the worker table.
"""

import datetime as dt
import json
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _

from lindung.errors import InvalidInput
from lindung.months import add_months
from lindung.people.models import Segment, Worker, normalise_name
from lindung.people.nik import decode_nik, mask_nik
from lindung.people.validation import check_worker, normalise_phone

from .columns import BY_KEY, CellError, header_score
from .models import Severity
from .readers import Table, is_blank, text_of
from .villages import VillageResolver

BATCH = 5000
MAX_NOTICES = 10_000
# The worker columns written by an import, in COPY order. registered_by_id, created_at and
# updated_at are appended when the rows are written.
WORKER_COLUMNS = ["nik", "name", "name_key", "birth_place", "birth_date", "sex", "village_code",
                  "district_code", "regency_code", "province_code", "phone", "occupation", "segment",
                  "ecosystem", "sector", "declared_income", "nik_flags"]
UPDATE_FIELDS = ["name", "birth_place", "birth_date", "sex", "village_id", "phone", "occupation", "segment",
                 "ecosystem", "sector", "declared_income", "nik_flags"]


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


class Validator:
    """Checks rows one by one and the registry in batches; see the module docstring."""

    def __init__(self, access, headers: list, mapping: dict[str, str], options: Options, *,
                 region_code: str = "", today: dt.date | None = None):
        check_mapping(mapping, options)
        self.access = access
        self.options = options
        self.today = today or timezone.localdate()
        self.headers = [text_of(h) for h in headers]
        self.plan = [(int(index), key, memoised(BY_KEY[key].clean) if key in REPETITIVE else BY_KEY[key].clean)
                     for index, key in sorted(mapping.items(), key=lambda kv: int(kv[0]))]
        self.column_of = {key: (self.headers[int(index)] if int(index) < len(self.headers) else key) or key
                          for index, key in mapping.items()}
        self.mapped = set(mapping.values())
        self.resolver = VillageResolver(options.district_code or options.village_code[:6] or region_code)
        self.result = Result(spool=tempfile.TemporaryFile(mode="w+", encoding="utf-8", newline="\n"))
        self.issues: list[Issue] = []
        self.first_row_of_nik: dict[int, int] = {}
        self.first_row_of_person: dict[int, int] = {}
        self.notices = 0
        self._pending: list[tuple] = []  # rows waiting for the batch look-ups
        self.can_register_in = access.can_register_in
        self.default_income = None
        if "declared_income" not in self.mapped:
            from lindung.people import policy
            self.default_income = policy.minimum_declared_income(options.default_segment, self.today)

    # --- per row -------------------------------------------------------------------------------
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
        return row, (data["nik"], person, _copy_prefix(data, name_key), flags, warnings, keep), found

    def accept(self, row: int, packed: tuple | None, found: list[Issue]) -> None:
        """Count an inspected row; keep the first row of each NIK; look rows up in the registry in batches."""
        result = self.result
        result.rows += 1
        if found:
            for issue in found:
                if issue.severity == Severity.NOTICE:
                    self.add_issue(row, "", issue.code, issue.message, Severity.NOTICE, column=issue.column)
                else:
                    self.issues.append(issue)
        if packed is None:
            result.rejected += 1
            return
        nik_int = int(packed[0])
        first = self.first_row_of_nik.get(nik_int)
        if first is not None:
            result.rejected += 1
            self.add_issue(row, "nik", "duplicate_in_file", _(
                "The same NIK is already on row %(row)d of this file.") % {"row": first})
            return
        self.first_row_of_nik[nik_int] = row
        self._pending.append((row, packed))
        if len(self._pending) >= BATCH:
            self.flush()

    def check_row(self, row: int, values: list) -> None:
        self.accept(*self.pack(row, *self.inspect_row(row, values)))

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

    # --- per batch -----------------------------------------------------------------------------
    def flush(self) -> None:
        pending, self._pending = self._pending, []
        if not pending:
            return
        niks = [packed[0] for _row, packed in pending]
        fields = ["nik", "id", *UPDATE_FIELDS] if self.options.update_existing else ["nik", "id"]
        if self.options.update_existing:
            existing = {r[0]: r for r in Worker.objects.filter(nik__in=niks).order_by().values_list(*fields)}
        else:
            existing = {r[0]: r for r in _select_in("SELECT nik, id FROM people_worker", "nik", niks)}
        # Registered workers outside the uploader's scope are not disclosed: such a row is refused with
        # the same words whatever the reason (UU 27/2022; the registration door answers alike).
        in_scope = self._in_scope(list(existing)) if existing else set()
        payers = self._payers([r[1] for r in existing.values()]) if existing and self.options.sponsoring else {}
        possible = self._possible_duplicates({p[1] for _r, p in pending if p[0] not in existing})
        visible_twins = self._in_scope(sorted(set(possible.values()))) if possible else set()
        result, spool = self.result, self.result.spool
        lines = []
        for row, (nik, person_key, line, flags, warnings, data) in pending:
            found = existing.get(nik)
            sponsor = self.options.sponsoring
            if found is not None and nik not in in_scope:
                result.rejected += 1
                self.add_issue(row, "nik", "cannot_register", _(
                    "This NIK cannot be registered or changed from your regions; contact the BPJS "
                    "Ketenagakerjaan branch office."))
                continue
            if found is not None and found[1] in payers:
                if payers[found[1]] - {self.options.funder_id}:
                    result.rejected += 1
                    self.add_issue(row, "nik", "already_covered", _(
                        "Another funder already pays (or has proposed to pay) for this worker in some of the "
                        "requested programme-months."))
                    continue
                sponsor = False
                result.already_sponsored += 1
                self.add_issue(row, "nik", "already_sponsored", _(
                    "This funder already pays (or has proposed to pay) for this worker in that period; no new "
                    "sponsorship."), Severity.NOTICE)
            flags = list(flags)
            # NIK warnings are for rows that are saved (new or updated): a row left unchanged because it is
            # registered is not reviewed, so the "to review" count and the review tab count the same rows.
            if found is None or self.options.update_existing:
                for message, code in zip(warnings, flags):
                    self.add_issue(row, "nik", f"nik_{code}", message, Severity.REVIEW)
            if found is None:
                twin = possible.get(person_key)
                person = hash(person_key)
                first = self.first_row_of_person.get(person)  # (its NIK differs: equal NIKs were rejected)
                if twin and twin != nik:
                    flags.append("possible_duplicate")
                    if twin in visible_twins:
                        message = _("May be the same person as registered worker %(nik)s (same name and birth date "
                                    "in this regency, another NIK): check before paying.") % {"nik": mask_nik(twin)}
                    else:  # registered outside the uploader's regions: flagged for review, not named
                        message = _("May be the same person as a worker registered under another NIK (same name "
                                    "and birth date in this regency): the branch office checks it before paying.")
                    self.add_issue(row, "name", "possible_duplicate", message, Severity.REVIEW)
                elif first is not None:
                    flags.append("possible_duplicate")
                    self.add_issue(row, "name", "possible_duplicate_in_file", _(
                        "May be the same person as row %(row)d (same name and birth date in this regency, "
                        "another NIK): check before paying.") % {"row": first}, Severity.REVIEW)
                if first is None:
                    self.first_row_of_person[person] = row
                if flags:
                    result.flagged += 1
                result.created += 1
                lines.append(f"{line}{json.dumps(flags) if flags else '[]'}\n")
                if sponsor:
                    result.sponsor_niks.append(nik)
            elif not self.options.update_existing:
                result.skipped += 1
                self.add_issue(row, "nik", "already_registered", _(
                    "Already registered; left unchanged (choose “update existing workers” to update it)."),
                    Severity.NOTICE)
                if sponsor:
                    result.sponsor_niks.append(nik)
            else:
                changes = _changes(found, data, flags)
                if changes:
                    result.updated += 1
                    before = dict(zip(UPDATE_FIELDS, found[2:]))
                    result.updates.append((found[1], changes, {k: before[k] for k in changes}))
                else:
                    result.unchanged += 1
                if flags:
                    result.flagged += 1
                if sponsor:
                    result.sponsor_niks.append(nik)
        if lines:
            spool.write("".join(lines))

    def _in_scope(self, niks: list[str]) -> set[str]:
        """Which of these registered NIKs the uploader may see and change."""
        if self.access.is_national:
            return set(niks)
        return set(self.access.workers().filter(nik__in=niks).values_list("nik", flat=True))

    def _payers(self, worker_ids: list[int]) -> dict[int, set[int]]:
        """Funders already paying (or with an open proposal) for any requested programme-month, per worker."""
        from lindung.funding.models import CoveredMonth, Sponsorship, SponsorshipState

        o = self.options
        start = o.start_month.replace(day=1)
        end = add_months(start, int(o.months) - 1)
        programs = set(o.programs)
        found: dict[int, set[int]] = {}
        covered = (CoveredMonth.objects.filter(worker_id__in=worker_ids, month__gte=start, month__lte=end,
                                               program__in=programs)
                   .order_by().values_list("worker_id", "funder_id").distinct())
        for worker_id, funder_id in covered:
            found.setdefault(worker_id, set()).add(funder_id)
        proposals = Sponsorship.objects.filter(state=SponsorshipState.PROPOSED, worker_id__in=worker_ids,
                                               start_month__lte=end, end_month__gte=start)
        for worker_id, funder_id, keys in proposals.order_by().values_list("worker_id", "funder_id", "programs"):
            if programs & set(keys.split(",")):
                found.setdefault(worker_id, set()).add(funder_id)
        return found

    def _possible_duplicates(self, keys: set[tuple]) -> dict[tuple, str]:
        """Registered workers with the same normalised name and birth date in the same regency.

        ``keys`` are (name key, ISO birth date, regency code). One query per batch on the
        (regency_code, birth_date, name_key) index, in raw SQL: building an ORM query with thousands
        of parameters costs more than running it.
        """
        if not keys:
            return {}
        found: dict[tuple, str] = {}
        if connection.vendor == "postgresql":
            # One index probe per (regency, birth date, name) triple, the triples passed as three arrays.
            triples = sorted(keys)
            sql = ("SELECT w.name_key, w.birth_date, w.regency_code, w.nik FROM people_worker w "
                   "JOIN unnest(%s::text[], %s::date[], %s::text[]) AS k(name_key, birth_date, regency_code) "
                   "ON w.regency_code = k.regency_code AND w.birth_date = k.birth_date AND w.name_key = k.name_key")
            params = [[t[0] for t in triples], [t[1] for t in triples], [t[2] for t in triples]]
            with connection.cursor() as cursor:
                cursor.execute(sql, params)
                rows = cursor.fetchall()
        else:
            births = sorted({k[1] for k in keys})
            regencies = sorted({k[2] for k in keys})
            names = sorted({k[0] for k in keys})
            rows = []
            for start in range(0, len(names), BATCH):
                chunk = names[start:start + BATCH]
                sql = ("SELECT name_key, birth_date, regency_code, nik FROM people_worker WHERE regency_code IN "
                       f"({', '.join(['%s'] * len(regencies))}) AND birth_date IN ({', '.join(['%s'] * len(births))}) "
                       f"AND name_key IN ({', '.join(['%s'] * len(chunk))})")
                with connection.cursor() as cursor:
                    cursor.execute(sql, [*regencies, *births, *chunk])
                    rows += cursor.fetchall()
        for name_key, birth, regency, nik in rows:
            key = (name_key, birth if isinstance(birth, str) else birth.isoformat(), regency)
            if key in keys:
                found.setdefault(key, nik)
        return found

    def finish(self) -> Result:
        self.flush()
        self.result.spool.flush()
        return self.result


def _in(column: str, values: list) -> tuple[str, list]:
    """``column IN (…)`` for a batch of values: one array parameter on PostgreSQL (a statement with
    thousands of parameters costs more to plan than to run there), a parameter list on SQLite."""
    if connection.vendor == "postgresql":
        return f"{column} = ANY(%s)", [list(values)]
    return f"{column} IN ({', '.join(['%s'] * len(values))})", list(values)


def _select_in(sql: str, column: str, values: list) -> list[tuple]:
    condition, params = _in(column, values)
    with connection.cursor() as cursor:
        cursor.execute(f"{sql} WHERE {condition}", params)
        return cursor.fetchall()


def _copy_text(value: str) -> str:
    if "\\" in value or "\t" in value or "\n" in value or "\r" in value:
        return value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
    return value


def _copy_prefix(data: dict, name_key: str) -> str:
    """One worker in PostgreSQL COPY text format (also read back for SQLite), up to its flags column."""
    village = data["village_code"]
    return "\t".join((
        data["nik"], _copy_text(data["name"].strip()), name_key, _copy_text(data.get("birth_place") or ""),
        data["birth_date"].isoformat(), data["sex"], village, village[:6], village[:4], village[:2],
        _copy_text(data.get("phone") or ""), _copy_text(data.get("occupation") or ""), data["segment"],
        data.get("ecosystem") or "rentan", data.get("sector") or "other", str(data["declared_income"]), "",
    ))


def _changes(found: tuple, data: dict, flags: list[str]) -> dict:
    current = dict(zip(UPDATE_FIELDS, found[2:]))
    new = {
        "name": data["name"].strip(), "birth_place": data.get("birth_place") or current["birth_place"],
        "birth_date": data["birth_date"], "sex": data["sex"], "village_id": data["village_code"],
        "phone": normalise_phone(data.get("phone") or "") or current["phone"],
        "occupation": data.get("occupation") or current["occupation"], "segment": data["segment"],
        "ecosystem": data.get("ecosystem") or current["ecosystem"], "sector": data.get("sector") or current["sector"],
        "declared_income": data["declared_income"],
        # A review flag set earlier stays until someone clears it by hand.
        "nik_flags": flags + [f for f in (current["nik_flags"] or []) if f == "possible_duplicate" and f not in flags],
    }
    return {k: v for k, v in new.items() if current.get(k) != v}


def validate_rows(validator: Validator, rows: Iterator[tuple[int, list]],
                  progress: Callable[[int], None] | None = None) -> Result:
    """Check every row, in file order, reporting progress every 1,000 rows."""
    count = 0
    for row, values in rows:
        if is_blank(values):
            validator.result.blank += 1
            continue
        validator.check_row(row, values)
        count += 1
        if progress is not None and (count % 1000 == 0 or count == 1):
            progress(count)
    result = validator.finish()
    if progress is not None:
        progress(count)
    return result


def numbered_rows(table: Table, header_row: int) -> Iterator[tuple[int, list]]:
    """The data rows after the header, numbered as in the spreadsheet."""
    for number, values in enumerate(table.raw_rows(), start=1):
        if number > header_row:
            yield number, values

