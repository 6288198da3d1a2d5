"""The Sender Comparison: the four sender types for one country, and the recommender.

Each dashboard folder holds the widget (``dashboard``), its HTML renderer (``render``) and its
steps.
"""

from __future__ import annotations

from smskit_widgets.senders.dashboard import SenderComparison

__all__ = ["SenderComparison"]
