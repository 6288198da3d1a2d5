"""A campaign from template to plan: audience, compose, per-recipient checks, cost and results.

:func:`plan` decides who gets which text, when and at what cost; :func:`save_plan` stores it.
"""

from __future__ import annotations

from smskit.campaign.model import Campaign, CampaignPlan, Sender
from smskit.campaign.planner import plan
from smskit.campaign.storage import save_plan
from smskit.campaign.templates import parse_template

__all__ = [
    "Campaign",
    "CampaignPlan",
    "Sender",
    "parse_template",
    "plan",
    "save_plan",
]
