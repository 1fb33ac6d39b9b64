"""Checking every row of a worker list before anything is written.

One streaming pass over the file: each row is checked on its own (``rows``: cells cleaned by its
column's cleaner, ``lindung.people.validation.check_worker`` — the registry's one validator — its
village resolved and its scope checked); every 5,000 rows the NIKs are looked up in the registry in one
query (``registry_checks``: already registered? possibly the same person under another NIK? already
paid for in the requested period?). Rows to be created are written to a spool file in PostgreSQL COPY
text format (``copyformat``), so memory stays flat whatever the file size; the commit step streams that
spool into the worker table.
"""

import datetime as dt
import tempfile
from collections.abc import Callable, Iterator

from django.utils import timezone
from django.utils.translation import gettext as _

from lindung.people import policy

from .columns import BY_KEY
from .copyformat import WORKER_COLUMNS
from .models import Severity
from .readers import Table, is_blank, text_of
from .registry_checks import BATCH, UPDATE_FIELDS, RegistryChecks
from .rows import (
    REPETITIVE, Issue, MappingError, Options, Result, RowChecks, check_mapping, find_header, memoised,
)
from .villages import VillageResolver

__all__ = ["BATCH", "UPDATE_FIELDS", "WORKER_COLUMNS", "Issue", "MappingError", "Options", "Result", "Validator",
           "check_mapping", "find_header", "numbered_rows", "validate_rows"]


class Validator(RowChecks, RegistryChecks):
    """Checks rows one by one (``RowChecks``) and the registry in batches (``RegistryChecks``)."""

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
            self.default_income = policy.minimum_declared_income(options.default_segment, self.today)

    # --- per row -------------------------------------------------------------------------------

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

    def finish(self) -> Result:
        self.flush()
        self.result.spool.flush()
        return self.result


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
