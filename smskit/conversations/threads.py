"""Threads in the store: replies folded into threads, the Inbox's lists and one opened thread.

:func:`ingest` folds stored inbound messages (whoever stored them: the webhook app, polling, a
campaign runner) into ``threads``: one per contact and our number, created on the first reply.
Each thread remembers the last inbound row it counted (``last_inbound_id``) and moves on only by
compare-and-set, so two processes folding the same rows count each reply once. The contact's
consent (opted out, possible revocation awaiting review) is folded from the ledger at the same
time, for the filters; a reply is always checked against the ledger itself, never this copy.

Every list is one index range, newest first (migration 0005; ``benchmarks/inbox.py``).

>>> from smskit.store.database import Store
>>> from smskit.sending.tracking import InboundMessage
>>> store = Store.open("sqlite://")
>>> _ = store.record_inbound(InboundMessage("SM" + "1" * 32, "+14155550100", "+15005550006", "Hi"))
>>> ingest(store), ingest(store)
(1, 0)
>>> [(t.phone, t.unread, t.needs_reply) for t in list_threads(store, Filter.ALL)]
[('+14155550100', 1, True)]
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa

from smskit.consent.events import ConsentState, ConsentStatus
from smskit.consent.ledger import ConsentLedger
from smskit.conversations.model import (
    ConsentView,
    Conversation,
    Filter,
    InboxCounts,
    ThreadItem,
    ThreadSummary,
)
from smskit.i18n.catalog import LocalizedError
from smskit.store.database import Store
from smskit.store.schema import (
    campaigns,
    contacts,
    inbound_messages,
    messages,
    thread_replies,
    threads,
)

__all__ = [
    "consent_of",
    "count_threads",
    "fold_inbound",
    "get_thread",
    "ingest",
    "list_threads",
    "open_thread",
    "set_consent_flags",
    "thread_campaigns",
    "update_thread",
]

# Rows re-read below the newest counted one: on PostgreSQL ids may commit out of order; the
# per-thread compare-and-set keeps a re-read row from being counted twice.
_REREAD = 200
_PREVIEW = 160
_HISTORY = 200  # messages shown per direction when a thread opens (the newest)


def _summary(row: Any, names: dict[str, str]) -> ThreadSummary:
    return ThreadSummary(
        row.id,
        row.phone_e164,
        names.get(row.phone_e164, ""),
        row.our_number,
        row.campaign_id,
        row.last_message_at,
        row.preview,
        int(row.unread),
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


def consent_of(ledger: ConsentLedger, phone: str, scopes: Sequence[str]) -> ConsentStatus:
    """The contact's strictest status over ``scopes`` (our number, the campaign's scope).

    Opted out anywhere wins, then a review waiting anywhere, then the first scope's status.

    >>> from smskit.store.database import Store
    >>> ledger = ConsentLedger(Store.open("sqlite://"))
    >>> _ = ledger.handle_inbound("+14155550100", "Acme", "STOP")
    >>> consent_of(ledger, "+14155550100", ["+15005550006", "Acme"]).state.value
    'opted_out'
    """
    statuses = [ledger.status(phone, scope) for scope in dict.fromkeys(s for s in scopes if s)]
    for status in statuses:
        if status.state is ConsentState.OPTED_OUT:
            return status
    for status in statuses:
        if status.needs_review:
            return status
    return statuses[0]


def _scope_of(connection: sa.Connection, phone: str, our_number: str) -> tuple[str | None, str]:
    """The campaign that last texted ``phone`` from ``our_number``, and its consent scope."""
    row = connection.execute(
        sa.select(messages.c.campaign_id)
        .where(
            messages.c.to_number == phone,
            messages.c.from_number.in_((our_number, "")),
            messages.c.campaign_id.is_not(None),
        )
        .order_by(messages.c.created_at.desc())
        .limit(1)
    ).first()
    if row is None:
        return None, our_number
    spec = connection.execute(
        sa.select(campaigns.c.spec).where(campaigns.c.id == row.campaign_id)
    ).scalar()
    scope = our_number
    if isinstance(spec, dict):
        scope = str(spec.get("scope") or (spec.get("sender") or {}).get("address") or our_number)
    return str(row.campaign_id), scope[:64]


def ingest(
    store: Store, ledger: ConsentLedger | None = None, *, limit: int = 5000, only: int | None = None
) -> int:
    """Fold inbound messages not yet counted into threads; how many were new to their thread.

    ``only`` folds that one inbound row (the webhook app, right after storing it).

    >>> from smskit.store.database import Store
    >>> ingest(Store.open("sqlite://"))
    0
    """
    ledger = ledger or ConsentLedger(store)
    i = inbound_messages
    with store.engine.connect() as connection:
        if only is not None:
            query = sa.select(i).where(i.c.id == only)
        else:
            mark = connection.execute(sa.select(sa.func.max(threads.c.last_inbound_id))).scalar()
            start = int(mark or 0) - _REREAD
            query = sa.select(i).where(i.c.id > start).order_by(i.c.id).limit(limit)
        rows = connection.execute(query).all()
    counted = 0
    for row in rows:
        counted += _fold_one(store, ledger, row)
    return counted


def _fold_one(store: Store, ledger: ConsentLedger, row: Any) -> int:
    return fold_inbound(
        store, ledger, row.from_number, row.to_number, row.body, row.received_at, row_id=row.id
    )


def fold_inbound(
    store: Store,
    ledger: ConsentLedger,
    phone: str,
    ours: str,
    body: str,
    received_at: datetime,
    *,
    row_id: int | None = None,
    sid: str | None = None,
    opt_out_type: str | None = None,
    status: ConsentStatus | None = None,
) -> int:
    """Fold one reply into its thread (1 if it was new to it); store it first when ``sid`` is given.

    With ``sid`` (the webhook app), the inbound row is inserted in the same transaction as the
    thread's update, once per SID; ``status`` is the consent the ledger just decided for ``ours``.

    >>> from smskit.store.database import Store
    >>> store = Store.open("sqlite://")
    >>> at = datetime(2026, 1, 5, tzinfo=UTC)
    >>> args = (store, ConsentLedger(store), "+14155550100", "+15005550006", "Hi", at)
    >>> fold_inbound(*args, sid="SM" + "9" * 32), fold_inbound(*args, sid="SM" + "9" * 32)
    (1, 0)
    """
    now = datetime.now(UTC)
    with store.engine.connect() as connection:
        connection.execution_options(smskit_read=True)
        campaign_id, scope = _scope_of(connection, phone, ours)
    if status is None or scope != status.scope:
        try:
            status = consent_of(ledger, phone, [ours, scope])
        except ValueError:  # a sender that is not a phone number (a short code texting us)
            status = None
    flags: dict[str, Any] = {"needs_reply": True}
    if status is not None:
        flags = {
            "consent_state": status.state.value,
            "needs_review": status.needs_review,
            # A STOP wants no answer: the ledger's one confirmation is it.
            "needs_reply": status.state is not ConsentState.OPTED_OUT,
        }
    with store.engine.begin() as connection:
        if sid is not None:
            row_id = connection.execute(
                store._insert(inbound_messages)
                .values(
                    sid=sid,
                    from_number=phone,
                    to_number=ours,
                    body=body,
                    opt_out_type=opt_out_type,
                    received_at=received_at,
                    recorded_at=now,
                )
                .on_conflict_do_nothing(index_elements=[inbound_messages.c.sid])
                .returning(inbound_messages.c.id)
            ).scalar()
            if row_id is None:
                return 0  # a retry of a reply already stored
        connection.execute(
            store._insert(threads)
            .values(
                phone_e164=phone,
                our_number=ours,
                scope=scope,
                campaign_id=campaign_id,
                last_message_at=received_at,
                last_inbound_id=None,
                preview="",
                unread=0,
                needs_reply=False,
                consent_state="unknown",
                needs_review=False,
                done=False,
                version=0,
                created_at=now,
                updated_at=now,
            )
            .on_conflict_do_nothing(index_elements=[threads.c.phone_e164, threads.c.our_number])
        )
        t = threads.c
        result = connection.execute(
            threads.update()
            .where(
                t.phone_e164 == phone,
                t.our_number == ours,
                t.last_inbound_id.is_(None) | (t.last_inbound_id < row_id),
            )
            .values(
                last_inbound_id=row_id,
                unread=t.unread + 1,
                done=False,
                preview=body[:_PREVIEW],
                last_message_at=sa.case(
                    (t.last_message_at > received_at, t.last_message_at),
                    else_=received_at,
                ),
                campaign_id=sa.func.coalesce(campaign_id, t.campaign_id),
                scope=scope,
                updated_at=now,
                **flags,
            )
        )
    return 1 if result.rowcount else 0


def set_consent_flags(
    store: Store, phone: str, our_number: str, status: ConsentStatus, **more: Any
) -> None:
    """Copy a consent status into the thread's filter columns.

    >>> from smskit.store.database import Store
    >>> from smskit.consent.events import fold
    >>> set_consent_flags(Store.open("sqlite://"), "+1", "+2", fold([], "+1", "x"))
    """
    with store.engine.begin() as connection:
        connection.execute(
            threads.update()
            .where(threads.c.phone_e164 == phone, threads.c.our_number == our_number)
            .values(
                consent_state=status.state.value,
                needs_review=status.needs_review,
                updated_at=datetime.now(UTC),
                **more,
            )
        )


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
    return tuple(_summary(r, names) for r in rows)


def count_threads(store: Store, actor: str = "") -> InboxCounts:
    """Unread messages and the size of each filter, one indexed count each.

    >>> from smskit.store.database import Store
    >>> count_threads(Store.open("sqlite://"))
    InboxCounts(unread=0, needs_reply=0, review=0, opted_out=0, mine=0, open=0)
    """

    def count(view: Filter) -> Any:
        return sa.select(sa.func.count()).select_from(threads).where(*_where(view, actor, None))

    with store.engine.connect() as connection:
        connection.execution_options(smskit_read=True)
        unread = connection.execute(
            sa.select(sa.func.coalesce(sa.func.sum(threads.c.unread), 0)).where(
                threads.c.done.is_(False)
            )
        ).scalar()
        values = [
            int(connection.execute(count(view)).scalar() or 0)
            for view in (Filter.NEEDS_REPLY, Filter.REVIEW, Filter.OPTED_OUT, Filter.MINE)
        ]
        total = int(connection.execute(count(Filter.ALL)).scalar() or 0)
    needs_reply, review, opted_out, mine = values
    return InboxCounts(int(unread or 0), needs_reply, review, opted_out, mine, total)


def get_thread(store: Store, thread_id: int) -> ThreadSummary:
    """One thread's summary; a clear error when there is none.

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
        return _summary(row, _names(connection, [row.phone_e164]))


