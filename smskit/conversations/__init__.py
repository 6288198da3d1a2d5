"""Conversations: the shared Inbox where staff read and answer replies, consent first.

Owns threads (per contact and our number), each person's reads (:mod:`.reads`), assignment, the
possible-revocation review, quick replies, the senders a reply may use (:mod:`.reply_senders`), and
replies sent through the campaign runner's exactly-once, consent-checked path
(:mod:`smskit.sending`). Sits above ``sending``, below ``webhooks``.
"""

from __future__ import annotations

from smskit.conversations.inbox import Inbox, current_actor
from smskit.conversations.model import (
    ConsentView,
    Conversation,
    Filter,
    InboxCounts,
    ReplyCheck,
    ReplyOutcome,
    ReplyResult,
    ThreadItem,
    ThreadPage,
    ThreadSummary,
)
from smskit.conversations.quick_replies import QuickReply
from smskit.conversations.sink import InboxSink

__all__ = [
    "ConsentView",
    "Conversation",
    "Filter",
    "Inbox",
    "InboxCounts",
    "InboxSink",
    "QuickReply",
    "ReplyCheck",
    "ReplyOutcome",
    "ReplyResult",
    "ThreadItem",
    "ThreadPage",
    "ThreadSummary",
    "current_actor",
]
