"""How a message is encoded and split into billed segments (3GPP TS 23.038 and TS 23.040).

GSM-7 and its national shift tables, UCS-2, grapheme clusters, Twilio's Smart Encoding, the octets
of each segment (PDU), "back to GSM-7" advice and fast counts for whole campaigns. The bottom layer:
it imports nothing from the rest of smskit but :mod:`smskit.i18n` and the reference tables.
"""

from __future__ import annotations

from smskit.encoding.advice import GsmAdvice, Replacement, back_to_gsm7
from smskit.encoding.bulk import count_segments
from smskit.encoding.national import NationalShift
from smskit.encoding.segments import (
    Analysis,
    AnalysisWarning,
    Character,
    CharClass,
    Segment,
    analyze,
)
from smskit.encoding.smart_encoding import Substitution, apply_smart_encoding

__all__ = [
    "Analysis",
    "AnalysisWarning",
    "CharClass",
    "Character",
    "GsmAdvice",
    "NationalShift",
    "Replacement",
    "Segment",
    "Substitution",
    "analyze",
    "apply_smart_encoding",
    "back_to_gsm7",
    "count_segments",
]
