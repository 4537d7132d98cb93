"""The back-office pages as tests use them: a role signed in through the form, CSRF tokens, a draft invoice."""

from __future__ import annotations

from datetime import date, timedelta

from dispatch.billing.drafts import create_draft_for_job
from dispatch.billing.models import Invoice
from dispatch.closure.services import decide_automatically
from dispatch.extensions import db
from dispatch.scheduling.models import Job
from tests.support.csrf import csrf_token_from


class Pages:
    """Sign in as a role and read CSRF tokens, as a browser would."""

    def __init__(self, client, auth, make) -> None:
        self.client, self.auth, self.make = client, auth, make

    def login_as(self, role: str):
        """A new user of ``role``, signed in on the test client."""
        user = self.make.user(role)
        response = self.auth.login(user.email)
        assert response.status_code == 302, response.get_data(as_text=True)
        return user

    def token(self, path: str) -> str:
        """The CSRF token of the page at ``path`` (a refusal page carries one too)."""
        return csrf_token_from(self.client.get(path))


def draft_invoice(make, job: Job | None = None) -> Invoice:
    """A draft invoice for a job whose asset's warranty has ended (chargeable: call-out at least)."""
    make.company()
    if job is None:
        customer = make.customer(name="Bakker Installaties")
        asset = make.asset(customer, purchased_on=date.today() - timedelta(days=900),
                           parts_warranty_until=date.today() - timedelta(days=100),
                           labour_warranty_until=date.today() - timedelta(days=100))
        job = make.job(make.ticket(asset=asset))
    decision = decide_automatically(job)
    invoice = create_draft_for_job(job, decision)
    db.session.commit()
    return invoice
