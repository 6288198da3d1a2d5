"""Per-person read state in the Inbox, and a kind for every campaign.

- ``threads.inbound_count``: how many replies the thread has folded in (it only grows; the webhook
  sink moves it on in the statement that already counts each reply, so the hot path writes nothing
  more). It replaces the single shared ``unread`` counter and the last reader (``read_by``,
  ``read_at``): one person reading a thread no longer reads it for the whole team.
- ``thread_reads``: one row per thread and person (a JupyterHub user in a team, the local user in
  single-user mode): ``read_count`` is the thread's ``inbound_count`` when they last read it, so
  their unread count is ``inbound_count - read_count`` (no row: everything is unread). Reads of
  one person are one index range (``ix_thread_reads_actor``, covering), so the Inbox's unread
  total stays one index-only sum over open threads minus one range over my reads
  (``benchmarks/inbox.py``).
- ``campaigns.kind``: ``campaign``, or ``reply`` for the one-message campaigns that carry Inbox
  replies (they were told apart by their ``rep_`` id prefix; existing ones are backfilled).

Existing threads keep what they had: ``inbound_count`` is counted from ``inbound_messages`` (the
rows the thread had folded in), and the last reader keeps the thread read up to where it was.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

_WHEN = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.add_column(
        "threads",
        sa.Column("inbound_count", sa.Integer, nullable=False, server_default="0"),
    )
    op.create_table(
        "thread_reads",
        sa.Column("thread_id", sa.Integer, nullable=False),
        sa.Column("actor", sa.String(128), nullable=False),
        sa.Column("read_count", sa.Integer, nullable=False),
        sa.Column("read_at", _WHEN, nullable=False),
        sa.PrimaryKeyConstraint("thread_id", "actor", name="pk_thread_reads"),
    )
    op.create_index("ix_thread_reads_actor", "thread_reads", ["actor", "thread_id", "read_count"])
    # Backfill: the replies each thread has folded in, then the last reader's position.
    op.execute(
        "UPDATE threads SET inbound_count = (SELECT count(*) FROM inbound_messages i "
        "WHERE i.from_number = threads.phone_e164 AND i.to_number = threads.our_number "
        "AND i.id <= threads.last_inbound_id) WHERE last_inbound_id IS NOT NULL"
    )
    op.execute(
        "INSERT INTO thread_reads (thread_id, actor, read_count, read_at) "
        "SELECT id, read_by, CASE WHEN inbound_count > unread THEN inbound_count - unread "
        "ELSE 0 END, read_at FROM threads WHERE read_by IS NOT NULL AND read_at IS NOT NULL"
    )
    op.drop_index("ix_threads_unread", table_name="threads")
    with op.batch_alter_table("threads") as batch:
        for name in ("unread", "read_by", "read_at"):
            batch.drop_column(name)
    op.create_index("ix_threads_inbound_count", "threads", ["done", "inbound_count"])
    with op.batch_alter_table("campaigns") as batch:
        batch.add_column(
            sa.Column("kind", sa.String(16), nullable=False, server_default="campaign")
        )
    op.execute("UPDATE campaigns SET kind = 'reply' WHERE id LIKE 'rep!_%' ESCAPE '!'")


def downgrade() -> None:
    with op.batch_alter_table("campaigns") as batch:
        batch.drop_column("kind")
    op.drop_index("ix_threads_inbound_count", table_name="threads")
    with op.batch_alter_table("threads") as batch:
        batch.add_column(sa.Column("unread", sa.Integer, nullable=False, server_default="0"))
        batch.add_column(sa.Column("read_by", sa.String(128), nullable=True))
        batch.add_column(sa.Column("read_at", _WHEN, nullable=True))
    # Back to one shared read state: the last person who read each thread keeps it.
    last = (
        "(SELECT r.{column} FROM thread_reads r WHERE r.thread_id = threads.id "
        "ORDER BY r.read_at DESC, r.actor LIMIT 1)"
    )
    op.execute(
        f"UPDATE threads SET read_by = {last.format(column='actor')}, "
        f"read_at = {last.format(column='read_at')}, "
        f"unread = inbound_count - coalesce({last.format(column='read_count')}, 0)"
    )
    op.create_index("ix_threads_unread", "threads", ["done", "unread"])
    op.drop_index("ix_thread_reads_actor", table_name="thread_reads")
    op.drop_table("thread_reads")
    with op.batch_alter_table("threads") as batch:
        batch.drop_column("inbound_count")
