"""Process-wide sets of region codes for validating many rows without a query per row."""

from functools import lru_cache

from .models import Level, Region


@lru_cache(maxsize=None)
def _codes(level: int) -> frozenset[str]:
    return frozenset(Region.objects.filter(level=level).values_list("code", flat=True))


def district_exists(code: str) -> bool:
    return code in _codes(Level.DISTRICT)


def village_exists(code: str) -> bool:
    return code in _codes(Level.VILLAGE)


def clear() -> None:
    """Forget cached codes (after `lindung regions load`, and between tests)."""
    _codes.cache_clear()
