"""plan() for 1,000,000 personalised recipients: under 60 s and under 2 GB (issue 6).

Run: ``.venv/bin/python benchmarks/campaign_plan.py [--recipients N] [--peer N]``

The audience is what a saved contact list gives plan(): each contact has its number already parsed
at import (E.164, country, line type, time zones) and its own fields; every message is different
(first name, city, a per-contact code). The campaign is marketing, checked against a consent map in
which 90% opted in, across five US time zones. A second, smaller run gives plan() raw phone
strings instead (a pasted list), to show what parsing adds.

The peer, timed in the same run, is the straightforward per-row loop a script would write with
the same libraries: parse each number, ``str.format`` the text, ``smskit.analyze`` it and call
``smskit.compliance.preflight.preflight`` once per recipient. It runs on a subsample and is
extrapolated.
"""

from __future__ import annotations

import argparse
import gc
import resource
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from smskit import analyze
from smskit.campaign.planner import Campaign, Recipient, Sender, plan
from smskit.compliance.preflight import PlannedMessage, preflight, recipient
from smskit.consent.events import ConsentAction, ConsentEvent, ConsentSource, fold
from smskit.numbers.phone import NumberInfo, parse_number

AREAS = [
    ("212", "America/New_York"),
    ("415", "America/Los_Angeles"),
    ("312", "America/Chicago"),
    ("303", "America/Denver"),
    ("808", "Pacific/Honolulu"),
]
CITIES = ["Springfield", "Riverside", "Fairview", "Madison", "Georgetown", "Salem"]
NAMES = ["Ana", "Budi", "Chen", "Dewi", "Émile", "Farid", "Grace", "Hiro", "Ines", "José"]
TEMPLATE = (
    "Hi {first_name|there}, the {city} store has 20% off for you today with code {code}. "
    "Reply STOP to opt out."
)
NOW = datetime(2026, 1, 5, 18, 0, tzinfo=UTC)
SCOPE = "Acme"


def phone(i: int) -> str:
    area = AREAS[i % 5][0]
    return f"+1{area}{201 + (i // 10_000) % 700:03d}{i % 10_000:04d}"


def audience(n: int, parsed: bool) -> list[Recipient]:
    people = []
    for i in range(n):
        number = phone(i)
        info = NumberInfo(number, "US", "fixed_line_or_mobile", (AREAS[i % 5][1],), True)
        values = {
            "first_name": NAMES[i % 10] + str(i % 97),
            "city": CITIES[i % 6],
            "code": f"SPR{i:07d}",
        }
        people.append(Recipient(f"c{i}", number, values, i, info if parsed else None))
    return people


def consent(people: list[Recipient]) -> dict[str, object]:
    opted_in = {}
    for r in people:
        if int(r.key[1:]) % 10:
            event = ConsentEvent(
                r.phone,
                SCOPE,
                ConsentAction.OPT_IN,
                ConsentSource.WEB_FORM,
                datetime(2025, 12, 1, tzinfo=UTC),
                "form",
                "import",
            )
            opted_in[r.phone] = fold([event], r.phone, SCOPE)
    return opted_in


def naive(people: list[Recipient], statuses: dict[str, object]) -> float:
    """The per-row loop: parse, format, analyze, preflight, one recipient at a time."""
    started = time.perf_counter()
    for r in people:
        parse_number(r.phone, "US")
        text = TEMPLATE.replace("{first_name|there}", "{first_name}").format(**r.values)
        analyze(text)
        message = PlannedMessage(text, sender_type="short_code", sender_country="US")
        preflight(message, recipient(r.phone), statuses.get(r.phone), (), NOW)  # type: ignore[arg-type]
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--recipients", type=int, default=1_000_000)
    parser.add_argument("--peer", type=int, default=5_000)
    args = parser.parse_args()
    campaign = Campaign("Spring sale", TEMPLATE, Sender("short_code", "12345"), scope=SCOPE)

    people = audience(args.recipients, parsed=True)
    statuses = consent(people)
    base_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    gc.collect()
    started = time.perf_counter()
    result = plan(campaign, people, now=NOW, consent=statuses)  # type: ignore[arg-type]
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    t = result.totals
    print(
        f"plan() {args.recipients:,} personalised recipients: {seconds:.1f} s "
        f"({args.recipients / seconds:,.0f}/s), peak RSS {peak:,.0f} MB "
        f"(audience alone {base_rss:,.0f} MB)"
    )
    print(
        f"  sendable {t.sendable:,}, blocked {t.blocked:,}, segments {t.segments:,}, "
        f"cost ${t.cost:,.2f}, waiting for quiet hours "
        f"{next((r.count for r in t.by_reason if r.code == 'quiet_hours'), 0):,}"
    )
    print(
        f"  target: < 60 s and < 2,048 MB -> {'OK' if seconds < 60 and peak < 2048 else 'MISSED'}"
    )
    del result

    raw = audience(min(args.recipients, 200_000), parsed=False)
    started = time.perf_counter()
    plan(campaign, raw, now=NOW, consent=statuses)  # type: ignore[arg-type]
    raw_seconds = time.perf_counter() - started
    print(
        f"plan() {len(raw):,} raw phone strings (parsed in plan): {raw_seconds:.1f} s "
        f"({len(raw) / raw_seconds:,.0f}/s)"
    )

    sample = people[: args.peer]
    peer_seconds = naive(sample, statuses)
    per_row = peer_seconds / len(sample)
    ours = seconds / args.recipients
    print(
        f"peer: naive per-row loop (parse, format, analyze, preflight) on {len(sample):,}: "
        f"{peer_seconds:.1f} s, {per_row * 1e6:,.0f} us/recipient -> "
        f"{per_row * args.recipients:,.0f} s for {args.recipients:,}"
    )
    print(f"ratio: plan() is {per_row / ours:,.1f}x faster per recipient than the naive loop")


if __name__ == "__main__":
    main()
