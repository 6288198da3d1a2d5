"""The sending worker: a long-running process that sends every confirmed campaign until it is done.

``smskit worker`` runs one. It outlives any browser tab: dashboards only confirm, watch, and write
pause, resume and cancel into the store (:mod:`smskit.sending.control`). Each pass, about once a
second, the worker:

- renews its row in ``workers`` (the dashboards show whether anyone is sending);
- starts a :class:`~smskit.sending.runner.CampaignRunner` in a thread for every queued, sending or
  waiting campaign that has a message due now (or a dead worker's expired claim); each runner paces
  its sender, holds its claims as leases and returns when nothing more is due;
- moves a campaign whose remaining messages all wait for a later window to ``waiting``;
- cancels at the provider what a canceled campaign still has scheduled there (Twilio SendAt);
- follows delivery statuses (by polling the Messages API; webhooks write them directly) until every
  message is final or 72 hours have passed since its last change. One worker does this for all:
  the live worker that started first (a leader read from the ``workers`` table each pass), so
  three workers do not poll the same statuses three times; if it dies, the next one takes over.

In a team (``SMSKIT_TEAM=1``) the worker refuses to start a campaign that needs an approver's
approval and has none, or that was confirmed by someone the Hub does not know as an operator
(:func:`smskit.team.approvals.send_refusal`): it moves it to ``held`` and logs why. The check runs
here, in the service, because a person's own kernel could write "queued" into a SQLite store.

Any number of workers may share one database: claims are leases (:mod:`smskit.sending.ledger`).
On SIGTERM a worker stops claiming, lets its in-flight calls finish and records them, and exits;
the campaign keeps its status, so another worker (or this one, restarted) goes on with it.

>>> from smskit.store.database import Store
>>> worker = Worker(Store.open("sqlite://"), provider=None, worker_id="w-doc")
>>> worker.run_once().started
()
"""

from __future__ import annotations

import logging
import os
import secrets
import socket
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa

from smskit.providers import Provider, ProviderError
from smskit.sending.control import RUNNABLE
from smskit.sending.ledger import DEFAULT_LEASE, MessageLedger
from smskit.sending.runner import SENDER_RATE, CampaignRunner
from smskit.sending.support import CampaignSink, RunReport
from smskit.sending.tracking import sync
from smskit.store.database import Store
from smskit.store.schema import campaigns, messages, workers
from smskit.team.approvals import ApprovalPolicy, send_refusal
from smskit.team.directory import roles_lookup_from_env
from smskit.team.roles import Role

__all__ = ["TRACK_FOR", "Pass", "Worker", "WorkerInfo", "live_workers", "new_worker_id"]

log = logging.getLogger("smskit.worker")
#: Follow a message's status until final, or for this long after its last change (issue 11).
TRACK_FOR = timedelta(hours=72)
_TRACK_EVERY = 5.0  # seconds between delivery-status polls of one campaign
_ALIVE = timedelta(seconds=15)


def new_worker_id() -> str:
    """``host:pid:random``, unique enough across machines sharing one database.

    >>> new_worker_id().count(":")
    2
    """
    return f"{socket.gethostname()[:40]}:{os.getpid()}:{secrets.token_hex(3)}"


@dataclass(frozen=True, slots=True)
class WorkerInfo:
    """One worker process as the store knows it."""

    id: str
    host: str
    pid: int
    started_at: datetime
    heartbeat_at: datetime


def live_workers(store: Store, now: datetime | None = None) -> list[WorkerInfo]:
    """Workers whose heartbeat is less than 15 seconds old, and that did not stop.

    >>> from smskit.store.database import Store
    >>> live_workers(Store.open("sqlite://"))
    []
    """
    since = (now or datetime.now(UTC)) - _ALIVE
    query = sa.select(workers).where(workers.c.heartbeat_at > since, workers.c.stopped_at.is_(None))
    with store.engine.connect() as connection:
        return [
            WorkerInfo(row.id, row.host, row.pid, row.started_at, row.heartbeat_at)
            for row in connection.execute(query)
        ]


@dataclass(frozen=True, slots=True)
class Pass:
    """What one :meth:`Worker.run_once` did: campaigns started, set waiting, statuses followed."""

    started: tuple[str, ...]
    waiting: tuple[str, ...]
    tracked: int


