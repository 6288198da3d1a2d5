"""The Campaign Sender: upload, compose, preflight, confirm and send, step by step.

Each dashboard folder holds the widget (``dashboard``), its HTML renderer (``render``) and its
steps.
"""

from __future__ import annotations

from smskit_widgets.campaign.dashboard import CampaignSender

__all__ = ["CampaignSender"]
