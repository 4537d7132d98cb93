"""Bearer tokens: issue, use, expiry, and the login rate limit."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from dispatch.auth.models import ApiToken
from dispatch.auth.services import issue_token
from dispatch.enums import Role
from dispatch.extensions import db
from tests.support.factories import PASSWORD


def test_token_for_right_credentials(client, make):
    user = make.user("agent", email="Anna@Example.com")
    response = client.post("/api/v1/auth/token", json={"email": "anna@example.com", "password": PASSWORD})
    assert response.status_code == 201
    body = response.json
    assert body["user"] == {"id": user.id, "name": user.name, "email": "anna@example.com", "role": "agent",
                            "language": "en"}
    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {body['token']}"})
    assert me.status_code == 200 and me.json["email"] == "anna@example.com"


def test_token_is_stored_hashed(client, make):
    make.user("agent", email="hash@example.com")
    token = client.post("/api/v1/auth/token", json={"email": "hash@example.com", "password": PASSWORD}).json["token"]
    stored = db.session.scalar(select(ApiToken.token_hash))
    assert token not in stored and len(stored) == 64


def test_wrong_password_is_401_problem(client, make):
    make.user("agent", email="b@example.com")
    response = client.post("/api/v1/auth/token", json={"email": "b@example.com", "password": "wrong-password"})
    assert response.status_code == 401
    assert response.mimetype == "application/problem+json"
    assert response.json["status"] == 401 and response.json["title"]
    assert db.session.scalar(select(func.count()).select_from(ApiToken)) == 0


def test_unknown_user_and_inactive_user_are_refused(client, make):
    user = make.user("agent", email="gone@example.com")
    user.active = False
    db.session.commit()
    for email in ("gone@example.com", "nobody@example.com"):
        response = client.post("/api/v1/auth/token", json={"email": email, "password": PASSWORD})
        assert response.status_code == 401


def test_missing_fields_are_named(client):
    response = client.post("/api/v1/auth/token", json={"email": "x@example.com"})
    assert response.status_code == 422
    assert response.json["errors"] == {"password": ["Missing data for required field."]}


def test_malformed_json_is_400(client):
    response = client.post("/api/v1/auth/token", data="{not json", content_type="application/json")
    assert response.status_code == 400
    assert response.mimetype == "application/problem+json"


def test_expired_token_is_refused(client, make):
    user = make.user("agent")
    plain, _ = issue_token(user, timedelta(seconds=-1))
    db.session.commit()
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {plain}"}).status_code == 401


def test_garbage_token_is_refused(client):
    for header in ("Bearer nonsense", "Bearer ", "Basic abc", "Bearer"):
        assert client.get("/api/v1/me", headers={"Authorization": header}).status_code == 401


def test_login_attempts_are_rate_limited(app, client, make):
    make.user("agent", email="c@example.com")
    wrong = {"email": "c@example.com", "password": "wrong-one-x"}
    statuses = [client.post("/api/v1/auth/token", json=wrong).status_code for _ in range(12)]
    assert statuses[:10] == [401] * 10
    assert statuses[10:] == [429, 429]
    limited = client.post("/api/v1/auth/token", json={"email": "c@example.com", "password": PASSWORD})
    assert limited.status_code == 429 and limited.mimetype == "application/problem+json"


def test_me_needs_authentication(client):
    response = client.get("/api/v1/me")
    assert response.status_code == 401 and response.mimetype == "application/problem+json"


@pytest.mark.parametrize("role", list(Role))
def test_every_role_signs_in_and_reads_itself(client, make, role):
    user = make.user(role)
    token = client.post("/api/v1/auth/token", json={"email": user.email, "password": PASSWORD}).json["token"]
    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert me.status_code == 200
    assert (me.json["id"], me.json["role"]) == (user.id, role.value)
