"""The suite's own promise: one app per test process, yet no test sees what another wrote or set.

The two tests run in file order (also under pytest-xdist, which sends a module's tests to one worker
with ``--dist loadfile``): the first leaves rows, audit events, a changed seed row, changed
configuration and used rate-limit counts behind; the second finds none of it.
"""

from __future__ import annotations

from sqlalchemy import func, select, update

from dispatch.audit import AuditEvent
from dispatch.auth.models import User
from dispatch.customers.models import Customer
from dispatch.desk.models import Ticket, TicketStatus
from dispatch.extensions import db
from tests.support.queries import count

LEFT_BEHIND = "left behind by the first test"


def test_first_test_leaves_rows_configuration_and_counts_behind(app, make, client):
    ticket = make.ticket()
    db.session.execute(update(TicketStatus).where(TicketStatus.key == "new").values(name=LEFT_BEHIND))
    db.session.commit()
    app.config["PORTAL_MIN_FILL_SECONDS"] = 12345
    app.config["ARGON2_PARAMS"]["time_cost"] = 7  # a change inside a nested value, too
    answers = [client.post("/api/v1/auth/token", json={"email": "nobody@example.com", "password": "wrong"})
               for _ in range(12)]  # more failed sign-ins than the limit lets through

    assert answers[-1].status_code == 429
    assert ticket.id is not None and count(AuditEvent) > 0 and count(Customer) == 1


def test_second_test_starts_from_the_migrated_database_and_the_built_configuration(app, make, client):
    assert count(Ticket) == count(Customer) == count(User) == count(AuditEvent) == 0
    assert db.session.scalar(select(func.count()).where(TicketStatus.name == LEFT_BEHIND)) == 0
    assert db.session.scalar(select(TicketStatus.name).where(TicketStatus.key == "new")) != LEFT_BEHIND
    assert app.config["PORTAL_MIN_FILL_SECONDS"] != 12345
    assert app.config["ARGON2_PARAMS"]["time_cost"] == 1
    # Numbering starts again as after a fresh migration, so ids never depend on the order tests run in.
    assert make.user().id == 1
    # The rate limiter forgot the first test's failed sign-ins: a wrong password is a 401, not a 429.
    answer = client.post("/api/v1/auth/token", json={"email": "nobody@example.com", "password": "wrong"})
    assert answer.status_code == 401
