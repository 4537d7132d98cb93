"""Fixtures in the Flask tutorial's style: ``app``, ``client``, ``runner``, ``auth``, plus real services.

By default every test gets a fresh SQLite database copied from one migrated template, and tasks run
in-process. With ``TEST_DATABASE_URL`` (PostgreSQL) and ``TEST_REDIS_URL`` set, the suite migrates
that database once, empties it between tests, and a real ``rq worker`` process runs the tasks.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect, text

from dispatch import create_app
from dispatch.extensions import db
from tests.support.api import ApiClient
from tests.support.client import IsolatedClient
from tests.support.geocoder import GeocoderStandIn
from tests.support.mailserver import MailServer
from tests.support.pages import Pages

PROJECT_ROOT = Path(__file__).resolve().parent.parent
POSTGRES_URL = os.environ.get("TEST_DATABASE_URL", "")
REDIS_URL = os.environ.get("TEST_REDIS_URL", "")
# Rows that the migration itself seeds; kept between tests.
# Rows the migrations seed; on PostgreSQL each test gets them back as they were after migrating.
SEEDED_TABLES = ("ticket_statuses", "sla_policies", "business_hours")

if REDIS_URL and not POSTGRES_URL:
    raise RuntimeError("TEST_REDIS_URL needs TEST_DATABASE_URL: the rq worker must see the test database")


def _migrate(database_url: str, workdir: Path) -> None:
    env = {**os.environ, "DATABASE_URL": database_url, "SECRET_KEY": "migrate", "FLASK_APP": "dispatch",
           "STORAGE_DIR": str(workdir / "files")}
    env.pop("REDIS_URL", None)
    done = subprocess.run([sys.executable, "-m", "flask", "db", "upgrade"], env=env, cwd=PROJECT_ROOT,
                          capture_output=True, text=True)
    if done.returncode != 0:  # say why, not just "exit status 1", once per session
        pytest.exit(f"`flask db upgrade` failed:\n{done.stdout}{done.stderr[-6000:]}", returncode=3)


class Databases:
    """Hands out an empty migrated database per test."""

    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        self.count = 0
        if POSTGRES_URL:
            engine = create_engine(_psycopg(POSTGRES_URL))
            with engine.begin() as connection:
                connection.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
            engine.dispose()
            _migrate(POSTGRES_URL, workdir)
            engine = create_engine(_psycopg(POSTGRES_URL))
            self.tables = [name for name in inspect(engine).get_table_names() if name != "alembic_version"]
            with engine.connect() as connection:
                self.seeds = {table: [dict(row) for row in connection.execute(text(f"SELECT * FROM {table}"))
                                      .mappings()] for table in SEEDED_TABLES}
            engine.dispose()
        else:
            self.template = workdir / "template.sqlite3"
            _migrate(f"sqlite:///{self.template}", workdir)

    def fresh(self) -> str:
        if POSTGRES_URL:
            return POSTGRES_URL
        self.count += 1
        path = self.workdir / f"test-{self.count}.sqlite3"
        shutil.copyfile(self.template, path)
        return f"sqlite:///{path}"

    def reset(self, url: str) -> None:
        if POSTGRES_URL:
            engine = create_engine(_psycopg(url))
            with engine.begin() as connection:
                connection.execute(text(f"TRUNCATE {', '.join(self.tables)} RESTART IDENTITY CASCADE"))
                for table, rows in self.seeds.items():
                    if rows:
                        columns = list(rows[0])
                        connection.execute(text(f"INSERT INTO {table} ({', '.join(columns)}) VALUES "
                                                f"({', '.join(':' + column for column in columns)})"), rows)
                        # Later inserts number on from the seeds, as after a fresh migration.
                        connection.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                                                f"(SELECT max(id) FROM {table}))"))
            engine.dispose()
        else:
            for suffix in ("", "-wal", "-shm"):
                Path(url.removeprefix("sqlite:///") + suffix).unlink(missing_ok=True)


def _psycopg(url: str) -> str:
    return url.replace("postgresql://", "postgresql+psycopg://", 1)


@pytest.fixture(scope="session")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("dispatch")


@pytest.fixture(scope="session")
def databases(workdir: Path) -> Databases:
    return Databases(workdir)


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
def rq_worker(databases: Databases, mail_server: MailServer, storage_dir: Path, workdir: Path,
              geocoder_server: GeocoderStandIn):
    """A real ``rq worker`` process on the test Redis, when the suite runs with one."""
    if not REDIS_URL:
        yield None
        return
    from redis import Redis

    Redis.from_url(REDIS_URL).flushdb()
    env = {**os.environ, "DATABASE_URL": POSTGRES_URL, "REDIS_URL": REDIS_URL, "SMTP_URL": mail_server.url,
           "STORAGE_DIR": str(storage_dir), "SECRET_KEY": "test-secret", **_geocoder_config(geocoder_server)}
    log = open(workdir / "rq-worker.log", "wb")  # noqa: SIM115 - open for the life of the worker
    process = subprocess.Popen(
        [str(Path(sys.executable).parent / "rq"), "worker", "--url", REDIS_URL,
         "--worker-class", "rq.worker.SimpleWorker", "--with-scheduler", "default"],
        env=env, cwd=PROJECT_ROOT, stdout=log, stderr=subprocess.STDOUT,
    )
    yield process
    process.terminate()
    process.wait(timeout=20)
    log.close()


@pytest.fixture
def app(databases: Databases, mail_server: MailServer, storage_dir: Path, rq_worker, geocoder_server):
    url = databases.fresh()
    geocoder_server.reset()
    app = create_app({
        **_geocoder_config(geocoder_server),
        "GEOCODER_MIN_DELAY_SECONDS": 0.01,
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "DATABASE_URL": url,
        "REDIS_URL": REDIS_URL,
        "STORAGE_DIR": str(storage_dir),
        "SMTP_URL": mail_server.url,
        "RATELIMIT_STORAGE_URI": "memory://",
        # Cheap password hashing: the cost is production's concern, the behaviour is the tests'.
        "ARGON2_PARAMS": {"time_cost": 1, "memory_cost": 8, "parallelism": 1},
        "SERVER_NAME": "localhost",
    })
    app.test_client_class = IsolatedClient
    mail_server.clear()
    with app.app_context():
        yield app
        if REDIS_URL:
            from tests.support.tasks import drain_queue

            drain_queue(REDIS_URL)
        db.session.remove()
        db.engine.dispose()
    databases.reset(url)


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
