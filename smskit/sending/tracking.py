"""Delivery and reply tracking: status updates and inbound messages into the store and the ledger.

The webhook app (:mod:`smskit.webhooks`) and polling (:func:`sync`) feed the same sinks. Twilio
retries callbacks and may deliver them out of order, so every update is idempotent: a duplicate
changes nothing and a status never moves backwards (delivered stays delivered when a late "sent"
arrives). Without a public URL, :func:`sync` makes the same updates by polling the Messages API.

>>> log = MemoryLog()
>>> log.apply_status(StatusUpdate("SM" + "0" * 32, "delivered"))
True
>>> log.apply_status(StatusUpdate("SM" + "0" * 32, "sent"))
False
>>> log.status("SM" + "0" * 32)
'delivered'
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from smskit.providers import MessageRecord, Provider, later_status

if TYPE_CHECKING:
    from smskit.consent.ledger import ConsentLedger, InboundResult
    from smskit.store.database import Store

__all__ = [
    "InboundMessage",
    "LedgerSink",
    "MemoryLog",
    "MessageSink",
    "RepliesInbound",
    "StatusUpdate",
    "SyncReport",
    "sync",
]

log = logging.getLogger("smskit.tracking")


@dataclass(frozen=True, slots=True)
class StatusUpdate:
    """A delivery status report for one outbound message (``MessageStatus`` callback fields)."""

    sid: str
    status: str
    error_code: int | None = None
    to: str | None = None
    from_: str | None = None
    at: datetime | None = None


@dataclass(frozen=True, slots=True)
class InboundMessage:
    """A message a recipient sent to one of our numbers; ``opt_out_type`` is Twilio's ``OptOutType``
    (STOP, START or HELP) when Twilio's default keyword handling recognised it."""

    sid: str
    from_: str
    to: str
    body: str
    opt_out_type: str | None = None
    at: datetime | None = None


class MessageSink(Protocol):
    """Where webhook and sync updates go (the message log and consent ledger)."""

    def apply_status(self, update: StatusUpdate) -> bool:
        """Apply a status update; True if anything changed (False for a duplicate or regression)."""
        ...

    def record_inbound(self, message: InboundMessage) -> bool:
        """Record an inbound message once; True if it was new."""
        ...


@dataclass
class MemoryLog:
    """A thread-safe in-memory sink: statuses by SID and inbound messages, for demos and tests.

    >>> MemoryLog().record_inbound(InboundMessage("SM1", "+15550001", "+15550002", "STOP"))
    True
    """

    statuses: dict[str, str] = field(default_factory=dict)
    error_codes: dict[str, int] = field(default_factory=dict)
    inbound: dict[str, InboundMessage] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def apply_status(self, update: StatusUpdate) -> bool:
        """Keep the later status (:func:`smskit.providers.later_status`); True if it changed."""
        with self._lock:
            current = self.statuses.get(update.sid)
            new = later_status(current, update.status)
            if new == current:
                return False
            self.statuses[update.sid] = new
            if update.error_code is not None:
                self.error_codes[update.sid] = update.error_code
            return True

    def record_inbound(self, message: InboundMessage) -> bool:
        """Store an inbound message by SID; a repeat is ignored."""
        with self._lock:
            if message.sid in self.inbound:
                return False
            self.inbound[message.sid] = message
            return True

    def status(self, sid: str) -> str | None:
        """The current status of ``sid`` (None if never seen)."""
        with self._lock:
            return self.statuses.get(sid)


@runtime_checkable
class RepliesInbound(Protocol):
    """A sink that may want to answer an inbound message itself (a TwiML ``<Message>``)."""

    def reply_for(self, sid: str) -> str | None:
        """The auto-reply decided for inbound message ``sid``, once; None for no reply."""
        ...


