"""Every campaign on one line: its state, counts, cost so far and next send time.

What the Campaigns view and ``smskit campaigns`` show. Two grouped queries for all campaigns,
whatever their size: counts by (campaign, state, status), and the earliest window among planned
messages. The status a person reads is the store's, except that a saved preflight never
confirmed (``planned``) is shown as a ``draft``.

>>> from smskit.campaign.storage import _example
>>> store, campaign_id = _example()
>>> line = campaign_lines(store)[0]
>>> line.status, line.total, line.waiting, line.next_send_at.isoformat()
('draft', 1, 1, '2026-03-02T18:00:00+00:00')
>>> line.created_by == line.sent_by or line.sent_by is None  # who did each step
True
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal

import sqlalchemy as sa

from smskit.i18n.catalog import Text
from smskit.store.database import Store
from smskit.store.schema import campaign_recipients, campaigns, messages

__all__ = ["CampaignLine", "campaign_lines", "display_status"]

_FAILED = frozenset({"failed", "undelivered"})


@dataclass(frozen=True, slots=True)
class CampaignLine:
    """One campaign: status, message counts, the cost of what was handed over, the next window."""

    id: str
    name: str
    status: str
    created_at: datetime
    total: int
    waiting: int  # planned: not yet handed to the provider
    handed_over: int  # accepted by the provider (has a SID), whatever happened next
    delivered: int
    failed: int  # failed or undelivered
    opted_out: int
    canceled: int
    held: int  # handed over with SendAt: Twilio holds them until their time (status "scheduled")
    cost: Decimal
    currency: str
    next_send_at: datetime | None
    # Who did each step (migration 0007; None where not recorded or not done).
    created_by: str | None = None
    approved_by: str | None = None
    sent_by: str | None = None
    canceled_by: str | None = None
    stop_reason: Text | None = None  # why it failed or is held (migration 0010)

    @property
    def done(self) -> bool:
        """True when nothing is left to send (finished or canceled)."""
        return self.status in ("finished", "canceled")


def display_status(stored: str) -> str:
    """The status shown to people: a never-confirmed plan is a draft.

    >>> display_status("planned"), display_status("sending")
    ('draft', 'sending')
    """
    return "draft" if stored == "planned" else stored


def campaign_lines(store: Store) -> list[CampaignLine]:
    """All campaigns, newest first, each with its counts (see the module docstring).

    >>> from smskit.store.database import Store
    >>> campaign_lines(Store.open("sqlite://"))
    []
    """
    counts = (
        sa.select(
            messages.c.campaign_id,
            messages.c.state,
            messages.c.status,
            sa.func.count().label("n"),
            sa.func.count(messages.c.sid).label("with_sid"),
            sa.func.sum(sa.case((messages.c.sid.is_not(None), messages.c.price), else_=0)).label(
                "cost"
            ),
            sa.func.max(messages.c.price_unit).label("unit"),
        )
        .where(messages.c.campaign_id.is_not(None))
        .group_by(messages.c.campaign_id, messages.c.state, messages.c.status)
    )
    r = campaign_recipients
    windows = (
        sa.select(messages.c.campaign_id, sa.func.min(r.c.send_at).label("next_at"))
        .select_from(messages.join(r, r.c.message_id == messages.c.id))
        .where(messages.c.state == "planned")
        .group_by(messages.c.campaign_id)
    )
    c = campaigns.c
    heads = (
        sa.select(
            c.id,
            c.name,
            c.status,
            c.created_at,
            c.created_by,
            c.approved_by,
            c.sent_by,
            c.canceled_by,
            c.stop_reason,
        )
        # Inbox replies are one-message campaigns of kind "reply" (migration 0008,
        # smskit.conversations.replies): they belong to their conversation, not to this list.
        .where(c.kind != "reply")
        .order_by(c.created_at.desc(), c.id)
    )
    with store.engine.connect() as connection:
        count_rows = connection.execute(counts).all()
        next_at = {row.campaign_id: row.next_at for row in connection.execute(windows)}
        head_rows = connection.execute(heads).all()
    tally: dict[str, _Tally] = {}
    for row in count_rows:
        t = tally.setdefault(row.campaign_id, _Tally())
        n = int(row.n)
        t.total += n
        t.waiting += n if row.state == "planned" else 0
        t.handed_over += int(row.with_sid)
        t.delivered += n if row.status == "delivered" else 0
        t.failed += n if row.status in _FAILED else 0
        t.opted_out += n if row.status == "opted_out" else 0
        t.canceled += n if row.status == "canceled" else 0
        t.held += n if row.status == "scheduled" else 0
        t.cost += Decimal(str(row.cost or 0))
        t.currency = t.currency or row.unit or ""
    lines = []
    for head in head_rows:
        t = tally.get(head.id, _Tally())
        when = next_at.get(head.id)
        if isinstance(when, datetime) and when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        lines.append(
            CampaignLine(
                head.id,
                head.name,
                display_status(head.status),
                head.created_at,
                t.total,
                t.waiting,
                t.handed_over,
                t.delivered,
                t.failed,
                t.opted_out,
                t.canceled,
                t.held,
                t.cost,
                t.currency,
                when if isinstance(when, datetime) else None,
                head.created_by,
                head.approved_by,
                head.sent_by,
                head.canceled_by,
                Text.from_json(head.stop_reason),
            )
        )
    return lines


@dataclass(slots=True)
class _Tally:
    total: int = 0
    waiting: int = 0
    handed_over: int = 0
    delivered: int = 0
    failed: int = 0
    opted_out: int = 0
    canceled: int = 0
    held: int = 0
    cost: Decimal = Decimal(0)
    currency: str = ""
