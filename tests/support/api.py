"""A small JSON client for /api/v1 that signs requests with a bearer token."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

from dispatch.auth.models import User
from dispatch.auth.services import issue_token
from dispatch.extensions import db


class ApiClient:
    def __init__(self, client, token: str | None = None) -> None:
        self.client = client
        self.token = token

    def as_user(self, user: User) -> ApiClient:
        """A client that acts as ``user`` through a fresh bearer token."""
        plain, _ = issue_token(user, timedelta(hours=1))
        db.session.commit()
        return ApiClient(self.client, plain)

    def _headers(self, headers: dict[str, str] | None) -> dict[str, str]:
        result = {"Accept": "application/json"}
        if self.token:
            result["Authorization"] = f"Bearer {self.token}"
        result.update(headers or {})
        return result

    def open(self, path: str, method: str = "GET", **kwargs: Any):
        """A request of any method, signed like the others; no Idempotency-Key is added."""
        return self.client.open(_url(path), method=method, headers=self._headers(kwargs.pop("headers", None)),
                                **kwargs)

    def get(self, path: str, **kwargs: Any):
        return self.open(path, "GET", **kwargs)

    def patch(self, path: str, json: Any = None, **kwargs: Any):
        return self.open(path, "PATCH", json=json, **kwargs)

    def put(self, path: str, **kwargs: Any):
        return self.open(path, "PUT", **kwargs)

    def post(self, path: str, json: Any = None, *, idempotency_key: str | None = "auto", **kwargs: Any):
        headers = kwargs.pop("headers", None) or {}
        if idempotency_key == "auto":
            idempotency_key = str(uuid.uuid4())
        if idempotency_key:
            headers = {"Idempotency-Key": idempotency_key, **headers}
        if json is not None:
            kwargs["json"] = json
        return self.open(path, "POST", headers=headers, **kwargs)

    def delete(self, path: str, **kwargs: Any):
        return self.open(path, "DELETE", **kwargs)


def _url(path: str) -> str:
    return path if path.startswith("/") and path.startswith("/api/") else f"/api/v1/{path.lstrip('/')}"
