"""docs/billing.md and docs/coverage.md are checked against the code: commands, options, API paths,
permissions."""

import re

import pytest

from lindung.billing.api import router as billing_router
from lindung.coverage.api import router as coverage_router

from .docs_support import DOCS, assert_command_and_options_exist, normalised, permissions, routes

TEXT = {name: (DOCS / name).read_text() for name in ("billing.md", "coverage.md")}
ROUTERS = {"billing": billing_router, "coverage": coverage_router}


def commands() -> list[str]:
    found = []
    for text in TEXT.values():
        found += re.findall(r"(?:^\$ |`)(lindung (?:bill|payments|coverage)\b[^`\n#]*)", text, flags=re.M)
    return sorted({line.strip() for line in found})


@pytest.mark.parametrize("line", commands())
def test_every_documented_command_and_option_exists(line):
    assert_command_and_options_exist(line)


def test_documented_api_paths_exist():
    documented = []
    for name, text in TEXT.items():
        documented += re.findall(r"`(GET|POST|PUT) /api/v1/(billing|coverage)(/[a-z/{}_]*)", text)
        section = text.split("## API", 1)[1] if "## API" in text else ""
        prefix = name.split(".")[0]
        documented += [(m, prefix, p) for m, p in re.findall(r"`(GET|POST|PUT) (/[a-z/{}_]+)", section)]
    assert len(documented) > 15
    for method, prefix, path in documented:
        assert (method, normalised(path)) in routes(ROUTERS[prefix]), f"{method} /{prefix}{path}"


def test_documented_permissions_are_exactly_billings_and_coverages():
    documented = set()
    for text in TEXT.values():
        documented |= set(re.findall(r"`((?:billing|payment|coverage)\.[a-z_.]+[a-z])`", text))
    assert documented == permissions("billing", "payment", "coverage")
