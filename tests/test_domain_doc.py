"""docs/domain.md states the figures the code relies on; the shipped rule data must agree with it.

The figures in the guide are written from the regulations (the domain's own sources); this test reads the
rule rows they name from the shipped data and compares, so neither can change without the other.
"""

import json
import re
from decimal import Decimal
from importlib import resources
from pathlib import Path

import pytest

GUIDE = Path(__file__).resolve().parent.parent / "docs" / "domain.md"


def _shipped_rows() -> dict[str, dict]:
    data = json.loads(resources.files("lindung.rules").joinpath("data/rules.json").read_text(encoding="utf-8"))
    return {row["code"]: row for table in ("rates", "discounts", "parameters") for row in data[table]}


def _figures() -> list[tuple[str, str, str, str]]:
    text = GUIDE.read_text(encoding="utf-8")
    section = text.split("## Figures the code relies on", 1)[1]
    rows = []
    for line in section.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) == 4 and cells[0] not in ("figure", "---") and not set(cells[0]) <= {"-"}:
            rows.append(tuple(cells))
    return rows


def _indonesian_number(text: str) -> Decimal:
    """'1.000.000' → 1000000, '7,5' → 7.5: thousands with dots, decimals with a comma."""
    return Decimal(text.replace(".", "").replace(",", "."))


def _field(row: dict, path: str):
    value = row
    for part in path.split("."):
        match = re.fullmatch(r"(\w+)\[(\w+)\]", part)
        if match:
            name, key = match.groups()
            value = next(item for item in value[name] if key in item.values())
        else:
            value = value[part]
    return value


def test_the_guide_lists_the_figures():
    figures = _figures()
    assert len(figures) >= 30
    assert {"bpu-jkm-2015", "jkm-benefit-2019", "scholarship-2019", "lapse-2015"} <= {f[2] for f in figures}


@pytest.mark.parametrize("figure, value, code, path", _figures(), ids=lambda v: str(v)[:40])
def test_shipped_rule_data_matches_the_guide(figure, value, code, path):
    rows = _shipped_rows()
    assert code in rows, f"docs/domain.md names rule row {code!r}, which the shipped data does not have"
    assert Decimal(str(_field(rows[code], path))) == _indonesian_number(value), figure


def test_the_standard_package_adds_up_as_the_guide_says():
    """Rp16.800 a month = 1 % of Rp1.000.000 + Rp6.800 (RULES: the standard package for vulnerable workers)."""
    rows = _shipped_rows()
    income = Decimal(rows["bpu-minimum-income-2015"]["value"])
    monthly = income * Decimal(rows["bpu-jkk-2015"]["value"]) / 100 + Decimal(rows["bpu-jkm-2015"]["value"])
    assert monthly == 16800
