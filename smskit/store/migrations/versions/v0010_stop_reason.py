"""Why a campaign stopped: the provider's refusal that failed it, or the team rule that held it.

Until this revision the reason was only in the sending worker's log, and the Campaigns view could
say no more than "stopped by an error". ``stop_reason`` holds the reason as a translatable text
(:meth:`smskit.i18n.catalog.Text.to_json`: an English template and its parameters, such as a
Twilio or Vonage error code), so each person reads it in their own language. It is set with the
``failed`` or ``held`` status and cleared by the next transition (for example "Send the rest").
It never holds credentials: provider errors are built from code tables, not from requests.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("campaigns") as batch:
        batch.add_column(
            sa.Column(
                "stop_reason",
                sa.JSON().with_variant(postgresql.JSONB(), "postgresql"),
                nullable=True,
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("campaigns") as batch:
        batch.drop_column("stop_reason")
