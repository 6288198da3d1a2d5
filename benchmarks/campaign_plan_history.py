"""plan() with frequency caps read from the store, against plan() without history (same audience).

Run: ``.venv/bin/python benchmarks/campaign_plan_history.py [--recipients N]``

The audience is campaign_plan.py's (parsed numbers, five US zones, 90% opted in). The store (a
SQLite file) holds last week's sends: 10% of the audience (all opted in) already got 2 broadcasts
(capped: they wait), 20% got one. ``plan(..., history=store)`` reads them in one query over the
cap window; only the capped recipients get a preflight of their own (the rest share results), so
the extra time grows with the number capped, not with the audience. The ratio is its time over
plain plan()'s."""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from campaign_plan import NOW, SCOPE, TEMPLATE, audience, consent

from smskit.campaign.planner import Campaign, Sender, plan
from smskit.store.database import Store
from smskit.store.schema import messages


def fill(store: Store, phones: list[str]) -> int:
    """Last week's sends: 2 to a tenth of the opted-in phones, 1 to a fifth; return the count."""
    store.save_campaign("last_week", "Last week", {"purpose": "marketing"}, status="done")
    rows = []
    for i, phone in enumerate(phones):
        times = 2 if i % 10 == 1 else 1 if i % 10 in (2, 3) else 0
        for k in range(times):
            at = NOW - timedelta(days=5 - 3 * k)
            rows.append(
                {
                    "id": f"m{i}-{k}",
                    "campaign_id": "last_week",
                    "to_number": phone,
                    "from_number": "12345",
                    "body": "Last week's sale",
                    "state": "final",
                    "sid": f"SM{i:030d}{k:02d}",
                    "status": "delivered",
                    "attempts": 1,
                    "created_at": at,
                    "updated_at": at,
                }
            )
    with store.engine.begin() as connection:
        for start in range(0, len(rows), 20_000):
            connection.execute(messages.insert(), rows[start : start + 20_000])
    return len(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--recipients", type=int, default=1_000_000)
    args = parser.parse_args()
    campaign = Campaign("Spring sale", TEMPLATE, Sender("short_code", "12345"), scope=SCOPE)
    people = audience(args.recipients, parsed=True)
    statuses = consent(people)
    with tempfile.TemporaryDirectory() as folder:
        store = Store.open(f"sqlite:///{folder}/smskit.db")
        sent = fill(store, [r.phone for r in people])
        started = time.perf_counter()
        plain = plan(campaign, people, now=NOW, consent=statuses)  # type: ignore[arg-type]
        peer = time.perf_counter() - started
        started = time.perf_counter()
        capped = plan(campaign, people, now=NOW, consent=statuses, history=store)  # type: ignore[arg-type]
        ours = time.perf_counter() - started
        store.close()
    waiting = sum(any(f.code.startswith("frequency.") for f in m.findings) for m in capped.messages)
    print(f"plan() {len(people):,} recipients, no history: {peer:.1f} s")
    print(f"plan() with {sent:,} sends of the last week from the store: {ours:.1f} s")
    print(f"{waiting:,} recipients wait for a frequency cap (expected {len(people[1::10]):,})")
    assert not any(
        m.findings and m.findings[0].code.startswith("frequency.") for m in plain.messages
    )
    print(f"ratio: history costs {ours / peer:.2f}x plain plan()")


if __name__ == "__main__":
    main()
