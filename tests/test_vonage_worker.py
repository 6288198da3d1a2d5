"""The sending worker against Vonage: twins of tests/test_worker.py's duplicates and kill -9 tests.

Workers are real processes (``python -m smskit.cli worker --provider vonage``) on SQLite and on
PostgreSQL, sending through the real vonage SDK to the simulator. Vonage has no Messages list: a
killed worker's claims are settled by their client-ref (smskit's message id) in the Reports API.
Every count of what was sent comes from the simulator, never from our own database.
"""

from __future__ import annotations

import os
import random
import signal
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from smskit.campaign.storage import progress
from smskit.cli.main import write_private_json
from smskit.simulator import start
from smskit.store.database import Store

from .test_worker import _campaign, _stop, _wait_finished, _worker

pytestmark = pytest.mark.slow


@pytest.fixture
def vonage_sim(tmp_path: Path) -> Iterator[tuple[object, Path]]:
    with start(step_delay=0, rate_limits=False) as handle:
        credentials = tmp_path / "sim.json"
        write_private_json(
            credentials,
            {
                "url": handle.url,
                "account_sid": handle.account_sid,
                "auth_token": handle.auth_token,
                "provider": "vonage",
                "vonage_api_key": handle.vonage_api_key,
                "vonage_api_secret": handle.vonage_api_secret,
            },
        )
        yield handle, credentials


def _sent(handle: object) -> list[object]:
    return list(handle.messages(direction="outbound-api"))  # type: ignore[attr-defined]


def test_vonage_workers_killed_with_sigkill_lose_nothing_and_send_nothing_twice(
    db_url: str,
    vonage_sim: tuple[object, Path],
    tmp_path: Path,
) -> None:
    handle, credentials = vonage_sim
    rng = random.Random(20261204)
    store = Store.open(db_url)
    campaign_id, eligible = _campaign(store, 300, "Killed on Vonage")
    log = tmp_path / "workers.log"
    thresholds = sorted(rng.sample(range(10, len(eligible) - 40), 8))
    kills = 0
    for threshold in thresholds:
        worker = _worker(db_url, credentials, log, "--rate", "80", "--lease", "1")
        deadline = time.monotonic() + 60
        while worker.poll() is None and len(_sent(handle)) < threshold:
            if time.monotonic() > deadline:
                break
            time.sleep(0.005)
        time.sleep(rng.uniform(0, 0.05))
        if worker.poll() is None:
            os.killpg(worker.pid, signal.SIGKILL)
            kills += 1
        worker.wait(timeout=30)
    assert kills >= 6
    assert progress(store, campaign_id).count("planned") > 0

    finals = [_worker(db_url, credentials, log, "--rate", "0", "--lease", "1") for _ in range(2)]
    try:
        _wait_finished(store, campaign_id, log)
    finally:
        _stop(*finals)
    outbound = _sent(handle)
    assert {m.api for m in outbound} == {"vonage"}  # type: ignore[attr-defined]
    sent = Counter(m.to for m in outbound)  # type: ignore[attr-defined]
    assert set(sent) == eligible  # none lost
    assert max(sent.values()) == 1  # none twice
    refs = Counter(m.client_ref for m in outbound)  # type: ignore[attr-defined]
    assert max(refs.values()) == 1  # one send per message row, keyed by its id
    assert progress(store, campaign_id).count("submitting") == 0
    assert "Traceback" not in log.read_text()
