"""The sending worker as a service: several at once, killed with -9, and late opt-outs.

End to end through the real twilio client and the local simulator; workers are real processes
(``python -m smskit.cli worker``) on SQLite and on PostgreSQL. Every count of what was sent comes
from the simulator's Messages list, never from our own database.
"""

from __future__ import annotations

import os
import random
import re
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from smskit.campaign.planner import Campaign, Recipient, Sender, plan
from smskit.campaign.storage import progress, save_plan
from smskit.cli.main import write_private_json
from smskit.consent.ledger import ConsentLedger
from smskit.providers.retry import Backoff
from smskit.providers.twilio import TwilioProvider
from smskit.sending import control
from smskit.sending.tracking import InboundMessage, LedgerSink
from smskit.sending.worker import Worker, live_workers
from smskit.simulator import start
from smskit.store.database import Store
from smskit.store.schema import consent_events, messages

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[1]
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
SENDER = "+15005550006"  # Twilio's valid test From number


def _campaign(store: Store, n: int, name: str) -> tuple[str, set[str]]:
    """A confirmed transactional campaign to ``n`` valid US numbers; returns its id and numbers."""
    camp = Campaign(
        name, "Hi {name}, your order shipped", Sender("long_code", SENDER), purpose="transactional"
    )
    people = [Recipient.of(f"c{i}", f"+1415201{i:04d}", i, name=f"F{i}") for i in range(n)]
    planned = plan(camp, people, now=datetime.now(UTC))
    campaign_id = save_plan(store, planned)
    assert control.confirm(store, campaign_id)
    return campaign_id, {m.to for m in planned.sendable()}


def _worker(url: str, credentials: Path, log: Path, *extra: str) -> subprocess.Popen[bytes]:
    command = [
        sys.executable,
        "-m",
        "smskit.cli",
        "worker",
        "--database",
        url,
        "--simulator-file",
        str(credentials),
        *extra,
    ]
    with log.open("ab") as out:
        return subprocess.Popen(
            command, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )


def _stop(*workers: subprocess.Popen[bytes]) -> None:
    for worker in workers:
        if worker.poll() is None:
            os.killpg(worker.pid, signal.SIGTERM)
    for worker in workers:
        try:
            worker.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(worker.pid, signal.SIGKILL)


def _wait_finished(store: Store, campaign_id: str, log: Path, timeout: float = 180) -> None:
    deadline = time.monotonic() + timeout
    while store.get_campaign(campaign_id).status != "finished":  # type: ignore[union-attr]
        assert time.monotonic() < deadline, log.read_text()[-3000:]
        time.sleep(0.2)


@pytest.fixture
def sim(tmp_path: Path) -> Iterator[tuple[object, Path]]:
    with start(step_delay=0, rate_limits=False) as handle:
        credentials = tmp_path / "sim.json"
        write_private_json(
            credentials,
            {"url": handle.url, "account_sid": handle.account_sid, "auth_token": handle.auth_token},
        )
        yield handle, credentials


@pytest.mark.parametrize("workers", [2, 3])
def test_several_workers_share_one_campaign_without_duplicates(
    db_url: str, sim: tuple[object, Path], tmp_path: Path, workers: int
) -> None:
    handle, credentials = sim
    store = Store.open(db_url)
    campaign_id, eligible = _campaign(store, 240, f"Shared by {workers}")
    log = tmp_path / "workers.log"
    # Paced per worker, so that every worker is mid-campaign at once and claims race.
    running = [_worker(db_url, credentials, log, "--rate", "60") for _ in range(workers)]
    try:
        _wait_finished(store, campaign_id, log)
        assert len(live_workers(store)) == workers
    finally:
        _stop(*running)
    sent = Counter(m.to for m in handle.messages(direction="outbound-api"))  # type: ignore[attr-defined]
    assert set(sent) == eligible, "every recipient got the campaign"
    assert max(sent.values()) == 1, "nobody got it twice"
    text = log.read_text()
    assert len(re.findall(r"worker (\S+): started", text)) == workers
    shares = Counter()
    for who, n in re.findall(rf"worker (\S+): campaign {campaign_id}: \w+ \(sent (\d+)", text):
        shares[who] += int(n)
    assert sum(shares.values()) == len(eligible)
    assert len(shares) >= 2 and min(shares.values()) > 0, f"the work was shared: {shares}"
    assert live_workers(store) == []  # each left cleanly on SIGTERM
    assert "Traceback" not in text


def test_workers_killed_with_sigkill_lose_nothing_and_send_nothing_twice(
    db_url: str, sim: tuple[object, Path], tmp_path: Path
) -> None:
    handle, credentials = sim
    rng = random.Random(20261203)
    store = Store.open(db_url)
    campaign_id, eligible = _campaign(store, 400, "Killed")
    log = tmp_path / "workers.log"

    def outbound() -> int:
        return len(handle.messages(direction="outbound-api"))  # type: ignore[attr-defined]

    thresholds = sorted(rng.sample(range(10, len(eligible) - 40), 11))
    kills = 0
    for threshold in thresholds:
        # A 1-second lease: a killed worker's claims are taken over soon after it dies.
        worker = _worker(db_url, credentials, log, "--rate", "80", "--lease", "1")
        deadline = time.monotonic() + 60
        while worker.poll() is None and outbound() < threshold and time.monotonic() < deadline:
            time.sleep(0.005)
        time.sleep(rng.uniform(0, 0.05))  # before, during or after an API call
        if worker.poll() is None:
            os.killpg(worker.pid, signal.SIGKILL)
            kills += 1
        worker.wait(timeout=30)
    assert kills >= 10
    assert progress(store, campaign_id).count("planned") > 0  # the kills left work undone

    final = _worker(db_url, credentials, log, "--rate", "0", "--lease", "1")
    try:
        _wait_finished(store, campaign_id, log)
    finally:
        _stop(final)
    sent = Counter(m.to for m in handle.messages(direction="outbound-api"))  # type: ignore[attr-defined]
    assert set(sent) == eligible  # none lost
    assert max(sent.values()) == 1  # none twice
    assert progress(store, campaign_id).count("submitting") == 0


