"""Loading the shipped Kemendagri region codes and Dukcapil population figures.

Both loads are idempotent upserts in one transaction: running them twice leaves the same rows.
"""

import csv
from dataclasses import dataclass
from pathlib import Path

from django.db import connection, transaction
from django.utils.translation import gettext as _

from lindung import dialect
from lindung.errors import InvalidInput

from . import cache
from .models import LEVEL_NAMES, Population, Region, WorkingPopulation

DATA_DIR = Path(__file__).resolve().parent / "data"
REGIONS_CSV = DATA_DIR / "wilayah.csv"
POPULATION_CSV = DATA_DIR / "penduduk_dukcapil_2024s2.csv"
POPULATION_SOURCE = "Dukcapil semester II 2024"
BATCH = 5000  # rows between two progress reports
ROWS_PER_STATEMENT = 1000


@dataclass
class LoadResult:
    regions: int
    by_level: dict[str, int]
    populations: int


def read_regions(path: Path = REGIONS_CSV) -> list[tuple[str, str, int, str | None]]:
    """(code, name, level, parent code) of every region in the file."""
    with open(path, newline="", encoding="utf-8") as f:
        return [(row["code"], row["name"], LEVEL_NAMES[row["level"]], row["parent_code"] or None)
                for row in csv.DictReader(f)]


@transaction.atomic
def load_regions(path: Path = REGIONS_CSV, population_path: Path = POPULATION_CSV,
                 progress=None) -> LoadResult:
    existing = {code: (name, level, parent) for code, name, level, parent
                in Region.objects.values_list("code", "name", "level", "parent_id").iterator(chunk_size=20_000)}
    # Only new or changed rows are written, so a reload of unchanged data is a read.
    regions = sorted((r for r in read_regions(path) if existing.get(r[0]) != r[1:]),
                     key=lambda r: r[2])  # parents before children
    # Plain tuples, 1,000 rows a statement, through one upsert both databases spell alike: building
    # 91,599 model instances (or one round trip per row) costs several times the database's own work.
    with connection.cursor() as cursor:
        for start in range(0, len(regions), BATCH):
            for chunk in dialect.chunks(regions[start:start + BATCH], ROWS_PER_STATEMENT):
                cursor.execute(
                    f"INSERT INTO {dialect.table(Region)} (code, name, level, parent_id) VALUES "
                    + ", ".join(["(%s, %s, %s, %s)"] * len(chunk))
                    + " ON CONFLICT (code) DO UPDATE SET name = excluded.name, level = excluded.level, "
                      "parent_id = excluded.parent_id",
                    [value for row in chunk for value in row])
            if progress:
                progress(min(start + BATCH, len(regions)), len(regions))
    if regions:
        cache.invalidate()  # every process reads the codes again
    populations = load_population(population_path)
    by_level = {name: Region.objects.filter(level=level).count() for name, level in LEVEL_NAMES.items()}
    return LoadResult(regions=Region.objects.count(), by_level=by_level, populations=populations)


def load_population(path: Path = POPULATION_CSV) -> int:
    with open(path, newline="", encoding="utf-8") as f:
        rows = [
            Population(region_id=row["code"], year=2024, semester=2, male=int(row["male"]),
                       female=int(row["female"]), total=int(row["total"]), source=POPULATION_SOURCE)
            for row in csv.DictReader(f)
        ]
    Population.objects.bulk_create(
        rows, update_conflicts=True, unique_fields=["region", "year", "semester"],
        update_fields=["male", "female", "total", "source"],
    )
    return len(rows)


class WorkingPopulationError(InvalidInput):
    """A working-population file line that cannot be used; the message names the line."""


@transaction.atomic
def import_working_population(rows, user=None) -> int:
    """Upsert (code, year, count[, source]) rows; all or nothing.

    Raises WorkingPopulationError naming the first bad line, in the user's language.
    """
    seen = []
    known = set()
    for number, row in enumerate(rows, start=2):
        code = (row.get("code") or row.get("kode") or "").strip().replace(".", "")
        try:
            year = int(str(row.get("year") or row.get("tahun") or "").strip())
            count = int(str(row.get("count") or row.get("jumlah") or "").strip().replace(",", ""))
        except ValueError:
            raise WorkingPopulationError(
                _("Line %(line)d: year and count must be whole numbers.") % {"line": number}
            ) from None
        if count < 0 or not 1900 <= year <= 2200:
            raise WorkingPopulationError(_("Line %(line)d: year or count out of range.") % {"line": number})
        seen.append((code, year, count, (row.get("source") or row.get("sumber") or "").strip()))
        known.add(code)
    existing = set(Region.objects.filter(code__in=known).values_list("code", flat=True))
    for number, (code, *_rest) in enumerate(seen, start=2):
        if code not in existing:
            raise WorkingPopulationError(
                _("Line %(line)d: unknown region code %(code)s.") % {"line": number, "code": code}
            )
    WorkingPopulation.objects.bulk_create(
        [WorkingPopulation(region_id=c, year=y, count=n, source=s, entered_by=user) for c, y, n, s in seen],
        update_conflicts=True, unique_fields=["region", "year"],
        update_fields=["count", "source", "entered_by"],
    )
    return len(seen)
