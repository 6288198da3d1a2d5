"""Plan a campaign: who gets which text, when, at what cost, and why some will not get it.

A campaign has four parts: an audience (:class:`Recipient` rows), a template with placeholders
(:mod:`smskit.templates`), a :class:`Sender` and a schedule (now, or ``send_at``). :func:`plan`
works out, for each recipient, the rendered text, its encoding, segments and cost, the compliance
findings and the earliest allowed send time in the recipient's zone, and totals them up
(:class:`PlanTotals`). A plan is a pure function of its inputs, so planning twice gives the same
result and the same :attr:`CampaignPlan.fingerprint`; :func:`smskit.sending.save_plan` stores it.

Findings of severity ``block`` keep a recipient out of the send; ``warn`` findings are shown in the
preflight but the message goes. A missing placeholder value blocks the row: "Hi {first_name}" is
never sent.

>>> from datetime import datetime, UTC
>>> camp = Campaign("Spring", "Hi {name|there}, 20% off today", Sender("short_code", "12345"))
>>> ana = Recipient.of("1", "+14155550100", name="Ana")
>>> p = plan(camp, [ana], now=datetime(2026, 3, 2, 18, tzinfo=UTC))
>>> m = p.messages[0]
>>> m.text, m.encoding, m.segments, m.status
('Hi Ana, 20% off today', 'GSM-7', 1, 'eligible')
"""

from __future__ import annotations

import functools
import hashlib
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal

from smskit.bulk import count_segments
from smskit.countries import country as country_record
from smskit.gsm7 import GSM_CHARS
from smskit.i18n import N_, LocalizedError, Text
from smskit.numbers import InvalidNumber, NumberInfo, parse_number
from smskit.pacing import DEFAULT_MPS, sending_seconds
from smskit.segments import GSM7, UCS2
from smskit.smart_encoding import translation_table
from smskit.templates import Template, parse_template

__all__ = [
    "SENDER_KINDS",
    "Campaign",
    "CampaignPlan",
    "CountryTotal",
    "Finding",
    "PlanTotals",
    "PlannedMessage",
    "ReasonCount",
    "Recipient",
    "Sender",
    "plan",
]

SENDER_KINDS = tuple(DEFAULT_MPS)
BLOCK, WARN = "block", "warn"
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


@dataclass(frozen=True, slots=True)
class Finding:
    """A reason a recipient is held back (``block``) or flagged (``warn``), in plain words.

    >>> Finding("landline", "block", Text("Landline")).blocks
    True
    """

    code: str
    severity: str
    reason: Text

    @property
    def blocks(self) -> bool:
        """True when this finding keeps the message from being sent.

        >>> Finding("x", "warn", Text("x")).blocks
        False
        """
        return self.severity == BLOCK


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

        >>> f = Finding("q", "warn", Text("q"))
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
        """Sendable messages that cost 2 or more segments."""
        return sum(n for segs, n in self.by_segments if segs >= 2)

    @property
    def worst_segments(self) -> int:
        """The most segments any sendable message costs (0 for none)."""
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
        """The messages that will be sent, in audience order."""
        return tuple(m for m in self.messages if m.sendable)


def plan(
    campaign: Campaign,
    audience: Iterable[Recipient],
    *,
    now: datetime | None = None,
    consent: object | None = None,
    unreachable: Mapping[str, str] | None = None,
) -> CampaignPlan:
    """Plan ``campaign`` for ``audience``: per-recipient messages, findings, cost and timing.

    ``now`` defaults to the current minute (truncated, so planning twice gives the same plan);
    ``consent`` is a consent ledger (see :mod:`smskit.consent`); ``unreachable`` maps E.164 numbers
    already marked invalid or landline by earlier campaigns to the reason code.

    >>> camp = Campaign("T", "Code {code}", Sender("short_code", "12345"))
    >>> p = plan(camp, [Recipient.of("a", "+14155550100"), Recipient.of("b", "12")])
    >>> [m.status for m in p.messages], p.totals.blocked
    (['blocked', 'blocked'], 2)
    """
    moment = (now or datetime.now(UTC)).astimezone(UTC)
    if now is None:
        moment = moment.replace(second=0, microsecond=0)
    template = parse_template(campaign.template)
    return _build(campaign, template, list(audience), moment, consent, unreachable or {})


