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
import threading
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from smskit.campaign.storage import progress
from smskit.cli.main import write_private_json
from smskit.consent.ledger import ConsentLedger
from smskit.providers.retry import Backoff
from smskit.providers.vonage import VonageProvider
from smskit.sending.tracking import InboundMessage, LedgerSink
from smskit.sending.worker import Worker
from smskit.simulator import start
from smskit.store.database import Store

from .test_worker import SENDER, _campaign, _opt_out_times, _scope, _stop, _wait_finished, _worker

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


def test_no_vonage_message_goes_after_the_opt_out_is_stored(tmp_path: Path) -> None:
    """STOP and BERHENTI during a 50 msg/s Vonage send, by webhook and by polling the Reports API.

    The simulator's Vonage numbers block nothing themselves (Vonage leaves opt-outs to the sender
    unless Opt-Out Assist is on): only smskit's consent ledger stands between a STOP and a send.
    """
    rng = random.Random(8)
    store = Store.open(f"sqlite:///{tmp_path / 'smskit.db'}")
    campaign_id, eligible = _campaign(store, 300, "Late opt-outs on Vonage")
    order = sorted(eligible)
    with start(step_delay=0, rate_limits=False, numbers=()) as handle:
        handle.add_number(SENDER, api="vonage")
        provider = VonageProvider.for_simulator(handle, backoff=Backoff(base=0.01, cap=0.05))
        worker = Worker(store, provider, rate=50.0, tick=0.2)
        thread = threading.Thread(target=worker.run_forever, daemon=True)
        thread.start()
        sink = LedgerSink(store, ConsentLedger(store), scope=_scope(store, campaign_id))
        opted: list[str] = []
        try:
            for _ in range(12):
                time.sleep(rng.uniform(0.2, 0.45))
                sent_so_far = {m.to for m in handle.messages(direction="outbound-api")}
                later = [p for p in order if p not in sent_so_far]
                if len(later) < 20:
                    break
                phone = later[rng.randrange(3, 15)]
                word = rng.choice(["STOP", "BERHENTI", "stop", "Berhenti"])
                if len(opted) % 2:  # the webhook app writes it as it arrives
                    sid = uuid.uuid4().hex[:16].upper()
                    sink.record_inbound(InboundMessage(sid, phone, SENDER, word))
                else:  # only polling finds it (the Reports API's inbound records)
                    handle.inject_inbound(phone, SENDER, word)
                opted.append(phone)
            _wait_finished(store, campaign_id, tmp_path / "none.log", timeout=60)
        finally:
            worker.stop()
            thread.join(timeout=30)
        stored = _opt_out_times(store, opted)
        outbound = handle.messages(direction="outbound-api")
        late = [
            (m.to, m.body, m.date_created - stored[m.to])
            for m in outbound
            # 150 ms (Twilio's twin: 30): the simulator shares this process, and the SDK validates
            # every request with pydantic, so the check-to-creation time varies more under load.
            if m.to in stored and m.date_created > stored[m.to] + timedelta(milliseconds=150)
        ]
    assert {m.api for m in outbound} == {"vonage"}
    assert len(opted) >= 8 and set(stored) == set(opted)
    assert late == [], f"sent after the opt-out was stored: {late} {opted}"
    texted = {m.to for m in outbound}
    # Polled STOPs arrive later than Twilio's (two Reports API reads per poll), so fewer of those
    # recipients are saved than in the Twilio twin; the webhook half still is.
    assert len(set(opted) - texted) >= len(opted) // 3