class Worker:
    """Sends every runnable campaign in the store through ``provider``; see the module docstring."""

    def __init__(
        self,
        store: Store,
        provider: Provider | None,
        *,
        ledger: Any = None,
        worker_id: str | None = None,
        lease: timedelta = DEFAULT_LEASE,
        tick: float = 1.0,
        rate: Any = SENDER_RATE,
        check_consent: bool = True,
        clock: Callable[[], datetime] | None = None,
        policy: ApprovalPolicy | None = None,
        roles_of: Callable[[str], frozenset[Role] | None] | None = None,
    ) -> None:
        if ledger is None:
            from smskit.consent.ledger import ConsentLedger

            ledger = ConsentLedger(store)
        self.store = store
        self.provider = provider
        self.ledger = ledger
        self.id = worker_id or new_worker_id()
        self.lease = lease
        self.tick = tick
        self.check_consent = check_consent
        self._runner_options: dict[str, Any] = {"rate": rate}  # None: unpaced (tests, benchmarks)
        if clock is not None:
            self._runner_options["clock"] = clock
        self._now = clock or (lambda: datetime.now(UTC))
        self._runners: dict[str, tuple[CampaignRunner, threading.Thread]] = {}
        self._tracked_since: dict[str, datetime] = {}
        self._next_track: dict[str, float] = {}
        self.stopping = threading.Event()
        self.policy = policy or ApprovalPolicy.from_env()
        self.roles_of = roles_of or roles_lookup_from_env()

    # -- liveness -------------------------------------------------------------------------------

    def _beat(self, stopped: bool = False) -> None:
        now = datetime.now(UTC)
        values = {"heartbeat_at": now, "stopped_at": now if stopped else None}
        with self.store.engine.begin() as connection:
            updated = connection.execute(
                workers.update().where(workers.c.id == self.id).values(**values)
            ).rowcount
            if not updated:
                connection.execute(
                    workers.insert().values(
                        id=self.id,
                        host=socket.gethostname()[:255],
                        pid=os.getpid(),
                        started_at=now,
                        **values,
                    )
                )

    # -- one pass ------------------------------------------------------------------------------

    def run_once(self) -> Pass:
        """Look at every campaign once: start runners, mark waits, cancel held messages, track.

        >>> from smskit.campaign.storage import _example
        >>> from smskit.sending.control import confirm
        >>> store, campaign_id = _example()  # its one message waits until 18:00 UTC
        >>> _ = confirm(store, campaign_id)
        >>> early = lambda: datetime(2026, 3, 2, 12, tzinfo=UTC)
        >>> Worker(store, None, clock=early).run_once().waiting == (campaign_id,)
        True
        """
        self._beat()
        started: list[str] = []
        waiting: list[str] = []
        tracked = 0
        self._reap()
        leader = self._leads_tracking()
        for campaign_id, status in self._campaigns():
            if status in RUNNABLE and campaign_id not in self._runners:
                if self._refused(campaign_id):
                    continue
                if self._start(campaign_id):
                    started.append(campaign_id)
                elif self._settle_idle(campaign_id, status):
                    waiting.append(campaign_id)
            elif status == "canceled":
                self._cancel_held(campaign_id)
            if leader:
                tracked += self._track(campaign_id)
        return Pass(tuple(started), tuple(waiting), tracked)

    def _refused(self, campaign_id: str) -> bool:
        """Hold a campaign the team's rules forbid sending (four eyes, operator role)."""
        try:
            reason = send_refusal(self.store, campaign_id, self.roles_of, self.policy)
        except ConnectionError as error:  # the Hub is down: neither send nor hold, ask again
            log.warning("campaign %s: waits: %s", campaign_id, error)
            return True
        if reason is None:
            return False
        if self.store.transition_campaign(campaign_id, "held", only_from=RUNNABLE, reason=reason):
            log.warning("campaign %s: held, not sent: %s", campaign_id, reason.render("en"))
        return True

    def _leads_tracking(self) -> bool:
        """True for the live worker that started first (ties broken by id)."""
        alive = live_workers(self.store)
        if not alive:
            return True
        first = min(alive, key=lambda w: (w.started_at, w.id))
        return first.id == self.id

    def _campaigns(self) -> list[tuple[str, str]]:
        query = sa.select(campaigns.c.id, campaigns.c.status).where(
            campaigns.c.status.in_([*RUNNABLE, "canceled", "finished", "paused", "failed"])
        )
        with self.store.engine.connect() as connection:
            return [(row.id, row.status) for row in connection.execute(query)]

    def _runner(self, campaign_id: str) -> CampaignRunner:
        return CampaignRunner(
            self.store,
            self.provider,  # type: ignore[arg-type]  # None only in examples that never send
            campaign_id,
            ledger=self.ledger,
            worker_id=self.id,
            lease=self.lease,
            check_consent=self.check_consent,
            **self._runner_options,
        )

    def _start(self, campaign_id: str) -> bool:
        runner = self._runner(campaign_id)
        schedulable = runner.campaign.sender.is_service
        if self.stopping.is_set() or not runner.ledger_db.has_work(self._now(), schedulable):
            return False
        thread = threading.Thread(
            target=self._run, args=(runner,), name=f"smskit-{campaign_id}", daemon=True
        )
        self._runners[campaign_id] = (runner, thread)
        log.info("worker %s: campaign %s: sending", self.id, campaign_id)
        thread.start()
        return True

    def _run(self, runner: CampaignRunner) -> None:
        try:
            report = runner.run(dry=False, wait_for_windows=False)
            assert isinstance(report, RunReport)  # dry=False never returns a DryRun
        except ProviderError as error:
            log.warning("campaign %s: stopped: %s", runner.campaign_id, error.render("en"))
            return
        except Exception:  # one campaign's surprise must not stop the others
            log.exception("campaign %s: unexpected error; it stays resumable", runner.campaign_id)
            return
        log.info(
            "worker %s: campaign %s: %s (sent %d, opted out %d, refused %d)",
            self.id,
            runner.campaign_id,
            report.status,
            report.sent,
            report.opted_out,
            report.refused,
        )

    def _reap(self) -> None:
        for campaign_id, (_runner, thread) in list(self._runners.items()):
            if not thread.is_alive():
                del self._runners[campaign_id]

    def _settle_idle(self, campaign_id: str, status: str) -> bool:
        """Nothing due now: "waiting" if messages wait for a window, "finished" if none is left."""
        ledger = MessageLedger(self.store, campaign_id)
        if ledger.count("submitting"):
            return False  # another worker is at it
        if ledger.count("planned"):
            if status != "waiting":
                due = ledger.next_due()
                when = due.isoformat(timespec="minutes") if due else "later"
                log.info("campaign %s: waiting for its window (next at %s)", campaign_id, when)
            return self.store.transition_campaign(campaign_id, "waiting", only_from=("queued",))
        if self.store.transition_campaign(campaign_id, "finished", only_from=RUNNABLE):
            log.info("campaign %s: finished", campaign_id)
        return False

    def _cancel_held(self, campaign_id: str) -> None:
        if not MessageLedger(self.store, campaign_id).scheduled():
            return
        try:
            canceled = self._runner(campaign_id).cancel_scheduled()
        except ProviderError as error:
            log.warning("campaign %s: cancel at the provider failed: %s", campaign_id, error)
            return
        log.info(
            "campaign %s: canceled %d scheduled message(s) at the provider", campaign_id, canceled
        )

    def _track(self, campaign_id: str) -> int:
        """Poll delivery statuses of a campaign with messages not yet final (for up to 72 h)."""
        now = datetime.now(UTC)
        if self.provider is None or self._next_track.get(campaign_id, 0.0) > now.timestamp():
            return 0
        self._next_track[campaign_id] = now.timestamp() + _TRACK_EVERY
        open_since = self._open_since(campaign_id, now - TRACK_FOR)
        if open_since is None:
            self._tracked_since.pop(campaign_id, None)
            return 0
        since = self._tracked_since.get(campaign_id, open_since - timedelta(minutes=5))
        runner = self._runner(campaign_id)
        sink = CampaignSink(self.store, self.ledger, runner.campaign.consent_scope)
        try:
            report = sync(self.provider, sink, since)
        except ProviderError as error:
            log.info("campaign %s: status poll failed (%s); will retry", campaign_id, error)
            return 0
        self._tracked_since[campaign_id] = report.next_since
        return report.status_changes

    def _open_since(self, campaign_id: str, horizon: datetime) -> datetime | None:
        """When the oldest submitted, not-final message changed (within 72 h), or None."""
        query = sa.select(sa.func.min(messages.c.created_at)).where(
            messages.c.campaign_id == campaign_id,
            messages.c.state == "submitted",
            messages.c.updated_at > horizon,
        )
        with self.store.engine.connect() as connection:
            value = connection.execute(query).scalar()
        if not isinstance(value, datetime):
            return None
        return value if value.tzinfo else value.replace(tzinfo=UTC)

    # -- the loop ------------------------------------------------------------------------------

    def run_forever(self) -> None:
        """Pass after pass until :meth:`stop`; then let runners finish their calls, and leave."""
        log.info("worker %s: started", self.id)
        try:
            while not self.stopping.is_set():
                try:
                    self.run_once()
                except Exception:  # a database hiccup: log it, try again next tick
                    log.exception("worker %s: pass failed; retrying", self.id)
                self.stopping.wait(self.tick)
        finally:
            for runner, _thread in list(self._runners.values()):
                runner.stop()
            for _runner, thread in list(self._runners.values()):
                thread.join(timeout=60)
            self._beat(stopped=True)
            log.info("worker %s: stopped", self.id)

    def stop(self) -> None:
        """Ask :meth:`run_forever` to finish (safe from a signal handler or another thread)."""
        self.stopping.set()
