"""The store's tables (SQLAlchemy Core), as the Alembic migrations in ``migrations/`` build.

The migrations are the source of truth for the database; this module describes the same tables so
that queries are typed. ``tests/test_store.py`` checks the two agree (Alembic ``compare_metadata``).

The campaign sender adds two tables next to ``messages`` (migration 0002):

- ``campaign_recipients``: every planned recipient, sendable or not (the stored plan): key, audience
  row, order, findings, and the earliest allowed send time (quiet hours) for sendable ones;
- ``message_events``: each status a message passed through, with its time (the results chart).

Migration 0003 indexes ``messages.updated_at``: the frequency caps read the last week of the log
(:mod:`smskit.campaign.send_history`), which must not mean scanning every message ever sent.
Migration 0004 adds the sending worker's leases on messages and the ``workers`` table.
Migration 0005 adds the Inbox (:mod:`smskit.conversations`): ``threads`` (one per contact and our
number, with unread count, consent flags, assignment and a version for compare-and-set replies),
``thread_replies`` (each staff reply once, by its idempotency key) and ``quick_replies``; and an
index on ``messages.to_number`` so that opening a thread reads one contact's messages only.
Migration 0006 widens provider message ids to 64 characters (Vonage's UUIDs); 0007 adds who
created, approved, sent and canceled each campaign (a team's audit trail). 0008 makes the Inbox's
read state per person (``thread_reads``, ``threads.inbound_count``) and gives every campaign a
``kind`` (``reply`` for the one-message campaigns that carry Inbox replies). 0009 keeps Vonage's
per-part state (``message_parts``: each part's receipt; ``inbound_parts``: a long inbound message's
parts until the last one; ``webhook_nonces``: signed webhooks' nonces, against replays), so every
webhook process of a team sees the same parts. 0010 stores why a campaign failed or is held
(``campaigns.stop_reason``).

>>> sorted(metadata.tables)  # doctest: +NORMALIZE_WHITESPACE
['campaign_recipients', 'campaigns', 'consent_events', 'contacts', 'inbound_messages',
 'inbound_parts', 'message_events', 'message_parts', 'messages', 'quick_replies',
 'thread_reads', 'thread_replies', 'threads', 'webhook_nonces', 'workers']
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.engine import Dialect

__all__ = [
    "CONTACT_STATUSES",
    "MESSAGE_STATES",
    "UTCDateTime",
    "campaign_recipients",
    "campaigns",
    "consent_events",
    "contacts",
    "inbound_messages",
    "inbound_parts",
    "message_events",
    "message_parts",
    "messages",
    "metadata",
    "quick_replies",
    "thread_reads",
    "thread_replies",
    "threads",
    "webhook_nonces",
    "workers",
]

#: ok; invalid (the number failed validation or Twilio 21211); landline (cannot receive SMS, Twilio
#: 30006); unreachable (carrier reports it unreachable, Twilio 30003/30005).
CONTACT_STATUSES = ("ok", "invalid", "landline", "unreachable")
#: The outbound message state machine the campaign sender drives (exactly-once submission).
MESSAGE_STATES = ("planned", "submitting", "submitted", "final")


class UTCDateTime(sa.TypeDecorator[datetime]):
    """Timezone-aware UTC datetimes on every engine (SQLite has no time zone type).

    >>> UTCDateTime().process_result_value(datetime(2026, 1, 1), None).tzinfo
    datetime.timezone.utc
    """

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        """Store in UTC; a naive datetime is refused because its meaning is ambiguous.

        >>> from sqlalchemy.dialects import sqlite
        >>> UTCDateTime().process_bind_param(datetime(2026, 1, 1, tzinfo=UTC), sqlite.dialect())
        datetime.datetime(2026, 1, 1, 0, 0)
        """
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value.isoformat()} has no time zone")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        """Return aware UTC datetimes.

        >>> UTCDateTime().process_result_value(datetime(2026, 1, 1, 9), None).isoformat()
        '2026-01-01T09:00:00+00:00'
        """
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


#: JSON everywhere; JSONB on PostgreSQL so that ``||`` can merge personalisation fields.
JSONType = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")

metadata = sa.MetaData()

contacts = sa.Table(
    "contacts",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("phone_e164", sa.String(16), nullable=False),
    sa.Column("region", sa.String(3), nullable=True),
    sa.Column("line_type", sa.String(24), nullable=True),
    sa.Column("time_zones", JSONType, nullable=False),
    sa.Column("fields", JSONType, nullable=False),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("created_at", UTCDateTime(), nullable=False),
    sa.Column("updated_at", UTCDateTime(), nullable=False),
    sa.UniqueConstraint("phone_e164", name="uq_contacts_phone_e164"),
    sa.CheckConstraint(
        "status IN ('ok', 'invalid', 'landline', 'unreachable')", name="ck_contacts_status"
    ),
)

consent_events = sa.Table(
    "consent_events",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("phone_e164", sa.String(16), nullable=False),
    sa.Column("scope", sa.String(64), nullable=False),
    sa.Column("kind", sa.String(32), nullable=False),
    sa.Column("action", sa.String(32), nullable=False),
    sa.Column("source", sa.String(32), nullable=False),
    sa.Column("evidence", sa.Text, nullable=False),
    sa.Column("actor", sa.String(128), nullable=False),
    sa.Column("occurred_at", UTCDateTime(), nullable=False),
    sa.Column("recorded_at", UTCDateTime(), nullable=False),
    sa.Index("ix_consent_events_phone_scope", "phone_e164", "scope", "occurred_at", "id"),
    sa.Index("ix_consent_events_scope", "scope"),
)

campaigns = sa.Table(
    "campaigns",
    metadata,
    sa.Column("id", sa.String(64), primary_key=True),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("spec", JSONType, nullable=False),
    sa.Column("status", sa.String(24), nullable=False),
    sa.Column("created_at", UTCDateTime(), nullable=False),
    sa.Column("updated_at", UTCDateTime(), nullable=False),
    # Migration 0006: who planned, approved (four-eyes), sent and canceled it, and when.
    sa.Column("created_by", sa.String(128), nullable=True),
    sa.Column("approved_by", sa.String(128), nullable=True),
    sa.Column("sent_by", sa.String(128), nullable=True),
    sa.Column("canceled_by", sa.String(128), nullable=True),
    sa.Column("approved_at", UTCDateTime(), nullable=True),
    sa.Column("sent_at", UTCDateTime(), nullable=True),
    sa.Column("canceled_at", UTCDateTime(), nullable=True),
    # Migration 0008: "campaign", or "reply" for an Inbox reply (smskit.conversations.replies).
    sa.Column("kind", sa.String(16), nullable=False, server_default="campaign"),
    # Migration 0010: why it failed or is held, as a translatable text (Text.to_json).
    sa.Column("stop_reason", JSONType, nullable=True),
)

messages = sa.Table(
    "messages",
    metadata,
    sa.Column("id", sa.String(64), primary_key=True),
    sa.Column(
        "campaign_id",
        sa.String(64),
        sa.ForeignKey("campaigns.id", name="fk_messages_campaign"),
        nullable=True,
    ),
    sa.Column("to_number", sa.String(32), nullable=False),
    sa.Column("from_number", sa.String(32), nullable=False),
    sa.Column("body", sa.Text, nullable=False),
    sa.Column("state", sa.String(16), nullable=False),
    sa.Column("sid", sa.String(64), nullable=True),  # 0007: any provider's message id
    sa.Column("status", sa.String(24), nullable=True),  # 0004: "partially_delivered" is 19
    sa.Column("error_code", sa.Integer, nullable=True),
    sa.Column("segments", sa.Integer, nullable=True),
    sa.Column("price", sa.Numeric(12, 5), nullable=True),
    sa.Column("price_unit", sa.String(3), nullable=True),
    sa.Column("attempts", sa.Integer, nullable=False),
    sa.Column("created_at", UTCDateTime(), nullable=False),
    sa.Column("updated_at", UTCDateTime(), nullable=False),
    # Migration 0004: the worker holding a claimed (submitting) message, and until when.
    sa.Column("lease_owner", sa.String(64), nullable=True),
    sa.Column("lease_expires", UTCDateTime(), nullable=True),
    sa.CheckConstraint(
        "state IN ('planned', 'submitting', 'submitted', 'final')", name="ck_messages_state"
    ),
    sa.UniqueConstraint("sid", name="uq_messages_sid"),
    sa.Index("ix_messages_campaign_state", "campaign_id", "state"),
    # Migration 0003: the frequency-cap history reads the last week by updated_at (send_history).
    sa.Index("ix_messages_updated_at", "updated_at"),
    # Migration 0005: opening an Inbox thread reads one contact's messages, in time order.
    sa.Index("ix_messages_to_number", "to_number", "created_at"),
)

#: Migration 0004: one row per sending worker process; ``heartbeat_at`` says it is alive.
workers = sa.Table(
    "workers",
    metadata,
    sa.Column("id", sa.String(64), primary_key=True),
    sa.Column("host", sa.String(255), nullable=False),
    sa.Column("pid", sa.Integer, nullable=False),
    sa.Column("started_at", UTCDateTime(), nullable=False),
    sa.Column("heartbeat_at", UTCDateTime(), nullable=False),
    sa.Column("stopped_at", UTCDateTime(), nullable=True),
)

inbound_messages = sa.Table(
    "inbound_messages",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("sid", sa.String(64), nullable=False),  # 0007
    sa.Column("from_number", sa.String(32), nullable=False),
    sa.Column("to_number", sa.String(32), nullable=False),
    sa.Column("body", sa.Text, nullable=False),
    sa.Column("opt_out_type", sa.String(16), nullable=True),
    sa.Column("received_at", UTCDateTime(), nullable=False),
    sa.Column("recorded_at", UTCDateTime(), nullable=False),
    sa.UniqueConstraint("sid", name="uq_inbound_messages_sid"),
    sa.Index("ix_inbound_messages_from", "from_number", "received_at"),
)

campaign_recipients = sa.Table(
    "campaign_recipients",
    metadata,
    sa.Column("campaign_id", sa.String(64), primary_key=True),
    sa.Column("seq", sa.Integer, primary_key=True),
    sa.Column("recipient_key", sa.String(128), nullable=False),
    sa.Column("row", sa.Integer, nullable=False),
    sa.Column("to_number", sa.String(32), nullable=False),
    sa.Column("country", sa.String(3), nullable=False),
    sa.Column("plan_status", sa.String(16), nullable=False),
    sa.Column("findings", JSONType, nullable=False),
    sa.Column("message_id", sa.String(64), nullable=True),
    sa.Column("send_at", UTCDateTime(), nullable=True),
    sa.Index("ix_campaign_recipients_message", "message_id"),
)

message_events = sa.Table(
    "message_events",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("message_id", sa.String(64), nullable=False),
    sa.Column("campaign_id", sa.String(64), nullable=True),
    sa.Column("status", sa.String(24), nullable=False),
    sa.Column("error_code", sa.Integer, nullable=True),
    sa.Column("at", UTCDateTime(), nullable=False),
    sa.Index("ix_message_events_campaign", "campaign_id", "at"),
)

#: Migration 0005: one Inbox thread per contact (``phone_e164``) and our number that they texted.
#: ``version`` grows with every staff reply: a reply is accepted only against the version its
#: author saw (compare-and-set), so two people answering at once never both send.
threads = sa.Table(
    "threads",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("phone_e164", sa.String(32), nullable=False),
    sa.Column("our_number", sa.String(32), nullable=False),
    sa.Column("scope", sa.String(64), nullable=False),
    sa.Column("campaign_id", sa.String(64), nullable=True),
    sa.Column("last_message_at", UTCDateTime(), nullable=False),
    sa.Column("last_inbound_id", sa.Integer, nullable=True),
    sa.Column("preview", sa.String(160), nullable=False),
    sa.Column("needs_reply", sa.Boolean, nullable=False),
    sa.Column("consent_state", sa.String(16), nullable=False),
    sa.Column("needs_review", sa.Boolean, nullable=False),
    sa.Column("assigned_to", sa.String(128), nullable=True),
    sa.Column("done", sa.Boolean, nullable=False),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("created_at", UTCDateTime(), nullable=False),
    sa.Column("updated_at", UTCDateTime(), nullable=False),
    # Migration 0008: replies folded in so far (only grows); unread is per person (thread_reads).
    sa.Column("inbound_count", sa.Integer, nullable=False, server_default="0"),
    sa.UniqueConstraint("phone_e164", "our_number", name="uq_threads_contact"),
    # Each Inbox filter is one index range read newest first (benchmarks/inbox.py).
    sa.Index("ix_threads_recent", "done", "last_message_at", "id"),
    sa.Index("ix_threads_needs_reply", "needs_reply", "done", "last_message_at", "id"),
    sa.Index("ix_threads_consent", "consent_state", "last_message_at", "id"),
    sa.Index("ix_threads_review", "needs_review", "last_message_at", "id"),
    sa.Index("ix_threads_assigned", "assigned_to", "done", "last_message_at", "id"),
    sa.Index("ix_threads_campaign", "campaign_id", "last_message_at", "id"),
    sa.Index("ix_threads_inbound", "last_inbound_id"),
    # The replies total over open threads, read from the index (my unread = it - my reads).
    sa.Index("ix_threads_inbound_count", "done", "inbound_count"),
)

#: Migration 0008: how far each person has read each thread: ``read_count`` is the thread's
#: ``inbound_count`` when they read it, so their unread is ``inbound_count - read_count`` and a
#: thread with no row here is wholly unread for them. One person's reads are one index range.
thread_reads = sa.Table(
    "thread_reads",
    metadata,
    sa.Column("thread_id", sa.Integer, nullable=False),
    sa.Column("actor", sa.String(128), nullable=False),
    sa.Column("read_count", sa.Integer, nullable=False),
    sa.Column("read_at", UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint("thread_id", "actor", name="pk_thread_reads"),
    sa.Index("ix_thread_reads_actor", "actor", "thread_id", "read_count"),
)

#: Migration 0005: each staff reply once, keyed by its idempotency key; its message is a one-message
#: campaign (``campaign_id``) sent by the same exactly-once runner as every campaign.
thread_replies = sa.Table(
    "thread_replies",
    metadata,
    sa.Column("key", sa.String(64), primary_key=True),
    sa.Column("thread_id", sa.Integer, nullable=False),
    sa.Column("campaign_id", sa.String(64), nullable=False),
    sa.Column("message_id", sa.String(64), nullable=False),
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("actor", sa.String(128), nullable=False),
    sa.Column("body", sa.Text, nullable=False),
    sa.Column("send_at", UTCDateTime(), nullable=True),
    sa.Column("created_at", UTCDateTime(), nullable=False),
    sa.Index("ix_thread_replies_thread", "thread_id", "created_at"),
)

#: Migration 0005: saved answers with ``{placeholders}``, one row per name and language.
quick_replies = sa.Table(
    "quick_replies",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("name", sa.String(80), nullable=False),
    sa.Column("language", sa.String(8), nullable=False),
    sa.Column("body", sa.Text, nullable=False),
    sa.Column("created_by", sa.String(128), nullable=False),
    sa.Column("created_at", UTCDateTime(), nullable=False),
    sa.UniqueConstraint("name", "language", name="uq_quick_replies_name"),
)

#: Migration 0009: the latest status of each part of a long Vonage message (one receipt per part),
#: keyed by smskit's message id (Vonage's ``client-ref``) and the part's ``messageId``.
message_parts = sa.Table(
    "message_parts",
    metadata,
    sa.Column("message_key", sa.String(100), primary_key=True),
    sa.Column("part_id", sa.String(64), primary_key=True),
    sa.Column("status", sa.String(24), nullable=False),
    sa.Column("error_code", sa.Integer, nullable=True),
    sa.Column("updated_at", UTCDateTime(), nullable=False),
    sa.Index("ix_message_parts_updated_at", "updated_at"),
)

#: Migration 0009: the parts of a long inbound Vonage message until the last one is in;
#: ``assembled`` marks parts already handed on (a redelivered part never assembles it twice).
inbound_parts = sa.Table(
    "inbound_parts",
    metadata,
    sa.Column("concat_key", sa.String(160), primary_key=True),
    sa.Column("part", sa.Integer, primary_key=True),
    sa.Column("total", sa.Integer, nullable=False),
    sa.Column("sid", sa.String(64), nullable=False),
    sa.Column("body", sa.Text, nullable=False),
    sa.Column("assembled", sa.Boolean, nullable=False),
    sa.Column("received_at", UTCDateTime(), nullable=False),
    sa.Index("ix_inbound_parts_received_at", "received_at"),
)

#: Migration 0009: the nonce of each signed Vonage webhook of the last minutes (replay check).
webhook_nonces = sa.Table(
    "webhook_nonces",
    metadata,
    sa.Column("nonce", sa.String(64), primary_key=True),
    sa.Column("seen_at", UTCDateTime(), nullable=False),
    sa.Index("ix_webhook_nonces_seen_at", "seen_at"),
)
