"""Preflight: may this message go to this recipient now, and if not, when?

Quiet hours in the recipient's time, frequency caps, geography and content rules, each finding cited
(TCPA, CTIA, the guide). Reads consent from the ledger.
"""

from __future__ import annotations

from smskit.compliance.findings import Finding, Severity
from smskit.compliance.preflight import PlannedMessage, Preflight, preflight, recipient

__all__ = [
    "Finding",
    "PlannedMessage",
    "Preflight",
    "Severity",
    "preflight",
    "recipient",
]
