"""``{{ n|number }}``, ``{{ amount|rupiah }}``, ``{{ pct|percent }}`` in every template (a built-in library).

Thin wrappers over ``lindung.formatting``, the one home of how numbers are written.
"""

from django import template

from lindung import formatting

register = template.Library()


@register.filter
def number(value, decimals=0):
    """{{ 25848|number }} → 25.848; {{ 3.5|number:1 }} → 3,5."""
    return formatting.number(value, None if decimals is None else int(decimals))


@register.filter
def rupiah(amount):
    """{{ 1500000|rupiah }} → Rp1.500.000."""
    return formatting.rupiah(amount)


@register.filter
def percent(value, decimals=2):
    """{{ 3.9412|percent }} → 3,94 %; {{ rate|percent:None }} keeps the rate's own digits."""
    return formatting.percent(value, None if decimals is None else int(decimals))


@register.filter
def moment(value):
    """{{ token.created_at|moment }} → 2026-12-01 08:05, in the configured time zone (WIB), – when empty."""
    return formatting.moment(value)
