"""Content-Disposition of file downloads: plain names as before, odd and non-ASCII names safely (RFC 6266)."""

from __future__ import annotations

import pytest

from dispatch.api.downloads import content_disposition, download


@pytest.mark.parametrize(("filename", "inline", "expected"), [
    ("INV-2026-000001.pdf", True, 'inline; filename="INV-2026-000001.pdf"'),
    ("hours_2026-03-01_2026-03-31.csv", False, 'attachment; filename="hours_2026-03-01_2026-03-31.csv"'),
    ('a"b\\c.pdf', False, 'attachment; filename="a\\"b\\\\c.pdf"'),
    ("line\r\nSet-Cookie: x.pdf", False, 'attachment; filename="lineSet-Cookie: x.pdf"'),
    ("Rechnung-Müller €.pdf", True,
     "inline; filename=\"Rechnung-Muller .pdf\"; filename*=UTF-8''Rechnung-M%C3%BCller%20%E2%82%AC.pdf"),
])
def test_content_disposition(filename, inline, expected):
    assert content_disposition(filename, inline=inline) == expected


def test_download_sets_type_and_name(app):
    with app.test_request_context():
        response = download(b"<Invoice/>", "application/xml", "INV-1.xml")
    assert response.mimetype == "application/xml" and response.get_data() == b"<Invoice/>"
    assert response.headers["Content-Disposition"] == 'attachment; filename="INV-1.xml"'
