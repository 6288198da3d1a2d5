"""The Campaign Sender: upload, compose, preflight and confirm, step by step; then watch the
sending worker send it, with every campaign in the Campaigns view.

Each dashboard folder holds the widget (``dashboard``), its HTML renderer (``render``) and its
steps: here ``send`` (confirm and watch), ``campaigns`` (the Campaigns view) and
``campaigns_render`` (its HTML).
"""

from __future__ import annotations

from smskit_widgets.campaign.dashboard import CampaignSender

__all__ = ["CampaignSender"]
