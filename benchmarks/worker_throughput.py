"""Worker throughput on PostgreSQL: 3 worker processes against 1, and the consent check's cost.

Run: ``.venv/bin/python benchmarks/worker_throughput.py [--messages N] [--workers W]
[--repeats R] [--database URL]``

Every configuration sends the same campaign of N messages (default 3,000, one segment each, to N
distinct valid numbers) through the simulator in its own process (``smskit simulator
--no-rate-limits --step-delay 0``), the sender unpaced (``Worker(rate=None)``: 16 concurrent API
calls per worker, where a long code would otherwise be paced at 1 segment/s). Each run gets a fresh
copy of one prepared database (campaign planned, consent ledger filled) and a fresh
simulator, so none inherits another's rows, messages or status polls. The workers are started and
idle first; the clock runs from :func:`smskit.sending.control.confirm` until no message of the
campaign is ``planned`` or ``submitting`` (what a user watching the dashboard sees; a worker
notices the confirm within its 0.1 s tick).

1. Scaling: W worker processes (default 3) sharing the campaign through ``FOR UPDATE SKIP LOCKED``
   claims, against 1 worker process (the peer): messages per second of each and the ratio, with
   the consent check (the default) and without it. Exactly once is checked where it matters, in
   the simulator's Messages list (not in our database): every recipient got exactly one message,
   none twice, none lost, none to a stranger. Any duplicate or lost message, or a campaign that
   does not finish, exits 1.
2. Consent check: 1 worker reading each recipient's consent from the store just before the API
   call (``CampaignRunner._consent_blocks``, the default) against the same worker with
   ``check_consent=False`` (the peer; only benchmarks turn it off). 60% of recipients have an
   opt-in in the ledger (a third of those a double opt-in: request, then opt-in) and 10% an event
   under another scope, so the check reads real rows. The overhead is the extra time per message:
   ``rate without / rate with - 1``. Aim: at most 10% (printed as met or NOT met; only exactly-once
   failures change the exit status).

All four configurations run in the same run, ``--repeats`` rounds (default 2), odd rounds in
reverse order (A B C D, D C B A) so a drift in the machine's load weighs on all alike; medians are
compared. The table also shows the PostgreSQL connections each run opened
(``pg_stat_database.sessions``), the worker processes' CPU time per message while sending (less
sensitive than wall time to other load on the machine; ``(sim)`` is the simulator's) and how many
messages each worker sent. The worker processes are this script in ``--child-worker`` mode,
because ``smskit worker`` has no option to turn the consent check off (and its tick is 1 s);
otherwise they are the production :class:`smskit.sending.worker.Worker`. The
database defaults to ``$SMSKIT_TEST_POSTGRES_URL`` (else the CI's local server); its role must be
allowed to create databases (``smskit_bench_template`` and ``smskit_bench_run``, dropped at the
end). Without a reachable PostgreSQL the benchmark says so and is skipped (exit 0), so
``make bench`` still runs elsewhere.
"""

from __future__ import annotations

import argparse
import collections
import contextlib
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

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import sqlalchemy as sa

from smskit.campaign.planner import Campaign, Recipient, Sender, plan
from smskit.campaign.storage import save_plan
from smskit.providers.twilio import TwilioProvider
from smskit.sending.control import confirm
from smskit.store.database import Store
from smskit.store.records import NewConsentEvent
from smskit.store.schema import messages, workers

ROOT = Path(__file__).resolve().parent.parent
SENDER = "+15005550006"
DEFAULT_URL = "postgresql+psycopg://smskit:smskit-ci@127.0.0.1:5432/smskit_test"
TEMPLATE_DB = "smskit_bench_template"
RUN_DB = "smskit_bench_run"
CONSENT_AIM = 10.0  # percent
OPTED_IN = 0.6
TICK = 0.1  # seconds between a worker's passes (the CLI's default is 1 s)
FINISH_TIMEOUT = 120.0


# -- the worker process ----------------------------------------------------------------------------


def child_worker(args: argparse.Namespace) -> int:
    """One worker process: the production Worker, unpaced, with or without the consent check."""
    import logging

    from smskit.sending.worker import Worker

    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(name)s %(message)s")
    logging.getLogger("smskit.worker").setLevel(logging.INFO)  # "campaign ...: finished (sent N"
    info = simulator_info(Path(args.simulator_file))  # started at the same time as we were
    provider = TwilioProvider.for_url(info["url"], info["account_sid"], info["auth_token"])
    store = Store.open(args.database)
    worker = Worker(
        store,
        provider,
        worker_id=args.worker_id,
        check_consent=not args.no_consent_check,
        rate=None,  # unpaced (the default, SENDER_RATE, paces a long code at 1 segment/s)
        tick=TICK,
    )
    signal.signal(signal.SIGTERM, lambda *_: worker.stop())
    worker.run_forever()
    return 0


