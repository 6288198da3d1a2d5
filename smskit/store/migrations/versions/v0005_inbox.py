"""The Inbox: threads, staff replies and quick replies; messages indexed by recipient.

- ``threads``: one per contact and our number they texted, with the newest message's time, a
  preview, the unread count, "needs reply", the consent flags the filters use (opted out, possible
  revocation awaiting review), assignment, done, the last reader, and a ``version`` that every
  staff reply moves on by compare-and-set (two people answering at once: one reply goes).
  ``last_inbound_id`` is how far the thread has read ``inbound_messages``, so folding replies into
  threads is idempotent.
- ``thread_replies``: each reply once, by its idempotency key, with the one-message campaign that
  sends it through the campaign runner (exactly once, consent read just before the API call).
- ``quick_replies``: saved answers with placeholders, per language.

Each Inbox filter is one index range, newest first (``benchmarks/inbox.py``: 100,000 threads and
1,000,000 messages). ``ix_messages_to_number`` lets a thread read one contact's outbound messages.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

_WHEN = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_index("ix_messages_to_number", "messages", ["to_number", "created_at"])
    op.create_table(
        "threads",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("phone_e164", sa.String(32), nullable=False),
        sa.Column("our_number", sa.String(32), nullable=False),
        sa.Column("scope", sa.String(64), nullable=False),
        sa.Column("campaign_id", sa.String(64), nullable=True),
        sa.Column("last_message_at", _WHEN, nullable=False),
        sa.Column("last_inbound_id", sa.Integer, nullable=True),
        sa.Column("preview", sa.String(160), nullable=False),
        sa.Column("unread", sa.Integer, nullable=False),
        sa.Column("needs_reply", sa.Boolean, nullable=False),
        sa.Column("consent_state", sa.String(16), nullable=False),
        sa.Column("needs_review", sa.Boolean, nullable=False),
        sa.Column("assigned_to", sa.String(128), nullable=True),
        sa.Column("done", sa.Boolean, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("read_by", sa.String(128), nullable=True),
        sa.Column("read_at", _WHEN, nullable=True),
        sa.Column("created_at", _WHEN, nullable=False),
        sa.Column("updated_at", _WHEN, nullable=False),
        sa.UniqueConstraint("phone_e164", "our_number", name="uq_threads_contact"),
    )
    for name, columns in (
        ("ix_threads_recent", ["done", "last_message_at", "id"]),
        ("ix_threads_unread", ["done", "unread"]),
        ("ix_threads_needs_reply", ["needs_reply", "done", "last_message_at", "id"]),
        ("ix_threads_consent", ["consent_state", "last_message_at", "id"]),
        ("ix_threads_review", ["needs_review", "last_message_at", "id"]),
        ("ix_threads_assigned", ["assigned_to", "done", "last_message_at", "id"]),
        ("ix_threads_campaign", ["campaign_id", "last_message_at", "id"]),
        ("ix_threads_inbound", ["last_inbound_id"]),
    ):
        op.create_index(name, "threads", columns)
    op.create_table(
        "thread_replies",
        sa.Column("key", sa.String(64), primary_key=True),
        sa.Column("thread_id", sa.Integer, nullable=False),
        sa.Column("campaign_id", sa.String(64), nullable=False),
        sa.Column("message_id", sa.String(64), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("actor", sa.String(128), nullable=False),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("send_at", _WHEN, nullable=True),
        sa.Column("created_at", _WHEN, nullable=False),
    )
    op.create_index("ix_thread_replies_thread", "thread_replies", ["thread_id", "created_at"])
    op.create_table(
        "quick_replies",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("name", sa.String(80), nullable=False),
        sa.Column("language", sa.String(8), nullable=False),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("created_by", sa.String(128), nullable=False),
        sa.Column("created_at", _WHEN, nullable=False),
        sa.UniqueConstraint("name", "language", name="uq_quick_replies_name"),
    )


def downgrade() -> None:
    op.drop_table("quick_replies")
    op.drop_index("ix_thread_replies_thread", table_name="thread_replies")
    op.drop_table("thread_replies")
    op.drop_table("threads")
    op.drop_index("ix_messages_to_number", table_name="messages")
