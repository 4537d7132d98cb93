"""GET/PATCH /api/v1/settings and PUT /api/v1/settings/logo: admins only, all or nothing, plain errors."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from PIL import Image
from sqlalchemy import select

from dispatch.admin.models import Company
from dispatch.audit import AuditEvent
from dispatch.billing.models import RateGroup
from dispatch.enums import Role, TravelBilling
from dispatch.extensions import db
from dispatch.storage import storage
from tests.admin.helpers import snapshot
from tests.support.uploads import multipart

MB = 1024 * 1024


@pytest.fixture
def admin_api(api, make):
    make.company()
    return api.as_user(make.user(Role.ADMIN))


def patch(client, body):
    return client.patch("settings", body)


def put_logo(client, data: bytes, filename: str = "logo.png"):
    return client.put("settings/logo", **multipart({"file": (data, filename)}))


def image(fmt: str, size: tuple[int, int], mode: str = "RGB") -> bytes:
    out = io.BytesIO()
    Image.new(mode, size, "red" if mode == "RGB" else 0).save(out, fmt)
    return out.getvalue()


def test_admin_reads_the_settings(admin_api):
    r = admin_api.get("settings")
    assert r.status_code == 200, r.json
    body = r.json
    assert (body["name"], body["iban"], body["timezone"]) == ("Warmte & Co B.V.", "NL91ABNA0417164300",
                                                                "Europe/Amsterdam")
    assert (body["billing_step_minutes"], body["minimum_billed_minutes"], body["travel_billing"],
            body["omit_covered_lines"], body["has_logo"]) == (15, 0, "both", False, False)
    assert body["default_hourly_rate"] == "65.0000" or Decimal(body["default_hourly_rate"]) == Decimal("65")
    assert body["job_kind_rates"] == {} and body["rate_groups"] == []


def test_admin_changes_invoicing_rules_rates_and_details(admin_api, make):
    group = make.rate_group("Senior", "78.50")
    r = patch(admin_api, {
        "billing_step_minutes": 6, "minimum_billed_minutes": 30, "travel_billing": "callout",
        "omit_covered_lines": True, "payment_terms_days": 30, "invoice_series": "f",
        "iban": "be71 0961 2345 6769", "bic": "GKCCBEBB", "vat_number": "BE 0403.170.701",
        "timezone": "Europe/Brussels", "currency": "eur", "callout_fee": "39.50",
        "rate_groups": [{"id": group.id, "name": "Senior", "hourly_rate": "80.00"},
                        {"name": "Apprentice", "hourly_rate": "42.00"}],
        "job_kind_rates": {"installation": "95.00", "inspection": "55"},
    })
    assert r.status_code == 200, r.json
    db.session.expire_all()
    company = db.session.get(Company, 1)
    assert (company.billing_step_minutes, company.minimum_billed_minutes, company.travel_billing,
            company.omit_covered_lines, company.payment_terms_days) == (6, 30, TravelBilling.CALLOUT, True, 30)
    assert (company.iban, company.bic, company.vat_number) == ("BE71096123456769", "GKCCBEBB", "BE0403170701")
    assert (company.timezone, company.currency, company.invoice_series) == ("Europe/Brussels", "EUR", "F")
    assert company.callout_fee == Decimal("39.50")
    assert {(g.name, g.hourly_rate) for g in db.session.scalars(select(RateGroup))} == {
        ("Senior", Decimal("80.00")), ("Apprentice", Decimal("42.00"))}
    assert r.json["job_kind_rates"] == {"installation": "95.0000", "inspection": "55.0000"} or {
        kind: Decimal(rate) for kind, rate in r.json["job_kind_rates"].items()} == {
        "installation": Decimal("95"), "inspection": Decimal("55")}
    # Removing a job kind's rate: null
    r = patch(admin_api, {"job_kind_rates": {"installation": None}})
    assert r.status_code == 200 and set(r.json["job_kind_rates"]) == {"inspection"}
    actions = [e.action for e in db.session.scalars(select(AuditEvent).where(AuditEvent.object_type == "company"))]
    assert actions == ["settings.updated", "settings.updated"]


@pytest.mark.parametrize(("body", "field", "words"), [
    ({"iban": "NL91ABNA0417164301"}, "iban", "not a valid IBAN"),
    ({"iban": "hello"}, "iban", "not a valid IBAN"),
    ({"vat_number": "NL123"}, "vat_number", "not a valid EU VAT number"),
    ({"bic": "AB"}, "bic", "8 or 11 letters"),
    ({"minimum_billed_minutes": -5}, "minimum_billed_minutes", "from 0"),
    ({"billing_step_minutes": 10}, "billing_step_minutes", "multiple of 3"),
    ({"billing_step_minutes": 0}, "billing_step_minutes", "multiple of 3"),
    ({"billing_step_minutes": "fifteen"}, "billing_step_minutes", ""),
    ({"payment_terms_days": 400}, "payment_terms_days", "0 to 365"),
    ({"timezone": "Mars/Olympus"}, "timezone", "time zone"),
    ({"currency": "XYZ1"}, "currency", "three-letter"),
    ({"country": "Netherlands"}, "country", "two-letter"),
    ({"callout_fee": "-1"}, "callout_fee", "0 or more"),
    ({"default_hourly_rate": "12.345"}, "default_hourly_rate", "two decimals"),
    ({"travel_billing": "sometimes"}, "travel_billing", ""),
    ({"name": "  "}, "name", "required"),
    ({"invoice_series": "INV 2026!"}, "invoice_series", "letters, digits or dashes"),
    ({"rate_groups": [{"name": "X", "hourly_rate": "-3"}]}, "rate_groups", "0 or more"),
    ({"rate_groups": [{"id": 999, "name": "X", "hourly_rate": "3"}]}, "rate_groups", "does not exist"),
    ({"job_kind_rates": {"gardening": "10"}}, "job_kind_rates", ""),
    ({"job_kind_rates": {"repair": "-10"}}, "job_kind_rates", "0 or more"),
    ({"colour": "blue"}, "colour", ""),
])
def test_bad_values_are_422_naming_the_field_and_change_nothing(admin_api, body, field, words):
    before = snapshot()
    r = patch(admin_api, {"payment_terms_days": 21, **body})  # a good value alongside: all or nothing
    assert r.status_code == 422, r.json
    assert r.mimetype == "application/problem+json"
    assert field in r.json["errors"], r.json
    assert words in " ".join(map(str, r.json["errors"][field])), r.json["errors"]
    assert snapshot() == before


def test_a_rate_group_in_use_cannot_be_removed(admin_api, make):
    group = make.rate_group("Senior", "78.50")
    make.user("technician", rate_group_id=group.id)
    before = snapshot()
    r = patch(admin_api, {"rate_groups": [{"id": group.id, "remove": True}]})
    assert r.status_code == 409, r.json
    assert snapshot() == before
    unused = make.rate_group("Unused", "10.00").id
    assert patch(admin_api, {"rate_groups": [{"id": unused, "remove": True}]}).status_code == 200
    db.session.expire_all()
    assert db.session.get(RateGroup, unused) is None


@pytest.mark.parametrize("role", [Role.AGENT, Role.BILLING, Role.TECHNICIAN])
def test_other_roles_are_refused(api, make, role):
    make.company()
    client = api.as_user(make.user(role))
    before = snapshot()
    expected = 404 if role == Role.TECHNICIAN else 403
    assert client.get("settings").status_code == expected
    assert patch(client, {"minimum_billed_minutes": 30}).status_code == expected
    assert put_logo(client, image("PNG", (100, 50))).status_code == expected
    assert snapshot() == before


def test_logo_is_normalised_to_a_png_within_600_by_200(admin_api):
    r = put_logo(admin_api, image("JPEG", (1800, 300)), "logo.jpg")
    assert r.status_code == 200, r.json
    assert r.json["has_logo"] is True
    key = db.session.get(Company, 1).logo_key
    with Image.open(io.BytesIO(storage().read(key))) as stored:
        assert stored.format == "PNG" and stored.size == (600, 100)
    small = put_logo(admin_api, image("PNG", (120, 40), "RGBA"))
    assert small.status_code == 200
    db.session.expire_all()
    with Image.open(io.BytesIO(storage().read(db.session.get(Company, 1).logo_key))) as stored:
        assert stored.size == (120, 40)  # never enlarged


def _bomb(size: tuple[int, int]) -> bytes:
    out = io.BytesIO()
    Image.new("1", size).save(out, "PNG")
    return out.getvalue()


@pytest.mark.parametrize(("data", "filename", "status"), [
    (lambda: b"GIF89a" + b"\0" * 100, "logo.gif", 415),
    (lambda: image("GIF", (100, 50), "P"), "logo.gif", 415),
    (lambda: image("WEBP", (100, 50)), "logo.webp", 415),
    (lambda: b"%PDF-1.7 not an image", "logo.png", 415),
    (lambda: b"", "logo.png", 422),
    (lambda: image("PNG", (300, 100))[:-30], "logo.png", 422),
    (lambda: _bomb((6000, 6000)), "logo.png", 422),  # 36 MP: over our limit
    (lambda: _bomb((10000, 10000)), "logo.png", 422),  # Pillow's bomb warning
    (lambda: _bomb((20000, 10000)), "logo.png", 422),  # Pillow's bomb error
    (lambda: b"\x89PNG" + b"\0" * (2 * MB + 1), "logo.png", 413),
])
def test_bad_logos_are_refused_and_change_nothing(admin_api, data, filename, status):
    before = snapshot()
    r = put_logo(admin_api, data(), filename)
    assert r.status_code == status, r.json
    assert r.mimetype == "application/problem+json"
    assert snapshot() == before


def test_a_logo_must_be_a_file(admin_api):
    r = admin_api.put("settings/logo", json={"file": "x"})
    assert r.status_code == 422
