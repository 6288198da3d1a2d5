"""Vonage's per-part state in the store, so every webhook process sees the same parts.

Vonage's SMS API sends a long message as several messages, one delivery receipt each, and a long
inbound message as several webhooks (``concat-ref``, ``concat-part``, ``concat-total``). A team runs
several webhook processes, which restart: a part's receipt and its sibling's may reach different
processes. Both tables are written and read only through :mod:`smskit.store.provider_parts`:

- ``message_parts``: the latest status of each part of an outbound message, keyed by smskit's
  message id (Vonage's ``client-ref``) and the part's ``messageId``;
- ``inbound_parts``: the parts of a long inbound message until the last one is in; ``assembled``
  marks the parts of a message already handed on, so a redelivered part never assembles it again;
- ``webhook_nonces``: the ``nonce`` of each signed Vonage webhook of the last minutes, so a request
  replayed to another process is refused like one replayed to the same process.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "message_parts",
        sa.Column("message_key", sa.String(100), primary_key=True),  # Vonage: client-ref <= 100
        sa.Column("part_id", sa.String(64), primary_key=True),
        sa.Column("status", sa.String(24), nullable=False),
        sa.Column("error_code", sa.Integer, nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_message_parts_updated_at", "message_parts", ["updated_at"])
    op.create_table(
        "inbound_parts",
        sa.Column("concat_key", sa.String(160), primary_key=True),  # from|to|concat-ref
        sa.Column("part", sa.Integer, primary_key=True),
        sa.Column("total", sa.Integer, nullable=False),
        sa.Column("sid", sa.String(64), nullable=False),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("assembled", sa.Boolean, nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_inbound_parts_received_at", "inbound_parts", ["received_at"])
    op.create_table(
        "webhook_nonces",
        sa.Column("nonce", sa.String(64), primary_key=True),
        sa.Column("seen_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_webhook_nonces_seen_at", "webhook_nonces", ["seen_at"])


def downgrade() -> None:
    op.drop_index("ix_webhook_nonces_seen_at", table_name="webhook_nonces")
    op.drop_table("webhook_nonces")
    op.drop_index("ix_inbound_parts_received_at", table_name="inbound_parts")
    op.drop_table("inbound_parts")
    op.drop_index("ix_message_parts_updated_at", table_name="message_parts")
    op.drop_table("message_parts")
