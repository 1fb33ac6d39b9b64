"""Codes shown through their labels in every template (a built-in library, like ``numbers``):
``{{ b.source|funding_source }}`` → "Anggaran provinsi (APBD provinsi)", ``{{ s.programs|programs }}`` →
"JKK + JKM", ``{{ w.segment|segment }}`` → "BPU rentan". Wrappers over ``lindung.formatting.label``."""

from django import template

from lindung.formatting import label
from lindung.people.models import Sector, Segment
from lindung.rules.choices import FundingSource

register = template.Library()


@register.filter
def funding_source(code):
    return label(FundingSource, code)


@register.filter
def segment(code):
    return label(Segment, code)


@register.filter
def programs(codes):
    """Programme codes (``jkk,jkm`` or a list) as the programmes' proper names, ``JKK + JKM``."""
    if isinstance(codes, str):
        codes = [c for c in codes.split(",") if c]
    return " + ".join(str(c).upper() for c in codes or [])


@register.filter
def funding_sources(codes):
    """Several funding sources by their labels, comma-separated."""
    return ", ".join(label(FundingSource, c) for c in codes or [])


@register.filter
def sectors(codes):
    return ", ".join(label(Sector, c) for c in codes or [])
