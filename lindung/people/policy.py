"""Registration thresholds the registry checks against.

These are settings with defaults: the minimum declared income of Permenaker 5/2021 (Rp1,000,000 for BPU)
and the age window local programmes use (15–65 at registration).
"""

import datetime as dt
from collections.abc import Callable

from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver

from .models import Segment

DEFAULT_MINIMUM_BPU_INCOME = 1_000_000  # Rp, Permenaker 5/2021
DEFAULT_AGE_WINDOW = (15, 65)


_age_window: tuple[int, int] | None = None


def registration_age_window() -> tuple[int, int]:
    """Read once (an importer asks for every row); forgotten when a test overrides the setting."""
    global _age_window
    if _age_window is None:
        _age_window = tuple(getattr(settings, "LINDUNG_REGISTRATION_AGE_WINDOW", DEFAULT_AGE_WINDOW))
    return _age_window


@receiver(setting_changed)
def _forget_age_window(setting, **kwargs):
    global _age_window
    if setting == "LINDUNG_REGISTRATION_AGE_WINDOW":
        _age_window = None


# The effective-dated rule, handed in by the rules app when Django is ready (rules/apps.py): the rules
# sit on a higher floor than the registry. ``rule(segment, day)`` answers the minimum or None.
_minimum_income_rule: Callable[[str, dt.date], int | None] | None = None


def use_minimum_income_rule(rule: Callable[[str, dt.date], int | None]) -> None:
    global _minimum_income_rule
    _minimum_income_rule = rule


def minimum_declared_income(segment: str, on: dt.date) -> int:
    """Minimum declared monthly income for a segment on a date (0 when none applies).

    Read from the effective-dated rule data (``lindung.rules``); the defaults above apply only when no
    rule row covers the date.
    """
    minimum = _minimum_income_rule(segment, on) if _minimum_income_rule is not None else None
    if minimum is not None:
        return minimum
    return DEFAULT_MINIMUM_BPU_INCOME if segment in Segment.bpu() else 0
