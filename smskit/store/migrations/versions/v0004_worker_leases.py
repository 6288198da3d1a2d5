"""Leases for the sending worker: who holds a claimed message, until when; and the workers table.

A worker that claims a message (``planned -> submitting``) writes its id and an expiry; a heartbeat
renews the expiry while the worker lives. Reconcile touches only messages whose lease has expired
(the worker died, or was killed with -9), so a second worker never requeues messages that the
first is still pacing. ``workers`` holds one row per worker process and its last heartbeat, so
the dashboards can say whether anyone is sending. Reconcile finds a campaign's expired leases
through the existing ``ix_messages_campaign_state`` index: no new index is needed.

It also widens ``messages.status`` to 24 characters: Twilio's ``partially_delivered`` has 19.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("messages") as batch:
        batch.add_column(sa.Column("lease_owner", sa.String(64), nullable=True))
        batch.add_column(sa.Column("lease_expires", sa.DateTime(timezone=True), nullable=True))
        # Twilio's longest status, "partially_delivered", has 19 characters.
        batch.alter_column("status", type_=sa.String(24), existing_type=sa.String(16))
    op.create_table(
        "workers",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("host", sa.String(255), nullable=False),
        sa.Column("pid", sa.Integer, nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("heartbeat_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("stopped_at", sa.DateTime(timezone=True), nullable=True),
    )


def downgrade() -> None:
    op.drop_table("workers")
    with op.batch_alter_table("messages") as batch:
        batch.alter_column("status", type_=sa.String(16), existing_type=sa.String(24))
        batch.drop_column("lease_expires")
        batch.drop_column("lease_owner")
