"""Crash and resume: SIGKILL the sending process at random points; every recipient gets one message.

Against both providers, end to end through the real twilio and vonage SDKs and the local simulator
(no mocks). After a kill, a message left in "submitting" is looked up before anything is resent:
in Twilio's Messages list (same To, From and body), or, since Vonage has no such list, by its
client-ref (smskit's message id) in Vonage's Reports API. The sending process is ``smskit send``
in a subprocess against a SQLite store on disk; the simulator runs here, so it outlives every
kill. The simulator runs with no rate limit and no lifecycle delay to keep it fast.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import pytest

from smskit.campaign.planner import Campaign, Recipient, Sender, plan
from smskit.campaign.storage import progress, save_plan
from smskit.cli.main import write_private_json
from smskit.simulator import start
from smskit.store.database import Store
from smskit.store.schema import messages

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[1]
SENDER = "+15005550006"  # Twilio's valid test From number


def _audience(n: int) -> list[Recipient]:
    people = [Recipient.of(f"c{i}", f"+1415201{i:04d}", i, name=f"Friend{i}") for i in range(n)]
    # every 97th has no name: a per-row finding, never sent
    return [Recipient.of(r.key, r.phone, r.row) if r.row % 97 == 5 else r for r in people]


def _send(campaign_id: str, url: str, credentials: Path, provider: str) -> subprocess.Popen[bytes]:
    command = [
        sys.executable,
        "-m",
        "smskit.cli.main",
        "send",
        campaign_id,
        "--database",
        url,
        "--simulator-file",
        str(credentials),
        "--rate",
        "0",
        "--provider",
        provider,
    ]
    return subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE)


# Twilio is killed 12 times (the campaign service's issue asks for at least 10), Vonage 8 (CI time).
@pytest.mark.parametrize(("provider", "kill_points"), [("twilio", 12), ("vonage", 8)])
def test_sigkill_at_random_points_then_resume_sends_each_exactly_once(
    tmp_path: Path, provider: str, kill_points: int
) -> None:
    rng = random.Random(20261128)
    url = f"sqlite:///{tmp_path / 'smskit.db'}"
    store = Store.open(url)
    camp = Campaign(
        "Crash",
        "Hi {name}, your parcel is on its way",
        Sender("long_code", SENDER),
        purpose="transactional",
    )
    planned = plan(camp, _audience(1000), now=datetime.now(UTC))
    eligible = {m.to for m in planned.sendable()}
    assert len(eligible) == 1000 - len([i for i in range(1000) if i % 97 == 5])
    campaign_id = save_plan(store, planned)

    with start(step_delay=0, rate_limits=False) as sim:
        credentials = tmp_path / "sim.json"
        write_private_json(
            credentials,
            {
                "url": sim.url,
                "account_sid": sim.account_sid,
                "auth_token": sim.auth_token,
                "vonage_api_key": sim.vonage_api_key,
                "vonage_api_secret": sim.vonage_api_secret,
            },
        )
        thresholds = sorted(rng.sample(range(10, len(eligible) - 10), kill_points))
        kills = 0
        for threshold in thresholds:
            child = _send(campaign_id, url, credentials, provider)
            deadline = time.monotonic() + 60
            while child.poll() is None and time.monotonic() < deadline:
                if len(sim.messages(direction="outbound-api")) >= threshold:
                    break
                time.sleep(0.003)
            time.sleep(rng.uniform(0, 0.03))  # land anywhere: before, during or after a call
            if child.poll() is None:
                os.kill(child.pid, signal.SIGKILL)
                kills += 1
            child.wait(timeout=30)
        assert kills >= kill_points - 2

        left = progress(store, campaign_id)
        assert left.count("planned") + left.count("submitting") > 0  # the kills left work undone

        final = _send(campaign_id, url, credentials, provider)
        out, err = final.communicate(timeout=120)
        assert final.returncode == 0, err.decode()[-2000:]
        report = json.loads(out.decode().strip().splitlines()[-1])
        assert report["status"] == "finished"

        outbound = sim.messages(direction="outbound-api")
        assert {m.api for m in outbound} == {provider}
        sent = Counter(m.to for m in outbound)
        assert set(sent) == eligible  # none lost, none to a blocked row
        assert max(sent.values()) == 1  # none twice
        with store.engine.connect() as connection:
            rows = connection.execute(
                messages.select().where(messages.c.campaign_id == campaign_id)
            ).all()
        assert {r.state for r in rows} <= {"submitted", "final"}
        assert {r.sid for r in rows} == {m.sid for m in sim.messages(direction="outbound-api")}
        if provider == "vonage":  # client-ref = our message key, one send per message row
            assert {r.id for r in rows} == {m.client_ref for m in outbound}

        again = _send(campaign_id, url, credentials, provider)
        out, _ = again.communicate(timeout=60)
        assert json.loads(out.decode().strip().splitlines()[-1])["sent"] == 0
        assert len(sim.messages(direction="outbound-api")) == len(eligible)
