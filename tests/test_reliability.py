"""1,000 sends through TwilioProvider while the simulator injects faults (issue 5 §5).

Faults on every API request: 10% 5xx (half 500, half 503), 5% 429 with Retry-After, and 2% of
message creations dropped after the message was created. Every valid request must end with exactly
one message on the simulator; every failure must carry its Twilio error code; no log line may hold
a secret.
"""

from __future__ import annotations

import base64
import logging
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from smskit import simulator as sim
from smskit.providers import ProviderError, SentMessage
from smskit.providers.retry import Backoff
from smskit.providers.twilio import TwilioProvider

pytestmark = pytest.mark.slow

FROM = "+15005550006"
SENDS = 1000
REFUSED_EVERY = 50  # every 50th request goes to Twilio's magic invalid number: 21211, never retried
WORKERS = 24


@pytest.fixture(scope="module")
def handle() -> Iterator[Any]:
    with sim.start(step_delay=0.0, rate_limits=False, api_concurrency=1000, seed=5) as running:
        yield running


def recipient(i: int) -> str:
    return "+15005550001" if i % REFUSED_EVERY == 0 else f"+1303555{i:04d}"


def test_thousand_sends_with_faults_end_in_exactly_one_message_each(
    handle: Any, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)  # everything: twilio's own request log, urllib3, ours
    provider = TwilioProvider.for_simulator(
        handle, backoff=Backoff(base=0.005, cap=0.05, max_attempts=12), pool_size=WORKERS
    )
    handle.configure(fault_500=0.05, fault_503=0.05, fault_429=0.05, fault_drop=0.02, retry_after=1)

    def send(i: int) -> SentMessage | ProviderError:
        try:
            return provider.send(recipient(i), f"Reliability check {i}", from_=FROM)
        except ProviderError as error:
            return error

    started = time.monotonic()
    with ThreadPoolExecutor(WORKERS) as pool:
        outcomes = list(pool.map(send, range(1, SENDS + 1)))
    elapsed = time.monotonic() - started
    handle.configure(fault_500=0.0, fault_503=0.0, fault_429=0.0, fault_drop=0.0)

    failures = {i: o for i, o in enumerate(outcomes, start=1) if isinstance(o, ProviderError)}
    sent = {i: o for i, o in enumerate(outcomes, start=1) if isinstance(o, SentMessage)}
    # Refusals fail with their code and create nothing; nothing else fails.
    assert {i: f.code for i, f in failures.items()} == {
        i: 21211 for i in range(1, SENDS + 1) if i % REFUSED_EVERY == 0
    }
    assert all(f.status == 400 and not f.retryable for f in failures.values())
    # Exactly one message per valid request, and it is the one the provider returned.
    for i, message in sent.items():
        created = handle.messages(to=recipient(i))
        assert [m.sid for m in created] == [message.sid], f"request {i}"
        assert created[0].body == f"Reliability check {i}"
    outbound = handle.messages(direction="outbound-api")
    assert len(outbound) == len(sent) == SENDS - SENDS // REFUSED_EVERY
    # The faults really happened: retries, and recoveries after dropped connections.
    assert sum(m.attempts > 1 for m in sent.values()) > 100
    assert any(m.recovered for m in sent.values())

    # Each failed attempt was logged with its Twilio error code (or as an unknown outcome).
    retries = [r.getMessage() for r in caplog.records if r.name == "smskit.providers"]
    assert retries
    for line in retries:
        assert "Twilio error 20" in line or "outcome unknown" in line, line
    assert any("Twilio error 20429" in line for line in retries)
    assert any("HTTP 500, Twilio error" in line for line in retries)

    # No secret in any captured log line: not the token, nor the Basic-auth header made from it.
    basic = base64.b64encode(f"{handle.account_sid}:{handle.auth_token}".encode()).decode()
    everything = "\n".join(r.getMessage() for r in caplog.records) + caplog.text
    assert handle.auth_token not in everything
    assert basic not in everything
    assert elapsed < 60, f"{SENDS} sends took {elapsed:.1f} s"
