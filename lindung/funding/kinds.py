"""Which funding sources each kind of funder may use, kept as data (a village pays from ADD or its own
revenue, not from the central Dana Desa — the 2024 Dana Desa priorities guidance)."""

import json
from pathlib import Path

from .models import FunderKindSource

DATA_FILE = Path(__file__).resolve().parent / "data" / "kind_sources.json"


def default_kind_sources() -> list[tuple[str, str, str]]:
    data = json.loads(DATA_FILE.read_text(encoding="utf-8"))
    return [(kind, row["source"], row.get("note", "")) for kind, rows in data.items() if not kind.startswith("_")
            for row in rows]


def load_kind_sources(model=None) -> int:
    """Add the shipped defaults that are missing; never removes an administrator's rows. Returns rows added."""
    if model is None:
        model = FunderKindSource
    existing = set(model.objects.values_list("kind", "source"))
    new = [model(kind=k, source=s, note=n) for k, s, n in default_kind_sources() if (k, s) not in existing]
    model.objects.bulk_create(new, ignore_conflicts=True)
    return len(new)


def allowed_sources(kind: str) -> set[str]:
    sources = set(FunderKindSource.objects.filter(kind=kind).values_list("source", flat=True))
    if not sources and not FunderKindSource.objects.exists():
        load_kind_sources()  # a freshly flushed database: fall back to the shipped defaults
        sources = set(FunderKindSource.objects.filter(kind=kind).values_list("source", flat=True))
    return sources
