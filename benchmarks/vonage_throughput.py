"""Vonage through the real vonage SDK against the simulator, beside Twilio's client in the same run.

The simulator runs in its own process (``python -m smskit.cli.main simulator``). Both providers send
the same 2,000 single-part messages from a pool of 32 threads to the same server; the peer is the
Twilio provider. Target: Vonage at least 0.5x Twilio's messages per second (the SDK validates each
request with pydantic and smskit replaces its HTTP adapter, which should cost little), and at
least 200 messages per second from one process.

Run: ``.venv/bin/python benchmarks/vonage_throughput.py`` (about half a minute).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from types import SimpleNamespace
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from smskit.providers.twilio import TwilioProvider
from smskit.providers.vonage import VonageProvider

ROOT = Path(__file__).resolve().parent.parent
FROM = "+15005550006"
WORKERS = 32
SENDS = 2000


@contextmanager
def simulator_process() -> Iterator[Any]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "smskit.cli.main", "simulator", "--json", "--port", "0",
         "--step-delay", "0", "--no-rate-limits"],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
        start_new_session=True,
    )  # fmt: skip
    try:
        assert proc.stdout is not None
        yield SimpleNamespace(**json.loads(proc.stdout.readline()))
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=20)


def rate(provider: Any, label: str) -> float:
    for i in range(50):  # warm the connection pool
        provider.send(f"+1303555{i:04d}", "warm-up", from_=FROM)
    started = time.perf_counter()
    with ThreadPoolExecutor(WORKERS) as pool:
        list(
            pool.map(
                lambda i: provider.send(f"+1303556{i % 10000:04d}", f"{label} {i}", from_=FROM),
                range(SENDS),
            )
        )
    return SENDS / (time.perf_counter() - started)


def main() -> int:
    with simulator_process() as sim:
        twilio = TwilioProvider.for_url(sim.url, sim.account_sid, sim.auth_token, pool_size=WORKERS)
        vonage = VonageProvider.for_url(
            sim.url, sim.vonage_api_key, sim.vonage_api_secret, pool_size=WORKERS
        )
        peer = rate(twilio, "twilio")
        ours = rate(vonage, "vonage")
    ratio = ours / peer
    print(f"twilio (peer): {peer:7.1f} messages/s")
    print(f"vonage:        {ours:7.1f} messages/s   ratio {ratio:.2f}x (target >= 0.5x, >= 200/s)")
    return 0 if ratio >= 0.5 and ours >= 200 else 1


if __name__ == "__main__":
    raise SystemExit(main())
