"""File storage facade: a local directory by default; the keys are portable to an object store."""

from __future__ import annotations

import os
import secrets
from datetime import UTC, datetime
from pathlib import Path

from flask import current_app


class LocalStorage:
    """Stores files under a root directory, addressed by relative keys like ``photos/2026/11/x.jpg``."""

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root).resolve()

    def put(self, data: bytes, *, prefix: str, suffix: str = "") -> str:
        """Store ``data`` under a new unique key and return the key."""
        now = datetime.now(UTC)
        key = f"{prefix}/{now:%Y/%m}/{secrets.token_hex(16)}{suffix}"
        path = self.path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_suffix(path.suffix + ".part")
        temporary.write_bytes(data)
        os.replace(temporary, path)  # readers never see half a file
        return key

    def read(self, key: str) -> bytes:
        """The bytes stored under ``key``."""
        return self.path(key).read_bytes()

    def exists(self, key: str) -> bool:
        """Whether something is stored under ``key``."""
        return self.path(key).is_file()

    def delete(self, key: str) -> None:
        """Remove what is stored under ``key``, if anything."""
        self.path(key).unlink(missing_ok=True)

    def path(self, key: str) -> Path:
        """The local path of ``key``; refuses keys that would leave the root."""
        path = (self.root / key).resolve()
        if not path.is_relative_to(self.root):
            raise ValueError(f"storage key outside the storage root: {key!r}")
        return path


def storage() -> LocalStorage:
    """The storage of the current app."""
    return current_app.extensions["dispatch.storage"]


def init_app(app) -> None:  # noqa: ANN001 - Flask app
    """Attach the configured storage to ``app``."""
    app.extensions["dispatch.storage"] = LocalStorage(app.config["STORAGE_DIR"])
