"""The Start page: what smskit is running on, and a card for every dashboard.

Each dashboard folder holds the widget (``dashboard``), its HTML renderer (``render``) and its
steps.
"""

from __future__ import annotations

from smskit_widgets.start.dashboard import StartPage

__all__ = ["StartPage"]