def parse_recipient_number(recipient: Recipient, default_region: str) -> NumberInfo | Finding:
    """The recipient's parsed number, or the blocking finding that explains why it cannot be used.

    >>> parse_recipient_number(Recipient.of("k", "12"), "").code
    'invalid_number'
    """
    if recipient.number is not None:
        return recipient.number
    try:
        return parse_number(recipient.phone, default_region or None)
    except InvalidNumber as error:
        return Finding("invalid_number", BLOCK, error.text)


def fingerprint(campaign: Campaign, template: Template, audience: list[Recipient]) -> str:
    """A stable hash of the campaign and the audience, used as the stored plan's identity.

    >>> c = Campaign("T", "Hi", Sender("short_code", "12345"))
    >>> fingerprint(c, parse_template("Hi"), []) == fingerprint(c, parse_template("Hi"), [])
    True
    """
    digest = hashlib.sha256()
    s = campaign.sender
    head = (campaign.name, template.source, s.kind, s.address, str(s.segments_per_second))
    tail = (str(campaign.send_at), campaign.smart_encoding, campaign.default_region)
    digest.update(repr(head + tail + (campaign.purpose,)).encode())
    for r in audience:
        digest.update(repr((r.key, r.phone, sorted(r.values.items()))).encode())
    return digest.hexdigest()[:32]


# Group labels for the preflight: one plain sentence per finding code (row details stay per row).
_LABELS: dict[str, str] = {
    "invalid_number": N_("Invalid phone number"),
    "landline": N_("Landline: cannot receive SMS"),
    "unreachable": N_("Marked unreachable by an earlier campaign"),
    "duplicate": N_("Same phone number as another recipient"),
    "missing_field": N_("Missing a value for a placeholder"),
    "too_long": N_("Message over 1,600 characters (Twilio error 21617)"),
    "no_price": N_("No price known for this country"),
}


def _label(finding: Finding) -> Text:
    template = _LABELS.get(finding.code)
    return Text(template) if template else finding.reason


def _row_findings(
    r: Recipient,
    campaign: Campaign,
    template: Template,
    seen: dict[str, str],
    unreachable: Mapping[str, str],
) -> tuple[NumberInfo | None, str | None, list[Finding]]:
    """Number, rendered text and the content/number findings for one recipient."""
    findings: list[Finding] = []
    info = parse_recipient_number(r, campaign.default_region)
    number: NumberInfo | None = None
    if isinstance(info, Finding):
        findings.append(info)
    else:
        number = info
        if not info.can_receive_sms:
            findings.append(
                Finding("landline", BLOCK, Text("{number} is a landline", number=info.e164))
            )
        elif info.e164 in unreachable:
            findings.append(
                Finding(
                    "unreachable",
                    BLOCK,
                    Text(
                        "{number} failed before ({why}); skipped",
                        number=info.e164,
                        why=unreachable[info.e164],
                    ),
                )
            )
        first = seen.setdefault(info.e164, r.key)
        if first != r.key:
            findings.append(
                Finding("duplicate", BLOCK, Text("Same number as recipient {key}", key=first))
            )
    rendering = template.render_normalised(r.values)
    text = rendering.text
    if text is None:
        findings.append(Finding("missing_field", BLOCK, rendering.reason() or Text("")))
    elif len(text) > MAX_BODY:
        findings.append(
            Finding("too_long", BLOCK, Text("{n} characters; the limit is 1,600", n=len(text)))
        )
    return number, text, findings


def _build(
    campaign: Campaign,
    template: Template,
    audience: list[Recipient],
    now: datetime,
    consent: object | None,
    unreachable: Mapping[str, str],
) -> CampaignPlan:
    start = max(now, campaign.send_at.astimezone(UTC)) if campaign.send_at else now
    seen: dict[str, str] = {}
    rows = [_row_findings(r, campaign, template, seen, unreachable) for r in audience]
    counted = segment_counts(
        [text if text is not None else "" for _, text, _ in rows], campaign.smart_encoding
    )
    checks = compliance_checks(campaign, audience, [n for n, _, _ in rows], start, consent)
    messages = []
    for r, (number, text, findings), (encoding, segments), (extra, allowed) in zip(
        audience, rows, counted, checks, strict=True
    ):
        findings.extend(extra)
        country = number.region if number else ""
        price = price_per_segment(country) if number else None
        if number is not None and price is None:
            findings.append(Finding("no_price", WARN, Text("No price known for {c}", c=country)))
        usable = text is not None
        messages.append(
            PlannedMessage(
                key=r.key,
                row=r.row,
                to=number.e164 if number else r.phone,
                country=country,
                text=text,
                encoding=encoding if usable else "",
                segments=segments if usable else 0,
                cost=(price or Decimal(0)) * segments if usable else Decimal(0),
                findings=tuple(findings),
                send_at=max(allowed, start) if allowed else start,
                time_zone=number.time_zones[0] if number and number.time_zones else "",
            )
        )
    totals = summarise(messages, campaign.sender)
    return CampaignPlan(
        campaign, tuple(messages), totals, now, fingerprint(campaign, template, audience)
    )


