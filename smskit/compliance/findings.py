"""What a compliance rule says about a planned message: a finding with severity, reason and source.

>>> Finding("quiet_hours", Severity.BLOCK, Text("Outside the allowed hours"), TCPA).severity.value
'block'
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from smskit.i18n.catalog import Text

TCPA = "TCPA 47 CFR 64.1200(c)(1)"
CTIA = "CTIA Messaging Principles & Best Practices (2023)"
GUIDE = "Bisnis SMS: Panduan Utama (respond.io, 2023)"


class Severity(StrEnum):
    """A block stops the send; a warning is shown and the send may go ahead."""

    BLOCK = "block"
    WARN = "warn"


@dataclass(frozen=True, slots=True)
class Finding:
    """One rule's verdict on a planned message."""

    code: str
    severity: Severity
    reason: Text
    source: str