# -- processes -------------------------------------------------------------------------------------


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


def stop(*processes: subprocess.Popen[bytes], grace: float = 20.0) -> None:
    """SIGTERM every process group at once, wait for them, then SIGKILL whatever is left."""
    for process in processes:
        if process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
    deadline = time.monotonic() + grace
    for process in processes:
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=max(0.0, deadline - time.monotonic()))
        with contextlib.suppress(ProcessLookupError):  # left in the group, or ignored SIGTERM
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


def start_simulator(folder: Path) -> tuple[subprocess.Popen[bytes], Path]:
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
    return spawn(command, folder / "simulator.log"), info_file


def simulator_info(info_file: Path, process: subprocess.Popen[bytes] | None = None) -> Any:
    """The simulator's URL and credentials, once it has written them (it starts in ~1 s)."""
    deadline = time.monotonic() + 60
    while not info_file.exists():
        if (process is not None and process.poll() is not None) or time.monotonic() > deadline:
            raise SystemExit(f"the simulator did not start; see {info_file.parent}")
        time.sleep(0.05)
    return json.loads(info_file.read_text(encoding="utf-8"))


# -- databases -------------------------------------------------------------------------------------


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


# -- one configuration -----------------------------------------------------------------------------


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
    finished: bool  # nothing left planned or submitting in the store
    sessions: int  # PostgreSQL connections opened to the run's database
    per_worker: list[int]
    worker_cpu: float  # CPU seconds of the worker processes while sending (all of them)
    simulator_cpu: float

    @property
    def rate(self) -> float:
        return self.sent / self.seconds if self.seconds else 0.0

    @property
    def exact(self) -> bool:
        return self.finished and (self.duplicates, self.lost, self.strangers) == (0, 0, 0)


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
    simulator, info_file = start_simulator(folder)
    procs: list[subprocess.Popen[bytes]] = []
    logs: list[Path] = []
    try:
        for k in range(n_workers):  # they wait for the simulator's file themselves
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
        info = simulator_info(info_file, simulator)
        store = Store.open(db_url, upgrade=False)
        engine = store.engine
        alive = (
            sa.select(sa.func.count()).select_from(workers).where(workers.c.stopped_at.is_(None))
        )
        deadline = time.monotonic() + 60
        while True:  # every worker has made its first pass: it is idle, waiting for work
            with engine.connect() as connection:
                if connection.execute(alive).scalar() == n_workers:
                    break
            if time.monotonic() > deadline or any(p.poll() is not None for p in procs):
                raise SystemExit(f"the workers did not start; see {folder}")
            time.sleep(0.05)

        cpu_before = [cpu_seconds(p.pid) for p in (*procs, simulator)]
        started = time.perf_counter()
        confirm(store, campaign_id)
        deadline = time.monotonic() + FINISH_TIMEOUT
        while True:
            counts = state_counts(engine, campaign_id)
            finished = not counts.get("planned") and not counts.get("submitting")
            if finished:
                break
            if time.monotonic() > deadline:
                print(f"  {label}: not finished after {FINISH_TIMEOUT:.0f} s: {counts}")
                break
            time.sleep(0.02)
        seconds = time.perf_counter() - started
        cpu = [cpu_seconds(p.pid) - c for p, c in zip((*procs, simulator), cpu_before, strict=True)]

        provider = TwilioProvider.for_url(info["url"], info["account_sid"], info["auth_token"])
        listed = provider.list_messages(from_=SENDER, limit=None)
        received = collections.Counter(m.to for m in listed if m.direction != "inbound")
        expected = {phone(i) for i in range(n)}
        store.close()
        engine.dispose()
    finally:
        # A worker may be in the middle of a delivery-status pass (seconds for 3,000 messages);
        # nothing it would still write is measured, and the database is dropped: 1 s, then SIGKILL.
        stop(*procs, simulator, grace=1.0)
    return Result(
        label=label,
        workers=n_workers,
        consent=consent,
        sent=sum(received[p] for p in expected),
        seconds=seconds,
        duplicates=sum(c - 1 for p, c in received.items() if p in expected and c > 1),
        lost=sum(1 for p in expected if received[p] == 0),
        strangers=sum(c for p, c in received.items() if p not in expected),
        finished=finished,
        sessions=sessions(url),
        per_worker=[_sent_in(log) for log in logs],
        worker_cpu=sum(cpu[:-1]),
        simulator_cpu=cpu[-1],
    )


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (Linux ``/proc``; NaN elsewhere)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return float("nan")
    return (int(stat[11]) + int(stat[12])) / os.sysconf("SC_CLK_TCK")


