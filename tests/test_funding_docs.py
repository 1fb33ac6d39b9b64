"""docs/funding.md is checked against the code: its commands, options, API paths and permissions exist."""

import re

import pytest

from lindung.funding.api import router

from .docs_support import assert_command_and_options_exist, normalised, permissions, read, routes

DOC = read("docs/funding.md")


def console_lines() -> list[str]:
    return re.findall(r"^    (lindung (?:funders|sponsorships) .+?)(?:\s+#.*)?$", DOC, flags=re.M)


@pytest.mark.parametrize("line", console_lines())
def test_every_documented_command_and_option_exists(line):
    assert_command_and_options_exist(line)


def test_documented_api_paths_exist():
    documented = re.findall(r"`(GET|POST|PUT|DELETE) (/[a-z/{}_]+)`", DOC)
    assert documented
    for method, path in documented:
        assert (method, normalised(path)) in routes(router), f"{method} {path}"


def test_documented_permissions_exist():
    names = re.findall(r"^\| `([a-z_.]+)` \|", DOC, flags=re.M)
    families = ("funding", "funder", "budget", "sponsorship", "pool", "matching")
    assert {n for n in names if n.startswith(families)} == permissions(*families)
