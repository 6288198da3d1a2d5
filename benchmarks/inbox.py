"""The Inbox at scale: open the Inbox and open a thread with 100,000 threads and 1,000,000 messages,
with the migration's indexes against the same queries without them; then inbound replies through
the webhook app into the store, each with its consent decided.

Run: ``.venv/bin/python benchmarks/inbox.py [--threads N] [--replies N] [--database URL]``

The store (a SQLite file unless ``--database`` names a PostgreSQL URL) is filled with bulk inserts:
N threads (one per contact), and per thread 5 campaign messages sent and 5 replies (10 N messages).
Unread is per person (migration 0008): the benchmark's actor has read 40% of the threads fully and
10% in part, a colleague has read half of them, so every unread count is the actor's own.
"Open the Inbox" is what the dashboard does on load and on every change: the first page (50) of
the open threads with the actor's unread counts, plus the counts of every filter and the actor's
unread total; "open a thread" reads one contact's messages both ways and folds their consent.
Each is timed (median of 20) with the indexes, then again after dropping them (the plain,
unindexed query) in the same run; the targets are < 300 ms indexed.
Throughput posts signed ``/twilio/inbound`` forms to :func:`smskit.webhooks.app.create_app` with
:class:`smskit.conversations.InboxSink` (consent decided, stored, folded into the thread), served
by uvicorn on 127.0.0.1: from ``--clients`` connections at once (Twilio delivers webhooks
concurrently; each client is its own process) against one at a time (the peer), and checks every
opt-out reached the consent log; the target is >= 200/s.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlencode

import sqlalchemy as sa

from smskit.conversations import Filter, Inbox, InboxSink
from smskit.store.database import Store
from smskit.store.schema import (
    consent_events,
    inbound_messages,
    messages,
    thread_reads,
    threads,
)
from smskit.webhooks.app import create_app

SENDER = "+15005550006"
T0 = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
TOKEN = "f" * 32
INDEXES = (
    "ix_threads_recent",
    "ix_threads_inbound_count",
    "ix_threads_needs_reply",
    "ix_threads_consent",
    "ix_threads_review",
    "ix_threads_assigned",
    "ix_threads_campaign",
    "ix_threads_inbound",
    "ix_messages_to_number",
    "ix_inbound_messages_from",
    "ix_thread_reads_actor",
)


def phone(i: int) -> str:
    return f"+1415{2000000 + i:07d}"


def _chunks(rows: list[dict[str, object]], size: int = 20_000) -> list[list[dict[str, object]]]:
    return [rows[start : start + size] for start in range(0, len(rows), size)]


def fill(store: Store, n: int) -> None:
    """N threads, 5 N campaign messages and 5 N replies, and two people's reads, in bulk."""
    rng = random.Random(7)
    store.save_campaign("cmp_bench", "Bench campaign", {"sender": {"address": SENDER}}, "finished")
    with store.engine.begin() as connection:
        for block in range(0, n, 10_000):
            out: list[dict[str, object]] = []
            inbound: list[dict[str, object]] = []
            heads: list[dict[str, object]] = []
            for i in range(block, min(n, block + 10_000)):
                p = phone(i)
                base = T0 + timedelta(seconds=i * 7)
                for k in range(5):
                    at = base + timedelta(minutes=10 * k)
                    out.append(
                        {
                            "id": f"cmp_bench:{i:07d}:{k}",
                            "campaign_id": "cmp_bench",
                            "to_number": p,
                            "from_number": SENDER,
                            "body": f"Offer {k} for you",
                            "state": "final",
                            "sid": f"SM{i:026d}{k:06d}",
                            "status": "delivered",
                            "attempts": 1,
                            "created_at": at,
                            "updated_at": at,
                        }
                    )
                    inbound.append(
                        {
                            "sid": f"SM{i:026d}{k + 500000:06d}",
                            "from_number": p,
                            "to_number": SENDER,
                            "body": "What time do you open?",
                            "received_at": at + timedelta(minutes=5),
                            "recorded_at": at + timedelta(minutes=5),
                        }
                    )
                roll = rng.random()
                heads.append(
                    {
                        "phone_e164": p,
                        "our_number": SENDER,
                        "scope": SENDER,
                        "campaign_id": "cmp_bench",
                        "last_message_at": base + timedelta(minutes=45),
                        "last_inbound_id": None,
                        "preview": "What time do you open?",
                        "inbound_count": 5,
                        "needs_reply": roll < 0.3,
                        "consent_state": "opted_out" if roll > 0.97 else "unknown",
                        "needs_review": 0.95 < roll <= 0.96,
                        "assigned_to": "bench" if 0.5 < roll < 0.55 else None,
                        "done": 0.6 < roll < 0.8,
                        "version": 0,
                        "created_at": base,
                        "updated_at": base,
                    }
                )
            for table, rows in ((messages, out), (inbound_messages, inbound), (threads, heads)):
                for chunk in _chunks(rows):
                    connection.execute(table.insert(), chunk)
        ids = list(connection.execute(sa.select(threads.c.id).order_by(threads.c.id)).scalars())
        reads: list[dict[str, object]] = []
        for thread_id in ids:
            roll = rng.random()
            if roll < 0.5:  # read by the benchmark's actor: 40% fully, 10% in part
                read = {"actor": "bench", "read_count": 5 if roll < 0.4 else 3}
                reads.append({"thread_id": thread_id, "read_at": T0, **read})
            if rng.random() < 0.5:
                reads.append(
                    {"thread_id": thread_id, "actor": "colleague", "read_count": 5, "read_at": T0}
                )
        for chunk in _chunks(reads):
            connection.execute(thread_reads.insert(), chunk)


