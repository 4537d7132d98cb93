"""Read the CSRF token that a page carries, as a browser would submit it."""

from __future__ import annotations

import re

_TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"|<meta name="csrf-token" content="([^"]+)"')


def csrf_token_from(response) -> str:
    """The CSRF token in a rendered page (form field or meta tag)."""
    match = _TOKEN.search(response.get_data(as_text=True))
    assert match, "page carries no CSRF token"
    return match.group(1) or match.group(2)
