"""Worker throughput on PostgreSQL: 3 ``smskit worker`` processes against 1, and the cost of the
pre-send consent check (issue: worker scaling).

Run: ``.venv/bin/python benchmarks/worker_throughput.py [--messages N] [--workers W]
[--database URL] [--repeats R]``

Every configuration sends the same campaign of N messages (default 3,000, one segment each, to N
distinct valid numbers) against the simulator in its own process (``smskit simulator
--no-rate-limits --step-delay 0``), with the sender unpaced (``Worker(rate=0)``: 16 concurrent API
calls per worker). Each configuration gets a fresh copy of one prepared database (campaign planned,
consent ledger filled) and a fresh simulator, so none inherits another's rows or messages. The
workers are started and idle first; the clock runs from :func:`smskit.sending.control.confirm`
until no message of the campaign is ``planned`` or ``submitting`` (as a user watching the
dashboard sees it; a worker notices the confirm within its 0.1 s tick).

1. Scaling: W worker processes (default 3) sharing the campaign through ``FOR UPDATE SKIP LOCKED``
   claims, against 1 worker process, in the same run: messages per second of each and the ratio.
   Exactly once is checked where it matters, in the simulator's Messages list (not in our
   database): every recipient got exactly one message, none twice, none lost, none to a stranger.
   Any duplicate or lost message (or a campaign that does not finish) exits 1.
2. Consent check: 1 worker reading each recipient's consent from the store just before the API
   call (``CampaignRunner._consent_blocks``; the default) against the same worker with
   ``check_consent=False`` (this benchmark's peer only). 60% of recipients have an opt-in in the
   ledger (a third of those a double opt-in: request, then opt-in) and 10% an event under another
   scope, so the check reads real rows. The overhead is the extra time per message, in percent:
   ``rate without / rate with - 1``. Aim: at most 10%. With ``--repeats R`` the two are run R times
   each, alternating (with, without, without, with, ...), and the medians are compared.

The peers are in the same run: 1 worker for scaling, the unchecked worker for the consent check.
The worker processes are this script in ``--child-worker`` mode: ``smskit worker`` has no option
for the rate or the consent check, otherwise it is the same :class:`smskit.sending.worker.Worker`.
The database defaults to ``$SMSKIT_TEST_POSTGRES_URL`` (else the CI's local server); the role must
be allowed to create databases (``smskit_bench_*``, dropped at the end). Without a reachable
PostgreSQL the benchmark says so and is skipped (exit 0), so ``make bench`` still runs elsewhere.
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import sqlalchemy as sa

from smskit.campaign.planner import Campaign, Recipient, Sender, plan
from smskit.campaign.storage import save_plan
from smskit.providers.twilio import TwilioProvider
from smskit.sending.control import confirm
from smskit.store.database import Store
from smskit.store.records import NewConsentEvent
from smskit.store.schema import messages, workers

SENDER = "+15005550006"
DEFAULT_URL = "postgresql+psycopg://smskit:smskit-ci@127.0.0.1:5432/smskit_test"
TEMPLATE_DB = "smskit_bench_template"
RUN_DB = "smskit_bench_run"
CONSENT_AIM = 10.0  # percent
OPTED_IN = 0.6
TICK = 0.1  # seconds between a worker's passes (the CLI's default is 1 s)
FINISH_TIMEOUT = 120.0


# -- the worker process ---------------------------------------------------------------------------


def child_worker(args: argparse.Namespace) -> int:
    """One worker process: the production Worker, unpaced, with or without the consent check."""
    import logging

    from smskit.sending.worker import Worker

    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(name)s %(message)s")
    logging.getLogger("smskit.worker").setLevel(logging.INFO)  # "campaign ...: finished (sent N"
    info = json.loads(Path(args.simulator_file).read_text(encoding="utf-8"))
    provider = TwilioProvider.for_url(info["url"], info["account_sid"], info["auth_token"])
    store = Store.open(args.database)
    worker = Worker(
        store,
        provider,
        worker_id=args.worker_id,
        check_consent=not args.no_consent_check,
        rate=0,  # 0: unpaced. None would mean the sender's own rate (a long code: 1 segment/s)
        tick=TICK,
    )
    signal.signal(signal.SIGTERM, lambda *_: worker.stop())
    worker.run_forever()
    return 0


# -- processes --------------------------------------------------------------------------------------


def spawn(command: list[str], log: Path) -> subprocess.Popen[bytes]:
    with log.open("wb") as out:
        return subprocess.Popen(
            command,
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            cwd=ROOT,
            start_new_session=True,  # its own process group: stopped with os.killpg below
        )


def stop(process: subprocess.Popen[bytes], grace: float = 20.0) -> None:
    if process.poll() is None:
        try:
            os.killpg(process.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
    try:
        process.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        pass
    try:  # anything left in the group (or a process that ignored SIGTERM)
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    process.wait(timeout=10)


def start_simulator(folder: Path) -> tuple[subprocess.Popen[bytes], dict[str, Any], Path]:
    info_file = folder / "simulator.json"
    info_file.unlink(missing_ok=True)
    command = [
        sys.executable,
        "-m",
        "smskit.cli",
        "simulator",
        "--json",
        "--no-rate-limits",
        "--step-delay",
        "0",
        "--credentials-file",
        str(info_file),
    ]
    process = spawn(command, folder / "simulator.log")
    deadline = time.monotonic() + 60
    while not info_file.exists():
        if process.poll() is not None or time.monotonic() > deadline:
            stop(process)
            raise SystemExit(f"the simulator did not start; see {folder / 'simulator.log'}")
        time.sleep(0.05)
    return process, json.loads(info_file.read_text(encoding="utf-8")), info_file


# -- databases --------------------------------------------------------------------------------------


def with_database(url: str, name: str) -> str:
    return sa.make_url(url).set(database=name).render_as_string(hide_password=False)


def admin(url: str, *statements: str) -> None:
    engine = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            for statement in statements:
                connection.exec_driver_sql(statement)
    finally:
        engine.dispose()


def phone(i: int) -> str:
    return f"+1415{555 + i // 10_000:03d}{i % 10_000:04d}"


def prepare(url: str, n: int) -> tuple[str, int]:
    """The template database: schema, consent ledger, the planned campaign. (id, ledger rows)."""
    admin(
        url,
        f"DROP DATABASE IF EXISTS {RUN_DB} WITH (FORCE)",
        f"DROP DATABASE IF EXISTS {TEMPLATE_DB} WITH (FORCE)",
        f"CREATE DATABASE {TEMPLATE_DB}",
    )
    store = Store.open(with_database(url, TEMPLATE_DB))
    try:
        now = datetime.now(UTC)
        people = [Recipient.of(f"c{i}", phone(i), i, name=f"N{i}") for i in range(n)]
        camp = Campaign(
            "worker throughput",
            "Hi {name}, your order shipped.",
            Sender("long_code", SENDER),
            purpose="transactional",
        )
        planned = plan(camp, people, now=now)
        late = [m.to for m in planned.messages if not m.sendable or (m.send_at or now) > now]
        if late:
            raise SystemExit(f"{len(late)} recipients are not sendable now (e.g. {late[0]})")
        campaign_id = save_plan(store, planned)
        scope = camp.consent_scope
        events: list[NewConsentEvent] = []
        for i in range(n):
            at = now - timedelta(days=30, minutes=i)
            if i % 10 < OPTED_IN * 10:
                if i % 3 == 0:  # double opt-in: the request, then the YES
                    events.append(
                        NewConsentEvent(phone(i), scope, "request", "keyword", at, evidence="JOIN")
                    )
                    at += timedelta(minutes=2)
                events.append(
                    NewConsentEvent(phone(i), scope, "opt_in", "web_form", at, evidence="form #7")
                )
            if i % 10 == 9:  # consent for another programme: rows the index must skip
                events.append(NewConsentEvent(phone(i), "OtherBrand", "opt_in", "import", at))
        store.append_consent_events(events)
    finally:
        store.close()
        store.engine.dispose()
    return campaign_id, len(events)


# -- one configuration ------------------------------------------------------------------------------


@dataclass
class Result:
    label: str
    workers: int
    consent: bool
    sent: int
    seconds: float
    duplicates: int
    lost: int
    strangers: int
    per_worker: list[int]

    @property
    def rate(self) -> float:
        return self.sent / self.seconds if self.seconds else 0.0

    @property
    def exact(self) -> bool:
        return self.duplicates == 0 and self.lost == 0 and self.strangers == 0


def state_counts(engine: sa.Engine, campaign_id: str) -> dict[str, int]:
    query = (
        sa.select(messages.c.state, sa.func.count())
        .where(messages.c.campaign_id == campaign_id)
        .group_by(messages.c.state)
    )
    with engine.connect() as connection:
        return {state: int(count) for state, count in connection.execute(query).all()}


def run_config(
    url: str, folder: Path, campaign_id: str, n: int, n_workers: int, consent: bool, label: str
) -> Result:
    admin(
        url,
        f"DROP DATABASE IF EXISTS {RUN_DB} WITH (FORCE)",
        f"CREATE DATABASE {RUN_DB} TEMPLATE {TEMPLATE_DB}",
    )
    db_url = with_database(url, RUN_DB)
    simulator, info, info_file = start_simulator(folder)
    procs: list[subprocess.Popen[bytes]] = []
    logs: list[Path] = []
    try:
        for k in range(n_workers):
            log = folder / f"{label.replace(' ', '_')}-worker{k}.log"
            command = [
                sys.executable,
                str(Path(__file__).resolve()),
                "--child-worker",
                "--database",
                db_url,
                "--simulator-file",
                str(info_file),
                "--worker-id",
                f"bench-{k}",
            ]
            if not consent:
                command.append("--no-consent-check")
            procs.append(spawn(command, log))
            logs.append(log)
        store = Store.open(db_url, upgrade=False)
        engine = store.engine
        alive = sa.select(sa.func.count()).select_from(workers).where(workers.c.stopped_at.is_(None))
        deadline = time.monotonic() + 60
        while True:  # every worker has made its first pass: it is idle, waiting for work
            with engine.connect() as connection:
                if connection.execute(alive).scalar() == n_workers:
                    break
            if time.monotonic() > deadline or any(p.poll() is not None for p in procs):
                raise SystemExit(f"the workers did not start; see {folder}")
            time.sleep(0.05)

        started = time.perf_counter()
        confirm(store, campaign_id)
        deadline = time.monotonic() + FINISH_TIMEOUT
        while True:
            counts = state_counts(engine, campaign_id)
            if not counts.get("planned") and not counts.get("submitting"):
                break
            if time.monotonic() > deadline:
                print(f"  {label}: not finished after {FINISH_TIMEOUT:.0f} s: {counts}")
                break
            time.sleep(0.02)
        seconds = time.perf_counter() - started

        provider = TwilioProvider.for_url(info["url"], info["account_sid"], info["auth_token"])
        listed = provider.list_messages(from_=SENDER, limit=None)
        received = collections.Counter(m.to for m in listed if m.direction != "inbound")
        expected = {phone(i) for i in range(n)}
        store.close()
        engine.dispose()
    finally:
        for process in procs:
            stop(process)
        stop(simulator)
    return Result(
        label=label,
        workers=n_workers,
        consent=consent,
        sent=sum(received[p] for p in expected),
        seconds=seconds,
        duplicates=sum(c - 1 for p, c in received.items() if p in expected and c > 1),
        lost=sum(1 for p in expected if received[p] == 0),
        strangers=sum(c for p, c in received.items() if p not in expected),
        per_worker=[_sent_in(log) for log in logs],
    )


def _sent_in(log: Path) -> int:
    """Messages a worker reports having sent (its runners' final log lines)."""
    text = log.read_text(encoding="utf-8", errors="replace")
    return sum(int(m) for m in re.findall(r"campaign \S+: \w+ \(sent (\d+),", text))


# -- the benchmark ----------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=3000, help="campaign size (default 3000)")
    parser.add_argument("--workers", type=int, default=3, help="worker processes to compare to 1")
    parser.add_argument(
        "--database",
        default=os.environ.get("SMSKIT_TEST_POSTGRES_URL") or DEFAULT_URL,
        help="a PostgreSQL URL whose role may CREATE DATABASE (smskit_bench_* are used)",
    )
    parser.add_argument(
        "--repeats", type=int, default=2, help="runs of each consent configuration (default 2)"
    )
    parser.add_argument("--child-worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--simulator-file", help=argparse.SUPPRESS)
    parser.add_argument("--worker-id", help=argparse.SUPPRESS)
    parser.add_argument("--no-consent-check", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child_worker:
        return child_worker(args)

    url = args.database
    try:
        admin(url, "SELECT 1")
    except Exception as error:  # noqa: BLE001  # no server here: say so, do not fail make bench
        print(f"skipped: no PostgreSQL at {sa.make_url(url)!r} ({type(error).__name__})")
        return 0

    n = args.messages
    folder = Path(tempfile.mkdtemp(prefix="smskit-bench-workers-"))
    t = time.perf_counter()
    try:
        campaign_id, ledger_rows = prepare(url, n)
        print(
            f"campaign of {n:,} messages planned, consent ledger of {ledger_rows:,} rows "
            f"({OPTED_IN:.0%} opted in), in {time.perf_counter() - t:.1f} s; logs in {folder}"
        )

        def run(n_workers: int, consent: bool) -> Result:
            label = f"{n_workers} worker{'s' if n_workers > 1 else ''}, consent check " + (
                "on" if consent else "off"
            )
            result = run_config(url, folder, campaign_id, n, n_workers, consent, label)
            print(
                f"  {label:32} {result.seconds:6.2f} s  {result.rate:7.1f} msg/s  "
                f"duplicates {result.duplicates}, lost {result.lost}"
            )
            return result

        results: list[Result] = []
        # Scaling first (default worker: consent check on), then the consent pair, alternating.
        one = run(1, True)
        many = run(args.workers, True)
        results += [one, many]
        # The consent pair: the 1-worker run above, then without, with, without, ... alternating.
        checked, unchecked = [one], []
        while len(unchecked) < args.repeats or len(checked) < args.repeats:
            consent = len(unchecked) >= len(checked)
            result = run(1, consent)
            results.append(result)
            (checked if consent else unchecked).append(result)
    finally:
        admin(
            url,
            f"DROP DATABASE IF EXISTS {RUN_DB} WITH (FORCE)",
            f"DROP DATABASE IF EXISTS {TEMPLATE_DB} WITH (FORCE)",
        )

    print()
    print(
        f"{'configuration':34} {'msg/s':>8} {'seconds':>8} {'sent':>6} {'dup':>4} {'lost':>5} "
        f"{'other':>5}  sent per worker"
    )
    for r in results:
        print(
            f"{r.label:34} {r.rate:8.1f} {r.seconds:8.2f} {r.sent:6,} {r.duplicates:4} "
            f"{r.lost:5} {r.strangers:5}  {' + '.join(map(str, r.per_worker))}"
        )
    print()
    scale = many.rate / one.rate
    print(
        f"scaling: {args.workers} workers {many.rate:,.1f} msg/s vs 1 worker {one.rate:,.1f} msg/s "
        f"= {scale:.2f}x (same run, {os.cpu_count()} CPUs shared by workers, simulator, PostgreSQL)"
    )
    with_rate = statistics.median(r.rate for r in checked)
    without_rate = statistics.median(r.rate for r in unchecked)
    overhead = (without_rate / with_rate - 1) * 100
    print(
        f"consent check: {with_rate:,.1f} msg/s with, {without_rate:,.1f} msg/s without "
        f"(median of {len(checked)} and {len(unchecked)}) = {overhead:+.1f}% time per message "
        f"-> aim <= {CONSENT_AIM:.0f}%: {'met' if overhead <= CONSENT_AIM else 'NOT met'}"
    )
    exact = all(r.exact for r in results) and all(r.sent == n for r in results)
    print(
        "exactly once in the simulator's Messages list: "
        + ("every recipient got exactly one message in every run" if exact else "FAILED")
    )
    return 0 if exact else 1


if __name__ == "__main__":
    sys.exit(main())
