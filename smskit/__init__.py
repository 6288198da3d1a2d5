"""smskit: learn, plan and run business SMS.

The public API, one screen long. Names are imported on first use (PEP 562), so that
``from smskit import analyze`` loads the encoding engine and not the database, pandas or twilio.
Pure logic: this package never imports ipywidgets or IPython.

The subpackages, bottom to top (a package imports only from those below it, see
``tests/test_layering.py``)::

    i18n                      English and Bahasa Indonesia
    encoding, numbers         segments and encodings; phone numbers
    senders, guide            sender types, prices, pacing; what the guide teaches
    providers                 the Provider protocol, the Twilio and Vonage clients
    store                     SQLite or PostgreSQL, migrations
    consent                   keywords in any language, the event-sourced ledger
    contacts, compliance      contact files and saved contacts; preflight: quiet hours, caps
    campaign                  templates, audience, plan, results
    sending                   the runner, the exactly-once ledger, tracking
    webhooks, simulator, cli  the services and the command line

>>> from smskit import analyze
>>> analyze("hello").segment_count
1
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

# name -> the module that defines it
_EXPORTS: dict[str, str] = {
    "Analysis": "smskit.encoding.segments",
    "AnalysisWarning": "smskit.encoding.segments",
    "Campaign": "smskit.campaign.model",
    "CampaignPlan": "smskit.campaign.model",
    "CampaignRunner": "smskit.sending.runner",
    "ChannelCost": "smskit.guide.channels",
    "CharClass": "smskit.encoding.segments",
    "Character": "smskit.encoding.segments",
    "ConsentLedger": "smskit.consent.ledger",
    "ConsentState": "smskit.consent.events",
    "ContactImporter": "smskit.contacts.importer",
    "Inbox": "smskit.conversations.inbox",
    "Country": "smskit.senders.countries",
    "Credentials": "smskit.providers.credentials",
    "Finding": "smskit.compliance.findings",
    "GsmAdvice": "smskit.encoding.advice",
    "ImportReport": "smskit.contacts.report",
    "InvalidNumber": "smskit.numbers.phone",
    "KeywordKind": "smskit.consent.keywords",
    "MessageRecord": "smskit.providers",
    "NationalShift": "smskit.encoding.national",
    "Needs": "smskit.senders.recommender",
    "NumberInfo": "smskit.numbers.phone",
    "Pacer": "smskit.senders.pacing",
    "PlannedMessage": "smskit.compliance.preflight",
    "Preflight": "smskit.compliance.preflight",
    "PriceTable": "smskit.senders.price_table",
    "Program": "smskit.consent.auto_replies",
    "Provider": "smskit.providers",
    "ProviderError": "smskit.providers",
    "Recommendation": "smskit.senders.recommender",
    "Replacement": "smskit.encoding.advice",
    "Segment": "smskit.encoding.segments",
    "Sender": "smskit.campaign.model",
    "SenderType": "smskit.senders.catalogue",
    "SentMessage": "smskit.providers",
    "Severity": "smskit.compliance.findings",
    "Store": "smskit.store.database",
    "Substitution": "smskit.encoding.smart_encoding",
    "UseCase": "smskit.senders.catalogue",
    "analyze": "smskit.encoding.segments",
    "apply_smart_encoding": "smskit.encoding.smart_encoding",
    "back_to_gsm7": "smskit.encoding.advice",
    "broadcast_time": "smskit.senders.types",
    "campaign_cost": "smskit.senders.pricing",
    "check_format": "smskit.providers.credentials",
    "classify_reply": "smskit.consent.keywords",
    "compare_costs": "smskit.senders.pricing",
    "count_segments": "smskit.encoding.bulk",
    "country": "smskit.senders.countries",
    "current_actor": "smskit.team.actor",
    "current_actor_name": "smskit.team.actor",
    "import_contacts": "smskit.contacts.importer",
    "ownership_cost": "smskit.senders.pricing",
    "parse_number": "smskit.numbers.phone",
    "parse_template": "smskit.campaign.templates",
    "plan": "smskit.campaign.planner",
    "preflight": "smskit.compliance.preflight",
    "recipient": "smskit.compliance.preflight",
    "recommend": "smskit.senders.recommender",
    "save_plan": "smskit.campaign.storage",
    "sms_vs_mms": "smskit.guide.channels",
    "validate_sender": "smskit.senders.types",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    """Import a public name from its module the first time it is used (PEP 562)."""
    try:
        module = _EXPORTS[name]
    except KeyError:
        raise AttributeError(f"module 'smskit' has no attribute {name!r}") from None
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value  # later lookups skip this function
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))


if TYPE_CHECKING:  # for type checkers and IDEs: the same names, imported eagerly
    from smskit.campaign.model import Campaign, CampaignPlan, Sender
    from smskit.campaign.planner import plan
    from smskit.campaign.storage import save_plan
    from smskit.campaign.templates import parse_template
    from smskit.compliance.findings import Finding, Severity
    from smskit.compliance.preflight import PlannedMessage, Preflight, preflight, recipient
    from smskit.consent.auto_replies import Program
    from smskit.consent.events import ConsentState
    from smskit.consent.keywords import KeywordKind, classify_reply
    from smskit.consent.ledger import ConsentLedger
    from smskit.contacts.importer import ContactImporter, import_contacts
    from smskit.contacts.report import ImportReport
    from smskit.conversations.inbox import Inbox
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
    from smskit.guide.channels import ChannelCost, sms_vs_mms
    from smskit.numbers.phone import InvalidNumber, NumberInfo, parse_number
    from smskit.providers import MessageRecord, Provider, ProviderError, SentMessage
    from smskit.providers.credentials import Credentials, check_format
    from smskit.senders.catalogue import SenderType, UseCase
    from smskit.senders.countries import Country, country
    from smskit.senders.pacing import Pacer
    from smskit.senders.price_table import PriceTable
    from smskit.senders.pricing import campaign_cost, compare_costs, ownership_cost
    from smskit.senders.recommender import Needs, Recommendation, recommend
    from smskit.senders.types import broadcast_time, validate_sender
    from smskit.sending.runner import CampaignRunner
    from smskit.store.database import Store
    from smskit.team.actor import current_actor, current_actor_name
