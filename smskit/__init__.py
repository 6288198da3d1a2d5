"""smskit: learn, plan and run business SMS.

The public API, one screen long. Pure logic: this package never imports ipywidgets, IPython or
(except lazily, in ``smskit.providers.twilio``) twilio.
"""

from __future__ import annotations

from .advice import GsmAdvice, Replacement, back_to_gsm7
from .bulk import count_segments
from .national import NationalShift
from .numbers import InvalidNumber, NumberInfo, parse_number
from .segments import Analysis, AnalysisWarning, Character, CharClass, Segment, analyze
from .smart_encoding import Substitution, apply_smart_encoding

__all__: list[str] = [
    "Analysis",
    "AnalysisWarning",
    "CharClass",
    "Character",
    "GsmAdvice",
    "InvalidNumber",
    "NationalShift",
    "NumberInfo",
    "Replacement",
    "Segment",
    "Substitution",
    "analyze",
    "apply_smart_encoding",
    "back_to_gsm7",
    "count_segments",
    "parse_number",
]
