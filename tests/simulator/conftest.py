"""Fixtures for the simulator's tests: a running simulator, the REAL twilio client pointed at it,
and a webhook receiver that records what the simulator POSTs."""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl

import pytest
from twilio.http.http_client import TwilioHttpClient
from twilio.rest import Client

import smskit.simulator
from smskit.simulator import SimulatorHandle

TWILIO_HOST = re.compile(r"^https://[a-z0-9.-]+\.twilio\.com")


class LoopbackHttpClient(TwilioHttpClient):  # type: ignore[misc]
    """twilio's own HTTP client, sending every https://*.twilio.com URL to the simulator instead
    (CONVENTIONS §6: the supported hook is ``Client(..., http_client=...)``). No retries."""

    def __init__(self, base_url: str) -> None:
        super().__init__(timeout=10)
        self.base_url = base_url

    def request(self, method: str, url: str, *args: Any, **kwargs: Any) -> Any:
        return super().request(method, TWILIO_HOST.sub(self.base_url, url), *args, **kwargs)


def twilio_client(
    sim: SimulatorHandle, username: str | None = None, password: str | None = None
) -> Client:
    """A real twilio.rest.Client talking to ``sim`` (account SID + token unless told otherwise)."""
    return Client(
        username or sim.account_sid,
        password or sim.auth_token,
        account_sid=sim.account_sid,
        http_client=LoopbackHttpClient(sim.url),
    )


@pytest.fixture
def sim() -> Iterator[SimulatorHandle]:
    """A fresh simulator: instant lifecycle, no pacing (tests that need either turn it on)."""
    with smskit.simulator.start(step_delay=0, rate_limits=False, seed=7) as handle:
        yield handle


@pytest.fixture
def make_client() -> Callable[..., Client]:
    """``make_client(sim, username=None, password=None)``: a real twilio client for ``sim``."""
    return twilio_client


@pytest.fixture
def client(sim: SimulatorHandle) -> Client:
    """The real twilio client, pointed at ``sim``."""
    return twilio_client(sim)


@dataclass(frozen=True)
class Hit:
    """One request the simulator made to our webhook receiver."""

    url: str
    signature: str
    params: dict[str, str]
    at: float


class Receiver:
    """A small HTTP server (stdlib, test-only) that records every form POST it gets."""

    def __init__(self) -> None:
        self.hits: list[Hit] = []
        self.answer = b"<Response/>"  # what the receiver answers (TwiML), settable by a test
        self._lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                params = dict(parse_qsl(self.rfile.read(length).decode(), keep_blank_values=True))
                url = f"http://127.0.0.1:{receiver.port}{self.path}"
                hit = Hit(url, self.headers.get("X-Twilio-Signature", ""), params, time.monotonic())
                with receiver._lock:
                    receiver.hits.append(hit)
                self.send_response(200)
                self.send_header("Content-Type", "text/xml")
                self.end_headers()
                self.wfile.write(receiver.answer)

            def log_message(self, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def url(self, path: str = "/status") -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def wait_for(self, test: Callable[[list[Hit]], bool], timeout: float = 10.0) -> list[Hit]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._lock:
                hits = list(self.hits)
            if test(hits):
                return hits
            time.sleep(0.01)
        raise AssertionError(f"webhook condition not met; got {[h.params for h in self.hits]}")

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    """A webhook receiver on loopback."""
    server = Receiver()
    yield server
    server.close()
