"""Portal tests: the public web form filled in as a person would, and one followed ticket."""

from __future__ import annotations

import io
import re

import pytest
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from tests.views.helpers import jpeg

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


@pytest.fixture(autouse=True)
def people_fill_in_quickly(app):
    """The minimum fill time is its own test's business; elsewhere a person takes long enough."""
    app.config["PORTAL_MIN_FILL_SECONDS"] = 0


class WebForm:
    """The public form as a browser submits it: the page's CSRF token and start time, then the answers."""

    def __init__(self, client) -> None:
        self.client = client

    def fields(self, path: str = "/support", **answers: object) -> dict:
        page = self.client.get(path).get_data(as_text=True)
        hidden = {name: re.search(rf'name="{name}" type="hidden" value="([^"]*)"', page).group(1)
                  for name in ("csrf_token", "started")}
        return hidden | {
            "name": "Anna de Boer", "email": "anna@example.nl", "phone": "06-1234 5678",
            "postal_code": "3511 AB", "house_number": "12", "street": "Oudegracht", "city": "Utrecht",
            "country": "NL", "subject": "Boiler shows E10", "description": "No heating since this morning.",
            "category": "heating", "website": ""} | answers

    def send(self, files: list[tuple[bytes, str]] = (), path: str = "/support", **answers: object):
        return self.client.post(path, **body(self.fields(path, **answers), files))


def body(fields: dict, files: list[tuple[bytes, str]] = ()) -> dict:
    """Test-client arguments for a multipart body built in memory (see tests/support/uploads.py: no temp file)."""
    values = {**fields, "attachments": [FileStorage(io.BytesIO(content), filename=name) for content, name in files]}
    boundary, encoded = encode_multipart(values)
    return {"data": encoded, "content_type": f"multipart/form-data; boundary={boundary}"}


@pytest.fixture
def web_form(client) -> WebForm:
    return WebForm(client)


def reference_in(page: str) -> str:
    match = re.search(r"T-\d{4}-\d{6}", page)
    assert match, "no ticket reference on the page"
    return match.group(0)


__all__ = ["PDF", "jpeg", "reference_in"]
