"""Charts are SVG drawn by templates: their coordinates must stay machine numbers in every language
(Indonesian writes 127,5 for 127.5, which SVG cannot read)."""

import re

import pytest
from django.test import Client

from .conftest import DADAPKUNING, create_worker

GEOMETRY = re.compile(r'\b(x|y|x1|x2|y1|y2|width|height)="([^"]*)"')


@pytest.mark.parametrize("lang", ["id", "en"])
def test_coverage_chart_coordinates_are_plain_numbers(db, national_admin, lang):
    create_worker(DADAPKUNING, serial=1)
    client = Client()
    client.force_login(national_admin)
    client.cookies["django_language"] = lang
    html = client.get("/coverage/region/3525/?month=2026-06").content.decode()
    values = GEOMETRY.findall(html[html.index("<svg"):])
    assert values, "the page draws a chart"
    bad = [(name, v) for name, v in values if not re.fullmatch(r"-?\d+(\.\d+)?%?", v)]
    assert not bad
