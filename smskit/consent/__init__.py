"""Who has consented: reply keywords in any language, the event-sourced ledger, proof, auto-replies.

Keywords and the event fold are pure; :class:`ConsentLedger` appends to the store.
"""

from __future__ import annotations

from smskit.consent.auto_replies import Program
from smskit.consent.events import ConsentState
from smskit.consent.keywords import KeywordKind, classify_reply
from smskit.consent.ledger import ConsentLedger

__all__ = [
    "ConsentLedger",
    "ConsentState",
    "KeywordKind",
    "Program",
    "classify_reply",
]
