"""The campaign sender's own tables, created next to the store's on first use.

The store's ``messages`` table carries the exactly-once state machine (planned -> submitting ->
submitted -> final, with SID, status and error code). The campaign sender needs three more facts
per message and a history, kept in its own tables so the store's are not altered:

- ``campaign_recipients``: every planned recipient, sendable or not (the stored plan): key, audience
  row, order, findings, and the earliest allowed send time (quiet hours) for sendable ones;
- ``message_events``: each status a message passed through, with its time (the results chart).

They live in their own :class:`sqlalchemy.MetaData` and are created with ``checkfirst`` by
:func:`ensure_tables`, so the store's Alembic history and its schema comparison stay untouched.

>>> sorted(campaign_metadata.tables)
['campaign_recipients', 'message_events']
"""

from __future__ import annotations

import sqlalchemy as sa

from smskit.store_schema import JSONType, UTCDateTime

__all__ = ["campaign_metadata", "campaign_recipients", "ensure_tables", "message_events"]

campaign_metadata = sa.MetaData()

campaign_recipients = sa.Table(
    "campaign_recipients",
    campaign_metadata,
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
    campaign_metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("message_id", sa.String(64), nullable=False),
    sa.Column("campaign_id", sa.String(64), nullable=True),
    sa.Column("status", sa.String(24), nullable=False),
    sa.Column("error_code", sa.Integer, nullable=True),
    sa.Column("at", UTCDateTime(), nullable=False),
    sa.Index("ix_message_events_campaign", "campaign_id", "at"),
)


def ensure_tables(engine: sa.Engine) -> None:
    """Create the campaign tables if they do not exist yet (idempotent, safe across processes).

    >>> engine = sa.create_engine("sqlite://")
    >>> ensure_tables(engine); ensure_tables(engine)
    >>> sorted(sa.inspect(engine).get_table_names())
    ['campaign_recipients', 'message_events']
    """
    with engine.begin() as connection:
        campaign_metadata.create_all(connection, checkfirst=True)
