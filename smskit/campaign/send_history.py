"""Each contact's recent sends, read from the store's message log, for the frequency caps.

:func:`smskit.campaign.planner.plan` enforces caps such as "2 broadcasts per rolling 7 days"
(``data/frequency_caps.csv``, :mod:`smskit.compliance.frequency`) only if it knows what each
recipient was
already sent. :func:`recent_sends` reads that from the ``messages`` table in one query over the
cap window (however many recipients a plan has), plus one for the campaigns' purposes.

A message counts as sent once the provider accepted it (it has a SID) and it is ``submitted`` or
``final``, unless it ended ``failed``, ``undelivered`` or ``canceled``: it never reached the phone
(Twilio message status values, https://www.twilio.com/docs/messaging/api/message-resource). Its
time is the last change of its row (``updated_at``): for a delivered message that is the delivery
report, seconds after the send, so the window can only err on the safe side (later).

Re-planning a campaign that has already started must not count its own messages: they went to
the very recipients being planned, and the exactly-once sender never sends them twice, so
counting them would cap everyone the campaign already reached. ``excluding_plan`` names the plan
(its fingerprint, which :func:`smskit.campaign.storage.save_plan` records in the campaign's spec);
that campaign's messages are left out. Every other campaign's messages still count.

>>> from smskit.store.database import Store
>>> recent_sends(Store.open("sqlite://"), datetime(2026, 1, 1, tzinfo=UTC))
{}
"""

from __future__ import annotations

from collections.abc import Container
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

import sqlalchemy as sa

from smskit.compliance.frequency import Purpose, SentMessage, default_caps
from smskit.store.schema import campaigns, messages

if TYPE_CHECKING:
    from smskit.store.database import Store

__all__ = ["NOT_RECEIVED", "longest_cap_window", "recent_sends"]

#: Final statuses of messages that never reached the phone: they do not count towards a cap.
NOT_RECEIVED = ("failed", "undelivered", "canceled")


def longest_cap_window() -> timedelta:
    """The longest rolling window of any frequency cap: how far back a plan must look.

    >>> longest_cap_window()
    datetime.timedelta(days=7)
    """
    return timedelta(hours=max(cap.period_hours for cap in default_caps()))


def recent_sends(
    store: Store,
    since: datetime,
    phones: Container[str] | None = None,
    excluding_plan: str | None = None,
) -> dict[str, tuple[SentMessage, ...]]:
    """Messages sent after ``since``, by E.164 number (oldest first); only ``phones`` if given.

    The purpose (marketing or transactional) is the sending campaign's; a message logged outside
    a campaign counts as marketing, the cautious reading for a cap. Messages of the campaign
    stored for the plan whose fingerprint is ``excluding_plan`` are left out (re-planning it).

    >>> from smskit.store.database import Store
    >>> from smskit.store.records import NewMessage
    >>> store = Store.open("sqlite://")
    >>> _ = store.record_message(NewMessage("m1", "+14155550100", "+15005550006", "Sale!"))
    >>> store.transition_message("m1", "planned", "submitted", sid="SM" + "1" * 32)
    True
    >>> sent = recent_sends(store, datetime.now(UTC) - timedelta(days=7))
    >>> [(s.purpose.value, s.body) for s in sent["+14155550100"]]
    [('marketing', 'Sale!')]
    """
    if since.tzinfo is None:
        raise ValueError(f"naive datetime {since.isoformat()} has no time zone")
    m = messages
    query = (
        sa.select(m.c.to_number, m.c.campaign_id, m.c.body, m.c.updated_at)
        .where(
            m.c.updated_at > since.astimezone(UTC),
            m.c.sid.is_not(None),
            m.c.state.in_(("submitted", "final")),
            m.c.status.is_(None) | m.c.status.not_in(NOT_RECEIVED),
        )
        # By time only: ORDER BY to_number would let SQLite walk ix_messages_to_number (migration
        # 0005, the Inbox), i.e. every message ever sent, instead of the last week's range.
        .order_by(m.c.updated_at)
    )
    rows: list[tuple[str, str | None, str, datetime]] = []
    with store.engine.connect() as connection:
        for row in connection.execute(query):
            if phones is None or row.to_number in phones:
                rows.append((row.to_number, row.campaign_id, row.body, row.updated_at))
        known = _campaigns(connection, {c for _, c, _, _ in rows if c is not None})
    own = {c for c, (_, plan) in known.items() if excluding_plan and plan == excluding_plan}
    out: dict[str, list[SentMessage]] = {}
    for phone, campaign_id, body, at in rows:
        if campaign_id in own:
            continue
        purpose = known[campaign_id][0] if campaign_id in known else Purpose.MARKETING
        out.setdefault(phone, []).append(SentMessage(at, purpose, body=body))
    return {phone: tuple(out[phone]) for phone in sorted(out)}


def _campaigns(connection: sa.Connection, ids: set[str]) -> dict[str, tuple[Purpose, str]]:
    """Each campaign's purpose (marketing when not recorded) and plan fingerprint, from its spec."""
    wanted = sorted(ids)
    out: dict[str, tuple[Purpose, str]] = {}
    for start in range(0, len(wanted), 900):  # stay under SQLite's bound-parameter limit
        chunk = wanted[start : start + 900]
        query = sa.select(campaigns.c.id, campaigns.c.spec).where(campaigns.c.id.in_(chunk))
        for row in connection.execute(query):
            spec = row.spec if isinstance(row.spec, dict) else {}
            transactional = spec.get("purpose") == Purpose.TRANSACTIONAL.value
            purpose = Purpose.TRANSACTIONAL if transactional else Purpose.MARKETING
            out[row.id] = (purpose, str(spec.get("fingerprint") or ""))
    return out
