"""What the campaign runner reports, and a run's side effects: opt-outs, contact marks, tracking.

- :class:`RunReport` and :class:`DryRun` are what :meth:`smskit.sending.runner.CampaignRunner.run`
  returns.
- :class:`CampaignSink` receives delivery statuses and replies (from webhooks or polling) and turns
  them into message states, consent-ledger opt-outs and contact marks.
- :func:`mark_contact` marks a contact whose number failed as invalid (Twilio 21211, 30005) or a
  landline (21614, 30006), so the next plan skips it; 30003 (unreachable) is often temporary
  (https://www.twilio.com/docs/api/errors/30003) and is not marked.

>>> RunReport.build("c", "finished", dict.fromkeys(RunReport.COUNTS, 0), 2.0).sent
0
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa

from smskit.campaign.storage import campaign_of, record_events
from smskit.consent.events import ConsentSource, ConsentState
from smskit.i18n.catalog import LocalizedError
from smskit.providers import MessageRecord, Provider, SentMessage
from smskit.senders.pacing import sending_seconds
from smskit.sending.tracking import InboundMessage, StatusUpdate, SyncReport, sync
from smskit.store.database import Store
from smskit.store.schema import campaign_recipients, messages

__all__ = [
    "CampaignSink",
    "DryRun",
    "RunReport",
    "dry_run",
    "mark_contact",
    "opted_out_numbers",
    "record_carrier_opt_out",
    "send_test",
    "track",
]

log = logging.getLogger("smskit.sending.runner")
CONTACT_MARKS = {21211: "invalid", 30005: "invalid", 21614: "landline", 30006: "landline"}


@dataclass(frozen=True, slots=True)
class RunReport:
    """What one run did: messages handed to the provider, recovered, refused, skipped..."""

    COUNTS = (
        "sent",
        "recovered",
        "found",
        "requeued",
        "refused",
        "opted_out",
        "canceled",
        "unresolved",
        "unscheduled",
    )

    campaign_id: str
    status: str
    sent: int
    recovered: int  # found by listing after a dropped connection, instead of sent twice
    found: int  # left "submitting" by a crash and found at the provider
    requeued: int  # left "submitting" and not found: sent again
    refused: int
    opted_out: int
    canceled: int
    unresolved: int
    seconds: float
    unscheduled: int = 0  # held by Twilio with SendAt and canceled there when the run was canceled

    @classmethod
    def build(
        cls, campaign_id: str, status: str, counts: dict[str, int], seconds: float
    ) -> RunReport:
        """A report from the runner's counters.

        >>> RunReport.build("c", "finished", dict.fromkeys(RunReport.COUNTS, 1), 1.0).refused
        1
        """
        c = counts
        return cls(
            campaign_id,
            status,
            c["sent"],
            c["recovered"],
            c["found"],
            c["requeued"],
            c["refused"],
            c["opted_out"],
            c["canceled"],
            c["unresolved"],
            seconds,
            c.get("unscheduled", 0),
        )

    @classmethod
    def empty(cls, campaign_id: str) -> RunReport:
        """The report of a run that had nothing to do (e.g. a canceled campaign).

        >>> RunReport.empty("c").status
        'canceled'
        """
        return cls.build(campaign_id, "canceled", dict.fromkeys(cls.COUNTS, 0), 0.0)

    @property
    def rate(self) -> float:
        """Messages handed to the provider per second of the run.

        >>> counts = {**dict.fromkeys(RunReport.COUNTS, 0), "sent": 10}
        >>> RunReport.build("c", "finished", counts, 2.0).rate
        5.0
        """
        return self.sent / self.seconds if self.seconds else 0.0


@dataclass(frozen=True, slots=True)
class DryRun:
    """What a real run would do now, without calling the provider."""

    campaign_id: str
    messages: int
    segments: int
    due_now: int
    scheduled: int  # waiting for a quiet-hours window
    already_handled: int
    seconds: float  # at the sender's pace


def dry_run(
    store: Store,
    campaign_id: str,
    rate: float | None,
    *,
    record_run: bool = False,
    now: datetime | None = None,
) -> DryRun:
    """Count what would be sent, when, and how long it would take; no message is sent.

    >>> from smskit.campaign.storage import _example
    >>> store, campaign_id = _example()
    >>> dry = dry_run(store, campaign_id, 1.0, now=datetime(2026, 3, 2, 18, tzinfo=UTC))
    >>> dry.messages, dry.due_now, dry.scheduled, dry.seconds
    (1, 1, 0, 1.0)
    """
    r = campaign_recipients
    now = now or datetime.now(UTC)
    query = (
        sa.select(messages.c.state, messages.c.segments, r.c.send_at)
        .select_from(messages.join(r, r.c.message_id == messages.c.id))
        .where(messages.c.campaign_id == campaign_id)
    )
    with store.engine.connect() as connection:
        rows = connection.execute(query).all()
    planned = [row for row in rows if row.state == "planned"]
    due = sum(1 for row in planned if row.send_at is None or row.send_at <= now)
    segments = sum(row.segments or 1 for row in planned)
    if record_run:
        record = store.get_campaign(campaign_id)
        if record is not None:
            spec = {**record.spec, "dry_runs": int(record.spec.get("dry_runs") or 0) + 1}  # type: ignore[call-overload]
            store.save_campaign(campaign_id, record.name, spec, record.status)
    return DryRun(
        campaign_id,
        len(planned),
        segments,
        due,
        len(planned) - due,
        len(rows) - len(planned),
        sending_seconds(segments, rate),
    )


def mark_contact(store: Store, phone: str, code: int) -> bool:
    """Mark the contact for a delivery error that says the number cannot get SMS; True if marked.

    >>> mark_contact(Store.open("sqlite://"), "+14155550100", 30003)
    False
    """
    status = CONTACT_MARKS.get(code)
    if status is None:
        return False
    return store.set_contact_status(phone, status)


def opted_out_numbers(ledger: Any, scope: str) -> list[str]:
    """Numbers that opted out of ``scope`` (or whose possible revocation awaits review).

    >>> opted_out_numbers(None, "Acme")
    []
    """
    audit = getattr(ledger, "audit", None)
    if audit is None:
        return []
    return [
        s.phone for s in audit(scope=scope) if s.state is ConsentState.OPTED_OUT or s.needs_review
    ]


def record_carrier_opt_out(ledger: Any, phone: str, scope: str) -> None:
    """Write a 21610 refusal to the consent ledger as a carrier-reported opt-out (once).

    >>> from smskit.consent.ledger import ConsentLedger
    >>> ledger = ConsentLedger(Store.open("sqlite://"))
    >>> record_carrier_opt_out(ledger, "+14155550100", "Acme")
    >>> ledger.status("+14155550100", "Acme").state.value
    'opted_out'
    """
    if ledger is None:
        return
    try:
        if ledger.status(phone, scope).state is not ConsentState.OPTED_OUT:
            ledger.record_opt_out(
                phone,
                scope,
                ConsentSource.CARRIER,
                "Twilio error 21610: the recipient had opted out",
                "campaign",
            )
    except LocalizedError:
        log.info("consent ledger refused the carrier opt-out for a recipient")


class CampaignSink:
    """A :class:`smskit.webhooks.app.MessageSink` for campaigns: statuses, replies, opt-outs,
    marks."""

    def __init__(
        self, store: Store, ledger: Any, scope: str, on_opt_out: Callable[[str], None] | None = None
    ) -> None:
        self.store = store
        self.ledger = ledger
        self.scope = scope
        self.on_opt_out = on_opt_out

    def apply_status(self, update: StatusUpdate) -> bool:
        """Apply a delivery status by SID (never backwards), log it, mark failing contacts.

        >>> CampaignSink(Store.open("sqlite://"), None, "Acme").apply_status(
        ...     StatusUpdate("SM" + "0" * 32, "delivered"))
        False
        """
        changed = self.store.apply_status(update)
        if not changed:
            return False
        message = self.store.get_message_by_sid(update.sid)
        if message is not None:
            with self.store.engine.begin() as connection:
                record_events(
                    connection,
                    [(message.id, message.campaign_id, update.status, update.error_code)],
                    datetime.now(UTC),
                )
            if update.error_code is not None:
                mark_contact(self.store, message.to_number, update.error_code)
        return True

    def record_inbound(self, message: InboundMessage) -> bool:
        """Store a reply once; a STOP (or other opt-out keyword) opts the sender out at once.

        >>> stopped = []
        >>> sink = CampaignSink(Store.open("sqlite://"), None, "Acme", stopped.append)
        >>> sink.record_inbound(InboundMessage("SM" + "1" * 32, "+14155550100", "+1500", "x",
        ...                                    "STOP")), stopped
        (True, ['+14155550100'])
        """
        new = self.store.record_inbound(message)
        if not new:
            return False
        opted_out = (message.opt_out_type or "").upper() == "STOP"
        if self.ledger is not None:
            try:
                result = self.ledger.handle_inbound(
                    message.from_, self.scope, message.body, message.at
                )
                opted_out = opted_out or result.status.state is ConsentState.OPTED_OUT
            except LocalizedError:
                log.info("consent ledger could not classify a reply")
        if opted_out and self.on_opt_out is not None:
            self.on_opt_out(message.from_)
        return True

    def record_inbound_record(self, record: MessageRecord) -> bool:
        """:meth:`record_inbound` for a message read from the provider's Messages list.

        >>> record = MessageRecord("SM" + "2" * 32, "+1500", "+14155550100", "hello", "received",
        ...                        "inbound")
        >>> CampaignSink(Store.open("sqlite://"), None, "Acme").record_inbound_record(record)
        True
        """
        return self.record_inbound(
            InboundMessage(
                record.sid, record.from_ or "", record.to, record.body, None, record.date_sent
            )
        )


def track(
    store: Store,
    provider: Provider,
    campaign_id: str,
    ledger: Any = None,
    since: datetime | None = None,
) -> SyncReport:
    """Poll delivery statuses and replies for a campaign (when no webhook can reach us).

    >>> from smskit.campaign.storage import _example
    >>> class NoMessages:
    ...     def list_messages(self, **kwargs): return []
    >>> store, campaign_id = _example()
    >>> track(store, NoMessages(), campaign_id).seen
    0
    """
    campaign = campaign_of(store, campaign_id)
    record = store.get_campaign(campaign_id)
    start = since or (record.created_at if record else datetime.now(UTC)) - timedelta(minutes=5)
    return sync(provider, CampaignSink(store, ledger, campaign.consent_scope), start)


def send_test(
    provider: Provider, store: Store, campaign_id: str, to: str, sample: int = 0
) -> SentMessage:
    """Send the ``sample``-th planned text to ``to`` (yourself), outside the campaign's count.

    >>> from smskit.campaign.storage import _example
    >>> from smskit.providers.twilio import TwilioProvider
    >>> from smskit.simulator import start
    >>> store, campaign_id = _example()
    >>> with start(step_delay=0) as sim:
    ...     sent = send_test(TwilioProvider.for_simulator(sim), store, campaign_id, "+14155550199")
    >>> sent.body, sent.to, len(store.list_messages(campaign_id, "planned"))
    ('Hi Ana', '+14155550199', 1)
    """
    campaign = campaign_of(store, campaign_id)
    query = (
        sa.select(messages.c.body)
        .where(messages.c.campaign_id == campaign_id)
        .order_by(messages.c.id)
        .offset(sample)
        .limit(1)
    )
    with store.engine.connect() as connection:
        body = connection.execute(query).scalar()
    if body is None:
        raise LocalizedError("The campaign has no message to test with")
    sender = campaign.sender
    return provider.send(
        to,
        body,
        from_=None if sender.is_service else sender.address,
        messaging_service_sid=sender.address if sender.is_service else None,
    )
