"""Provider throughput through the real twilio client to the simulator (issue 5 §5).

The simulator runs in its own process (``python -m smskit.cli.main simulator``), as it would for a
team,
so client and server do not share one interpreter lock.

1. No rate limit: a thread pool sharing one pooled HTTP session; the peer is sequential sends.
   Target: at least 300 messages per second from one process.
2. Rate limits on (sender paced at a configured segments/s, API limited to a requests/s budget):
   sends paced by ``smskit.senders.pacing.Pacer`` must reach the configured segments/s within 2%
   with zero
   429s; the peer is the same traffic unpaced, which runs into 429s and backs off.

Throughput is segments per second from the first to the last message released, counted as Twilio
counts a sender's MPS (a 3-segment message uses 3 s of a 1 MPS long code).

Run: ``.venv/bin/python benchmarks/provider_throughput.py`` (about a minute).
"""

from __future__ import annotations

import itertools
import json
import logging
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from smskit.providers.retry import Backoff
from smskit.providers.twilio import TwilioProvider
from smskit.senders.pacing import Pacer

ROOT = Path(__file__).resolve().parent.parent
FROM = "+15005550006"
WORKERS = 32
UNLIMITED_SENDS = 3000
SEQUENTIAL_SENDS = 300
RATE = 40.0  # configured segments per second for the sender (a long code raised for the test)
API_RATE = 25.0  # API requests per second before 429 / 20429 (paced traffic needs 20)
PACED_SECONDS = 12.0
_numbers = itertools.count(1)


@dataclass(frozen=True, slots=True)
class Handle:
    """What TwilioProvider.for_simulator needs, read from the simulator's --json line."""

    url: str
    account_sid: str
    auth_token: str


@contextmanager
def simulator_process() -> Iterator[Handle]:
    """Start ``smskit simulator`` in its own process group and stop it afterwards."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "smskit.cli.main", "simulator", "--json", "--port", "0",
         "--step-delay", "0", "--no-rate-limits"],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
        start_new_session=True,
    )  # fmt: skip
    try:
        assert proc.stdout is not None
        info = json.loads(proc.stdout.readline())
        yield Handle(info["url"], info["account_sid"], info["auth_token"])
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=20)


def configure(handle: Handle, **knobs: Any) -> None:
    """Change simulator knobs through its admin endpoint (another process: no in-process handle)."""
    response = httpx.post(
        f"{handle.url}/_simulator/config",
        json=knobs,
        auth=(handle.account_sid, handle.auth_token),
        timeout=10,
    )
    response.raise_for_status()


class Count429(logging.Handler):
    """Counts the provider's retry log lines that report HTTP 429."""

    def __init__(self) -> None:
        super().__init__()
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        if "HTTP 429" in record.getMessage():
            self.count += 1


def recipient() -> str:
    return f"+1720555{next(_numbers) % 10_000:04d}"


def timed(n: int, workers: int, send: Callable[[int], Any]) -> float:
    """Messages per second for ``n`` calls of ``send`` on ``workers`` threads (1: sequential)."""
    started = time.perf_counter()
    if workers == 1:
        for i in range(n):
            send(i)
    else:
        with ThreadPoolExecutor(workers) as pool:
            list(pool.map(send, range(n)))
    return n / (time.perf_counter() - started)


def unlimited(handle: Handle) -> tuple[float, float]:
    provider = TwilioProvider.for_simulator(handle, pool_size=WORKERS)

    def send(i: int) -> None:
        provider.send(recipient(), f"Benchmark {i}", from_=FROM)

    timed(100, WORKERS, send)  # warm up connections
    concurrent = timed(UNLIMITED_SENDS, WORKERS, send)
    sequential = timed(SEQUENTIAL_SENDS, 1, send)
    return concurrent, sequential


def paced(handle: Handle, pace: bool, seconds: float) -> tuple[float, int, int]:
    """Segments/s sent, 429s met and messages sent in ``seconds`` of mixed 1-3 segment traffic."""
    provider = TwilioProvider.for_simulator(
        handle, backoff=Backoff(base=0.05, cap=1.0, max_attempts=10), pool_size=WORKERS
    )
    pacer = Pacer(RATE if pace else None)
    counter = Count429()
    logging.getLogger("smskit.providers").addHandler(counter)
    bodies = ["x" * 100, "y" * 200, "z" * 400]  # 1, 2 and 3 GSM-7 segments: mean 2
    segments = {bodies[0]: 1, bodies[1]: 2, bodies[2]: 3}
    released: list[tuple[float, int]] = []
    finished: list[tuple[float, int]] = []
    started = time.monotonic()
    deadline = started + seconds

    def send(i: int) -> None:
        body = bodies[i % 3]
        if time.monotonic() > deadline:
            return
        released.append((pacer.acquire(segments[body]), segments[body]))
        provider.send(recipient(), body, from_=FROM)
        finished.append((time.monotonic(), segments[body]))

    with ThreadPoolExecutor(8) as pool:
        list(pool.map(send, range(int(seconds * RATE * 3))))  # the deadline ends the run
    logging.getLogger("smskit.providers").removeHandler(counter)
    # Completed sends, first to last: the first one's segments were used before the span began.
    finished.sort()
    rate = sum(s for _, s in finished[1:]) / (finished[-1][0] - finished[0][0])
    return rate, counter.count, len(finished)


def main() -> int:
    logging.basicConfig(level=logging.ERROR)
    retries = logging.getLogger("smskit.providers")
    retries.setLevel(logging.WARNING)  # retry lines reach Count429 ...
    retries.propagate = False  # ... and are not printed
    with simulator_process() as handle:
        concurrent, sequential = unlimited(handle)
        load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
        print(f"== No rate limit (real twilio client -> simulator process; load {load}, "
              f"{os.cpu_count()} CPUs)")  # fmt: skip
        print(f"  thread pool ({WORKERS} workers): {concurrent:8.1f} msg/s  (target >= 300)")
        print(f"  sequential peer:           {sequential:8.1f} msg/s")
        print(f"  ratio:                     {concurrent / sequential:8.2f} x")

        configure(handle, rate_limits=True, rates={"long_code": RATE}, api_rate=API_RATE)
        rate, n429, sent = paced(handle, pace=True, seconds=PACED_SECONDS)
        error = abs(rate - RATE) / RATE
        print(f"== Rate limits: sender {RATE:g} segments/s, API {API_RATE:g} requests/s")
        print(f"  paced (smskit.senders.pacing):     {rate:8.2f} segments/s  ({error:.2%} off, "
              f"{n429} x 429, {sent} messages)")  # fmt: skip
        peer_rate, peer_429, peer_sent = paced(handle, pace=False, seconds=4.0)
        print(f"  unpaced peer:              {peer_rate:8.2f} segments/s "
              f"({peer_429} x 429, {peer_sent} messages)")  # fmt: skip
    ok = concurrent >= 300 and error <= 0.02 and n429 == 0
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
