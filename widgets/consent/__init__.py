"""The Consent dashboard: keywords, double opt-in, quiet hours, preflight and the ledger inspector.

Each dashboard folder holds the widget (``dashboard``), its HTML renderer (``render``) and its
steps.
"""

from __future__ import annotations

from smskit_widgets.consent.dashboard import ConsentExplainer
from smskit_widgets.consent.inspector import ConsentInspector

__all__ = ["ConsentExplainer", "ConsentInspector"]