def timed(call: Callable[[], object], repeat: int = 20) -> float:
    """Median milliseconds of ``call``."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        call()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def open_times(inbox: Inbox, ids: list[int]) -> tuple[float, float]:
    """(open the Inbox, open a thread), median milliseconds."""
    inbox_ms = timed(lambda: (inbox.threads(Filter.ALL), inbox.threads(Filter.NEEDS_REPLY)))
    picks = iter(ids * 2)
    thread_ms = timed(lambda: inbox.open(next(picks), mark_read=False))
    return inbox_ms / 2, thread_ms


def throughput(store: Store, replies: int, clients: int, first: int) -> tuple[float, int, int]:
    """Replies per second through the webhook app served by uvicorn, from ``clients`` at once.

    Twilio delivers webhooks concurrently, so the peer is one client posting one reply at a time.
    Returns (replies per second, opt-outs recorded, threads created) for the numbers this run
    used (``first`` onwards, so that runs never share a number or a MessageSid).
    """
    import threading
    from concurrent.futures import ProcessPoolExecutor

    import uvicorn
    from twilio.request_validator import RequestValidator

    app = create_app(TOKEN, InboxSink(store), public_url="http://hooks.example.org")
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.01)
    port = server.servers[0].sockets[0].getsockname()[1]
    validator = RequestValidator(TOKEN)
    url = "http://hooks.example.org/twilio/inbound"
    bodies = ["STOP", "BERHENTI", "Is the shop open on Sunday?", "thanks!", "wrong number"]
    forms = []
    for i in range(first, first + replies):
        form = {
            "MessageSid": f"SM{i:032x}",
            "AccountSid": "AC" + "0" * 32,
            "From": phone_of_reply(i),
            "To": SENDER,
            "Body": bodies[i % len(bodies)],
            "NumMedia": "0",
        }
        forms.append((urlencode(form), validator.compute_signature(url, form)))

    # The deliveries come from other processes, as Twilio's do: client threads in this one would
    # share its interpreter lock with the server and slow it down. The pool starts before timing.
    pool = ProcessPoolExecutor(clients)
    try:
        list(pool.map(_post, [(port, [])] * clients))
        start = time.perf_counter()
        list(pool.map(_post, [(port, forms[k::clients]) for k in range(clients)]))
        seconds = time.perf_counter() - start
    finally:
        pool.shutdown()
        server.should_exit = True
        thread.join(10)
    numbers = [phone_of_reply(i) for i in range(first, first + replies)]
    with store.engine.connect() as connection:
        opt_outs = connection.execute(
            sa.select(sa.func.count())
            .select_from(consent_events)
            .where(consent_events.c.phone_e164.in_(numbers), consent_events.c.action == "opt_out")
        ).scalar()
        made = connection.execute(
            sa.select(sa.func.count()).select_from(threads).where(threads.c.phone_e164.in_(numbers))
        ).scalar()
    return replies / seconds, int(opt_outs or 0), int(made or 0)


def _post(work: tuple[int, list[tuple[str, str]]]) -> None:
    """One webhook client: post its signed forms one after another (in its own process)."""
    import httpx

    port, batch = work
    # Host is the public URL the signature was computed for (the app checks it).
    with httpx.Client(
        base_url=f"http://127.0.0.1:{port}", headers={"Host": "hooks.example.org"}
    ) as client:
        for body, signature in batch:
            response = client.post(
                "/twilio/inbound",
                content=body,
                headers={
                    "Content-Type": "application/x-www-form-urlencoded",
                    "X-Twilio-Signature": signature,
                },
            )
            assert response.status_code == 200, response.text


def phone_of_reply(i: int) -> str:
    return f"+1628{3000000 + i:07d}"


def compare_open(store: Store, n: int) -> None:
    """Open the Inbox and a thread with the indexes, then without them; put them back."""
    inbox = Inbox(store, actor="bench")
    with store.engine.connect() as connection:
        ids = list(connection.execute(sa.select(threads.c.id)).scalars())
    sample = random.Random(11).sample(ids, min(20, n))
    colleague = Inbox(store, actor="colleague").counts().unread
    unread = inbox.counts().unread
    assert unread != colleague, "each person's unread is their own"
    print(f"unread: {unread:,} for the actor, {colleague:,} for a colleague")
    indexed = open_times(inbox, sample)
    by_name = {
        i.name: i for t in (threads, messages, inbound_messages, thread_reads) for i in t.indexes
    }
    with store.engine.begin() as connection:
        for name in INDEXES:
            connection.exec_driver_sql(f"DROP INDEX {name}")
    plain = open_times(inbox, sample)
    with store.engine.begin() as connection:  # what a migrated store has, for what follows
        for name in INDEXES:
            by_name[name].create(connection)
    for label, fast, slow in (
        ("open the Inbox (page + counts)", indexed[0], plain[0]),
        ("open a thread", indexed[1], plain[1]),
    ):
        verdict = "OK" if fast < 300 else "OVER 300 ms"
        print(
            f"{label}: {fast:.1f} ms indexed vs {slow:.1f} ms unindexed "
            f"(x{slow / fast:.1f} faster) [{verdict}]"
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=100_000, help="0: throughput only")
    parser.add_argument("--replies", type=int, default=1_000)
    parser.add_argument("--clients", type=int, default=8, help="concurrent webhook deliveries")
    parser.add_argument("--database", default=None, help="a PostgreSQL URL (default: SQLite)")
    args = parser.parse_args()
    if args.database:
        with own_schema(args.database) as url:
            return run(args, url)
    folder = Path(tempfile.mkdtemp(prefix="smskit-bench-inbox-"))
    return run(args, f"sqlite:///{folder / 'smskit.db'}")


@contextlib.contextmanager
def own_schema(postgres_url: str) -> Iterator[str]:
    """A new, empty PostgreSQL schema for this run (dropped afterwards), whatever the database
    already holds."""
    schema = f"smskit_bench_inbox_{os.getpid()}"
    admin = sa.create_engine(postgres_url)
    with admin.begin() as connection:
        connection.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    url = sa.make_url(postgres_url).update_query_dict({"options": f"-csearch_path={schema}"})
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.begin() as connection:
            connection.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def run(args: argparse.Namespace, url: str) -> int:
    store = Store.open(url)
    started = time.perf_counter()
    fill(store, args.threads)
    if store.engine.dialect.name == "postgresql":
        with store.engine.begin() as connection:
            connection.exec_driver_sql("ANALYZE")
    print(
        f"filled {args.threads:,} threads and {10 * args.threads:,} messages "
        f"in {time.perf_counter() - started:.1f} s ({store.engine.dialect.name})"
    )
    if args.threads:
        compare_open(store, args.threads)
    expected = sum(1 for i in range(args.replies) if i % 5 in (0, 1))
    rates = {}
    for clients, first in ((1, 0), (args.clients, args.replies)):
        rate, opt_outs, made = throughput(store, args.replies, clients, first)
        rates[clients] = rate
        ok = rate >= 200 and opt_outs == expected and made == args.replies
        print(
            f"webhook replies into the store, {clients} client(s) at once: {rate:.0f}/s with "
            f"consent decided ({opt_outs} of {expected} opt-outs recorded, {made} threads) "
            f"[{'OK' if ok else 'BELOW'}]"
        )
    print(f"concurrent deliveries vs one at a time: x{rates[args.clients] / rates[1]:.2f}")
    store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
