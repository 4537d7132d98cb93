"""The frame of every page (navigation, user, logout, language, CSRF meta, security headers), sign-in
and error pages."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from dispatch.auth.models import User
from dispatch.enums import Role
from dispatch.extensions import db
from tests.support.csrf import csrf_token_from
from tests.views.helpers import text_of


def test_layout_has_landmarks_skip_link_user_logout_and_csrf_meta(pages, client):
    user = pages.login_as("agent")
    response = client.get("/tickets")
    body = response.get_data(as_text=True)
    assert '<a class="skip-link" href="#main">' in body and '<main id="main"' in body
    assert "<header" in body and '<nav class="main-nav" aria-label="Main">' in body
    assert user.name in text_of(response)
    assert '<meta name="csrf-token" content="' in body
    assert 'action="/logout"' in body and "Sign out" in body
    assert '<div class="flashes" role="status"' in body
    assert '<html lang="en">' in body
    assert "/static/vendor/htmx-2.0.11.min.js" in body


def test_pages_send_a_strict_content_security_policy(pages, client):
    pages.login_as("agent")
    response = client.get("/tickets")
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "frame-ancestors 'none'" in policy
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_static_files_are_served(client):
    for path in ("/static/css/app.css", "/static/js/app.js", "/static/vendor/htmx-2.0.11.min.js"):
        response = client.get(path)
        assert response.status_code == 200, path
        response.close()


def test_htmx_request_with_the_meta_token_passes_csrf(pages, client, make):
    """What htmx sends (the X-CSRFToken header from the meta tag) is accepted by Flask-WTF."""
    pages.login_as("agent")
    customer = make.customer()
    token = csrf_token_from(client.get("/tickets"))
    response = client.post(
        f"/customers/{customer.id}/assets", headers={"X-CSRFToken": token, "HX-Request": "true"},
        data={"asset-product": "P", "asset-serial_number": "S", "asset-purchased_on": "2025-01-01"})
    assert response.status_code == 303


def test_logout_is_a_post_with_csrf(pages, client):
    pages.login_as("agent")
    assert client.post("/logout").status_code == 400
    assert client.get("/tickets").status_code == 200
    response = client.post("/logout", data={"csrf_token": pages.token("/tickets")})
    assert response.status_code == 302
    assert urlsplit(client.get("/tickets").headers["Location"]).path == "/login"


def test_login_page_labels_and_wrong_password(client, make):
    body = client.get("/login").get_data(as_text=True)
    assert '<label for="email">E-mail' in body and '<label for="password">Password' in body
    user = make.user("agent")
    token = csrf_token_from(client.get("/login"))
    response = client.post("/login", data={"csrf_token": token, "email": user.email,
                                           "password": "wrong password"})
    assert response.status_code == 401
    assert "Wrong e-mail or password." in text_of(response)
    response = client.post("/login", data={"csrf_token": token, "email": "", "password": ""})
    assert response.status_code == 422


@pytest.mark.parametrize(("target", "landing"), [("/customers?q=x", "/customers"),
                                                 ("https://evil.example/", "/"), ("//evil.example/", "/"),
                                                 ("/\\evil.example", "/")])
def test_login_follows_only_same_site_next(client, make, target, landing):
    user = make.user("agent")
    token = csrf_token_from(client.get("/login"))
    response = client.post("/login", query_string={"next": target}, data={
        "csrf_token": token, "email": user.email, "password": "correct horse battery"})
    assert response.status_code == 302
    location = urlsplit(response.headers["Location"])
    assert not location.netloc or location.netloc == "localhost"
    assert location.path == landing


def test_language_switch_is_remembered(pages, client):
    user = pages.login_as("agent")
    token = pages.token("/tickets")
    response = client.post("/language", data={"csrf_token": token, "language": "de", "next": "/tickets?q=x"})
    assert response.status_code == 303 and response.headers["Location"].endswith("/tickets?q=x")
    assert db.session.get(User, user.id).language == "de"
    assert '<html lang="de">' in client.get("/tickets").get_data(as_text=True)
    assert '<html lang="nl">' in client.get("/tickets?lang=nl").get_data(as_text=True)
    response = client.post("/language", data={"csrf_token": token, "language": "xx"})
    assert response.status_code == 422 and "Unbekannte Sprache." in text_of(response)  # the user chose German
    assert db.session.get(User, user.id).language == "de"
    assert client.post("/language", data={"language": "en"}).status_code == 400


@pytest.mark.parametrize("role", list(Role))
def test_every_role_may_choose_its_language(pages, client, role):
    user = pages.login_as(role.value)
    token = pages.token("/customers")  # a 403 page carries the token too, in its meta tag
    response = client.post("/language", data={"csrf_token": token, "language": "nl"})
    assert response.status_code == 303
    assert db.session.get(User, user.id).language == "nl"


def test_anonymous_language_links_keep_the_query(client):
    body = client.get("/login?next=%2Ftickets").get_data(as_text=True)
    assert 'href="?next=%2Ftickets&amp;lang=nl"' in body


def test_error_pages_are_pages_with_the_status(pages, client):
    pages.login_as("agent")
    response = client.get("/no/such/page")
    assert response.status_code == 404
    page = text_of(response)
    assert "Page not found" in page and "Status code: 404" in page
    response = client.get("/invoices")
    assert response.status_code == 403 and "Status code: 403" in text_of(response)


@pytest.mark.parametrize(("role", "path"), [
    ("billing", "/tickets/new"), ("technician", "/tickets/new"), ("billing", "/tickets/{ticket}/jobs"),
    ("agent", "/invoices/{invoice}/approve"), ("technician", "/invoices/{invoice}/approve"),
    ("technician", "/jobs/{job}/schedule"), ("billing", "/jobs/{job}/schedule"),
    ("technician", "/customers/{customer}/assets"), ("billing", "/jobs/{job}/coverage"),
])
def test_wrong_role_posts_are_403(pages, client, world, role, path):
    pages.login_as(role)
    token = pages.token("/customers")  # a 403 page carries the token too, in its meta tag
    path = path.format(ticket=world.ticket.id, invoice=world.invoice.id, job=world.job.id,
                       customer=world.customer.id)
    assert client.post(path, data={"csrf_token": token}).status_code == 403


def test_anonymous_posts_go_to_login(client, world):
    token = csrf_token_from(client.get("/login"))
    response = client.post(f"/invoices/{world.invoice.id}/approve", data={"csrf_token": token})
    assert response.status_code == 302 and urlsplit(response.headers["Location"]).path == "/login"


@pytest.mark.parametrize("path", [
    "/tickets/new", "/tickets/{ticket}/jobs", "/jobs/{job}/schedule", "/jobs/{job}/coverage",
    "/customers/{customer}/assets", "/invoices/{invoice}/approve", "/language", "/logout",
])
def test_every_form_post_without_csrf_is_400_and_changes_nothing(pages, client, world, path):
    from dispatch.audit import AuditEvent
    from tests.support.queries import count

    pages.login_as("admin")
    before = count(AuditEvent)
    path = path.format(ticket=world.ticket.id, invoice=world.invoice.id, job=world.job.id,
                       customer=world.customer.id)
    response = client.post(path, data={"language": "de", "kind": "repair", "duration_minutes": "60",
                                       "asset-product": "P", "asset-serial_number": "S",
                                       "asset-purchased_on": "2025-01-01"})
    assert response.status_code == 400
    assert "The request could not be processed" in text_of(response)
    assert count(AuditEvent) == before
    assert client.get("/tickets").status_code == 200  # still signed in: logout was refused too


@pytest.mark.parametrize("role", list(Role))
def test_every_role_signs_out_with_the_test_helper(auth, client, make, role):
    user = make.user(role)
    auth.login(user.email)
    assert auth.logout().status_code in (302, 303)
    assert urlsplit(client.get("/customers").headers["Location"]).path == "/login"