class LedgerSink:
    """The deployment sink: the store's message log plus the consent ledger.

    Status reports update the message log (never backwards). An inbound message is stored once per
    SID and passed to :meth:`smskit.consent.ledger.ConsentLedger.handle_inbound`, which records
    STOP, START, HELP, localised keywords and possible revocations (FCC 24-24), and follows Twilio's
    ``OptOutType`` when Twilio recognised a keyword itself. The row and its consent event commit
    together (:meth:`smskit.store.database.Store.transaction`), so a crash in between is repaired
    by Twilio's retry and a retry of a stored SID changes nothing. ``scope`` is the consent scope:
    by default the number that received the message, as Twilio scopes opt-outs to the From number.

    >>> from smskit.store.database import Store
    >>> sink = LedgerSink(Store.open("sqlite://"))
    >>> sink.record_inbound(InboundMessage("SM" + "2" * 32, "+14155550100", "+15005550006", "STOP"))
    True
    >>> sink.ledger.status("+14155550100", "+15005550006").state.value
    'opted_out'
    """

    def __init__(
        self,
        store: Store,
        ledger: ConsentLedger | None = None,
        *,
        scope: str | Callable[[InboundMessage], str] | None = None,
    ) -> None:
        from smskit.consent.ledger import ConsentLedger

        self.store = store
        self.ledger = ledger if ledger is not None else ConsentLedger(store)
        self.scope = scope
        self._replies: dict[str, str] = {}
        self._lock = threading.Lock()

    def _scope(self, message: InboundMessage) -> str:
        if self.scope is None:
            return message.to
        return self.scope if isinstance(self.scope, str) else self.scope(message)

    def apply_status(self, update: StatusUpdate) -> bool:
        """Update the message log by SID (:meth:`smskit.store.database.Store.apply_status`)."""
        return self.store.apply_status(update)

    def record_inbound(self, message: InboundMessage) -> bool:
        """Store the message and record its consent in one transaction, once per SID; True if new.

        On PostgreSQL that is one connection and one commit per reply, which is what lets the
        webhook app take 200 replies a second with each one's consent decided
        (``benchmarks/inbox.py``).
        """
        result: InboundResult | None = None
        with self.store.transaction():
            row_id = self.store.record_inbound(message)
            if row_id is None:
                return False
            try:
                # Twilio's OptOutType says what its (Advanced) Opt-Out did, custom keywords
                # included (facts B1; mautic#11333): the ledger follows it over its own matching.
                result = self.ledger.handle_inbound(
                    message.from_,
                    self._scope(message),
                    message.body,
                    message.at,
                    opt_out_type=message.opt_out_type,
                )
            except ValueError as error:  # e.g. a sender that is not a phone number: keep the row
                # The error's text may quote the sender's number: name its type only.
                log.warning(
                    "inbound %s not applied to consent: %s", message.sid, type(error).__name__
                )
            self._stored(message, row_id, result)
        if result is not None and result.reply:
            with self._lock:
                self._replies[message.sid] = result.reply
        return True

    def _stored(self, message: InboundMessage, row_id: int, result: InboundResult | None) -> None:
        """What a subclass adds in the same transaction (the Inbox folds the reply in a thread)."""

    def reply_for(self, sid: str) -> str | None:
        """The ledger's auto-reply for inbound ``sid`` (handed out once)."""
        with self._lock:
            return self._replies.pop(sid, None)


@dataclass(frozen=True, slots=True)
class SyncReport:
    """What one :func:`sync` pass did; ``next_since`` is where the next pass should start."""

    seen: int
    status_changes: int
    new_inbound: int
    next_since: datetime


def _from_record(record: MessageRecord) -> StatusUpdate | InboundMessage:
    if record.direction == "inbound":
        return InboundMessage(
            record.sid, record.from_ or "", record.to, record.body, None, record.date_sent
        )
    return StatusUpdate(
        record.sid, record.status, record.error_code, record.to, record.from_, record.date_updated
    )


def sync(
    provider: Provider,
    sink: MessageSink,
    since: datetime,
    *,
    overlap: timedelta = timedelta(minutes=5),
    limit: int | None = None,
) -> SyncReport:
    """Poll the Messages API for messages sent since ``since`` and apply them like webhooks would.

    Repeating a pass is harmless (updates are idempotent), so the next ``since`` overlaps the last
    one by ``overlap`` to catch messages whose ``date_sent`` was stamped late. ``sink`` may be the
    :class:`smskit.store.database.Store` itself (message log only) or a :class:`LedgerSink` (plus
    consent).
    Replies decided by the ledger are not sent from here: polling has no TwiML answer.

    >>> class NoMessages:
    ...     def list_messages(self, **kwargs): return []
    >>> from datetime import UTC
    >>> sync(NoMessages(), MemoryLog(), datetime(2026, 1, 1, tzinfo=UTC)).seen
    0
    """
    records: Sequence[MessageRecord] = provider.list_messages(sent_after=since, limit=limit)
    changes = inbound = 0
    newest = since
    for record in records:
        item = _from_record(record)
        if isinstance(item, InboundMessage):
            inbound += sink.record_inbound(item)
        else:
            changes += sink.apply_status(item)
        if record.date_sent and record.date_sent > newest:
            newest = record.date_sent
    next_since = max(since, newest - overlap)
    return SyncReport(len(records), changes, inbound, next_since)
