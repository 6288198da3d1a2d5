"""Index the message log by last change, for the frequency-cap history of a plan.

:func:`smskit.campaign.send_history.recent_sends` reads every message changed within the longest
cap window
(7 days, ``data/frequency_caps.csv``): ``WHERE updated_at > :since``, then keeps the plan's own
recipients in Python (a million numbers do not fit in a SQL ``IN``). The log only grows, so
without this index each plan scans every message ever sent; with it, only the last week's.
``to_number`` is not a leading column: the query never narrows by number.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28
"""

from __future__ import annotations

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_messages_updated_at", "messages", ["updated_at"])


def downgrade() -> None:
    op.drop_index("ix_messages_updated_at", table_name="messages")
