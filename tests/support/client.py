"""A test client whose every request runs in its own app context, as under a real server.

Flask reuses an app context that is already pushed (the ``app`` fixture pushes one for the factories),
which would share ``g`` (Flask-Login's cached user, the token flag) and the database session between
requests and the test. Each request here gets a fresh context; afterwards the test's session forgets
cached rows so that it reads what the request committed.
"""

from __future__ import annotations

from typing import Any

from flask.testing import FlaskClient

from dispatch.extensions import db


class IsolatedClient(FlaskClient):
    def open(self, *args: Any, **kwargs: Any):  # noqa: ANN201 - TestResponse
        kwargs.setdefault("buffered", True)
        with self.application.app_context():
            response = super().open(*args, **kwargs)
        db.session.expire_all()
        return response
