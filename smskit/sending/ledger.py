"""The exactly-once state machine of one campaign's messages, in the store, with leases.

planned -> submitting -> submitted (SID) -> final. Every move is a compare-and-set update
(``WHERE id = ... AND state = ...``) in its own transaction, so two runners can never both claim a
message, and a crash leaves a message in exactly one known state. :class:`MessageLedger` holds
those writes; :class:`smskit.sending.runner.CampaignRunner` decides when to make them.

A claim is a lease: the claiming worker's id and an expiry, renewed by :meth:`heartbeat` while it
lives. Only the owner records what its API call gave; a message whose lease has expired (its
worker died) is reconciled by whoever finds it, after asking the provider. On PostgreSQL claims
take rows with ``FOR UPDATE SKIP LOCKED``, so several workers share a campaign without waiting on
each other; SQLite has one writer at a time and the compare-and-set alone keeps claims exclusive.

>>> from smskit.store.database import Store
>>> ledger = MessageLedger(Store.open("sqlite://"), "cmp_none")
>>> ledger.count("planned"), ledger.next_due(), ledger.claim(10, datetime.now(UTC), False)
(0, None, [])
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa

from smskit.campaign.storage import record_events
from smskit.providers import MessageRecord, ProviderError, SentMessage, is_final_status
from smskit.store.database import Store
from smskit.store.schema import campaign_recipients, messages

__all__ = ["DEFAULT_LEASE", "FATAL_CODES", "Job", "MessageLedger", "Outcome", "Recorded"]

# Account-level refusals: every message would fail the same way, so stop and keep them planned.
# 20003 bad credentials, 21212/21606/21611 a From the account cannot use, 35118 SendAt without a
# Messaging Service (https://www.twilio.com/docs/api/errors/<code>).
# Vonage's account-level refusals are in smskit.providers.vonage_codes.FATAL (namespaced codes).
FATAL_CODES = frozenset({20003, 20404, 21212, 21603, 21606, 21611, 35118}) | frozenset(
    100_000 + s for s in (4, 8, 9, 11, 14, 15, 32)
)
#: How long a claim stays a worker's without a heartbeat (renewed every few seconds).
DEFAULT_LEASE = timedelta(seconds=30)
# Twilio SendAt must be 300 s to 35 days ahead (errors 35114/35115); keep some margin.
SCHEDULE_MIN = timedelta(minutes=6)
SCHEDULE_MAX = timedelta(days=35) - timedelta(minutes=5)


@dataclass(frozen=True, slots=True)
class Job:
    """A claimed message: now ``submitting``; ``send_at`` set when Twilio should schedule it."""

    id: str
    to: str
    body: str
    segments: int
    send_at: datetime | None


@dataclass(frozen=True, slots=True)
class Outcome:
    """What one API call gave: a message, a refusal, a skip, or nothing known."""

    job: Job
    sent: SentMessage | None = None
    error: ProviderError | None = None
    skipped: bool = False
    unexpected: str | None = None


@dataclass(frozen=True, slots=True)
class Recorded:
    """What :meth:`MessageLedger.record` wrote: counters, an account-level error, refusals."""

    counts: dict[str, int] = field(default_factory=dict)
    fatal: ProviderError | None = None
    refusals: tuple[tuple[str, int], ...] = ()  # (phone, Twilio error code)


class MessageLedger:
    """The message states of one campaign, read and written with compare-and-set updates."""

    def __init__(
        self,
        store: Store,
        campaign_id: str,
        *,
        owner: str = "local",
        lease: timedelta = DEFAULT_LEASE,
    ) -> None:
        self.store = store
        self.campaign_id = campaign_id
        self.owner = owner
        self.lease = lease
        self._mine = messages.c.campaign_id == campaign_id

    def _settleable(self, now: datetime) -> Any:
        """Claims this ledger may settle: its own, or ones whose lease expired (or has none)."""
        return (
            (messages.c.lease_owner == self.owner)
            | messages.c.lease_expires.is_(None)
            | (messages.c.lease_expires < now)
        )

    def heartbeat(self) -> int:
        """Renew the lease of every message this owner holds in ``submitting``; how many.

        >>> from smskit.store.database import Store
        >>> MessageLedger(Store.open("sqlite://"), "c", owner="w1").heartbeat()
        0
        """
        now = datetime.now(UTC)
        with self.store.engine.begin() as connection:
            result = connection.execute(
                messages.update()
                .where(
                    self._mine,
                    messages.c.state == "submitting",
                    messages.c.lease_owner == self.owner,
                )
                .values(lease_expires=now + self.lease)
            )
        return int(result.rowcount or 0)

    def has_work(self, now: datetime, schedulable: bool) -> bool:
        """True when a message is due now, or a claim's lease has expired (its worker died).

        >>> from smskit.campaign.storage import _example
        >>> ledger = MessageLedger(*_example())
        >>> ledger.has_work(datetime(2026, 3, 2, 17, tzinfo=UTC), False)
        False
        >>> ledger.has_work(datetime(2026, 3, 2, 18, tzinfo=UTC), False)
        True
        """
        r = campaign_recipients
        due = r.c.send_at.is_(None) | (r.c.send_at <= now)
        if schedulable:
            due = due | r.c.send_at.between(now + SCHEDULE_MIN, now + SCHEDULE_MAX)
        planned = (
            sa.select(messages.c.id)
            .select_from(messages.join(r, r.c.message_id == messages.c.id))
            .where(self._mine, messages.c.state == "planned", due)
            .limit(1)
        )
        expired = (
            sa.select(messages.c.id)
            .where(
                self._mine,
                messages.c.state == "submitting",
                messages.c.lease_expires.is_(None) | (messages.c.lease_expires < datetime.now(UTC)),
            )
            .limit(1)
        )
        with self.store.engine.connect() as connection:
            return bool(connection.execute(planned).first() or connection.execute(expired).first())

    def count(self, state: str) -> int:
        """Messages of the campaign in ``state``.

        >>> from smskit.store.database import Store
        >>> MessageLedger(Store.open("sqlite://"), "c").count("submitting")
        0
        """
        query = sa.select(sa.func.count()).where(self._mine, messages.c.state == state)
        with self.store.engine.connect() as connection:
            return int(connection.execute(query).scalar() or 0)

    def submitting(self) -> Sequence[Any]:
        """Messages left in ``submitting`` that this ledger may settle, with their claim times.

        Its own (unknown outcomes), and any whose lease has expired: never a live worker's.

        >>> from smskit.store.database import Store
        >>> MessageLedger(Store.open("sqlite://"), "c").submitting()
        []
        """
        query = sa.select(
            messages.c.id, messages.c.to_number, messages.c.body, messages.c.updated_at
        ).where(self._mine, messages.c.state == "submitting", self._settleable(datetime.now(UTC)))
        with self.store.engine.connect() as connection:
            return list(connection.execute(query).all())

    def settle(self, message_id: str, record: MessageRecord | None) -> bool:
        """Resolve a ``submitting`` message: found at the provider (submitted) or not (planned).

        >>> from smskit.store.database import Store
        >>> MessageLedger(Store.open("sqlite://"), "c").settle("missing", None)
        False
        """
        now = datetime.now(UTC)
        where = (
            (messages.c.id == message_id)
            & (messages.c.state == "submitting")
            & self._settleable(now)
        )
        released = {"lease_owner": None, "lease_expires": None}
        with self.store.engine.begin() as connection:
            if record is None:
                result = connection.execute(
                    messages.update()
                    .where(where)
                    .values(state="planned", updated_at=now, **released)
                )
                return bool(result.rowcount)
            final = is_final_status(record.status)
            result = connection.execute(
                messages.update()
                .where(where)
                .values(
                    state="final" if final else "submitted",
                    sid=record.sid,
                    status=record.status,
                    error_code=record.error_code,
                    updated_at=now,
                    **released,
                )
            )
            events = [(message_id, self.campaign_id, record.status, record.error_code)]
            record_events(connection, events, now)
        return bool(result.rowcount)

    def claim(self, limit: int, now: datetime, schedulable: bool) -> list[Job]:
        """Move up to ``limit`` due messages planned -> submitting, in audience order.

        A message is due when its window is open at ``now``; with ``schedulable`` (a Messaging
        Service) also when its window opens 6 minutes to 35 days ahead: Twilio will hold it.

        >>> from smskit.campaign.storage import _example
        >>> ledger = MessageLedger(*_example())
        >>> [j.to for j in ledger.claim(5, datetime(2026, 3, 2, 18, tzinfo=UTC), False)]
        ['+14155550100']
        >>> ledger.claim(5, datetime(2026, 3, 2, 18, tzinfo=UTC), False), ledger.count("submitting")
        ([], 1)
        """
        r = campaign_recipients
        due = r.c.send_at.is_(None) | (r.c.send_at <= now)
        if schedulable:
            due = due | r.c.send_at.between(now + SCHEDULE_MIN, now + SCHEDULE_MAX)
        query = (
            sa.select(
                messages.c.id,
                messages.c.to_number,
                messages.c.body,
                messages.c.segments,
                r.c.send_at,
            )
            .select_from(messages.join(r, r.c.message_id == messages.c.id))
            .where(self._mine, messages.c.state == "planned", due)
            .order_by(messages.c.id)
            .limit(limit)
            # PostgreSQL: skip rows another worker is claiming right now (SQLite ignores this).
            .with_for_update(skip_locked=True, of=messages)
        )
        claimed_at = datetime.now(UTC)
        with self.store.engine.begin() as connection:
            rows = connection.execute(query).all()
            if not rows:
                return []
            claimed = set(
                connection.scalars(
                    messages.update()
                    .where(
                        messages.c.id.in_([row.id for row in rows]), messages.c.state == "planned"
                    )
                    .values(
                        state="submitting",
                        attempts=messages.c.attempts + 1,
                        updated_at=claimed_at,  # real time: compared with provider dates
                        lease_owner=self.owner,
                        lease_expires=claimed_at + self.lease,
                    )
                    .returning(messages.c.id)
                )
            )
        return [
            Job(
                row.id,
                row.to_number,
                row.body,
                row.segments or 1,
                row.send_at if row.send_at and row.send_at > now else None,
            )
            for row in rows
            if row.id in claimed
        ]

    def record(self, outcomes: Iterable[Outcome], canceled: bool) -> Recorded:
        """Write what finished API calls gave (the 'after' half of each call), in one transaction.

        Unknown outcomes (no answer, 5xx or 429 after every retry) stay ``submitting``: they are
        reconciled by listing before anything is sent again.

        >>> from smskit.campaign.storage import _example
        >>> ledger = MessageLedger(*_example())
        >>> jobs = ledger.claim(5, datetime(2026, 3, 2, 18, tzinfo=UTC), False)
        >>> ledger.record([Outcome(jobs[0], skipped=True)], canceled=True).counts["canceled"]
        1
        """
        now = datetime.now(UTC)
        counts = dict.fromkeys(
            ("sent", "recovered", "refused", "opted_out", "canceled", "unresolved"), 0
        )
        events: list[tuple[str, str | None, str, int | None]] = []
        refusals: list[tuple[str, int]] = []
        fatal: ProviderError | None = None
        with self.store.engine.begin() as connection:
            for o in outcomes:
                values: dict[str, Any] | None = None
                if o.sent is not None:
                    values = {
                        "state": "final" if is_final_status(o.sent.status) else "submitted",
                        "sid": o.sent.sid,
                        "status": o.sent.status,
                        "error_code": o.sent.error_code,
                    }
                    counts["sent"] += 1
                    counts["recovered"] += o.sent.recovered
                elif o.skipped:
                    status = "canceled" if canceled else "opted_out"
                    values = {"state": "final", "status": status}
                    counts[status] += 1
                elif o.error is not None and not o.error.retryable:
                    if o.error.code in FATAL_CODES or o.error.status == 401:
                        values, fatal = {"state": "planned"}, o.error
                    else:
                        values = {"state": "final", "status": "failed", "error_code": o.error.code}
                        counts["refused"] += 1
                        if o.error.code is not None:
                            refusals.append((o.job.to, o.error.code))
                else:
                    counts["unresolved"] += 1
                if values is None:
                    continue
                if values["state"] != "submitting":
                    values |= {"lease_owner": None, "lease_expires": None}
                result = connection.execute(
                    messages.update()
                    .where(
                        messages.c.id == o.job.id,
                        messages.c.state == "submitting",
                        messages.c.lease_owner == self.owner,  # never a claim taken over since
                    )
                    .values(updated_at=now, **values)
                )
                if not result.rowcount:
                    continue
                if "status" in values:
                    events.append(
                        (o.job.id, self.campaign_id, values["status"], values.get("error_code"))
                    )
            record_events(connection, events, now)
        return Recorded(counts, fatal, tuple(refusals))

    def finish_planned(self, status: str, phones: Sequence[str] | None = None) -> int:
        """Close planned messages as ``final`` with ``status`` (all, or those to ``phones``).

        Used for opt-outs during the run (``opted_out``) and for cancel (``canceled``).

        >>> from smskit.store.database import Store
        >>> MessageLedger(Store.open("sqlite://"), "c").finish_planned("canceled")
        0
        """
        now = datetime.now(UTC)
        where = [self._mine, messages.c.state == "planned"]
        if phones is not None:
            where.append(messages.c.to_number.in_(list(phones)))
        with self.store.engine.begin() as connection:
            ids = list(
                connection.scalars(
                    messages.update()
                    .where(*where)
                    .values(state="final", status=status, updated_at=now)
                    .returning(messages.c.id)
                )
            )
            record_events(connection, [(i, self.campaign_id, status, None) for i in ids], now)
        return len(ids)

    def scheduled(self) -> list[tuple[str, str]]:
        """``(message_id, sid)`` of messages last known as ``scheduled`` (held by Twilio SendAt).

        >>> from smskit.store.database import Store
        >>> MessageLedger(Store.open("sqlite://"), "c").scheduled()
        []
        """
        query = sa.select(messages.c.id, messages.c.sid).where(
            self._mine, messages.c.state == "submitted", messages.c.status == "scheduled"
        )
        with self.store.engine.connect() as connection:
            return [(row.id, row.sid) for row in connection.execute(query) if row.sid]

    def update_status(self, message_id: str, record: MessageRecord) -> bool:
        """Record the provider's status of a submitted message (final ones close it).

        >>> from smskit.store.database import Store
        >>> record = MessageRecord("SM1", "+14155550100", None, "Hi", "canceled")
        >>> MessageLedger(Store.open("sqlite://"), "c").update_status("missing", record)
        False
        """
        now = datetime.now(UTC)
        state = "final" if is_final_status(record.status) else "submitted"
        where = (messages.c.id == message_id) & (messages.c.state == "submitted")
        values = {"state": state, "status": record.status, "error_code": record.error_code}
        with self.store.engine.begin() as connection:
            result = connection.execute(
                messages.update().where(where).values(updated_at=now, **values)
            )
            if result.rowcount:
                events = [(message_id, self.campaign_id, record.status, record.error_code)]
                record_events(connection, events, now)
        return bool(result.rowcount)

    def next_due(self) -> datetime | None:
        """The earliest window among planned messages (None when nothing is planned).

        >>> from smskit.campaign.storage import _example
        >>> MessageLedger(*_example()).next_due().isoformat()
        '2026-03-02T18:00:00+00:00'
        """
        r = campaign_recipients
        query = (
            sa.select(sa.func.min(r.c.send_at))
            .select_from(messages.join(r, r.c.message_id == messages.c.id))
            .where(self._mine, messages.c.state == "planned")
        )
        with self.store.engine.connect() as connection:
            value = connection.execute(query).scalar()
        if not isinstance(value, datetime):
            return None
        return value if value.tzinfo else value.replace(tzinfo=UTC)
