"""A stand-in for Nominatim: a real HTTP server on loopback answering ``/search`` with Nominatim's JSON.

The whole suite points GEOCODER_URL at it (the rq worker too, through its environment), so no test ever asks
the internet; by default it knows no address. Tests teach it places, take it "down" (503 Service Unavailable,
as Nominatim answers when overloaded), and read the requests it got with their arrival times.
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit


@dataclass(frozen=True)
class Request:
    at: float  # time.monotonic() of this (the test) process
    params: dict[str, str]


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def do_GET(self) -> None:  # noqa: N802 - http.server's hook name
        parts = urlsplit(self.path)
        params = {name: values[0] for name, values in parse_qs(parts.query).items()}
        stand_in = self.server.stand_in
        with stand_in.lock:
            stand_in.requests.append(Request(time.monotonic(), params))
            down = stand_in.down
            place = stand_in.places.get(_place_key(params.get("street", ""), params.get("city", "")))
        if parts.path != "/search":
            self._answer(404, {"error": "not found"})
        elif down:
            self._answer(503, {"error": "Service Unavailable"})
        else:
            self._answer(200, [place] if place else [])

    def _answer(self, status: int, body: object) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *_args: object) -> None:  # keep the test output quiet
        pass


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    stand_in: GeocoderStandIn


def _place_key(street: str, city: str) -> tuple[str, str]:
    return street.casefold().strip(), city.casefold().strip()


class GeocoderStandIn:
    """The server, what it knows and what it was asked."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.places: dict[tuple[str, str], dict] = {}
        self.requests: list[Request] = []
        self.down = False
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.stand_in = self
        self._thread = threading.Thread(target=self._server.serve_forever, name="geocoder-stand-in", daemon=True)

    @property
    def domain(self) -> str:
        """What GEOCODER_URL is set to (geopy's ``domain``: host and port)."""
        return f"127.0.0.1:{self._server.server_address[1]}"

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def reset(self) -> None:
        """Forget the places taught, the requests seen, and come back up."""
        with self.lock:
            self.places.clear()
            self.requests.clear()
            self.down = False

    def knows(self, street: str, city: str, latitude: float, longitude: float, display_name: str = "") -> None:
        """Answer a search for ``street`` in ``city`` with this pin."""
        with self.lock:
            self.places[_place_key(street, city)] = {
                "place_id": len(self.places) + 1, "lat": str(latitude), "lon": str(longitude),
                "display_name": display_name or f"{street}, {city}", "type": "house", "importance": 0.5,
            }

    def searches(self) -> list[Request]:
        """The ``/search`` requests received so far."""
        with self.lock:
            return list(self.requests)
