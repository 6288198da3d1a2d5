"""One simulator per ``SMSKIT_HOME``, shared by every Voilà kernel: ``shared()``.

Each dashboard page runs in its own kernel; the setup walkthrough and the campaign sender must see
the same numbers and messages. So the first caller spawns a detached ``smskit simulator`` process
and records its URL and credentials in ``$SMSKIT_HOME/simulator.json`` (mode 0600); later callers
reuse it while it answers. A file lock keeps two kernels from spawning two simulators at once.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx

from smskit.i18n.catalog import LocalizedError
from smskit.simulator.config import SimulatorConfig
from smskit.simulator.render import parse_message
from smskit.simulator.state import SimMessage

STATE_FILE = "simulator.json"
DEFAULT_IDLE = 8 * 3600.0


class SharedSimulator:
    """A simulator running in another process: URL, test credentials, and admin calls over HTTP.

    The auth token and API key secret are attributes, but never part of ``repr``.
    """

    def __init__(self, info: dict[str, Any]) -> None:
        self.url: str = info["url"]
        self.account_sid: str = info["account_sid"]
        self.auth_token: str = info["auth_token"]
        self.api_key_sid: str = info["api_key_sid"]
        self.api_key_secret: str = info["api_key_secret"]
        # The same account through Vonage's API (absent in a state file of an older smskit).
        self.vonage_api_key: str = info.get("vonage_api_key", "")
        self.vonage_api_secret: str = info.get("vonage_api_secret", "")
        self.vonage_signature_secret: str = info.get("vonage_signature_secret", "")
        self.pid: int = int(info["pid"])

    def __repr__(self) -> str:
        return (
            f"SharedSimulator(url={self.url!r}, account_sid={self.account_sid!r}, pid={self.pid})"
        )

    def _request(self, method: str, path: str, **kwargs: Any) -> Any:
        auth = (self.account_sid, self.auth_token)
        response = httpx.request(method, self.url + path, auth=auth, timeout=10.0, **kwargs)
        if response.status_code >= 400:
            body = response.json()
            raise LocalizedError(
                "The simulator refused the request (Twilio error {code}): {message}",
                code=body.get("code"),
                message=body.get("message"),
            )
        return response.json()

    @property
    def running(self) -> bool:
        """True if the simulator answers with these credentials."""
        return _alive(self.url, self.account_sid, self.auth_token)

    def configure(self, **changes: Any) -> SimulatorConfig:
        """Change knobs of the shared simulator (POST /_simulator/config)."""
        public = self._request("POST", "/_simulator/config", json=changes)
        return SimulatorConfig().with_changes(**public)

    def inject_inbound(self, from_: str, to: str, body: str) -> SimMessage:
        """A handset texts one of the account's numbers (POST /_simulator/inbound)."""
        data = {"From": from_, "To": to, "Body": body}
        return parse_message(self._request("POST", "/_simulator/inbound", json=data))

    def messages(self) -> tuple[SimMessage, ...]:
        """Every message of the account, oldest first (read through the Messages API)."""
        found: list[SimMessage] = []
        path: str | None = f"/2010-04-01/Accounts/{self.account_sid}/Messages.json?PageSize=1000"
        while path:
            page = self._request("GET", path)
            found.extend(parse_message(m) for m in page["messages"])
            path = page["next_page_uri"]
        return tuple(reversed(found))

    def stop(self) -> None:
        """Stop the simulator process (it removes its state file on the way out)."""
        with contextlib.suppress(ProcessLookupError):
            os.kill(self.pid, signal.SIGTERM)


def _alive(url: str, account_sid: str, auth_token: str) -> bool:
    try:
        response = httpx.get(
            url + "/_simulator/health", auth=(account_sid, auth_token), timeout=2.0
        )
    except httpx.HTTPError:
        return False
    return response.status_code == 200 and response.json().get("account_sid") == account_sid


@contextmanager
def _locked(path: Path) -> Iterator[None]:
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    with path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _read(path: Path) -> dict[str, Any] | None:
    try:
        info = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return info if isinstance(info, dict) else None


def idle_timeout() -> float:
    """How long a shared simulator lives without requests: ``$SMSKIT_SIMULATOR_IDLE`` seconds.

    The default, 8 hours, outlasts a training day; test sessions (a fresh ``SMSKIT_HOME`` each)
    can set it low so no simulator outlives them for long.

    >>> idle_timeout() > 0
    True
    """
    raw = os.environ.get("SMSKIT_SIMULATOR_IDLE", "").strip()
    try:
        value = float(raw) if raw else DEFAULT_IDLE
    except ValueError:
        raise LocalizedError(
            "SMSKIT_SIMULATOR_IDLE must be a number of seconds, not {value!r}", value=raw
        ) from None
    return value if value > 0 else DEFAULT_IDLE


def shared(home: Path | None = None, timeout: float = 30.0) -> SharedSimulator:
    """The simulator of this ``SMSKIT_HOME``: reuse the running one, or start it detached.

    It stops by itself after :func:`idle_timeout` seconds without a request.
    """
    if home is None:
        from smskit.store.database import smskit_home

        home = smskit_home()
    state = home / STATE_FILE
    with _locked(home / "simulator.lock"):
        info = _read(state)
        if info and _alive(info["url"], info["account_sid"], info["auth_token"]):
            return SharedSimulator(info)
        state.unlink(missing_ok=True)
        log = (home / "simulator.log").open("ab")
        command = [
            sys.executable,
            "-m",
            "smskit.cli.main",
            "simulator",
            "--credentials-file",
            str(state),
            "--idle-timeout",
            str(idle_timeout()),
        ]
        process = subprocess.Popen(
            command, stdin=subprocess.DEVNULL, stdout=log, stderr=log, start_new_session=True
        )
        log.close()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            info = _read(state)
            if info and info.get("pid") == process.pid:
                return SharedSimulator(info)
            if process.poll() is not None:
                break
            time.sleep(0.05)
        process.kill()
        raise LocalizedError(
            "The built-in simulator did not start; see {log}.", log=str(home / "simulator.log")
        )
