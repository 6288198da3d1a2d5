"""The Inbox's values: threads, their messages, consent, counts, reply checks and reply outcomes.

Every result is a frozen dataclass; text meant for staff is a :class:`smskit.i18n.Text`, rendered
in English or Indonesian by whoever shows it.

>>> InboxCounts(3, 2, 1, 0, 1, 5).unread
3
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from enum import StrEnum

from smskit.i18n.catalog import N_, Text

__all__ = [
    "FILTER_LABELS",
    "ConsentView",
    "Conversation",
    "Filter",
    "InboxCounts",
    "ReplyCheck",
    "ReplyOutcome",
    "ReplyResult",
    "ThreadItem",
    "ThreadPage",
    "ThreadSummary",
]


class Filter(StrEnum):
    """The Inbox's lists: open threads, and the filters the issue names."""

    ALL = "all"  # every open (not done) thread
    NEEDS_REPLY = "needs_reply"
    OPTED_OUT = "opted_out"
    REVIEW = "review"  # a possible revocation awaits review (FCC 24-24)
    MINE = "mine"  # assigned to the current actor
    CAMPAIGN = "campaign"  # replies to one campaign
    DONE = "done"


FILTER_LABELS: dict[Filter, str] = {
    Filter.ALL: N_("All open"),
    Filter.NEEDS_REPLY: N_("Needs reply"),
    Filter.OPTED_OUT: N_("Opted out"),
    Filter.REVIEW: N_("Possible revocation to review"),
    Filter.MINE: N_("Assigned to me"),
    Filter.CAMPAIGN: N_("Campaign"),
    Filter.DONE: N_("Done"),
}


@dataclass(frozen=True, slots=True)
class ThreadSummary:
    """One line of the Inbox: who, the newest message, unread count and flags."""

    id: int
    phone: str
    name: str
    our_number: str
    campaign_id: str | None
    last_message_at: datetime
    preview: str
    unread: int
    needs_reply: bool
    consent_state: str
    needs_review: bool
    assigned_to: str | None
    done: bool
    version: int


@dataclass(frozen=True, slots=True)
class ThreadItem:
    """One message of a thread, either way, in time order; ``status`` is the delivery status."""

    direction: str  # "outbound" or "inbound"
    body: str
    at: datetime
    status: str
    error_code: int | None
    sid: str | None
    actor: str | None  # who answered (staff replies); None for campaign messages and replies
    send_at: datetime | None = None  # a reply scheduled for the recipient's morning


@dataclass(frozen=True, slots=True)
class ConsentView:
    """The contact's consent for the thread's sender, with its history (newest last)."""

    state: str
    needs_review: bool
    review_due: str | None
    history: tuple[tuple[datetime, str, str, str, str], ...]  # at, scope, action, evidence, actor


@dataclass(frozen=True, slots=True)
class Conversation:
    """An opened thread: its summary, every message in order, and the contact's consent."""

    thread: ThreadSummary
    items: tuple[ThreadItem, ...]
    consent: ConsentView
    senders: tuple[str, ...]  # numbers the contact has texted, and the campaign's sender


@dataclass(frozen=True, slots=True)
class InboxCounts:
    """Unread messages and the size of each filter (open threads only, except ``opted_out``)."""

    unread: int
    needs_reply: int
    review: int
    opted_out: int
    mine: int
    open: int


@dataclass(frozen=True, slots=True)
class ThreadPage:
    """One page of a filter, newest first, with the counts for the filter bar."""

    threads: tuple[ThreadSummary, ...]
    counts: InboxCounts


@dataclass(frozen=True, slots=True)
class ReplyCheck:
    """What a reply would be and whether it may go now: shown live as staff type.

    ``blocked`` says why it cannot go at all (opted out, review first, empty...); ``send_at`` is
    set when the recipient is in quiet hours, with ``local_time`` the moment it would go, their
    time (e.g. "08:00 Tue 3 Dec").
    """

    encoding: str
    segments: int
    characters: int
    cost: Decimal
    currency: str
    advice: Text | None
    suggested_text: str | None
    blocked: Text | None
    send_at: datetime | None
    local_time: str | None
    confirmation_allowed: bool = False


class ReplyOutcome(StrEnum):
    """What happened to a reply."""

    SENT = "sent"  # handed to the provider
    SCHEDULED = "scheduled"  # queued for the recipient's morning (quiet hours)
    QUEUED = "queued"  # queued for the sending worker (no provider here)
    ALREADY = "already"  # this very reply (same key) was made before: nothing new was sent
    CONFLICT = "conflict"  # someone else answered the thread meanwhile: nothing was sent
    REFUSED = "refused"  # consent, quiet hours without scheduling, or a bad text: nothing sent
    FAILED = "failed"  # the provider refused it (e.g. Twilio 21610)


@dataclass(frozen=True, slots=True)
class ReplyResult:
    """A reply's outcome, in plain words (``text``), with its message when one was made."""

    outcome: ReplyOutcome
    text: Text
    message_id: str | None = None
    sid: str | None = None
    send_at: datetime | None = None
    version: int | None = None
