"""Fixtures of the mailbox tests."""

import pytest

from tests.desk.mailbox.support import INBOUND_TOKEN
from tests.support import imapserver


@pytest.fixture
def inbound_token(app) -> str:
    app.config["INBOUND_MAIL_TOKEN"] = INBOUND_TOKEN
    return INBOUND_TOKEN


@pytest.fixture(scope="session")
def dovecot():
    """A real IMAP server (Dovecot) for the session; its mailbox is emptied for each test that uses it."""
    if not imapserver.available():
        pytest.skip("dovecot-imapd is not installed (apt-get install dovecot-imapd; .ci/run does)")
    server = imapserver.DovecotServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def imap(dovecot):
    dovecot.empty()
    return dovecot
