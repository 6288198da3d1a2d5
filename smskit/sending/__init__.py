"""Sending a stored campaign: paced, exactly once per recipient, resumable, tracked to delivery.

The runner, the exactly-once message ledger, and tracking of status updates and replies. Imports
campaign, store and providers.
"""

from __future__ import annotations

from smskit.sending.runner import CampaignRunner
from smskit.sending.tracking import InboundMessage, LedgerSink, StatusUpdate, sync

__all__ = [
    "CampaignRunner",
    "InboundMessage",
    "LedgerSink",
    "StatusUpdate",
    "sync",
]
