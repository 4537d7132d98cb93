"""The admin's settings page: only admins, saves all or nothing, marks wrong fields, uploads the logo."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from PIL import Image
from werkzeug.datastructures import FileStorage

from dispatch.admin.models import Company, JobKindRate
from dispatch.enums import JobKind, Role, TravelBilling
from dispatch.extensions import db
from tests.admin.helpers import snapshot
from tests.support.csrf import csrf_token_from


@pytest.fixture
def admin(auth, make):
    make.company()
    user = make.user(Role.ADMIN)
    auth.login(user.email)
    return user


def form_data(page, **changes) -> dict:
    """What the browser would send back: the page's values, with ``changes``."""
    import re

    html = page.get_data(as_text=True)
    data = {name: value for name, value in re.findall(r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"', html)
            if 'type="checkbox"' not in name}
    for name in re.findall(r'<select[^>]*name="([^"]+)"', html):
        match = re.search(rf'<select[^>]*name="{name}".*?<option selected value="([^"]*)"', html, re.S) or \
            re.search(rf'<select[^>]*name="{name}".*?<option value="([^"]*)" selected', html, re.S)
        data[name] = match.group(1) if match else ""
    data.pop("file", None)
    return {**data, "csrf_token": csrf_token_from(page), **changes}


def test_admin_sees_the_settings_and_the_nav_link(client, admin):
    page = client.get("/admin/settings")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert 'href="/admin/settings"' in html
    for expected in ("Warmte &amp; Co B.V.", "NL91ABNA0417164300", "Europe/Amsterdam", "Invoicing rules",
                     "Per kind of job", "Logo"):
        assert expected in html, expected


def test_admin_saves_invoicing_rules_and_a_job_kind_rate(client, admin, make):
    make.rate_group("Senior", "78.50")
    page = client.get("/admin/settings")
    response = client.post("/admin/settings", data=form_data(
        page, billing_step_minutes="6", minimum_billed_minutes="30", travel_billing="callout",
        omit_covered_lines="1", rate_installation="95.00", new_group_name="Apprentice", new_group_rate="42"))
    assert response.status_code == 303, response.get_data(as_text=True)[-3000:]
    db.session.expire_all()
    company = db.session.get(Company, 1)
    assert (company.billing_step_minutes, company.minimum_billed_minutes, company.travel_billing,
            company.omit_covered_lines) == (6, 30, TravelBilling.CALLOUT, True)
    assert db.session.get(JobKindRate, JobKind.INSTALLATION).hourly_rate == Decimal("95.00")
    assert "Apprentice" in client.get("/admin/settings").get_data(as_text=True)


@pytest.mark.parametrize(("changes", "message"), [
    ({"iban": "NL91ABNA0417164301"}, "This is not a valid IBAN"),
    ({"minimum_billed_minutes": "-5"}, "from 0 (no minimum) to 480"),
    ({"billing_step_minutes": "10"}, "multiple of 3 minutes"),
    ({"vat_number": "NL12"}, "not a valid EU VAT number"),
])
def test_wrong_values_are_marked_and_nothing_is_saved(client, admin, changes, message):
    page = client.get("/admin/settings")
    before = snapshot()
    response = client.post("/admin/settings", data=form_data(page, payment_terms_days="30", **changes))
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert snapshot() == before


def png(size=(900, 300)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, "navy").save(out, "PNG")
    return out.getvalue()


def test_logo_upload_and_preview(client, admin):
    page = client.get("/admin/settings")
    response = client.post("/admin/settings/logo", data={
        "csrf_token": csrf_token_from(page), "file": FileStorage(io.BytesIO(png()), filename="logo.png")},
        content_type="multipart/form-data")
    assert response.status_code == 303
    preview = client.get("/admin/settings/logo.png")
    assert preview.mimetype == "image/png"
    with Image.open(io.BytesIO(preview.data)) as image:
        assert image.size == (600, 200)


def test_a_non_image_logo_is_refused_on_the_page(client, admin):
    page = client.get("/admin/settings")
    before = snapshot()
    response = client.post("/admin/settings/logo", data={
        "csrf_token": csrf_token_from(page), "file": FileStorage(io.BytesIO(b"%PDF-1.7"), filename="logo.png")},
        content_type="multipart/form-data")
    assert response.status_code == 415
    assert "must be a PNG or JPEG" in response.get_data(as_text=True)
    assert snapshot() == before


@pytest.mark.parametrize("role", [Role.AGENT, Role.BILLING, Role.TECHNICIAN])
def test_other_roles_get_403(client, auth, make, role):
    make.company()
    auth.login(make.user(role).email)
    refused = client.get("/admin/settings")
    assert refused.status_code == 403
    token = csrf_token_from(refused)
    before = snapshot()
    assert client.post("/admin/settings", data={"csrf_token": token, "minimum_billed_minutes": "1"}).status_code == 403
    assert _post_logo(client, token).status_code == 403
    assert snapshot() == before
    assert client.get("/admin/settings/logo.png").status_code == 403
    assert 'href="/admin/settings"' not in client.get("/", follow_redirects=True).get_data(as_text=True)


def test_anonymous_is_sent_to_login(client, make):
    make.company()
    assert client.get("/admin/settings").status_code == 302
    token = csrf_token_from(client.get("/login"))
    before = snapshot()
    for response in (client.get("/admin/settings/logo.png"), _post_logo(client, token),
                     client.post("/admin/settings", data={"csrf_token": token, "minimum_billed_minutes": "1"})):
        assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert snapshot() == before


def _post_logo(client, token: str):
    return client.post("/admin/settings/logo", data={
        "csrf_token": token, "file": FileStorage(io.BytesIO(png()), filename="logo.png")},
        content_type="multipart/form-data")
