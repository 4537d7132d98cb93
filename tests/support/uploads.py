"""Upload bodies for the test client."""

from __future__ import annotations

import io

from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart


def multipart(fields: dict[str, object]) -> dict[str, object]:
    """Test-client arguments for a multipart body built in memory.

    Werkzeug's test client spools bodies over 500 kB to a temporary file that nobody closes (a
    ResourceWarning, an error under ``filterwarnings = error``); a ready-made body avoids it.
    ``fields`` maps names to strings or ``(bytes, filename)`` pairs.
    """
    values = {
        name: FileStorage(io.BytesIO(value[0]), filename=value[1]) if isinstance(value, tuple) else value
        for name, value in fields.items()
    }
    boundary, body = encode_multipart(values)
    return {"data": body, "content_type": f"multipart/form-data; boundary={boundary}"}
