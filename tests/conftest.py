"""Fixtures in the Flask tutorial's style: ``app``, ``client``, ``runner``, ``auth``, plus real services.

Each test process (each pytest-xdist worker) builds the app once and migrates one database; after
every test that database, the app's configuration and its rate-limit counts are put back as they were
(``tests/support/databases.py``). By default the database is SQLite and tasks run in-process. With
``TEST_DATABASE_URL`` (PostgreSQL) and ``TEST_REDIS_URL`` set, every worker gets its own database and
Redis database, and a real ``rq worker`` process of its own runs the tasks.

Tests that need an app of their own (other configuration read at start-up, proxy headers, a second app
racing the first) build one with ``create_app`` themselves and say why.
"""

from __future__ import annotations

import copy
import os
import subprocess
import sys
from pathlib import Path

import pytest

from dispatch import create_app
from dispatch.extensions import db, limiter
from tests.support.api import ApiClient
from tests.support.client import IsolatedClient
from tests.support.databases import PROJECT_ROOT, PostgresDatabase, SQLiteDatabase, worker_database_url
from tests.support.geocoder import GeocoderStandIn
from tests.support.mailserver import MailServer
from tests.support.pages import Pages
from tests.support.tasks import QueueDrain

POSTGRES_URL = os.environ.get("TEST_DATABASE_URL", "")
REDIS_URL = os.environ.get("TEST_REDIS_URL", "")

if REDIS_URL and not POSTGRES_URL:
    raise RuntimeError("TEST_REDIS_URL needs TEST_DATABASE_URL: the rq worker must see the test database")


def _worker_id() -> str:
    """``gw0``, ``gw1``... under pytest-xdist; ``master`` in a plain run."""
    return os.environ.get("PYTEST_XDIST_WORKER", "master")


def _worker_redis_url() -> str:
    """The test Redis database of this process: xdist worker N uses database N of ``TEST_REDIS_URL``'s server."""
    if not REDIS_URL or _worker_id() == "master":
        return REDIS_URL
    head, _, _database = REDIS_URL.rpartition("/")
    return f"{head}/{int(_worker_id().removeprefix('gw'))}"


@pytest.fixture(scope="session")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("dispatch")


@pytest.fixture(scope="session")
def database(workdir: Path) -> SQLiteDatabase | PostgresDatabase:
    """This process's migrated test database (an xdist worker's own on PostgreSQL)."""
    if POSTGRES_URL:
        database = PostgresDatabase(worker_database_url(POSTGRES_URL, _worker_id()), workdir)
        yield database
        database.close()
    else:
        yield SQLiteDatabase(workdir)


@pytest.fixture(scope="session")
def mail_server() -> MailServer:
    server = MailServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def storage_dir(workdir: Path) -> Path:
    path = workdir / "files"
    path.mkdir(exist_ok=True)
    return path


@pytest.fixture(scope="session")
def geocoder_server() -> GeocoderStandIn:
    """The Nominatim stand-in every app (and the rq worker) asks; it knows no address unless a test teaches it."""
    server = GeocoderStandIn()
    server.start()
    yield server
    server.stop()


def _geocoder_config(server: GeocoderStandIn) -> dict[str, str]:
    return {"GEOCODER": "nominatim", "GEOCODER_URL": server.domain, "GEOCODER_SCHEME": "http",
            "GEOCODER_MIN_DELAY_SECONDS": "0.01"}


