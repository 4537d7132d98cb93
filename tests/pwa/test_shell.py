"""The technician app's shell as the server delivers it: /app/, its service worker, manifest and files."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from PIL import Image

from dispatch.field.views import shell_version

PWA = Path(__file__).resolve().parents[2] / "pwa"
# Files in pwa/ that are not part of the cached shell: the worker itself, vendored licences.
NOT_PRECACHED = {"sw.js", "LICENSE"}


def precache_list() -> list[str]:
    source = (PWA / "sw.js").read_text(encoding="utf-8")
    block = re.search(r"const SHELL = \[(.*?)\];", source, re.S)
    assert block, "sw.js has no SHELL list"
    return re.findall(r'"([^"]+)"', block.group(1))


def test_technician_gets_the_app_shell(client, auth, make):
    technician = make.user("technician")
    auth.login(technician.email)
    response = client.get("/app/")
    assert response.status_code == 200
    assert response.mimetype == "text/html"
    assert response.headers["Cache-Control"] == "no-cache"
    html = response.get_data(as_text=True)
    assert '<script type="module" src="/app/js/main.js"></script>' in html
    assert '<link rel="manifest" href="/app/manifest.json">' in html


def test_technician_home_is_the_app(client, auth, make):
    technician = make.user("technician")
    auth.login(technician.email)
    response = client.get("/")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/app/")


def test_anonymous_visitor_is_sent_to_login(client):
    response = client.get("/app/")
    assert response.status_code == 302
    assert "/login?next=/app/" in response.headers["Location"]


@pytest.mark.parametrize("role", ["agent", "billing", "admin"])
def test_office_roles_get_no_app_shell(client, auth, make, role):
    user = make.user(role)
    auth.login(user.email)
    assert client.get("/app/").status_code == 403


def test_service_worker_is_never_cached_and_is_versioned(client):
    response = client.get("/app/sw.js")
    assert response.status_code == 200
    assert response.mimetype == "text/javascript"
    assert response.headers["Cache-Control"] == "no-cache"
    assert response.headers["Service-Worker-Allowed"] == "/app/"
    body = response.get_data(as_text=True)
    assert "__SHELL_VERSION__" not in body
    version = re.search(r'const VERSION = "([0-9a-f]{16})";', body)
    assert version and version.group(1) == shell_version(PWA)


def test_version_changes_with_any_file_of_the_app(tmp_path):
    (tmp_path / "js").mkdir()
    (tmp_path / "js" / "main.js").write_text("console.log(1);")
    (tmp_path / "index.html").write_text("<!doctype html>")
    before = shell_version(tmp_path)
    assert shell_version(tmp_path) == before
    (tmp_path / "js" / "main.js").write_text("console.log(2);")
    assert shell_version(tmp_path) != before


def test_precache_list_is_exactly_the_app_files(client):
    listed = precache_list()
    assert len(listed) == len(set(listed))
    on_disk = {
        "/app/" + path.relative_to(PWA).as_posix()
        for path in PWA.rglob("*")
        if path.is_file() and path.name not in NOT_PRECACHED
    }
    assert set(listed) == on_disk
    for url in listed:
        response = client.get(url)
        assert response.status_code == 200, url
        response.close()


def test_manifest_makes_the_app_installable(client):
    manifest = json.loads(client.get("/app/manifest.json").get_data(as_text=True))
    assert manifest["start_url"] == "/app/"
    assert manifest["scope"] == "/app/"
    assert manifest["display"] == "standalone"
    assert manifest["name"] and manifest["short_name"] and manifest["theme_color"]
    sizes = {}
    for icon in manifest["icons"]:
        path = PWA / icon["src"].removeprefix("/app/")
        with Image.open(path) as image:
            assert image.format == "PNG"
            assert f"{image.width}x{image.height}" == icon["sizes"]
        sizes[icon["sizes"]] = icon
    assert {"192x192", "512x512"} <= set(sizes)


def test_catalogues_have_the_same_messages_and_placeholders():
    english = json.loads((PWA / "i18n" / "en.json").read_text(encoding="utf-8"))

    def placeholders(message) -> set[str]:
        texts = message.values() if isinstance(message, dict) else [message]
        return {name for text in texts for name in re.findall(r"\{(\w+)\}", text)}

    for language in ("nl", "de"):
        catalogue = json.loads((PWA / "i18n" / f"{language}.json").read_text(encoding="utf-8"))
        assert set(catalogue) == set(english), language
        for key, message in english.items():
            assert placeholders(catalogue[key]) == placeholders(message), (language, key)
            assert type(catalogue[key]) is type(message), (language, key)


def test_every_message_the_app_uses_is_in_the_catalogue():
    english = json.loads((PWA / "i18n" / "en.json").read_text(encoding="utf-8"))
    used = set()
    for script in (PWA / "js").rglob("*.js"):
        used |= set(re.findall(r'\bt\("([a-z0-9_]+)"', script.read_text(encoding="utf-8")))
    assert used - set(english) == set()
