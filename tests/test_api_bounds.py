"""Every input of every API operation carries its bound in the OpenAPI schema (finding 7, "The API accepts
what its schema says"): an integer its maximum, a text its length, an enumeration or a pattern, a date the
pattern of the accepted window, a list its largest size. Walked from the schema the API serves."""

import re

import pytest
from django.conf import settings

from lindung.api import fields


def _schema():
    from lindung.api.urls import api

    return api.get_openapi_schema(path_prefix="/api/v1/")


def _inputs():
    schema = _schema()
    components = schema.get("components", {}).get("schemas", {})

    def resolve(node):
        while "$ref" in node:
            node = components[node["$ref"].split("/")[-1]]
        return node

    def walk(node, where):
        node = resolve(node)
        for key in ("anyOf", "oneOf", "allOf"):
            if key in node:
                for sub in node[key]:
                    yield from walk(sub, where)
                return
        if node.get("type") == "object" or "properties" in node:
            for name, sub in node.get("properties", {}).items():
                yield from walk(sub, f"{where}.{name}")
            return
        yield where, node
        if node.get("type") == "array":
            yield from walk(node.get("items", {}), f"{where}[]")

    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            for parameter in operation.get("parameters", []):
                yield from walk(parameter.get("schema", {}), f"{method.upper()} {path} {parameter['name']}")
            for content in operation.get("requestBody", {}).get("content", {}).values():
                yield from walk(content.get("schema", {}), f"{method.upper()} {path} body")


def _unbounded(node) -> str | None:
    kind = node.get("type")
    if "enum" in node or "const" in node or kind in ("boolean", "null"):
        return None
    if kind in ("integer", "number"):
        return None if "maximum" in node or "exclusiveMaximum" in node else "no maximum"
    if kind == "string":
        if node.get("format") == "binary":
            return None  # an uploaded file: bounded by LINDUNG_UPLOAD_MAX_MB before it is read
        if "maxLength" not in node and "pattern" not in node:
            return "no maxLength or pattern"
        if node.get("format") == "date" and "pattern" not in node:
            return "a date without the window's pattern"
        return None
    if kind == "array":
        return None if "maxItems" in node else "no maxItems"
    return f"unexpected type {kind!r}"


def test_every_api_input_has_a_bound():
    inputs = list(_inputs())
    assert len(inputs) > 150  # every operation's parameters and bodies were walked
    loose = [f"{where}: {why}" for where, node in inputs if (why := _unbounded(node))]
    assert not loose, "\n".join(loose)


@pytest.mark.parametrize("text, valid", [
    ("2024-02-29", True), ("2000-02-29", True), ("1900-02-29", False), ("2023-02-29", False),
    ("2023-04-30", True), ("2023-04-31", False), ("2023-12-31", True), ("2023-13-01", False),
    (settings.LINDUNG_DATE_MIN.isoformat(), True), (settings.LINDUNG_DATE_MAX.isoformat(), True),
    (f"{settings.LINDUNG_DATE_MAX.year + 1}-01-01", False), (f"{settings.LINDUNG_DATE_MIN.year - 1}-12-31", False),
    ("20240101", False), ("2024-1-01", False),
])
def test_the_date_pattern_is_the_calendar_inside_the_window(text, valid):
    assert bool(re.fullmatch(fields.DATE, text)) is valid


def test_a_date_the_schema_refuses_is_refused_by_the_api(national_admin):
    """A number or timestamp where the schema says YYYY-MM-DD is refused, not read as seconds since 1970."""
    from django.test import Client

    from lindung.accounts.models import ApiToken

    client = Client(HTTP_AUTHORIZATION=f"Bearer {ApiToken.issue(national_admin, 't')}")
    for death_date in (0, "2024-01-01T00:00:00", "1899-12-31", "2024-02-30"):
        response = client.post("/api/v1/rules/benefits/jkm", {"death_date": death_date},
                               content_type="application/json")
        assert response.status_code == 422, (death_date, response.content)
    for month in ("2024-1", "13-2024", "2024-13"):
        assert client.get("/api/v1/billing/invoices", {"month": month}).status_code == 422, month
