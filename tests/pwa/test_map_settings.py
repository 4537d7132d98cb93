"""The job map's settings: the tile server from configuration reaches the app (GET /me) and its CSP."""

from __future__ import annotations

import pytest

from dispatch.web import tile_source

OSM = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"


def img_src(response) -> list[str]:
    policy = response.headers["Content-Security-Policy"]
    directive = next(part.strip() for part in policy.split(";") if part.strip().startswith("img-src "))
    return directive.split()[1:]


def test_me_tells_the_app_where_tiles_come_from(api, make):
    me = api.as_user(make.user("technician")).get("me")
    assert me.status_code == 200
    assert me.json["map"] == {"tile_url": OSM, "attribution": "© OpenStreetMap contributors"}


def test_configured_tile_server_is_used(app, api, make):
    app.config.update(MAP_TILE_URL="https://{s}.tiles.example.net/osm/{z}/{x}/{y}.png", MAP_ATTRIBUTION="Tiles © Us")
    me = api.as_user(make.user("technician")).get("me")
    assert me.json["map"] == {"tile_url": "https://{s}.tiles.example.net/osm/{z}/{x}/{y}.png",
                              "attribution": "Tiles © Us"}


@pytest.mark.parametrize("path", ["/app/", "/app/index.html"])
def test_app_page_allows_images_from_the_tile_server_only(client, auth, make, path):
    auth.login(make.user("technician").email)
    response = client.get(path)
    assert response.status_code == 200
    assert img_src(response) == ["'self'", "https://tile.openstreetmap.org", "data:", "blob:"]
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self';" in policy and "unsafe" not in policy


def test_no_tile_server_no_map_source(app, client, auth, make):
    app.config["MAP_TILE_URL"] = ""
    auth.login(make.user("technician").email)
    assert img_src(client.get("/app/")) == ["'self'", "data:", "blob:"]


def test_other_app_files_get_no_page_policy(client):
    response = client.get("/app/js/main.js")
    assert response.status_code == 200
    assert "Content-Security-Policy" not in response.headers
    response.close()


@pytest.mark.parametrize(
    ("url", "source"),
    [
        (OSM, "https://tile.openstreetmap.org"),
        ("https://{s}.tile.example.org/{z}/{x}/{y}.png", "https://*.tile.example.org"),
        ("http://tiles.local:8080/{z}/{x}/{y}.png", "http://tiles.local:8080"),
        ("https://tiles-{s}.example.org/{z}/{x}/{y}.png", "https:"),  # CSP cannot say that: any https image
        ("/tiles/{z}/{x}/{y}.png", "'self'"),
    ],
)
def test_tile_source(url, source):
    assert tile_source(url) == source
