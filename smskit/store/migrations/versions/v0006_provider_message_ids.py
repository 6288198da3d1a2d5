"""Message ids of any provider: ``messages.sid`` and ``inbound_messages.sid`` hold 64 characters.

Twilio's SIDs have 34 characters (two letters and 32 hex digits); Vonage's SMS API message ids are
16 hex digits or, on newer accounts, a 36-character UUID (the SDK's own test data,
vonage-python-sdk sms/tests/data/send_long_sms.json). 64 leaves room for any provider's id.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    for table in ("messages", "inbound_messages"):
        with op.batch_alter_table(table) as batch:
            batch.alter_column("sid", type_=sa.String(64), existing_type=sa.String(34))


def downgrade() -> None:
    for table in ("messages", "inbound_messages"):
        with op.batch_alter_table(table) as batch:
            batch.alter_column("sid", type_=sa.String(34), existing_type=sa.String(64))