def sessions(url: str) -> int:
    """Connections ever opened to the run's database (``pg_stat_database.sessions``, PG 14+)."""
    engine = sa.create_engine(url)
    query = "SELECT sessions FROM pg_stat_database WHERE datname = %(name)s"
    try:
        with engine.connect() as connection:
            return int(connection.exec_driver_sql(query, {"name": RUN_DB}).scalar() or 0)
    except sa.exc.DBAPIError:
        return -1
    finally:
        engine.dispose()


def _sent_in(log: Path) -> int:
    """Messages a worker reports having sent (its runners' final log lines)."""
    text = log.read_text(encoding="utf-8", errors="replace")
    return sum(int(m) for m in re.findall(r"campaign \S+: \w+ \(sent (\d+),", text))


# -- the benchmark ---------------------------------------------------------------------------------


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
        "--repeats", type=int, default=2, help="runs of each configuration (default 2)"
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
    except Exception as error:  # no server here: say so, do not fail make bench
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
                f"duplicates {result.duplicates}, lost {result.lost}, "
                f"{result.sessions} PostgreSQL connections opened",
                flush=True,
            )
            return result

        # Each round runs every configuration once; odd rounds in reverse order (A B C D, D C B A),
        # so a drift in the machine's load weighs on all of them alike.
        configs = [(1, True), (args.workers, True), (1, False), (args.workers, False)]
        results: list[Result] = []
        for round_ in range(args.repeats):
            for n_workers, consent in configs if round_ % 2 == 0 else configs[::-1]:
                results.append(run(n_workers, consent))
    finally:
        admin(
            url,
            f"DROP DATABASE IF EXISTS {RUN_DB} WITH (FORCE)",
            f"DROP DATABASE IF EXISTS {TEMPLATE_DB} WITH (FORCE)",
        )

    print()
    print(
        f"{'configuration (runs in order)':34} {'msg/s':>8} {'seconds':>8} {'sent':>6} {'dup':>4} "
        f"{'lost':>5} {'other':>5} {'pg conns':>8} {'CPU ms/msg':>10} {'(sim)':>5}  sent per worker"
    )
    for r in results:
        print(
            f"{r.label:34} {r.rate:8.1f} {r.seconds:8.2f} {r.sent:6,} {r.duplicates:4} "
            f"{r.lost:5} {r.strangers:5} {r.sessions:8} {r.worker_cpu * 1000 / n:10.2f} "
            f"{r.simulator_cpu * 1000 / n:5.2f}  {' + '.join(map(str, r.per_worker))}"
        )

    def median(n_workers: int, consent: bool) -> float:
        return statistics.median(
            r.rate for r in results if (r.workers, r.consent) == (n_workers, consent)
        )

    runs = f"median of {args.repeats} run{'s' if args.repeats > 1 else ''} each, same run"
    print(
        f"\n{'summary (' + runs + ')':58} {'1 worker':>10} {f'{args.workers} workers':>10} "
        f"{'ratio':>7}"
    )
    for consent in (True, False):
        one, many = median(1, consent), median(args.workers, consent)
        label = f"msg/s, consent check {'on (the default)' if consent else 'off (peer)'}"
        print(f"{label:58} {one:10.1f} {many:10.1f} {many / one:6.2f}x")
    with_rate, without_rate = median(1, True), median(1, False)
    overhead = (without_rate / with_rate - 1) * 100
    print(
        f"consent check overhead, 1 worker: {with_rate:,.1f} msg/s with vs {without_rate:,.1f} "
        f"without = {overhead:+.1f}% time per message -> aim <= {CONSENT_AIM:.0f}%: "
        f"{'met' if overhead <= CONSENT_AIM else 'NOT met'}"
    )
    checked_cpu = statistics.median(r.worker_cpu for r in results if r.consent and r.workers == 1)
    unchecked_cpu = statistics.median(
        r.worker_cpu for r in results if not r.consent and r.workers == 1
    )
    extra = (checked_cpu / unchecked_cpu - 1) * 100
    print(
        f"worker CPU per message, 1 worker (less load-sensitive): {checked_cpu * 1000 / n:.2f} ms "
        f"with vs {unchecked_cpu * 1000 / n:.2f} ms without = {extra:+.1f}%"
    )
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(
        f"machine: {os.cpu_count()} CPUs shared by workers, simulator and PostgreSQL; load {load}"
    )
    exact = all(r.exact for r in results) and all(r.sent == n for r in results)
    print(
        "exactly once in the simulator's Messages list: "
        + ("every recipient got exactly one message in every run" if exact else "FAILED")
    )
    return 0 if exact else 1


if __name__ == "__main__":
    sys.exit(main())
