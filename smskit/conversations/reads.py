"""Each person's read state in the Inbox: how far they have read each thread (migration 0008).

A thread counts the replies it has folded in (``threads.inbound_count``, which only grows: the
webhook sink moves it on in the statement that counts each reply). A person's ``thread_reads`` row
holds that count as it was when they last read the thread, so their unread is the difference, and
no row means all of it is unread for them. Reading, answering (:mod:`smskit.conversations.replies`
marks the thread read for whoever answers, in the same transaction) and "mark unread" move only
your own row: a thread Ana has read is still unread for Budi.

>>> from smskit.store.database import Store
>>> mark_read(Store.open("sqlite://"), 1, "ana")  # no such thread: nothing is written
False
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa

from smskit.store.database import Store
from smskit.store.schema import thread_reads, threads

__all__ = ["mark_read", "mark_unread", "read_statement", "reads_of"]


def reads_of(connection: sa.Connection, actor: str, ids: Iterable[int]) -> dict[int, int]:
    """How far ``actor`` has read each of the threads ``ids`` (one primary-key range).

    >>> from smskit.store.database import Store
    >>> with Store.open("sqlite://").engine.connect() as connection:
    ...     reads_of(connection, "ana", [1, 2])
    {}
    """
    wanted = sorted(set(ids))
    if not wanted or not actor:
        return {}
    r = thread_reads.c
    rows = connection.execute(
        sa.select(r.thread_id, r.read_count).where(r.actor == actor, r.thread_id.in_(wanted))
    )
    return {int(row.thread_id): int(row.read_count) for row in rows}


def read_statement(store: Store) -> Any:
    """Upsert ``actor``'s read mark of thread ``thread_id`` at ``read_count`` (bound values).

    >>> from smskit.store.database import Store
    >>> "thread_reads" in str(read_statement(Store.open("sqlite://")))
    True
    """
    statement = store._insert(thread_reads).values(
        thread_id=sa.bindparam("thread_id"),
        actor=sa.bindparam("actor"),
        read_count=sa.bindparam("read_count"),
        read_at=sa.bindparam("read_at"),
    )
    return statement.on_conflict_do_update(
        index_elements=[thread_reads.c.thread_id, thread_reads.c.actor],
        set_={"read_count": statement.excluded.read_count, "read_at": statement.excluded.read_at},
    )


def _set_read(store: Store, thread_id: int, actor: str, behind: int) -> bool:
    """Mark ``thread_id`` read by ``actor`` up to its count less ``behind``; False if no thread."""
    with store.engine.begin() as connection:
        count = connection.execute(
            sa.select(threads.c.inbound_count).where(threads.c.id == thread_id)
        ).scalar()
        if count is None:
            return False
        connection.execute(
            read_statement(store),
            {
                "thread_id": thread_id,
                "actor": actor[:128],
                "read_count": max(int(count) - behind, 0),
                "read_at": datetime.now(UTC),
            },
        )
    return True


def mark_read(store: Store, thread_id: int, actor: str) -> bool:
    """Mark a thread read by ``actor`` (everything in it now); False if there is no such thread.

    >>> from smskit.store.database import Store
    >>> mark_read(Store.open("sqlite://"), 1, "ana")
    False
    """
    return _set_read(store, thread_id, actor, 0)


def mark_unread(store: Store, thread_id: int, actor: str) -> bool:
    """Mark a thread's newest reply unread again for ``actor`` (others keep their own state).

    >>> from smskit.store.database import Store
    >>> mark_unread(Store.open("sqlite://"), 1, "ana")
    False
    """
    return _set_read(store, thread_id, actor, 1)
