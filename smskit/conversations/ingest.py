"""Replies folded into threads: one per contact and our number, created on the first reply.

:func:`ingest` folds stored inbound messages (whoever stored them: the webhook app, polling, a
campaign runner) into ``threads``. Each thread remembers the last inbound row it counted
(``last_inbound_id``) and moves on only by compare-and-set, so two processes folding the same rows
count each reply once. The contact's consent (opted out, possible revocation awaiting review) is
copied from the ledger at the same time, for the filters; a reply is always checked against the
ledger itself, never this copy. :func:`fold_inbound` stores a webhook's reply and folds it in one
transaction.

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
from smskit.store.schema import campaigns, inbound_messages, messages, threads

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
