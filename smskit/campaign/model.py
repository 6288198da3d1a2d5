"""The campaign's data model: sender, audience rows, campaign, planned messages and totals.

Plain frozen values; :func:`smskit.campaign.planner.plan` builds them and
:mod:`smskit.campaign.storage`
stores them.

>>> Sender("toll_free", "+18005550100").throughput
3.0
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from smskit.compliance.preflight import Finding, Severity
from smskit.i18n.catalog import LocalizedError, Text
from smskit.numbers.phone import NumberInfo
from smskit.senders.pacing import DEFAULT_MPS

__all__ = [
    "BLOCK",
    "MAX_BODY",
    "SENDER_KINDS",
    "WARN",
    "Campaign",
    "CampaignPlan",
    "CountryTotal",
    "Finding",
    "PlanTotals",
    "PlannedMessage",
    "ReasonCount",
    "Recipient",
    "Sender",
]

SENDER_KINDS = tuple(DEFAULT_MPS)
BLOCK, WARN = Severity.BLOCK, Severity.WARN
MAX_BODY = 1600  # Twilio rejects longer bodies with error 21617


@dataclass(frozen=True, slots=True)
class Sender:
    """Who the message comes from: a kind (see :data:`SENDER_KINDS`) and its number, ID or MG SID.

    ``segments_per_second`` overrides Twilio's default throughput for the kind (e.g. a 10DLC
    campaign with a higher trust score).

    >>> Sender("long_code", "+14155550100").throughput
    1.0
    """

    kind: str
    address: str
    segments_per_second: float | None = None

    def __post_init__(self) -> None:
        if self.kind not in DEFAULT_MPS:
            raise LocalizedError(
                "Unknown sender type '{kind}'; use one of {kinds}",
                kind=self.kind,
                kinds=", ".join(SENDER_KINDS),
            )
        if not self.address.strip():
            raise LocalizedError("The sender needs a number, ID or Messaging Service SID")

    @property
    def throughput(self) -> float:
        """Segments per second this sender may send (Twilio MPS).

        >>> Sender("short_code", "12345").throughput
        100.0
        """
        return self.segments_per_second or DEFAULT_MPS[self.kind]

    @property
    def is_service(self) -> bool:
        """True for a Messaging Service (sent with MessagingServiceSid instead of From).

        >>> Sender("messaging_service", "MG" + "0" * 32).is_service
        True
        """
        return self.kind == "messaging_service"


def kind_for_address(address: str, current: str) -> str:
    """The sender type that fits ``address``: a Messaging Service SID means a Messaging Service.

    Picking a service offered by the account switches the type; picking a number after a service
    switches back to a long code; anything else keeps the type chosen.

    >>> kind_for_address("MG" + "0" * 32, "long_code")
    'messaging_service'
    >>> kind_for_address("+14155550100", "messaging_service")
    'long_code'
    """
    is_service = re.fullmatch(r"MG[0-9a-fA-F]{32}", address.strip()) is not None
    if is_service:
        return "messaging_service"
    return "long_code" if current == "messaging_service" else current


@dataclass(frozen=True, slots=True)
class Recipient:
    """One audience row: a stable key (contact id), the phone as given, and its template values.

    ``number`` is the already-parsed number when the contact came from an import (saves re-parsing).

    >>> Recipient.of("7", "+14155550100", First_Name="Ana").values
    {'first_name': 'Ana'}
    """

    key: str
    phone: str
    values: Mapping[str, str] = field(default_factory=dict)
    row: int = 0
    number: NumberInfo | None = None

    @classmethod
    def of(cls, key: str, phone: str, row: int = 0, **values: str) -> Recipient:
        """Build a recipient from keyword values (keys lower-cased, as templates match them).

        >>> Recipient.of("a", "+1", 3, code="X").row
        3
        """
        return cls(key, phone, {k.lower(): v for k, v in values.items()}, row)


@dataclass(frozen=True, slots=True)
class Campaign:
    """What to send, from whom and when (``send_at`` None means as soon as allowed).

    >>> Campaign("Promo", "Hi {name|there}", Sender("toll_free", "+18005550100")).purpose
    'marketing'
    """

    name: str
    template: str
    sender: Sender
    send_at: datetime | None = None
    smart_encoding: bool = False
    default_region: str = "US"
    purpose: str = "marketing"  # or "transactional": quiet hours bind marketing (TCPA 64.1200(c))
    scope: str | None = None  # consent scope (brand or sender); None: the sender's address

    @property
    def consent_scope(self) -> str:
        """Whose consent the campaign needs: ``scope``, else the sender's number or ID.

        >>> Campaign("P", "Hi", Sender("short_code", "12345")).consent_scope
        '12345'
        """
        return self.scope or self.sender.address


@dataclass(frozen=True, slots=True)
class PlannedMessage:
    """One recipient's planned message; ``send_at`` is the earliest allowed time (UTC).

    >>> PlannedMessage("k", 1, "+1", "US", None, "GSM-7", 0, Decimal(0), (), None, "").status
    'eligible'
    """

    key: str
    row: int
    to: str
    country: str
    text: str | None
    encoding: str
    segments: int
    cost: Decimal
    findings: tuple[Finding, ...]
    send_at: datetime | None
    time_zone: str

    @property
    def status(self) -> str:
        """``blocked``, ``warned`` or ``eligible``.

        >>> f = Finding("q", WARN, Text("q"), "")
        >>> PlannedMessage("k", 1, "+1", "US", "hi", "GSM-7", 1, Decimal(0), (f,), None, "").status
        'warned'
        """
        if any(f.severity == BLOCK for f in self.findings):
            return "blocked"
        return "warned" if self.findings else "eligible"

    @property
    def sendable(self) -> bool:
        """True when the message will be sent (eligible or only warned).

        >>> PlannedMessage("k", 1, "+1", "US", "hi", "GSM-7", 1, Decimal(0), (), None, "").sendable
        True
        """
        return self.text is not None and self.status != "blocked"


@dataclass(frozen=True, slots=True)
class ReasonCount:
    """How many recipients one finding applies to, with their keys for the expandable list."""

    code: str
    severity: str
    reason: Text
    count: int
    keys: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class CountryTotal:
    """Sendable messages, segments and cost for one destination country."""

    country: str
    messages: int
    segments: int
    cost: Decimal


@dataclass(frozen=True, slots=True)
class PlanTotals:
    """The preflight summary of a plan."""

    recipients: int
    sendable: int
    blocked: int
    warned: int
    segments: int
    cost: Decimal
    currency: str
    by_reason: tuple[ReasonCount, ...]
    by_country: tuple[CountryTotal, ...]
    by_encoding: tuple[tuple[str, int], ...]
    by_segments: tuple[tuple[int, int], ...]  # (segments, how many messages), ascending
    duration_seconds: float  # at the sender's throughput, excluding waits for quiet hours
    first_send_at: datetime | None
    last_window_at: datetime | None  # the latest earliest-allowed time among sendable messages

    @property
    def multi_segment(self) -> int:
        """Sendable messages that cost 2 or more segments.

        >>> from smskit.campaign.planner import plan
        >>> camp = Campaign("L", "x" * 200, Sender("short_code", "1"), purpose="transactional")
        >>> plan(camp, [Recipient.of("a", "+14155550100")]).totals.multi_segment
        1
        """
        return sum(n for segs, n in self.by_segments if segs >= 2)

    @property
    def worst_segments(self) -> int:
        """The most segments any sendable message costs (0 for none).

        >>> from smskit.campaign.planner import plan
        >>> plan(Campaign("E", "Hi", Sender("short_code", "1")), []).totals.worst_segments
        0
        """
        return max((segs for segs, _ in self.by_segments), default=0)


@dataclass(frozen=True, slots=True)
class CampaignPlan:
    """A campaign's plan: each recipient's message and the totals; ``fingerprint`` identifies it."""

    campaign: Campaign
    messages: tuple[PlannedMessage, ...]
    totals: PlanTotals
    planned_at: datetime
    fingerprint: str

    def sendable(self) -> tuple[PlannedMessage, ...]:
        """The messages that will be sent, in audience order.

        >>> from smskit.campaign.planner import plan
        >>> camp = Campaign("T", "Hi", Sender("short_code", "1"), purpose="transactional")
        >>> [m.key for m in plan(camp, [Recipient.of("a", "12")]).sendable()]
        []
        """
        return tuple(m for m in self.messages if m.sendable)
