"""The Inbox dashboard: the widget (``dashboard``) and its HTML renderers (``render``)."""

from __future__ import annotations

from smskit_widgets.inbox.dashboard import InboxDashboard

__all__ = ["InboxDashboard"]
