"""Sending throughput and pacing accuracy against the simulator, bookkeeping in SQLite (issue 6).

Run: ``.venv/bin/python benchmarks/campaign_send.py [--messages N] [--rate R] [--seconds S]``

1. No rate limit: a campaign of N messages through :class:`smskit.sending.runner.CampaignRunner`
   (real
   twilio client, exactly-once bookkeeping in a SQLite file: claim, send, record). Target: at least
   300 messages per second from one kernel. The simulator runs in its own process, as the
   dashboards' shared simulator does. The peer, in the same run, is the straightforward loop: for
   each message mark it submitting, send it, mark it submitted, one at a time, with the store's own
   ``transition_message``.
2. With a limit: R segments per second, messages of 1 to 3 segments; the rate actually achieved is
   measured from the moment each API call starts. Target: within 2% of R.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import sqlalchemy as sa

from smskit.campaign.planner import Campaign, Recipient, Sender, plan
from smskit.campaign.storage import save_plan
from smskit.providers.twilio import TwilioProvider
from smskit.sending.runner import CampaignRunner
from smskit.store.database import Store
from smskit.store.schema import messages

SENDER = "+15005550006"


class TimedProvider:
    """The real provider, noting when each send starts (to measure the pace actually kept)."""

    def __init__(self, provider: TwilioProvider) -> None:
        self.provider = provider
        self.starts: list[tuple[float, str]] = []

    def send(self, to: str, body: str, **kwargs: Any) -> Any:
        self.starts.append((time.monotonic(), body))
        return self.provider.send(to, body, **kwargs)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.provider, name)


def simulator(folder: Path) -> tuple[subprocess.Popen[bytes], dict[str, str]]:
    info_file = folder / "simulator.json"
    command = [
        sys.executable,
        "-m",
        "smskit.cli.main",
        "simulator",
        "--step-delay",
        "0",
        "--no-rate-limits",
        "--credentials-file",
        str(info_file),
    ]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while not info_file.exists():
        if time.monotonic() > deadline:
            raise SystemExit("the simulator did not start")
        time.sleep(0.1)
    return process, json.loads(info_file.read_text())


def campaign(store: Store, n: int, tag: str, lengths: tuple[int, ...] = (0,)) -> str:
    # {pad} makes a message 1, 2 or 3 segments long (up to 160 / 306 / 459 GSM-7 characters)
    people = [
        Recipient.of(
            f"c{i}",
            f"+1415{201 + i // 10_000:03d}{i % 10_000:04d}",
            i,
            name=f"N{i}",
            pad="." * lengths[i % len(lengths)],
        )
        for i in range(n)
    ]
    camp = Campaign(
        tag,
        "Hi {name}, your order shipped.{pad|}",
        Sender("long_code", SENDER),
        purpose="transactional",
    )
    return save_plan(store, plan(camp, people, now=datetime.now(UTC)))


def naive(store: Store, provider: TwilioProvider, campaign_id: str, n: int) -> float:
    rows = store.list_messages(campaign_id, "planned")[:n]
    started = time.perf_counter()
    for m in rows:
        store.transition_message(m.id, "planned", "submitting", count_attempt=True)
        sent = provider.send(m.to_number, m.body, from_=SENDER)
        store.transition_message(m.id, "submitting", "submitted", sid=sent.sid, status=sent.status)
    return len(rows) / (time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=3000)
    parser.add_argument("--rate", type=float, default=20.0)
    parser.add_argument("--seconds", type=float, default=15.0)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="smskit-bench-"))
    process, info = simulator(folder)
    try:
        provider = TwilioProvider.for_url(info["url"], info["account_sid"], info["auth_token"])
        store = Store.open(f"sqlite:///{folder / 'smskit.db'}")

        fast = campaign(store, args.messages, "unlimited")
        runner = CampaignRunner(store, provider, fast, rate=None)
        started = time.perf_counter()
        report = runner.run(dry=False)
        seconds = time.perf_counter() - started
        rate = report.sent / seconds  # type: ignore[union-attr]
        with store.engine.connect() as connection:
            states = dict(
                connection.execute(
                    messages.select()
                    .with_only_columns(messages.c.state, sa.func.count())
                    .where(messages.c.campaign_id == fast)
                    .group_by(messages.c.state)
                ).all()
            )
        print(
            f"no rate limit: {report.sent:,} messages in {seconds:.1f} s = {rate:,.0f} msg/s "  # type: ignore[union-attr]
            f"(states in SQLite: {states}) -> target >= 300: "
            f"{'OK' if rate >= 300 else 'MISSED'}"
        )
        peer_ids = campaign(store, 500, "naive")
        peer = naive(store, provider, peer_ids, 500)
        print(
            f"peer: one-at-a-time loop (mark, send, mark) = {peer:,.0f} msg/s; "
            f"ratio {rate / peer:,.1f}x"
        )

        n = int(args.rate * args.seconds / 2)  # messages average 2 segments
        paced_id = campaign(store, n, f"paced {args.rate}", lengths=(0, 200, 350))
        timed = TimedProvider(provider)
        paced = CampaignRunner(store, timed, paced_id, rate=args.rate)  # type: ignore[arg-type]
        paced.run(dry=False)
        starts = sorted(timed.starts)
        with store.engine.connect() as connection:
            size = dict(
                connection.execute(
                    messages.select()
                    .with_only_columns(messages.c.body, messages.c.segments)
                    .where(messages.c.campaign_id == paced_id)
                ).all()
            )
        segs = [size[body] for _, body in starts]
        span = starts[-1][0] - starts[0][0]
        achieved = (sum(segs) - segs[-1]) / span
        error = abs(achieved - args.rate) / args.rate * 100
        print(
            f"paced at {args.rate:g} segments/s: {len(starts)} messages, {sum(segs)} segments "
            f"over {span:.1f} s = {achieved:.2f} segments/s ({error:.2f}% off) -> target 2%: "
            f"{'OK' if error <= 2 else 'MISSED'}"
        )
    finally:
        process.terminate()
        process.wait(timeout=10)


if __name__ == "__main__":
    main()
