"""Send a stored campaign: paced, exactly once per recipient, resumable after a crash.

Each message moves planned -> submitting -> submitted (with its SID) -> final, and every move is
written to the store *before* and *after* the API call, with compare-and-set updates. A crash
(even ``kill -9``) can therefore only leave messages in ``submitting``: the API call may or may not
have reached the provider. Twilio's Messages API has no idempotency key, so on restart
:meth:`CampaignRunner.reconcile` looks each one up in the provider's Messages list (same To, From,
body, created after the claim) and records it as submitted if found, or returns it to ``planned``
if not; only then is anything sent. A finished campaign has nothing left in ``planned``, so
running it again sends nothing.

Pacing is per sender in segments per second (:class:`smskit.senders.pacing.Pacer`), with just
enough threads for that rate (:func:`smskit.senders.pacing.workers_for`). Claims are leases
(:mod:`smskit.sending.ledger`): several runners, in one process or many, share a campaign without
duplicates, and a runner only reconciles claims whose owner is gone.

Immediately before each API call the runner asks the store which numbers have new consent events
(one read shared by every send waiting at that moment: :mod:`smskit.sending.consent_watch`): an
opt-out written by the webhook app, by polling, by a dashboard or by another worker stops the send,
however late it arrived. Inbound replies are polled every second
when there is no webhook; a 21610 refusal is written to the ledger as a carrier opt-out.
A message whose quiet-hours window opens later waits; with a Messaging Service it is handed to
Twilio with ``SendAt`` (5 minutes to 35 days ahead; Twilio error 35115 outside that).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

from smskit.campaign.storage import campaign_of
from smskit.consent.events import ConsentState
from smskit.i18n.catalog import LocalizedError
from smskit.providers import (
    MessageRecord,
    Provider,
    ProviderError,
    ReferenceLookup,
    is_opt_out_refusal,
)
from smskit.senders.pacing import Pacer, workers_for
from smskit.sending.consent_watch import ConsentWatch
from smskit.sending.ledger import DEFAULT_LEASE, Job, MessageLedger, Outcome
from smskit.sending.support import (
    CampaignSink,
    DryRun,
    RunReport,
    dry_run,
    mark_contact,
    opted_out_numbers,
    record_carrier_opt_out,
)
from smskit.store.database import Store

__all__ = ["SENDER_RATE", "CampaignRunner", "CampaignSink", "DryRun", "RunReport", "dry_run"]

log = logging.getLogger("smskit.sending.runner")
_CLOCK_SLACK = timedelta(minutes=2)  # provider clock vs ours when matching a possibly-sent message
#: ``rate=SENDER_RATE`` (the default): pace at the campaign sender's throughput; None: unpaced.
SENDER_RATE: Any = object()
#: Campaign statuses a runner moves on from (to "sending", then "waiting" or "finished").
ACTIVE = ("planned", "queued", "sending", "waiting")
#: What an explicit run (``smskit send``) may start from: also a pause or an earlier failure.
RESUMABLE = (*ACTIVE, "paused", "failed", "finished")


def _utcnow() -> datetime:
    return datetime.now(UTC)


class CampaignRunner:
    """Runs one stored campaign; :meth:`run` may be called again after a crash, pause or finish.

    >>> from smskit.campaign.storage import _example
    >>> from smskit.providers.twilio import TwilioProvider
    >>> from smskit.simulator import start
    >>> store, campaign_id = _example()
    >>> with start(step_delay=0, rate_limits=False) as sim:
    ...     runner = CampaignRunner(store, TwilioProvider.for_simulator(sim), campaign_id)
    ...     first, report, again = runner.run(), runner.run(dry=False), runner.run(dry=False)
    >>> type(first).__name__, report.sent, again.sent, again.status
    ('DryRun', 1, 0, 'finished')
    """

    def __init__(
        self,
        store: Store,
        provider: Provider,
        campaign_id: str,
        *,
        ledger: Any = None,
        rate: Any = SENDER_RATE,
        max_workers: int = 16,
        latency_s: float = 0.05,
        poll_seconds: float = 1.0,
        status_callback: str | None = None,
        clock: Callable[[], datetime] | None = None,
        worker_id: str = "local",
        lease: timedelta = DEFAULT_LEASE,
        check_consent: bool = True,
    ) -> None:
        self.store = store
        self._now = clock or _utcnow
        self.provider = provider
        self.campaign_id = campaign_id
        self.campaign = campaign_of(store, campaign_id)
        self.ledger = ledger
        sender = self.campaign.sender
        self.rate: float | None = sender.throughput if rate is SENDER_RATE else rate
        self.max_workers = max_workers
        self.latency_s = latency_s
        self.poll_seconds = poll_seconds
        self.status_callback = status_callback
        self._from = None if sender.is_service else sender.address
        self._service = sender.address if sender.is_service else None
        self._opted_out: set[str] = set()
        self._opt_lock = threading.Lock()
        self._pending_opt_outs: set[str] = set()
        self._paused = threading.Event()
        self._canceled = threading.Event()
        self._stopping = threading.Event()
        self.check_consent = check_consent
        self._consent_watch: ConsentWatch | None = None  # set by run(), after the bulk read
        self._fatal: ProviderError | None = None
        self.pacer = Pacer(self.rate)
        self.sink = CampaignSink(store, ledger, self.campaign.consent_scope, self.opt_out)
        self.ledger_db = MessageLedger(store, campaign_id, owner=worker_id, lease=lease)
        self._beat_every = max(0.5, lease.total_seconds() / 4)

    # -- controls, safe from any thread ------------------------------------------------------

    def pause(self) -> None:
        """Stop claiming new messages; those in flight finish. :meth:`resume` continues.

        >>> runner = _idle_runner(); runner.pause(); runner.paused
        True
        """
        self._paused.set()

    def resume(self) -> None:
        """Continue after :meth:`pause`.

        >>> runner = _idle_runner(); runner.pause(); runner.resume(); runner.paused
        False
        """
        self._paused.clear()

    def cancel(self) -> None:
        """Stop for good: messages not yet sent become ``canceled``, and so do those Twilio
        still holds with SendAt (see :meth:`cancel_scheduled`); messages already sent stay.

        >>> runner = _idle_runner(); runner.cancel(); runner.run(dry=False).canceled
        1
        """
        self._canceled.set()
        self._paused.clear()

    def cancel_scheduled(self) -> int:
        """Cancel at the provider every message of the campaign it still holds as ``scheduled``.

        Each one is recorded ``canceled``; one Twilio released meanwhile (30409, "cannot be
        canceled") keeps the status Twilio reports instead. Returns how many were canceled; a
        failed request is raised after the others were tried, its message left for a later call.

        >>> _idle_runner().cancel_scheduled()  # nothing was handed to Twilio with SendAt
        0
        """
        canceled, error = self._cancel_scheduled()
        if error is not None:
            raise error
        return canceled

    def _cancel_scheduled(self) -> tuple[int, ProviderError | None]:
        canceled, first_error = 0, None
        for message_id, sid in self.ledger_db.scheduled():
            try:
                try:
                    record = self.provider.cancel(sid)
                except ProviderError as error:
                    if error.code != 30409:
                        raise
                    record = self.provider.fetch(sid)  # released by Twilio: keep its status
            except ProviderError as error:  # stays "scheduled" in the store: tried again later
                first_error = first_error or error
                continue
            if self.ledger_db.update_status(message_id, record):
                canceled += record.status == "canceled"
        return canceled, first_error

    def stop(self) -> None:
        """Leave soon, as a worker does on SIGTERM: finish what is in flight, claim nothing new.

        The campaign keeps its status, so another worker (or this one, restarted) goes on with it.

        >>> runner = _idle_runner(); runner.stop(); runner.run(dry=False).status
        'sending'
        """
        self._stopping.set()

    @property
    def paused(self) -> bool:
        """True while paused.

        >>> _idle_runner().paused
        False
        """
        return self._paused.is_set()

    def opt_out(self, phone: str) -> None:
        """Never send to ``phone`` again in this run (called on STOP, webhook or 21610).

        >>> runner = _idle_runner(); runner.opt_out("+14155550100")
        >>> runner.run(dry=False).opted_out
        1
        """
        with self._opt_lock:
            self._opted_out.add(phone)
            self._pending_opt_outs.add(phone)

    def _is_opted_out(self, phone: str) -> bool:
        with self._opt_lock:
            return phone in self._opted_out

    def _consent_blocks(self, phone: str) -> bool:
        """The store's word, read just before the API call: opted out, or a revocation to review.

        Everyone opted out when the run began is already excluded (:meth:`run` reads them in
        bulk), so a shared read of the newest events says whether anything changed for this
        number since then; only then is its history folded again.
        """
        status = getattr(self.ledger, "status", None)
        if not self.check_consent or status is None:
            return False
        scope = self.campaign.consent_scope
        # ``phone`` is the message's To: already E.164, the form the ledger keys on.
        if self._consent_watch is None or not self._consent_watch.changed(phone):
            return False
        current = status(phone, scope)
        if current.state is ConsentState.OPTED_OUT or current.needs_review:
            self.opt_out(phone)
            return True
        return False

    # -- exactly-once bookkeeping ------------------------------------------------------------

    def reconcile(self) -> tuple[int, int]:
        """Settle every ``submitting`` message against the provider; return (found, requeued).

        A message is "found" when the Messages list has one with the same To, From (or
        Messaging Service) and body, created after the claim (less 2 minutes of clock skew), whose
        SID no other message of ours holds.

        >>> _idle_runner().reconcile()  # nothing was left in "submitting"
        (0, 0)
        """
        found = requeued = 0
        for row in self.ledger_db.submitting():
            if isinstance(self.provider, ReferenceLookup):
                # Vonage: no Messages list; the send carried our message id as its client-ref.
                record = self.provider.find_by_reference(row.id, to=row.to_number)
                if record is not None and self.store.get_message_by_sid(record.sid) is not None:
                    record = None
            else:
                record = self._find_sent(row.to_number, row.body, row.updated_at - _CLOCK_SLACK)
            if self.ledger_db.settle(row.id, record):
                found += record is not None
                requeued += record is None
        return found, requeued

    def _find_sent(self, to: str, body: str, after: datetime) -> MessageRecord | None:
        for record in self.provider.list_messages(to=to, from_=self._from, limit=50):
            if record.direction == "inbound" or record.body != body:
                continue
            if self._service and record.messaging_service_sid != self._service:
                continue
            if record.date_created is not None and record.date_created < after:
                continue
            if self.store.get_message_by_sid(record.sid) is None:
                return record
        return None

    def _send(self, job: Job) -> Outcome:
        if self._is_opted_out(job.to) or self._canceled.is_set():
            return Outcome(job, skipped=True)
        self.pacer.acquire(job.segments)
        # A STOP may have arrived while we waited for our turn: ask the store, as late as possible.
        if self._is_opted_out(job.to) or self._consent_blocks(job.to):
            self.pacer.release_unused(job.segments)
            return Outcome(job, skipped=True)
        try:
            sent = self.provider.send(
                job.to,
                job.body,
                from_=self._from,
                messaging_service_sid=self._service,
                status_callback=self.status_callback,
                send_at=job.send_at,
                client_ref=job.id,
            )
        except ProviderError as error:
            return Outcome(job, error=error)
        except Exception as error:  # unknown outcome: reconciled by listing, never resent blindly
            log.exception("send %s failed", job.id)
            return Outcome(job, unexpected=type(error).__name__)
        return Outcome(job, sent=sent)

    def _record(self, outcomes: list[Outcome], report: dict[str, int]) -> None:
        recorded = self.ledger_db.record(outcomes, self._canceled.is_set())
        for name, n in recorded.counts.items():
            report[name] += n
        self._fatal = self._fatal or recorded.fatal
        for phone, code in recorded.refusals:
            if is_opt_out_refusal(code):  # the recipient had opted out: honour it everywhere
                self.opt_out(phone)
                record_carrier_opt_out(self.ledger, phone, self.campaign.consent_scope)
            else:
                mark_contact(self.store, phone, code)

    def _apply_opt_outs(self, report: dict[str, int]) -> None:
        with self._opt_lock:
            phones, self._pending_opt_outs = list(self._pending_opt_outs), set()
        if phones:
            report["opted_out"] += self.ledger_db.finish_planned("opted_out", phones)

    def _poll_inbound(self, since: datetime) -> datetime:
        """Read replies to our sender since ``since`` (STOP handling without a public webhook)."""
        if self._from is None:
            return since
        try:
            records = self.provider.list_messages(to=self._from, sent_after=since, limit=None)
        except ProviderError:
            log.info("inbound poll failed; will retry")
            return since
        newest = since
        for record in records:
            if record.direction != "inbound":
                continue
            self.sink.record_inbound_record(record)
            if record.date_sent and record.date_sent > newest:
                newest = record.date_sent
        return max(since, newest - timedelta(seconds=30))

    # -- the run -----------------------------------------------------------------------------

    def run(self, *, dry: bool | None = None, wait_for_windows: bool = True) -> RunReport | DryRun:
        """Send what is left (after reconciling); ``dry`` defaults to True the first time.

        ``wait_for_windows=False`` returns once nothing is due now, leaving later messages planned.

        >>> type(_idle_runner().run()).__name__  # the first run of a campaign is a dry run
        'DryRun'
        """
        record = self.store.get_campaign(self.campaign_id)
        if record is None:
            raise LocalizedError("No saved campaign '{id}'", id=self.campaign_id)
        if dry is None:
            dry = not record.spec.get("dry_runs")
        if dry:
            return dry_run(
                self.store, self.campaign_id, self.rate, record_run=True, now=self._now()
            )
        if record.status == "canceled":  # only what Twilio still holds (an earlier try failed)
            return replace(RunReport.empty(self.campaign_id), unscheduled=self.cancel_scheduled())
        started = time.monotonic()
        report = dict.fromkeys(RunReport.COUNTS, 0)
        self.store.transition_campaign(self.campaign_id, "sending", only_from=RESUMABLE)
        found, requeued = self.reconcile()
        report["found"], report["requeued"] = found, requeued
        # The mark first: an event stored while the bulk read runs is seen by the per-send check.
        scope = self.campaign.consent_scope
        mark = self.store.last_consent_event_id()
        reader = self.store.consent_change_reader(scope)
        self._consent_watch = ConsentWatch(reader, mark)
        for phone in opted_out_numbers(self.ledger, scope):
            self.opt_out(phone)
        try:
            status = self._loop(report, wait_for_windows)
        finally:
            reader.close()
        # Never over a pause or cancel written meanwhile by a dashboard or another worker.
        reason = self._fatal.meaning if self._fatal is not None else None
        self.store.transition_campaign(self.campaign_id, status, only_from=ACTIVE, reason=reason)
        status = self._stored_status() or status
        if self._fatal is not None:
            raise self._fatal
        return RunReport.build(self.campaign_id, status, report, time.monotonic() - started)

    def _loop(self, report: dict[str, int], wait_for_windows: bool) -> str:
        mean = 1.0
        workers = workers_for(self.rate, mean, self.latency_s, self.max_workers)
        window = workers * 2
        inflight: dict[Future[Outcome], Job] = {}
        since = datetime.now(UTC) - timedelta(minutes=1)
        next_poll = next_beat = 0.0
        store_paused = False
        with ThreadPoolExecutor(workers, thread_name_prefix="smskit-send") as pool:
            while True:
                if time.monotonic() >= next_beat:  # renew leases; read pause/cancel from the store
                    self.ledger_db.heartbeat()
                    next_beat = time.monotonic() + self._beat_every
                    stored = self._stored_status()
                    if stored == "canceled":
                        self._canceled.set()
                    store_paused = stored == "paused"
                self._apply_opt_outs(report)
                if time.monotonic() >= next_poll:
                    since = self._poll_inbound(since)
                    next_poll = time.monotonic() + self.poll_seconds
                    self._apply_opt_outs(report)
                stopping = (
                    self._canceled.is_set()
                    or self._fatal is not None
                    or self._stopping.is_set()
                    or store_paused
                )
                jobs: list[Job] = []
                if not stopping and not self._paused.is_set() and len(inflight) < window:
                    jobs = self.ledger_db.claim(
                        window - len(inflight), self._now(), bool(self._service)
                    )
                    for job in jobs:
                        inflight[pool.submit(self._send, job)] = job
                if inflight:
                    done, _ = wait(list(inflight), timeout=0.25, return_when=FIRST_COMPLETED)
                    outcomes = [f.result() for f in done]
                    for f in done:
                        del inflight[f]
                    self._record(outcomes, report)
                    continue
                if jobs:
                    continue
                if stopping:
                    break
                if self._paused.is_set():
                    self.store.set_campaign_status(self.campaign_id, "paused")
                    while self._paused.is_set() and not self._canceled.is_set():
                        time.sleep(0.1)
                    self.store.set_campaign_status(self.campaign_id, "sending")
                    continue
                if self.ledger_db.submitting():  # unknown outcomes, or a dead worker's claims
                    found, requeued = self.reconcile()
                    report["found"] += found
                    report["requeued"] += requeued
                    continue
                due = self.ledger_db.next_due()
                if due is None or not wait_for_windows:
                    break
                time.sleep(min(1.0, max(0.05, (due - self._now()).total_seconds())))
        if self._canceled.is_set():
            report["canceled"] += self.ledger_db.finish_planned("canceled")
            unscheduled, error = self._cancel_scheduled()
            report["unscheduled"] += unscheduled
            self._fatal = self._fatal or error
            return "canceled"
        if self._fatal is not None:
            return "failed"
        if store_paused:
            return "paused"
        if self._stopping.is_set() or self.ledger_db.count("submitting"):
            return "sending"  # left to another worker, or another worker is still at it
        return "waiting" if self.ledger_db.count("planned") else "finished"

    def _stored_status(self) -> str | None:
        record = self.store.get_campaign(self.campaign_id)
        return record.status if record else None


def _idle_runner() -> CampaignRunner:
    """A runner for a stored example campaign whose provider is never reached (for examples)."""
    from smskit.campaign.storage import _example
    from smskit.providers.retry import Backoff
    from smskit.providers.twilio import TwilioProvider

    store, campaign_id = _example()
    provider = TwilioProvider.for_url(
        "http://127.0.0.1:9", "AC" + "0" * 32, "x" * 32, backoff=Backoff(max_attempts=1)
    )
    return CampaignRunner(store, provider, campaign_id, poll_seconds=3600)
