"""1,000 sends through VonageProvider while the simulator injects faults: the Twilio test's twin.

Faults on every Vonage API request: 10% 5xx (half 500, half 503), 5% 429 with Retry-After, and 2%
of SMS submissions dropped after the message was created. A lost answer is found by its
``client-ref`` in the Reports API, never sent again: every valid send ends with exactly one
message (one group of parts) on the simulator. Refusals carry Vonage's status; no log line holds
a secret (the SDK's own DEBUG lines print headers and forms, and are filtered).
"""

from __future__ import annotations

import base64
import logging
import time
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from smskit import simulator as sim
from smskit.providers import ProviderError, SentMessage
from smskit.providers.retry import Backoff
from smskit.providers.vonage import VonageProvider

pytestmark = pytest.mark.slow

FROM = "+15005550006"
SENDS = 1000
REFUSED_EVERY = 50  # every 50th goes to the magic invalid number: status 3, never retried
WORKERS = 24


@pytest.fixture(scope="module")
def handle() -> Iterator[Any]:
    with sim.start(step_delay=0.0, rate_limits=False, api_concurrency=1000, seed=7) as running:
        yield running


def recipient(i: int) -> str:
    return "+15005550001" if i % REFUSED_EVERY == 0 else f"+1303555{i:04d}"


def body(i: int) -> str:
    # every 10th is a long message: two parts, two message ids, one send
    return f"Reliability check {i} " + ("x" * 170 if i % 10 == 3 else "")


def test_thousand_vonage_sends_with_faults_end_in_exactly_one_message_each(
    handle: Any, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    provider = VonageProvider.for_simulator(
        handle, backoff=Backoff(base=0.005, cap=0.05, max_attempts=12), pool_size=WORKERS
    )
    handle.configure(fault_500=0.05, fault_503=0.05, fault_429=0.05, fault_drop=0.02, retry_after=1)

    def send(i: int) -> SentMessage | ProviderError:
        try:
            return provider.send(recipient(i), body(i), from_=FROM, client_ref=f"msg-{i}")
        except ProviderError as error:
            return error

    started = time.monotonic()
    with ThreadPoolExecutor(WORKERS) as pool:
        outcomes = list(pool.map(send, range(1, SENDS + 1)))
    elapsed = time.monotonic() - started
    handle.configure(fault_500=0.0, fault_503=0.0, fault_429=0.0, fault_drop=0.0)

    failures = {i: o for i, o in enumerate(outcomes, start=1) if isinstance(o, ProviderError)}
    sent = {i: o for i, o in enumerate(outcomes, start=1) if isinstance(o, SentMessage)}
    assert {i: f.code for i, f in failures.items()} == {
        i: 100003 for i in range(1, SENDS + 1) if i % REFUSED_EVERY == 0
    }
    assert all(not f.retryable for f in failures.values())
    # Exactly one send per request: its parts carry its client-ref, and nothing else does.
    outbound = [m for m in handle.messages(direction="outbound-api") if m.api == "vonage"]
    refs = Counter(m.client_ref for m in outbound)
    for i, message in sent.items():
        parts = [m for m in outbound if m.client_ref == f"msg-{i}"]
        assert len(parts) == message.num_segments == (2 if i % 10 == 3 else 1), f"request {i}"
        assert {m.to for m in parts} == {recipient(i)}
        assert message.sid == min(m.sid for m in parts)  # one record per send, stable sid
        assert "".join(m.body for m in sorted(parts, key=lambda m: m.part)) == body(i)
    assert set(refs) == {f"msg-{i}" for i in sent}
    # The faults really happened: retries, and recoveries after dropped connections.
    assert sum(m.attempts > 1 for m in sent.values()) > 100
    assert any(m.recovered for m in sent.values())

    retries = [r.getMessage() for r in caplog.records if r.name == "smskit.providers"]
    assert any("HTTP 429, Vonage error" in line for line in retries)
    assert any("HTTP 500, Vonage error" in line for line in retries)
    assert any("outcome unknown" in line for line in retries)

    basic = base64.b64encode(
        f"{handle.vonage_api_key}:{handle.vonage_api_secret}".encode()
    ).decode()
    everything = "\n".join(r.getMessage() for r in caplog.records) + caplog.text
    assert handle.vonage_api_secret not in everything
    assert basic not in everything
    assert elapsed < 90, f"{SENDS} sends took {elapsed:.1f} s"
