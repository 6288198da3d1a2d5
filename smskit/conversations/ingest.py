"""Replies folded into threads: one per contact and our number, created on the first reply.

:func:`ingest` folds stored inbound messages (whoever stored them: the webhook app, polling, a
campaign runner) into ``threads``. Each thread remembers the last inbound row it counted
(``last_inbound_id``) and moves on only by compare-and-set, so two processes folding the same rows
count each reply once. The contact's consent (opted out, possible revocation awaiting review) is
copied from the ledger at the same time, for the filters; a reply is always checked against the
ledger itself, never this copy. :func:`fold_inbound` folds one reply; the webhook sink calls it in
the transaction that stores the reply and decides its consent.

>>> from smskit.store.database import Store
>>> from smskit.sending.tracking import InboundMessage
>>> store = Store.open("sqlite://")
>>> _ = store.record_inbound(InboundMessage("SM" + "1" * 32, "+14155550100", "+15005550006", "Hi"))
>>> ingest(store), ingest(store)
(1, 0)
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa

from smskit.consent.events import ConsentState, ConsentStatus
from smskit.consent.ledger import ConsentLedger
from smskit.store.database import Store
from smskit.store.schema import UTCDateTime, campaigns, inbound_messages, messages, threads

__all__ = ["consent_of", "fold_inbound", "ingest", "set_consent_flags"]

# Rows re-read below the newest counted one: on PostgreSQL ids may commit out of order; the
# per-thread compare-and-set keeps a re-read row from being counted twice.
_REREAD = 200
_PREVIEW = 160


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


B = sa.bindparam
# Built once: a statement object keeps its cache key, so each reply only binds values (the webhook
# app folds every reply as it arrives; benchmarks/inbox.py).
_LAST_CAMPAIGN = (
    sa.select(messages.c.campaign_id, campaigns.c.spec)
    .join(campaigns, campaigns.c.id == messages.c.campaign_id)
    .where(
        messages.c.to_number == B("phone"),
        messages.c.from_number.in_((B("ours"), "")),
    )
    .order_by(messages.c.created_at.desc())
    .limit(1)
)
_T = threads.c
# The reply's own values are bound as ``reply_*``: an execution parameter named like a column
# overrides that column's value in every INSERT it reaches, including the new thread's defaults.
_COUNT_REPLY = (
    threads.update()
    .where(
        _T.phone_e164 == B("phone"),
        _T.our_number == B("ours"),
        _T.last_inbound_id.is_(None) | (_T.last_inbound_id < B("row_id")),
    )
    .values(
        last_inbound_id=B("row_id"),
        inbound_count=_T.inbound_count + 1,
        done=False,
        preview=B("reply_preview"),
        last_message_at=sa.case(
            (_T.last_message_at > B("at", type_=UTCDateTime()), _T.last_message_at),
            else_=B("at", type_=UTCDateTime()),
        ),
        campaign_id=sa.func.coalesce(B("campaign_id", type_=sa.String()), _T.campaign_id),
        scope=B("scope"),
        updated_at=B("now", type_=UTCDateTime()),
        needs_reply=B("reply_needs_reply", type_=sa.Boolean()),
        consent_state=sa.func.coalesce(B("reply_consent", type_=sa.String()), _T.consent_state),
        needs_review=sa.func.coalesce(B("reply_review", type_=sa.Boolean()), _T.needs_review),
    )
)
_NEW_THREAD: dict[str, Any] = {}


def _new_thread(store: Store) -> Any:
    """Create the thread if it is new, for the store's dialect (built once per dialect)."""
    name = store.engine.dialect.name
    if name not in _NEW_THREAD:
        _NEW_THREAD[name] = (
            store._insert(threads)
            .values(
                phone_e164=B("phone"),
                our_number=B("ours"),
                scope=B("scope"),
                campaign_id=B("campaign_id", type_=sa.String()),
                last_message_at=B("at", type_=UTCDateTime()),
                last_inbound_id=None,
                preview="",
                inbound_count=0,
                needs_reply=False,
                consent_state="unknown",
                needs_review=False,
                done=False,
                version=0,
                created_at=B("now", type_=UTCDateTime()),
                updated_at=B("now", type_=UTCDateTime()),
            )
            .on_conflict_do_nothing(index_elements=[threads.c.phone_e164, threads.c.our_number])
        )
    return _NEW_THREAD[name]


def _scope_of(connection: sa.Connection, phone: str, our_number: str) -> tuple[str | None, str]:
    """The campaign that last texted ``phone`` from ``our_number``, and its consent scope."""
    row = connection.execute(_LAST_CAMPAIGN, {"phone": phone, "ours": our_number}).first()
    if row is None:
        return None, our_number
    scope = our_number
    if isinstance(row.spec, dict):
        sender = row.spec.get("sender") or {}
        scope = str(row.spec.get("scope") or sender.get("address") or our_number)
    return str(row.campaign_id), scope[:64]


def ingest(store: Store, ledger: ConsentLedger | None = None, *, limit: int = 5000) -> int:
    """Fold inbound messages not yet counted into threads; how many were new to their thread.

    >>> from smskit.store.database import Store
    >>> ingest(Store.open("sqlite://"))
    0
    """
    ledger = ledger or ConsentLedger(store)
    i = inbound_messages
    with store.engine.connect() as connection:
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
    row_id: int,
    status: ConsentStatus | None = None,
) -> int:
    """Fold stored reply ``row_id`` into its thread: 1 if it was new to the thread, else 0.

    ``status`` is the consent the ledger has just decided for ``ours`` (the webhook sink passes
    it); the campaign's own scope, when it has one (a brand), is read too. Runs in the store's
    open transaction when there is one (:meth:`smskit.store.database.Store.transaction`).

    >>> from smskit.store.database import Store
    >>> from smskit.sending.tracking import InboundMessage
    >>> store = Store.open("sqlite://")
    >>> at = datetime(2026, 1, 5, tzinfo=UTC)
    >>> row = store.record_inbound(InboundMessage("SM" + "9" * 32, "+14155550100", "+1500", "Hi"))
    >>> args = (store, ConsentLedger(store), "+14155550100", "+1500", "Hi", at)
    >>> fold_inbound(*args, row_id=row), fold_inbound(*args, row_id=row)
    (1, 0)
    """
    with store.transaction() as connection:
        campaign_id, scope = _scope_of(connection, phone, ours)
        if status is None or status.scope != scope:
            # The campaign's own scope (a brand) decides too: the strictest status wins.
            status = _consent_or_none(ledger, phone, [ours, scope])
        now = datetime.now(UTC)
        params: dict[str, Any] = {
            "phone": phone,
            "ours": ours,
            "reply_preview": body[:_PREVIEW],
            "at": received_at,
            "now": now,
            "scope": scope,
            "campaign_id": campaign_id,
            "row_id": row_id,
            # Unknown consent (a short code texting us) leaves the thread's copy as it was.
            "reply_consent": status.state.value if status is not None else None,
            "reply_review": status.needs_review if status is not None else None,
            # A STOP wants no answer: the ledger's one confirmation is it.
            "reply_needs_reply": status is None or status.state is not ConsentState.OPTED_OUT,
        }
        connection.execute(_new_thread(store), params)
        result = connection.execute(_COUNT_REPLY, params)
    return 1 if result.rowcount else 0


def _consent_or_none(ledger: ConsentLedger, phone: str, scopes: list[str]) -> ConsentStatus | None:
    try:
        return consent_of(ledger, phone, scopes)
    except ValueError:  # a sender that is not a phone number (a short code texting us)
        return None


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
