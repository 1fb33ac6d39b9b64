"""Process caches that stay right when several processes serve one database.

A cache (the rule book, the region codes) keeps a ``Watch`` on its name. Whoever changes what the cache
holds calls ``bump(name)`` in the same transaction; every process asks ``watch.moved()`` before using its
copy, which reads the version row (a primary-key look-up on the primary) at most once per
``CHECK_SECONDS`` and says whether the copy must be read again. An app server therefore sees an
administrator's change made on another server within ``CHECK_SECONDS``.
"""

import threading
import time

from django.db import DatabaseError
from django.db.models import F

from lindung.routing import PRIMARY

from .models import CacheVersion

CHECK_SECONDS = 2.0


def version(name: str) -> int:
    row = CacheVersion.objects.using(PRIMARY).filter(name=name).values_list("version", flat=True).first()
    return row or 0


def bump(name: str) -> None:
    """Tell every process its copy of ``name`` is out of date (inside the changing transaction)."""
    if not CacheVersion.objects.using(PRIMARY).filter(name=name).update(version=F("version") + 1):
        CacheVersion.objects.using(PRIMARY).get_or_create(name=name)
        CacheVersion.objects.using(PRIMARY).filter(name=name).update(version=F("version") + 1)


class Watch:
    """The version a process's copy was read at, and a cheap, rate-limited look at the current one."""

    def __init__(self, name: str, check_seconds: float | None = None):
        self.name = name
        self.check_seconds = CHECK_SECONDS if check_seconds is None else check_seconds
        self.read_at_version: int | None = None
        self.checked_at = 0.0
        self._lock = threading.Lock()

    def start_read(self) -> None:
        """Call before reading the copy: the version it will be current for."""
        try:
            self.read_at_version = version(self.name)
        except DatabaseError:  # no version table yet (a database before migrate): rely on the copy's own expiry
            self.read_at_version = None
        self.checked_at = time.monotonic()

    def moved(self) -> bool:
        """Whether the copy is out of date (asks the database at most once per ``check_seconds``)."""
        if self.read_at_version is None or time.monotonic() - self.checked_at < self.check_seconds:
            return False
        with self._lock:
            self.checked_at = time.monotonic()
            try:
                return version(self.name) != self.read_at_version
            except DatabaseError:
                return False

    def forget(self) -> None:
        self.read_at_version = None
