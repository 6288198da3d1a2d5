"""Run the simulator: uvicorn on 127.0.0.1 in a background thread, behind a small handle.

>>> with start(step_delay=0) as sim:
...     sim.url.startswith("http://127.0.0.1:"), sim.account_sid[:2]
(True, 'AC')
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterable
from types import TracebackType
from typing import Any

import uvicorn

from smskit.simulator.admin_api import provision
from smskit.simulator.app import build_app
from smskit.simulator.config import SimulatorConfig
from smskit.simulator.lifecycle import Engine
from smskit.simulator.state import OwnedNumber, SimMessage, Store
from smskit.simulator.web import Simulator

FINAL_STATUSES = frozenset({"delivered", "undelivered", "failed", "received", "canceled"})
DEFAULT_NUMBERS = ("+15005550006",)  # Twilio's valid test-credential From number


class SimulatorHandle:
    """A running simulator: its URL and test credentials, its state, its knobs, and ``stop()``.

    The auth token and API key secret are attributes, but never part of ``repr``.
    """

    def __init__(
        self, simulator: Simulator, server: uvicorn.Server, thread: threading.Thread, url: str
    ):
        self._simulator = simulator
        self._server = server
        self._thread = thread
        self.url = url
        account = simulator.store.accounts()[0]
        self.account_sid = account.sid
        self.auth_token = account.auth_token
        self.api_key_sid, self.api_key_secret = account.api_keys[0]
        # The same account through Vonage's APIs: key, secret and webhook signature secret.
        self.vonage_api_key = account.vonage_key
        self.vonage_api_secret = account.vonage_secret
        self.vonage_signature_secret = account.signature_secret

    def __repr__(self) -> str:
        state = "running" if self.running else "stopped"
        return f"SimulatorHandle(url={self.url!r}, account_sid={self.account_sid!r}, {state})"

    @property
    def running(self) -> bool:
        """True until ``stop()``."""
        return self._thread.is_alive()

    @property
    def idle_seconds(self) -> float:
        """Seconds since the last HTTP request of any kind."""
        return time.monotonic() - self._simulator.engine.last_request

    def stop(self, timeout: float = 10.0) -> None:
        """Stop the server and wait for its thread; safe to call twice."""
        self._server.should_exit = True
        self._thread.join(timeout)
        if self._thread.is_alive():
            raise RuntimeError("the simulator did not stop in time")

    def __enter__(self) -> SimulatorHandle:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    # --- knobs ----------------------------------------------------------------------------------
    @property
    def config(self) -> SimulatorConfig:
        """The knobs in force now."""
        return self._simulator.engine.config

    def configure(self, **changes: Any) -> SimulatorConfig:
        """Change knobs (see :class:`SimulatorConfig`); ValueError names an unknown or bad one."""
        return self._simulator.engine.configure(**changes)

    # --- state ----------------------------------------------------------------------------------
    def messages(
        self,
        *,
        to: str | None = None,
        from_: str | None = None,
        direction: str | None = None,
        status: str | None = None,
    ) -> tuple[SimMessage, ...]:
        """Messages of this simulator's account, oldest first, optionally filtered."""

        def wanted(m: SimMessage) -> bool:
            return all(
                want is None or have == want
                for want, have in (
                    (to, m.to),
                    (from_, m.from_),
                    (direction, m.direction),
                    (status, m.status),
                )
            )

        return tuple(reversed(self._simulator.store.messages(self.account_sid, wanted)))

    def message(self, sid: str) -> SimMessage:
        """One message by SID; KeyError if there is none."""
        found = self._simulator.store.message(sid)
        if found is None:
            raise KeyError(sid)
        return found

    def wait_for(
        self, sid: str, statuses: Iterable[str] = FINAL_STATUSES, timeout: float = 10.0
    ) -> SimMessage:
        """Wait until the message reaches one of ``statuses``; TimeoutError names its status."""
        wanted = frozenset(statuses)
        deadline = time.monotonic() + timeout
        while True:
            message = self.message(sid)
            if message.status in wanted:
                return message
            if time.monotonic() > deadline:
                raise TimeoutError(f"{sid} is still {message.status!r} after {timeout} s")
            time.sleep(0.01)

    def inject_inbound(self, from_: str, to: str, body: str, timeout: float = 10.0) -> SimMessage:
        """A handset texts ``body`` to one of the account's numbers (webhook, keywords,
        auto-reply)."""
        engine = self._simulator.engine
        return engine.run_coroutine(engine.receive(self.account_sid, from_, to, body), timeout)

    def add_number(
        self, phone_number: str, kind: str = "", sms_url: str | None = None, api: str = "twilio"
    ) -> OwnedNumber:
        """Own a number without buying it: a short code, a toll-free or any E.164 number.

        ``api="vonage"``: inbound messages to it are posted in Vonage's webhook shape."""
        return provision(
            self._simulator.store, self.account_sid, phone_number, kind, sms_url, api=api
        )

    def numbers(self) -> tuple[OwnedNumber, ...]:
        """The account's numbers, oldest first."""
        return self._simulator.store.owned(self.account_sid)

    def is_opted_out(self, sender: str, recipient: str) -> bool:
        """True if ``recipient`` has opted out of messages from ``sender`` (number or service)."""
        return self._simulator.store.is_opted_out(self.account_sid, [sender], recipient)


def start(
    port: int = 0,
    *,
    numbers: Iterable[str] = DEFAULT_NUMBERS,
    startup_timeout: float = 15.0,
    **config: Any,
) -> SimulatorHandle:
    """Start a simulator on 127.0.0.1 (``port=0``: any free port) with fresh random credentials.

    Keyword arguments are :class:`SimulatorConfig` knobs, e.g. ``step_delay=0, rate_limits=False``.
    """
    settings = SimulatorConfig().with_changes(**config)
    store = Store()
    account = store.create_account()
    for number in numbers:
        provision(store, account.sid, number)
    simulator = Simulator(store, Engine(store, settings))
    # proto=IPPROTO_TCP matters: asyncio only sets TCP_NODELAY on accepted sockets whose proto is
    # TCP, and without it Nagle + delayed ACKs add ~40 ms to every answer (headers and body are
    # written separately).
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", port))
    server = uvicorn.Server(
        uvicorn.Config(
            build_app(simulator),
            log_level="warning",
            access_log=False,
            lifespan="on",
            timeout_graceful_shutdown=2,
        )
    )
    thread = threading.Thread(
        target=server.run, kwargs={"sockets": [sock]}, name="smskit-simulator", daemon=True
    )
    thread.start()
    deadline = time.monotonic() + startup_timeout
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            server.should_exit = True
            sock.close()
            raise RuntimeError("the simulator failed to start")
        time.sleep(0.01)
    url = f"http://127.0.0.1:{sock.getsockname()[1]}"
    return SimulatorHandle(simulator, server, thread, url)