@pytest.fixture(scope="session")
def rq_worker(database, mail_server: MailServer, storage_dir: Path, workdir: Path,
              geocoder_server: GeocoderStandIn):
    """A real ``rq worker`` process on this process's test Redis database, when the suite runs with one."""
    redis_url = _worker_redis_url()
    if not redis_url:
        yield None
        return
    from redis import Redis

    Redis.from_url(redis_url).flushdb()
    env = {**os.environ, "DATABASE_URL": database.url, "REDIS_URL": redis_url, "SMTP_URL": mail_server.url,
           "STORAGE_DIR": str(storage_dir), "SECRET_KEY": "test-secret", **_geocoder_config(geocoder_server)}
    log = open(workdir / "rq-worker.log", "wb")  # noqa: SIM115 - open for the life of the worker
    process = subprocess.Popen(
        [str(Path(sys.executable).parent / "rq"), "worker", "--url", redis_url,
         "--worker-class", "rq.worker.SimpleWorker", "--with-scheduler", "default"],
        env=env, cwd=PROJECT_ROOT, stdout=log, stderr=subprocess.STDOUT,
    )
    yield process
    process.terminate()
    process.wait(timeout=20)
    log.close()


@pytest.fixture(scope="session")
def queue_drain(rq_worker):
    """Empties the rq queue between tests (a no-op without Redis)."""
    drain = QueueDrain(_worker_redis_url()) if rq_worker is not None else None
    yield drain
    if drain is not None:
        drain.close()


@pytest.fixture(scope="session")
def shared_app(database, mail_server: MailServer, storage_dir: Path, rq_worker, geocoder_server):
    """The app of this test process, built once: ``create_app`` costs about 200 ms (URL rules, the OpenAPI
    document, template compilation on first use), which per test was 40 % of the suite's time."""
    app = create_app({
        **_geocoder_config(geocoder_server),
        "GEOCODER_MIN_DELAY_SECONDS": 0.01,
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "DATABASE_URL": database.url,
        "REDIS_URL": _worker_redis_url(),
        "STORAGE_DIR": str(storage_dir),
        "SMTP_URL": mail_server.url,
        "RATELIMIT_STORAGE_URI": "memory://",
        # Cheap password hashing: the cost is production's concern, the behaviour is the tests'.
        "ARGON2_PARAMS": {"time_cost": 1, "memory_cost": 8, "parallelism": 1},
        "SERVER_NAME": "localhost",
    })
    app.test_client_class = IsolatedClient
    return app


@pytest.fixture
def app(shared_app, database, mail_server: MailServer, geocoder_server, queue_drain):
    """The process's app in a pushed app context, with the migrated database and the configuration as built.

    What a test changes is put back after it: the rows it wrote, the configuration it set, the rate-limit
    counts, the mail and geocoder stand-ins' memory, the queue of background tasks.
    """
    configuration = copy.deepcopy(dict(shared_app.config))
    geocoder_server.reset()
    mail_server.clear()
    limiter.reset()
    try:
        with shared_app.app_context():
            yield shared_app
            if queue_drain is not None:
                queue_drain.wait()
            db.session.remove()
            database.restore(db.engine)
    finally:
        shared_app.config.clear()
        shared_app.config.update(configuration)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


class AuthActions:
    """Sign in through the login form, as a browser does."""

    def __init__(self, client) -> None:
        self._client = client

    def login(self, email: str, password: str = "correct horse battery"):
        from tests.support.csrf import csrf_token_from

        page = self._client.get("/login")
        token = csrf_token_from(page)
        return self._client.post("/login", data={"email": email, "password": password, "csrf_token": token})

    def logout(self):
        from tests.support.csrf import csrf_token_from

        # Signed in, /login sends the user on; any back-office page (a 403 one for a technician) carries the token.
        return self._client.post("/logout", data={"csrf_token": csrf_token_from(self._client.get("/customers"))})


@pytest.fixture
def auth(client) -> AuthActions:
    return AuthActions(client)


@pytest.fixture
def pages(client, auth, make):
    """Back-office pages: ``pages.login_as(role)`` signs a new user in, ``pages.token(path)`` reads a CSRF token."""
    return Pages(client, auth, make)


@pytest.fixture
def api(client) -> ApiClient:
    """A JSON API client; ``api.as_user(user)`` signs requests with a bearer token of that user."""
    return ApiClient(client)


@pytest.fixture
def make(app):
    """Test-data factories bound to the test database."""
    from tests.support import factories

    return factories.Factory()
