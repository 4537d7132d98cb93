"""Every back-office page, as an admin, at phone and desktop width: nothing wider than the screen, no
script or console errors (a content security policy violation would be one), every image loaded."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from dispatch.enums import JobStatus, TimeKind
from dispatch.extensions import db
from dispatch.field import photos as field_photos
from dispatch.field import services as field
from tests.browser.backoffice_support import Problems, shoot, sign_in, sticking_out
from tests.support.factories import next_weekday_at
from tests.support.tasks import wait_for_tasks
from tests.views.helpers import jpeg, signature_data_url

pytestmark = pytest.mark.browser

# Every image brought into view and waited for (load or error, 10 s at most), then those that did not
# load. Lazy images start loading only near the viewport and never hold up the page's load event, so
# reading `complete` straight after navigating races their download.
BROKEN_IMAGES = """async () => {
  const settled = img => img.complete ? Promise.resolve() : new Promise(done => {
    img.addEventListener('load', done, { once: true });
    img.addEventListener('error', done, { once: true });
    setTimeout(done, 10000);
  });
  for (const img of document.images) {
    img.scrollIntoView({ block: 'center' });
    await settled(img);
  }
  window.scrollTo(0, 0);
  return [...document.images].filter(i => !i.complete || !i.naturalWidth).map(i => i.src);
}"""


def _completed_job(make):
    """A job done in the field (hours, a part, a photo, a signature) and closed with a draft invoice."""
    make.company()
    technician = make.user("technician", name="Tess Technician")
    product = make.product(name="Expansion vessel 18 l", sku="EV-18")
    ended = date.today() - timedelta(days=10)
    customer = make.customer(name="Vereniging van Eigenaren Het Lange Huis")
    asset = make.asset(customer, product="Nefit EcomLine HR", serial_number="NEF-2211",
                       purchased_on=ended - timedelta(days=900), parts_warranty_until=ended,
                       labour_warranty_until=ended)
    job = make.scheduled_job(technician, make.ticket(asset=asset, subject="Pressure drops every day"),
                             start=next_weekday_at(9), instructions="Ring twice.")
    now = datetime.now(UTC)
    field.report_status(job, JobStatus.ON_SITE, technician.id)
    field.add_time_entry(job, technician.id, {
        "kind": TimeKind.WORK, "started_at": now - timedelta(minutes=95),
        "ended_at": now - timedelta(minutes=5), "note": "Vessel replaced"})
    field.add_part(job, technician.id, {"product_id": product.id, "quantity": Decimal("1")})
    field_photos.add_photo(job, technician.id, jpeg(), "Old vessel, corroded")
    field.sign(job, {"signer_name": "Mr de Boer", "image": signature_data_url()}, technician.id)
    field.complete(job, {"summary": "Expansion vessel replaced, pressure holds at 1.5 bar."}, technician.id)
    db.session.commit()
    wait_for_tasks()
    db.session.refresh(job)
    return job


@pytest.mark.parametrize("width", [360, 1280])
def test_every_page_fits_and_loads_cleanly(page, live_server, make, tiles, width):
    page.set_viewport_size({"width": width, "height": 800})
    problems = Problems(page)
    job = _completed_job(make)
    assert job.invoice_id is not None
    unscheduled = make.job(make.ticket(job.ticket.customer, subject="Second radiator cold"))
    admin = make.user("admin", name="Ada Admin")
    sign_in(page, live_server, admin.email)
    pages = {
        "tickets": "/tickets", "new-ticket": "/tickets/new", "ticket": f"/tickets/{job.ticket_id}",
        "jobs": "/jobs", "job-done": f"/jobs/{job.id}", "job-open": f"/jobs/{unscheduled.id}",
        "customers": "/customers", "customer": f"/customers/{job.ticket.customer_id}",
        "invoices": "/invoices", "invoice": f"/invoices/{job.invoice_id}", "not-found": "/tickets/999999",
        "board": f"/board?day={job.scheduled_start.date().isoformat()}",
        "board-week": f"/board?days=7&day={job.scheduled_start.date().isoformat()}",
        "plan-day": f"/board/plan?day={job.scheduled_start.date().isoformat()}",
        "route": f"/board/route/{job.technician_id}?day={job.scheduled_start.date().isoformat()}",
        "technicians": "/technicians", "technician": f"/technicians/{job.technician_id}",
        "job-templates": "/admin/job-templates",
    }
    for name, path in pages.items():
        page.goto(f"{live_server.url}{path}")
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        assert sticking_out(page) == [], f"{path} is wider than {width} px"
        broken = page.evaluate(BROKEN_IMAGES)
        assert broken == [], f"{path}: {broken}"
        shoot(page, f"tour-{width}-{name}")
    problems.seen = [seen for seen in problems.seen if "/tickets/999999" not in seen]
    problems.assert_none()
