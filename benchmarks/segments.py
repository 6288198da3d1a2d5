"""Segment counting speed: smskit.count_segments against PyPI peers on the same 100,000 messages.

Run: ``.venv/bin/python benchmarks/segments.py [--messages N]``

The corpus is seeded and realistic: personalised marketing messages, 50-400 characters, about 70%
pure GSM-7 and 30% with a non-GSM character (accented or CJK names, curly quotes, emoji, no-break
spaces). Peers, timed in the same run:

* ``smsutil.split`` (PyPI ``smsutil``): splits and returns the parts;
* a counter built on the ``gsm0338`` codec (PyPI ``gsm0338``): encode, else count UTF-16 units.

Neither peer keeps escape pairs, surrogate pairs or grapheme clusters whole, so their counts can
differ from Twilio's; the benchmark compares speed, and checks that smskit's bulk answers equal
``smskit.analyze``. Targets (issue 2): >= 10x smsutil, aiming at 1,000,000 messages/s; and the
Python work of one keystroke on a 1,600-character message (analyze + render) under 50 ms.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import gsm0338  # noqa: F401  (registers the 'gsm03.38' codec)
import smsutil

from smskit import analyze, count_segments

FIRST_GSM = ["Anna", "Budi", "Carlos", "Dewi", "Emma", "Farid", "Grace", "Hannah", "José", "Müller"]
FIRST_OTHER = [
    "Łukasz",
    "Zoë",
    "François",
    "Nguyễn",
    "Şule",
    "İbrahim",
    "王伟",
    "李娜",
    "Ayşe",
    "Dvořák",
]
PRODUCTS = ["sneakers", "coffee beans", "data plan", "winter jacket", "headphones", "skincare set"]
SENTENCES = [
    "Your order #{n} has shipped and arrives {day}.",
    "Use code SAVE{n} for {p}% off everything this weekend.",
    "Our {product} are back in stock at your nearest store.",
    "Show this message at the till to get a free gift with any purchase.",
    "Members earn double points until Sunday, so don't miss out!",
    "Track your parcel at https://ex.co/t/{n}.",
    "Questions? Call us on +1 415 555 0{n3} any day from 8am to 8pm.",
    "Prices from $19.99; while stocks last.",
]
NON_GSM_TOUCHES = ["“Best deal”", "don’t miss", "🎉", "👍🏽", "10\u00a0%", "…", "—", "❤️"]


def make_messages(count: int, seed: int = 2026) -> list[str]:
    """Seeded personalised marketing messages, 50-400 characters, ~30% with a non-GSM character."""
    rng = random.Random(seed)
    messages = []
    for _ in range(count):
        non_gsm = rng.random() < 0.30
        name = rng.choice(FIRST_OTHER if non_gsm and rng.random() < 0.5 else FIRST_GSM)
        target = rng.randint(50, 400)
        parts = [f"Hi {name},"]
        while sum(len(p) + 1 for p in parts) < target:
            sentence = rng.choice(SENTENCES).format(
                n=rng.randint(100, 99999),
                n3=rng.randint(100, 999),
                day=rng.choice(["today", "tomorrow", "on Friday"]),
                p=rng.choice([10, 15, 20, 30]),
                product=rng.choice(PRODUCTS),
            )
            parts.append(sentence)
        if non_gsm and not any(n in parts[0] for n in FIRST_OTHER):
            parts.insert(rng.randint(1, len(parts)), rng.choice(NON_GSM_TOUCHES))
        text = " ".join(parts)[:400]
        messages.append(text if len(text) >= 50 else text.ljust(50, "."))
    return messages


def smsutil_counts(messages: list[str]) -> list[int]:
    """The peer: smsutil.split per message."""
    return [len(smsutil.split(text).parts) for text in messages]


def gsm0338_counts(messages: list[str]) -> list[int]:
    """The peer: encode with the gsm0338 codec; on failure count UTF-16 code units."""
    counts = []
    for text in messages:
        try:
            units = len(text.encode("gsm03.38"))
            single, multi = 160, 153
        except UnicodeEncodeError:
            units = len(text.encode("utf-16-be")) // 2
            single, multi = 70, 67
        counts.append(1 if units <= single else -(-units // multi))
    return counts


def best_of(repeats: int, function: Callable[[], object]) -> float:
    """The fastest of ``repeats`` wall-clock timings, in seconds."""
    timings = []
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        timings.append(time.perf_counter() - start)
    return min(timings)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=100_000)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()

    messages = make_messages(args.messages)
    non_gsm_share = sum(analyze(m).encoding == "UCS-2" for m in messages[:5000]) / min(
        5000, len(messages)
    )
    lengths = [len(m) for m in messages]
    print(
        f"corpus: {len(messages):,} messages, {min(lengths)}-{max(lengths)} chars "
        f"(median {statistics.median(lengths):.0f}), {non_gsm_share:.0%} UCS-2 (first 5,000)"
    )

    rates = {}
    for name, function in [
        ("smskit.count_segments", lambda: count_segments(messages)),
        ("smskit.count_segments(smart)", lambda: count_segments(messages, smart_encoding=True)),
        ("smsutil.split", lambda: smsutil_counts(messages)),
        ("gsm0338 codec counter", lambda: gsm0338_counts(messages)),
    ]:
        seconds = best_of(args.repeats, function)
        rates[name] = len(messages) / seconds
        print(f"{name:30s} {rates[name]:>12,.0f} msg/s  ({seconds * 1000:,.1f} ms)")
    base = rates["smskit.count_segments"]
    print(f"ratio vs smsutil.split:         {base / rates['smsutil.split']:6.1f}x  (target >= 10x)")
    print(f"ratio vs gsm0338 counter:       {base / rates['gsm0338 codec counter']:6.1f}x")
    print(f"target 1,000,000 msg/s:         {'met' if base >= 1_000_000 else 'not met'}")

    sample = random.Random(1).sample(messages, min(3000, len(messages)))
    for smart in (False, True):
        expected = [analyze(m, smart_encoding=smart).segment_count for m in sample]
        assert count_segments(sample, smart_encoding=smart) == expected, "bulk != analyze"
    print(f"bulk counts equal analyze() on a {len(sample):,}-message sample, smart off and on")

    # One keystroke on a 1,600-character message: everything the dashboard's Python does when the
    # text changes (analyze, Back-to-GSM-7 advice, cost, render every HTML fragment).
    from smskit_widgets.encoding.dashboard import EncodingVisualizer

    long_text = ("Hi Şule, don’t miss our “summer sale” 😀 — 20% off €uro prices today! " * 30)[
        :1600
    ]
    dashboard = EncodingVisualizer(long_text)
    edits = iter(range(10**6))

    def keystroke() -> None:
        dashboard.editor.value = long_text[:-1] + "xy"[next(edits) % 2]

    seconds = best_of(20, keystroke)
    assert dashboard.result is not None and dashboard.result.encoding == "UCS-2"
    peer = best_of(20, lambda: smsutil.split(long_text))
    print(
        f"keystroke on 1,600 chars (UCS-2, {dashboard.result.segment_count} segments): "
        f"{seconds * 1000:.1f} ms (target < 50 ms); smsutil.split on the same text: "
        f"{peer * 1000:.2f} ms (split only, no analysis or rendering)"
    )


if __name__ == "__main__":
    main()