def segment_counts(texts: list[str], smart_encoding: bool = False) -> list[tuple[str, int]]:
    """Encoding and billed segments for each text, via the encoding engine's bulk counter.

    >>> segment_counts(["Hi", "Hi 😀", "a" * 161])
    [('GSM-7', 1), ('UCS-2', 1), ('GSM-7', 2)]
    """
    counts = count_segments(texts, smart_encoding=smart_encoding)
    table = translation_table() if smart_encoding else None
    gsm = GSM_CHARS
    out = []
    for text, count in zip(texts, counts, strict=True):
        body = text.translate(table) if table is not None else text
        out.append((GSM7 if gsm.issuperset(body) else UCS2, count))
    return out


@functools.cache
def price_per_segment(country: str) -> Decimal | None:
    """The outbound price per segment for an ISO country code, None when it is not in the table.

    >>> price_per_segment("US")
    Decimal('0.0083')
    """
    try:
        return country_record(country).price_per_segment
    except LookupError:
        return None


def compliance_checks(
    campaign: Campaign,
    audience: list[Recipient],
    numbers: list[NumberInfo | None],
    start: datetime,
    consent: object | None,
) -> list[tuple[tuple[Finding, ...], datetime | None]]:
    """Compliance findings and the earliest allowed send time (UTC) for each recipient.

    >>> c = Campaign("T", "Hi", Sender("short_code", "12345"))
    >>> compliance_checks(c, [], [], datetime(2026, 1, 1, tzinfo=UTC), None)
    []
    """
    return [((), None) for _ in audience]


def summarise(messages: list[PlannedMessage], sender: Sender) -> PlanTotals:
    """Totals for the preflight: counts by reason, segments and cost by country, duration.

    >>> summarise([], Sender("short_code", "12345")).recipients
    0
    """
    reasons: dict[tuple[str, str], list[str]] = {}
    labels: dict[tuple[str, str], Text] = {}
    countries: dict[str, list[int | Decimal]] = {}
    encodings: Counter[str] = Counter()
    sizes: Counter[int] = Counter()
    sendable = blocked = warned = 0
    first: datetime | None = None
    last: datetime | None = None
    for m in messages:
        for f in m.findings:
            group = (f.code, f.severity)
            reasons.setdefault(group, []).append(m.key)
            labels.setdefault(group, _label(f))
        status = m.status
        if status == "blocked":
            blocked += 1
            continue
        warned += status == "warned"
        sendable += 1
        totals = countries.setdefault(m.country, [0, 0, Decimal(0)])
        totals[0] += 1
        totals[1] += m.segments
        totals[2] += m.cost
        encodings[m.encoding] += 1
        sizes[m.segments] += 1
        if m.send_at is not None:
            first = m.send_at if first is None else min(first, m.send_at)
            last = m.send_at if last is None else max(last, m.send_at)
    by_country = tuple(
        CountryTotal(code, int(n), int(segs), Decimal(cost))
        for code, (n, segs, cost) in sorted(countries.items(), key=lambda kv: -kv[1][2])
    )
    segments = sum(c.segments for c in by_country)
    by_reason = tuple(
        ReasonCount(code, severity, labels[(code, severity)], len(keys), tuple(keys))
        for (code, severity), keys in sorted(
            reasons.items(), key=lambda kv: (kv[0][1] != BLOCK, -len(kv[1]), kv[0][0])
        )
    )
    return PlanTotals(
        recipients=len(messages),
        sendable=sendable,
        blocked=blocked,
        warned=warned,
        segments=segments,
        cost=sum((c.cost for c in by_country), Decimal(0)),
        currency="USD",
        by_reason=by_reason,
        by_country=by_country,
        by_encoding=tuple(sorted(encodings.items())),
        by_segments=tuple(sorted(sizes.items())),
        duration_seconds=sending_seconds(segments, sender.throughput),
        first_send_at=first,
        last_window_at=last,
    )
