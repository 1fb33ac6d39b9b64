"""Process-wide sets of region codes for validating many rows without a query per row.

Every process keeps its own sets; a reload of the region tree (``lindung regions load``) bumps the
shared version (``lindung.processes.caches``), so every app server and worker reads them again.
"""

import threading

from lindung.processes import caches
from lindung.routing import PRIMARY

from .models import Level, Region

_lock = threading.Lock()
_codes_by_level: dict[int, frozenset[str]] = {}
_watch = caches.Watch("regions")


def _codes(level: int) -> frozenset[str]:
    codes = _codes_by_level.get(level)
    if codes is not None and not _watch.moved():
        return codes
    with _lock:
        if codes is not None and _codes_by_level.get(level) is codes:
            _codes_by_level.clear()  # the version moved: every level is read again
        if not _codes_by_level:
            _watch.start_read()
        if level not in _codes_by_level:
            _codes_by_level[level] = frozenset(
                Region.objects.using(PRIMARY).filter(level=level).values_list("code", flat=True))
        return _codes_by_level[level]


def district_exists(code: str) -> bool:
    return code in _codes(Level.DISTRICT)


def village_exists(code: str) -> bool:
    return code in _codes(Level.VILLAGE)


def clear() -> None:
    """Forget this process's codes (after `lindung regions load`, and between tests)."""
    with _lock:
        _codes_by_level.clear()
        _watch.forget()


def invalidate() -> None:
    """The region tree changed: every process reads its codes again."""
    caches.bump("regions")
    clear()
