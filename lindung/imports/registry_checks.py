"""Checking a batch of rows against the registry: one look-up per 5,000 rows.

Already registered (and may the uploader see and change that worker?), possibly the same person under
another NIK, already paid for by a funder in the requested period. The per-batch half of
``lindung.imports.pipeline.Validator``; rows to create are written to its spool in COPY format.
"""

import json

from django.db import connection
from django.utils.translation import gettext as _

from lindung import dialect
from lindung.funding.models import Funder
from lindung.funding.sponsorships import payers_of
from lindung.months import add_months
from lindung.people.models import Worker
from lindung.people.nik import mask_nik
from lindung.people.services import refuse_import_rows
from lindung.people.validation import normalise_phone

from .models import Severity

BATCH = 5000
UPDATE_FIELDS = ["name", "birth_place", "birth_date", "sex", "village_id", "phone", "occupation", "segment",
                 "ecosystem", "sector", "declared_income", "nik_flags"]


class RegistryChecks:
    """Registry look-ups for the rows a ``Validator`` has collected (``self._pending``)."""

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
        payer_names = self._funder_names({f for ids in payers.values() for f in ids})
        possible = self._possible_duplicates({p[1] for _r, p in pending if p[0] not in existing})
        visible_twins = self._in_scope(sorted(set(possible.values()))) if possible else set()
        outside = [r[1] for n, r in existing.items() if n not in in_scope]
        outside += [w for w in self._twin_ids(set(possible.values()) - visible_twins)]
        refuse_import_rows(self.access, outside)  # audited, and limited per hour (a registry oracle otherwise)
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
                others = payers[found[1]] - {self.options.funder_id}
                if others:
                    result.rejected += 1
                    self.add_issue(row, "nik", "already_covered", _(
                        "Already paid (or proposed to be paid) by %(funders)s for some of the months %(first)s – "
                        "%(last)s; the other rows go ahead without this one.") % {
                        "funders": ", ".join(sorted(payer_names.get(f, "–") for f in others)),
                        "first": f"{self.options.start_month:%Y-%m}", "last": self._last_month()})
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

    def _twin_ids(self, niks: set[str]) -> list[int]:
        if not niks:
            return []
        return list(Worker.objects.filter(nik__in=sorted(niks)).values_list("id", flat=True))

    def _funder_names(self, funder_ids: set[int]) -> dict[int, str]:
        return dict(Funder.objects.filter(pk__in=funder_ids).values_list("id", "name")) if funder_ids else {}

    def _last_month(self) -> str:
        return f"{add_months(self.options.start_month.replace(day=1), int(self.options.months) - 1):%Y-%m}"

    def _payers(self, worker_ids: list[int]) -> dict[int, set[int]]:
        """Funders already paying (or with an open proposal) for any requested programme-month, per worker."""
        o = self.options
        return payers_of(worker_ids, o.programs, o.start_month.replace(day=1), int(o.months))

    def _possible_duplicates(self, keys: set[tuple]) -> dict[tuple, str]:
        """Registered workers with the same normalised name and birth date in the same regency.

        ``keys`` are (name key, ISO birth date, regency code). One query per batch on the
        (regency_code, birth_date, name_key) index, in raw SQL: building an ORM query with thousands
        of parameters costs more than running it.
        """
        if not keys:
            return {}
        found: dict[tuple, str] = {}
        if dialect.is_postgres():
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


def _in(column: str, values: list) -> tuple[str, list]:
    """``column IN (…)`` for a batch of values: one array parameter on PostgreSQL (a statement with
    thousands of parameters costs more to plan than to run there), a parameter list on SQLite."""
    if dialect.is_postgres():
        return f"{column} = ANY(%s)", [list(values)]
    return f"{column} IN ({', '.join(['%s'] * len(values))})", list(values)


def _select_in(sql: str, column: str, values: list) -> list[tuple]:
    condition, params = _in(column, values)
    with connection.cursor() as cursor:
        cursor.execute(f"{sql} WHERE {condition}", params)
        return cursor.fetchall()


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
