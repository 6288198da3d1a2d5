"""smskit: learn, plan and run business SMS.

The public API, one screen long. Pure logic: this package never imports ipywidgets, IPython or
(except lazily, in ``smskit.providers.twilio``) twilio.
"""

from __future__ import annotations

from .advice import GsmAdvice, Replacement, back_to_gsm7
from .bulk import count_segments
from .compliance import Finding, PlannedMessage, Preflight, Severity, preflight, recipient
from .consent import ConsentLedger, Program
from .consent_events import ConsentState
from .keywords import KeywordKind, classify_reply
from .national import NationalShift
from .numbers import InvalidNumber, NumberInfo, parse_number
from .segments import Analysis, AnalysisWarning, Character, CharClass, Segment, analyze
from .smart_encoding import Substitution, apply_smart_encoding

__all__: list[str] = [
    "Analysis",
    "AnalysisWarning",
    "CharClass",
    "Character",
    "ConsentLedger",
    "ConsentState",
    "Finding",
    "GsmAdvice",
    "InvalidNumber",
    "KeywordKind",
    "NationalShift",
    "NumberInfo",
    "PlannedMessage",
    "Preflight",
    "Program",
    "Replacement",
    "Segment",
    "Severity",
    "Substitution",
    "analyze",
    "apply_smart_encoding",
    "back_to_gsm7",
    "classify_reply",
    "count_segments",
    "parse_number",
    "preflight",
    "recipient",
]