def test_no_message_goes_after_the_opt_out_is_stored(tmp_path: Path) -> None:
    """STOP and BERHENTI at random moments of a 50 msg/s send, by polling and by webhook."""
    rng = random.Random(7)
    store = Store.open(f"sqlite:///{tmp_path / 'smskit.db'}")
    campaign_id, eligible = _campaign(store, 300, "Late opt-outs")
    order = sorted(eligible)
    with start(step_delay=0, rate_limits=False) as handle:
        provider = TwilioProvider.for_simulator(handle, backoff=Backoff(base=0.01, cap=0.05))
        worker = Worker(store, provider, rate=50.0, tick=0.2)
        thread = threading.Thread(target=worker.run_forever, daemon=True)
        thread.start()
        scope = _scope(store, campaign_id)
        sink = LedgerSink(store, ConsentLedger(store), scope=scope)
        opted: list[str] = []
        try:
            for _ in range(12):
                time.sleep(rng.uniform(0.2, 0.45))
                sent_so_far = {m.to for m in handle.messages(direction="outbound-api")}
                later = [p for p in order if p not in sent_so_far]
                if len(later) < 20:
                    break
                phone = later[rng.randrange(3, 15)]  # due within the next fraction of a second
                word = rng.choice(["STOP", "BERHENTI", "stop", "Berhenti"])
                if len(opted) % 2:  # the webhook app writes it to the store as it arrives
                    sid = "SM" + uuid.uuid4().hex
                    sink.record_inbound(InboundMessage(sid, phone, SENDER, word))
                else:  # a reply that only polling finds (no public URL)
                    handle.inject_inbound(phone, SENDER, word)
                opted.append(phone)
            _wait_finished(store, campaign_id, tmp_path / "none.log", timeout=60)
        finally:
            worker.stop()
            thread.join(timeout=30)
        stored = _opt_out_times(store, opted)
        late = [
            (m.to, m.date_created - stored[m.to])
            for m in handle.messages(direction="outbound-api")
            if m.to in stored and m.date_created > stored[m.to] + timedelta(milliseconds=30)
        ]
    assert len(opted) >= 8 and set(stored) == set(opted)
    assert late == [], f"sent after the opt-out was stored: {late}"
    # The reading is real: most of those recipients were never texted at all.
    texted = {m.to for m in handle.messages(direction="outbound-api")}
    assert len(set(opted) - texted) >= len(opted) // 2


def _scope(store: Store, campaign_id: str) -> str:
    from smskit.campaign.storage import campaign_of

    return campaign_of(store, campaign_id).consent_scope


def _opt_out_times(store: Store, phones: list[str]) -> dict[str, datetime]:
    query = (
        sa.select(consent_events.c.phone_e164, sa.func.min(consent_events.c.recorded_at))
        .where(consent_events.c.phone_e164.in_(phones), consent_events.c.action == "opt_out")
        .group_by(consent_events.c.phone_e164)
    )
    with store.engine.connect() as connection:
        rows = connection.execute(query).all()
    return {phone: at if at.tzinfo else at.replace(tzinfo=UTC) for phone, at in rows}


def test_delivery_is_tracked_until_every_message_is_final(tmp_path: Path) -> None:
    """No webhook: the worker polls statuses until the database says what the provider says."""
    store = Store.open(f"sqlite:///{tmp_path / 'smskit.db'}")
    campaign_id, eligible = _campaign(store, 30, "Tracked")
    # Each message spends a little while queued and sent before its final status.
    with start(step_delay=0.3, rate_limits=False, seed=11) as handle:
        provider = TwilioProvider.for_simulator(handle)
        worker = Worker(store, provider, rate=None, tick=0.2)
        thread = threading.Thread(target=worker.run_forever, daemon=True)
        thread.start()
        try:
            _wait_finished(store, campaign_id, tmp_path / "none.log", timeout=60)
            deadline = time.monotonic() + 60
            while progress(store, campaign_id).count("submitted") and time.monotonic() < deadline:
                time.sleep(0.2)
        finally:
            worker.stop()
            thread.join(timeout=30)
        at_provider = {m.sid: m.status for m in handle.messages(direction="outbound-api")}
    with store.engine.connect() as connection:
        rows = connection.execute(
            sa.select(messages.c.sid, messages.c.status, messages.c.state).where(
                messages.c.campaign_id == campaign_id
            )
        ).all()
    assert len(at_provider) == len(eligible) == len(rows)
    assert {r.state for r in rows} == {"final"}
    assert {r.sid: r.status for r in rows} == at_provider
    assert set(at_provider.values()) <= {"delivered", "undelivered", "failed"}


def test_one_worker_tracks_deliveries_and_another_takes_over_when_it_stops() -> None:
    store = Store.open("sqlite://")
    first, second = Worker(store, None, worker_id="w-first"), Worker(store, None, worker_id="w-2nd")
    first.run_once()
    time.sleep(0.01)
    second.run_once()
    assert first._leads_tracking() and not second._leads_tracking()
    first.stop()
    first.run_forever()  # returns at once: stopping was set; marks the worker stopped
    assert [w.id for w in live_workers(store)] == ["w-2nd"]
    assert second._leads_tracking()
