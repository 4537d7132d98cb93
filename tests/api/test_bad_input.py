"""Every API input, walked from the OpenAPI document: a wrong type or a missing required field is a 422
problem+json naming that field, and the database is left as it was.

The package tests check each endpoint's own rules (overlaps, states, other people's objects); this
checks that no endpoint lets a malformed field through to its service, however it is added later.
The ids in the paths do not exist: arguments are validated before the endpoint looks anything up.
"""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from dispatch.enums import Role
from dispatch.extensions import db

NOT_A_CHOICE = "not-a-choice"
# Documented choices that the service checks once the rest of the body is well-formed (billing/lines.py):
# a wrong one is named in a later answer, not beside other malformed fields.
CHECKED_LATER = {"unit"}


def operations(client):
    """(method, path, operation, components) of every documented operation, ids filled with 999999."""
    document = client.get("/api/v1/openapi.json").json
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if isinstance(operation, dict):
                yield method.upper(), re.sub(r"\{[^}]+\}", "999999", path), operation, document["components"]


def resolve(schema: dict, components: dict) -> dict:
    """``schema`` with its $ref followed to the component."""
    while "$ref" in schema:
        schema = components["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return schema


def wrong_value(schema: dict, components: dict):
    """A value of the wrong JSON type (or outside the choices) for ``schema``."""
    schema = resolve(schema, components)
    kind = schema.get("type")
    kind = next((k for k in kind if k != "null"), None) if isinstance(kind, list) else kind
    if "enum" in schema and kind in (None, "string"):
        return NOT_A_CHOICE
    return {"string": 12345, "integer": "x", "number": "x", "boolean": "x", "array": "x", "object": 5}.get(kind, 5)


def table_counts() -> dict[str, int]:
    """Rows per table, as committed."""
    db.session.expire_all()
    return {table.name: db.session.scalar(select(func.count()).select_from(table))
            for table in db.metadata.sorted_tables}


@pytest.fixture
def callers(api, make) -> dict[str, object]:
    """Clients whom the role checks let through: a technician for the field endpoints, else an admin."""
    return {"anonymous": api, "technician": api.as_user(make.user(Role.TECHNICIAN)),
            "admin": api.as_user(make.user(Role.ADMIN))}


def caller(callers: dict, path: str):
    """The client for ``path``: anonymous for the token endpoint, the technician for the field endpoints."""
    if path == "/api/v1/auth/token":
        return callers["anonymous"]
    field_only = path.startswith("/api/v1/me/") or re.search(
        r"/jobs/\d+/(status|time-entries|parts|notes|photos|signature|complete|checklist/\d+)$", path)
    return callers["technician" if field_only else "admin"]


def named(errors: dict, field: str) -> bool:
    """Whether the problem's field errors name ``field`` (or a field inside it)."""
    return any(key == field or key.startswith(f"{field}.") for key in errors)


def refusal(response, method: str, path: str) -> dict:
    """The field errors of a 422 problem+json."""
    assert response.status_code == 422, (method, path, response.status_code, response.get_data(as_text=True))
    assert response.mimetype == "application/problem+json", (method, path)
    return response.json["errors"]


def json_bodies(callers):
    """(method, path, properties with their $refs followed, client) of every operation that takes JSON."""
    for method, path, operation, components in operations(callers['anonymous'].client):
        content = operation.get("requestBody", {}).get("content", {})
        if "application/json" in content:
            properties = resolve(content["application/json"]["schema"], components)["properties"]
            yield method, path, {name: resolve(prop, components) for name, prop in properties.items()}, \
                caller(callers, path)


def test_wrong_types_in_every_json_body_are_422_naming_each_field(callers):
    before = table_counts()
    checked = 0
    for method, path, properties, client in json_bodies(callers):
        body = {name: wrong_value(prop, {}) for name, prop in properties.items()}
        response = client.open(path, method, json=body)
        errors = refusal(response, method, path)
        assert [name for name in body if not named(errors, name) and name not in CHECKED_LATER] == [], (
            method, path, errors)
        checked += 1
    assert checked >= 20
    assert table_counts() == before


def test_missing_required_fields_are_422_naming_each_one(callers):
    before = table_counts()
    checked = 0
    for method, path, operation, components in operations(callers['anonymous'].client):
        for content_type, content in operation.get("requestBody", {}).get("content", {}).items():
            required = resolve(content["schema"], components).get("required", [])
            if not required:
                continue
            client = caller(callers, path)
            payload = {"json": {}} if content_type == "application/json" else {"data": {}}
            response = client.open(path, method, **payload)
            errors = refusal(response, method, path)
            assert [name for name in required if not named(errors, name)] == [], (method, path, errors)
            checked += 1
    assert checked >= 15
    assert table_counts() == before


def test_wrong_query_arguments_are_422_naming_each_one(callers):
    checked = 0
    for method, path, operation, components in operations(callers['anonymous'].client):
        query = [p for p in operation.get("parameters", []) if p["in"] == "query"]
        wrong = {p["name"]: wrong_value(p["schema"], components) for p in query
                 if p["name"] != "cursor" and wrong_value(p["schema"], components) != 12345}
        if not wrong:
            continue
        client = caller(callers, path)
        response = client.open(path, method, query_string=wrong)
        errors = refusal(response, method, path)
        assert [name for name in wrong if not named(errors, name)] == [], (method, path, errors)
        checked += 1
    assert checked >= 8


@pytest.mark.parametrize("path", ["tickets", "invoices", "credit-notes", "webhooks"])
def test_a_forged_cursor_is_422_naming_it(callers, path):
    response = callers["admin"].get(path, query_string={"cursor": "forged"})
    assert refusal(response, "GET", path) and named(response.json["errors"], "cursor")


def test_a_nul_character_in_any_text_is_422_naming_the_field_before_the_database_sees_it(callers):
    before = table_counts()
    checked = 0
    for method, path, properties, client in json_bodies(callers):
        texts = [name for name, prop in properties.items()
                 if prop.get("type") == "string" and "enum" not in prop and "format" not in prop]
        if not texts:
            continue
        response = client.open(path, method, json={texts[0]: "Boiler\x00 noise"})
        assert refusal(response, method, path) == {texts[0]: ["Remove the NUL character (U+0000)."]}
        checked += 1
    nested = callers["admin"].open("/api/v1/tickets", "POST", json={"subject": "ok", "custom_fields": {"a": ["x\x00"]}})
    assert refusal(nested, "POST", "/api/v1/tickets") == {"custom_fields.a": ["Remove the NUL character (U+0000)."]}
    search = callers["admin"].open("/api/v1/tickets", "GET", query_string={"q": "pump\x00"})
    assert refusal(search, "GET", "/api/v1/tickets") == {"q": ["Remove the NUL character (U+0000)."]}
    assert checked >= 15
    assert table_counts() == before
