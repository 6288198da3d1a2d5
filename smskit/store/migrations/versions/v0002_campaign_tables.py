"""Campaign sender tables: the stored plan's recipients and each message's status history.

Before this migration the campaign sender created ``campaign_recipients`` and ``message_events``
itself on first use (``create_all``), outside the versioned schema. A database at 0001 may
therefore already hold them, with the very same columns and indexes: they are adopted as they are
(their rows kept), and only what is missing is created.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
WHEN = sa.DateTime(timezone=True)

INDEXES = {
    "campaign_recipients": ("ix_campaign_recipients_message", ["message_id"]),
    "message_events": ("ix_message_events_campaign", ["campaign_id", "at"]),
}


def upgrade() -> None:
    inspector = sa.inspect(op.get_bind())
    existing = set(inspector.get_table_names())
    if "campaign_recipients" not in existing:
        op.create_table(
            "campaign_recipients",
            sa.Column("campaign_id", sa.String(64), primary_key=True),
            sa.Column("seq", sa.Integer, primary_key=True),
            sa.Column("recipient_key", sa.String(128), nullable=False),
            sa.Column("row", sa.Integer, nullable=False),
            sa.Column("to_number", sa.String(32), nullable=False),
            sa.Column("country", sa.String(3), nullable=False),
            sa.Column("plan_status", sa.String(16), nullable=False),
            sa.Column("findings", JSON, nullable=False),
            sa.Column("message_id", sa.String(64), nullable=True),
            sa.Column("send_at", WHEN, nullable=True),
        )
    if "message_events" not in existing:
        op.create_table(
            "message_events",
            sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
            sa.Column("message_id", sa.String(64), nullable=False),
            sa.Column("campaign_id", sa.String(64), nullable=True),
            sa.Column("status", sa.String(24), nullable=False),
            sa.Column("error_code", sa.Integer, nullable=True),
            sa.Column("at", WHEN, nullable=False),
        )
    for table, (name, columns) in INDEXES.items():
        have = set() if table not in existing else {i["name"] for i in inspector.get_indexes(table)}
        if name not in have:
            op.create_index(name, table, columns)


def downgrade() -> None:
    for table in ("message_events", "campaign_recipients"):
        op.drop_table(table)
