"""Threads in the store: the Inbox's lists and counts, one thread's summary, an opened thread.

Every list is one index range, newest first (migration 0005; ``benchmarks/inbox.py``); replies
are folded into threads by :mod:`smskit.conversations.ingest`. Unread is per person (migration
0008): a thread counts the replies it has folded in (``inbound_count``), each person's
``thread_reads`` row says how many of them they had when they last read it, and their unread is the
difference; nobody's reading changes anyone else's count.

>>> from smskit.store.database import Store
>>> from smskit.sending.tracking import InboundMessage
>>> from smskit.conversations.ingest import ingest
>>> store = Store.open("sqlite://")
>>> _ = store.record_inbound(InboundMessage("SM" + "1" * 32, "+14155550100", "+15005550006", "Hi"))
>>> ingest(store)
1
>>> [(t.phone, t.unread, t.needs_reply) for t in list_threads(store, Filter.ALL, actor="ana")]
[('+14155550100', 1, True)]
>>> from smskit.conversations.reads import mark_read
>>> mark_read(store, 1, "ana")
True
>>> count_threads(store, "ana").unread, count_threads(store, "budi").unread
(0, 1)
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa

from smskit.consent.events import ConsentState
from smskit.consent.ledger import ConsentLedger
from smskit.conversations.ingest import consent_of
from smskit.conversations.model import (
    ConsentView,
    Conversation,
    Filter,
    InboxCounts,
    ThreadItem,
    ThreadSummary,
)
from smskit.conversations.reads import reads_of
from smskit.conversations.reply_senders import reply_senders
from smskit.i18n.catalog import LocalizedError
from smskit.store.database import Store
from smskit.store.schema import (
    campaigns,
    contacts,
    inbound_messages,
    messages,
    thread_reads,
    thread_replies,
    threads,
)

__all__ = [
    "count_threads",
    "get_thread",
    "list_threads",
    "open_thread",
    "thread_campaigns",
    "update_thread",
]

_HISTORY = 200  # messages shown per direction when a thread opens (the newest)


def _summary(row: Any, names: dict[str, str], read: dict[int, int]) -> ThreadSummary:
    return ThreadSummary(
        row.id,
        row.phone_e164,
        names.get(row.phone_e164, ""),
        row.our_number,
        row.campaign_id,
        row.last_message_at,
        row.preview,
        max(int(row.inbound_count) - read.get(row.id, 0), 0),
        bool(row.needs_reply),
        row.consent_state,
        bool(row.needs_review),
        row.assigned_to,
        bool(row.done),
        int(row.version),
    )


def _names(connection: sa.Connection, phones: Iterable[str]) -> dict[str, str]:
    wanted = sorted(set(phones))
    if not wanted:
        return {}
    rows = connection.execute(
        sa.select(contacts.c.phone_e164, contacts.c.fields).where(contacts.c.phone_e164.in_(wanted))
    )
    out = {}
    for phone, fields in rows:
        if isinstance(fields, dict):
            name = fields.get("name") or fields.get("first_name") or ""
            out[phone] = str(name)
    return out


def _where(view: Filter, actor: str, campaign_id: str | None) -> list[Any]:
    t = threads.c
    if view is Filter.ALL:
        return [t.done.is_(False)]
    if view is Filter.NEEDS_REPLY:
        return [t.needs_reply.is_(True), t.done.is_(False)]
    if view is Filter.OPTED_OUT:
        return [t.consent_state == ConsentState.OPTED_OUT.value]
    if view is Filter.REVIEW:
        return [t.needs_review.is_(True)]
    if view is Filter.MINE:
        return [t.assigned_to == actor, t.done.is_(False)]
    if view is Filter.CAMPAIGN:
        return [t.campaign_id == campaign_id]
    return [t.done.is_(True)]


def list_threads(
    store: Store,
    view: Filter | str = Filter.ALL,
    *,
    actor: str = "",
    campaign_id: str | None = None,
    limit: int = 50,
    before: tuple[datetime, int] | None = None,
) -> tuple[ThreadSummary, ...]:
    """One page of a filter, newest first; ``before`` is the last (time, id) of the page before.

    >>> from smskit.store.database import Store
    >>> list_threads(Store.open("sqlite://"), "needs_reply")
    ()
    """
    view = Filter(view)
    t = threads.c
    query = sa.select(threads).where(*_where(view, actor, campaign_id))
    if before is not None:
        at, last_id = before
        query = query.where(
            (t.last_message_at < at) | ((t.last_message_at == at) & (t.id < last_id))
        )
    query = query.order_by(t.last_message_at.desc(), t.id.desc()).limit(max(1, min(limit, 500)))
    with store.engine.connect() as connection:
        connection.execution_options(smskit_read=True)
        rows = connection.execute(query).all()
        names = _names(connection, (r.phone_e164 for r in rows))
        read = reads_of(connection, actor, (r.id for r in rows))
    return tuple(_summary(r, names, read) for r in rows)


def count_threads(store: Store, actor: str = "") -> InboxCounts:
    """``actor``'s unread messages and the size of each filter, one indexed count each.

    Unread is the replies over open threads (an index-only sum) less those ``actor`` has read in
    open threads (one range of their reads): a read never exceeds its thread's count, which only
    grows, so the difference is exactly the sum of each thread's own unread.

    >>> from smskit.store.database import Store
    >>> count_threads(Store.open("sqlite://"))
    InboxCounts(unread=0, needs_reply=0, review=0, opted_out=0, mine=0, open=0)
    """

    def count(view: Filter) -> Any:
        return sa.select(sa.func.count()).select_from(threads).where(*_where(view, actor, None))

    with store.engine.connect() as connection:
        connection.execution_options(smskit_read=True)
        total_in = connection.execute(
            sa.select(sa.func.coalesce(sa.func.sum(threads.c.inbound_count), 0)).where(
                threads.c.done.is_(False)
            )
        ).scalar()
        r = thread_reads.c
        read_in = connection.execute(
            sa.select(sa.func.coalesce(sa.func.sum(r.read_count), 0))
            .select_from(thread_reads.join(threads, threads.c.id == r.thread_id))
            .where(r.actor == actor, threads.c.done.is_(False))
        ).scalar()
        unread = int(total_in or 0) - int(read_in or 0)
        values = [
            int(connection.execute(count(view)).scalar() or 0)
            for view in (Filter.NEEDS_REPLY, Filter.REVIEW, Filter.OPTED_OUT, Filter.MINE)
        ]
        total = int(connection.execute(count(Filter.ALL)).scalar() or 0)
    needs_reply, review, opted_out, mine = values
    return InboxCounts(max(unread, 0), needs_reply, review, opted_out, mine, total)


def get_thread(store: Store, thread_id: int, actor: str = "") -> ThreadSummary:
    """One thread's summary (unread as ``actor`` sees it); a clear error when there is none.

    >>> from smskit.store.database import Store
    >>> get_thread(Store.open("sqlite://"), 7)
    Traceback (most recent call last):
    ...
    smskit.i18n.LocalizedError: No conversation number 7
    """
    with store.engine.connect() as connection:
        connection.execution_options(smskit_read=True)
        row = connection.execute(sa.select(threads).where(threads.c.id == thread_id)).first()
        if row is None:
            raise LocalizedError("No conversation number {id}", id=thread_id)
        return _summary(
            row, _names(connection, [row.phone_e164]), reads_of(connection, actor, [row.id])
        )


def update_thread(store: Store, thread_id: int, **values: Any) -> bool:
    """Set columns of one thread (assignment, done, consent flags); True if it exists.

    >>> from smskit.store.database import Store
    >>> update_thread(Store.open("sqlite://"), 1, done=True)
    False
    """
    with store.engine.begin() as connection:
        result = connection.execute(
            threads.update()
            .where(threads.c.id == thread_id)
            .values(updated_at=datetime.now(UTC), **values)
        )
    return bool(result.rowcount)


def open_thread(
    store: Store, ledger: ConsentLedger, thread_id: int, actor: str = ""
) -> Conversation:
    """Every message of a thread in time order, with delivery statuses, and the consent history.

    >>> from smskit.store.database import Store
    >>> open_thread(Store.open("sqlite://"), None, 1)
    Traceback (most recent call last):
    ...
    smskit.i18n.LocalizedError: No conversation number 1
    """
    summary = get_thread(store, thread_id, actor)
    phone, ours = summary.phone, summary.our_number
    m, i, r = messages, inbound_messages, thread_replies
    with store.engine.connect() as connection:
        connection.execution_options(smskit_read=True)
        out_rows = connection.execute(
            sa.select(
                m.c.id, m.c.body, m.c.created_at, m.c.state, m.c.status, m.c.error_code, m.c.sid
            )
            .where(m.c.to_number == phone, m.c.from_number.in_((ours, "")))
            .order_by(m.c.created_at.desc())
            .limit(_HISTORY)
        ).all()
        in_rows = connection.execute(
            sa.select(i.c.body, i.c.received_at, i.c.recorded_at, i.c.sid)
            .where(i.c.from_number == phone, i.c.to_number == ours)
            .order_by(i.c.received_at.desc())
            .limit(_HISTORY)
        ).all()
        replies = {
            row.message_id: (row.actor, row.send_at)
            for row in connection.execute(
                sa.select(r.c.message_id, r.c.actor, r.c.send_at).where(r.c.thread_id == thread_id)
            )
        }
        # Replies of this thread sent from another of our numbers (reply_senders) are its too.
        elsewhere = sorted(set(replies) - {row.id for row in out_rows})
        if elsewhere:
            out_rows = [
                *out_rows,
                *connection.execute(
                    sa.select(
                        m.c.id,
                        m.c.body,
                        m.c.created_at,
                        m.c.state,
                        m.c.status,
                        m.c.error_code,
                        m.c.sid,
                    ).where(m.c.id.in_(elsewhere[-_HISTORY:]))
                ),
            ]
        scope = connection.execute(
            sa.select(threads.c.scope).where(threads.c.id == thread_id)
        ).scalar()
    # In the order things happened here: our messages when written, replies when stored. A polled
    # reply's own time is Twilio's DateSent in whole seconds (RFC 2822), which may read earlier
    # than the message it answers; staff only ever answer what is already stored.
    keyed: list[tuple[datetime, ThreadItem]] = []
    for row in out_rows:
        actor, send_at = replies.get(row.id, (None, None))
        status = row.status or ("scheduled" if send_at else row.state)
        item = ThreadItem(
            "outbound", row.body, row.created_at, status, row.error_code, row.sid, actor, send_at
        )
        keyed.append((row.created_at, item))
    for got in in_rows:
        item = ThreadItem("inbound", got.body, got.received_at, "received", None, got.sid, None)
        keyed.append((got.recorded_at, item))
    keyed.sort(key=lambda pair: pair[0])
    items = [item for _, item in keyed]
    return Conversation(
        summary,
        tuple(items),
        _consent_view(ledger, phone, [ours, str(scope or ours)]),
        reply_senders(store, summary),
    )


def _consent_view(ledger: ConsentLedger, phone: str, scopes: Sequence[str]) -> ConsentView:
    try:
        status = consent_of(ledger, phone, scopes)
        history = [
            (e.occurred_at, e.scope, e.action.value, e.evidence, e.actor)
            for scope in dict.fromkeys(scopes)
            for e in ledger.status(phone, scope).events
        ]
    except ValueError:
        return ConsentView("unknown", False, None, ())
    history.sort(key=lambda h: h[0])
    due = status.review_due.isoformat() if status.review_due else None
    return ConsentView(status.state.value, status.needs_review, due, tuple(history))


def thread_campaigns(store: Store) -> list[tuple[str, str]]:
    """``(campaign id, name)`` of the campaigns that threads answer, newest first.

    >>> from smskit.store.database import Store
    >>> thread_campaigns(Store.open("sqlite://"))
    []
    """
    with store.engine.connect() as connection:
        connection.execution_options(smskit_read=True)
        ids = connection.execute(
            sa.select(threads.c.campaign_id).where(threads.c.campaign_id.is_not(None)).distinct()
        ).scalars()
        wanted = list(ids)
        if not wanted:
            return []
        rows = connection.execute(
            sa.select(campaigns.c.id, campaigns.c.name, campaigns.c.created_at)
            .where(campaigns.c.id.in_(wanted[:900]))
            .order_by(campaigns.c.created_at.desc())
        ).all()
    return [(row.id, row.name) for row in rows]