def update_thread(store: Store, thread_id: int, **values: Any) -> bool:
    """Set columns of one thread (assignment, done, read); True if it exists.

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


def open_thread(store: Store, ledger: ConsentLedger, thread_id: int) -> Conversation:
    """Every message of a thread in time order, with delivery statuses, and the consent history.

    >>> from smskit.store.database import Store
    >>> open_thread(Store.open("sqlite://"), None, 1)
    Traceback (most recent call last):
    ...
    smskit.i18n.LocalizedError: No conversation number 1
    """
    summary = get_thread(store, thread_id)
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
            sa.select(i.c.body, i.c.received_at, i.c.sid)
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
        scope = connection.execute(
            sa.select(threads.c.scope).where(threads.c.id == thread_id)
        ).scalar()
    items = [
        ThreadItem(
            "outbound",
            row.body,
            row.created_at,
            row.status or ("scheduled" if replies.get(row.id, (None, None))[1] else row.state),
            row.error_code,
            row.sid,
            replies.get(row.id, (None, None))[0],
            replies.get(row.id, (None, None))[1],
        )
        for row in out_rows
    ]
    items += [
        ThreadItem("inbound", row.body, row.received_at, "received", None, row.sid, None)
        for row in in_rows
    ]
    items.sort(key=lambda item: item.at)
    return Conversation(
        summary, tuple(items), _consent_view(ledger, phone, [ours, str(scope or ours)]), (ours,)
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
