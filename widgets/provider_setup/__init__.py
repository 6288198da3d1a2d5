"""Provider Setup: connect the simulator or a Twilio account, test a send, buy a number.

Each dashboard folder holds the widget (``dashboard``), its HTML renderer (``render``) and its
steps.
"""

from __future__ import annotations

from smskit_widgets.provider_setup.dashboard import ProviderSetup

__all__ = ["ProviderSetup"]
