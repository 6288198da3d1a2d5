"""smskit: learn, plan and run business SMS.

The public API, one screen long. Pure logic: this package never imports ipywidgets, IPython or
(except lazily, in ``smskit.providers.twilio``) twilio.
"""

from __future__ import annotations

from .advice import GsmAdvice, Replacement, back_to_gsm7
from .auto_replies import Program
from .bulk import count_segments
from .campaign import Campaign, CampaignPlan, Sender, plan
from .campaign_store import save_plan
from .channels import ChannelCost, sms_vs_mms
from .compliance import Finding, PlannedMessage, Preflight, Severity, preflight, recipient
from .consent import ConsentLedger
from .consent_events import ConsentState
from .contacts import ContactImporter, ImportReport, import_contacts
from .countries import Country, country
from .credentials import Credentials, check_format
from .keywords import KeywordKind, classify_reply
from .national import NationalShift
from .numbers import InvalidNumber, NumberInfo, parse_number
from .pacing import Pacer
from .price_table import PriceTable
from .pricing import campaign_cost, compare_costs, ownership_cost
from .providers import MessageRecord, Provider, ProviderError, SentMessage
from .recommender import Needs, Recommendation, recommend
from .segments import Analysis, AnalysisWarning, Character, CharClass, Segment, analyze
from .senders import SenderType, UseCase, broadcast_time, validate_sender
from .sending import CampaignRunner
from .smart_encoding import Substitution, apply_smart_encoding
from .store import Store
from .templates import parse_template

__all__: list[str] = [
    "Analysis",
    "AnalysisWarning",
    "Campaign",
    "CampaignPlan",
    "CampaignRunner",
    "ChannelCost",
    "CharClass",
    "Character",
    "ConsentLedger",
    "ConsentState",
    "ContactImporter",
    "Country",
    "Credentials",
    "Finding",
    "GsmAdvice",
    "ImportReport",
    "InvalidNumber",
    "KeywordKind",
    "MessageRecord",
    "NationalShift",
    "Needs",
    "NumberInfo",
    "Pacer",
    "PlannedMessage",
    "Preflight",
    "PriceTable",
    "Program",
    "Provider",
    "ProviderError",
    "Recommendation",
    "Replacement",
    "Segment",
    "Sender",
    "SenderType",
    "SentMessage",
    "Severity",
    "Store",
    "Substitution",
    "UseCase",
    "analyze",
    "apply_smart_encoding",
    "back_to_gsm7",
    "broadcast_time",
    "campaign_cost",
    "check_format",
    "classify_reply",
    "compare_costs",
    "count_segments",
    "country",
    "import_contacts",
    "ownership_cost",
    "parse_number",
    "parse_template",
    "plan",
    "preflight",
    "recipient",
    "recommend",
    "save_plan",
    "sms_vs_mms",
    "validate_sender",
]
