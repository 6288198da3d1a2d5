"""Compliance preflight: may this message go to this recipient now, and if not, when?

For a planned message and one recipient, :func:`preflight` returns findings (code, severity
``block`` or ``warn``, a translatable reason and the rule's source) and the next time the message
may be sent:

- consent: the recipient must be opted in, unless the message is transactional and the policy
  allows that (CTIA Messaging Principles; Twilio error 21610 for opted-out numbers);
- quiet hours in the recipient's local time (:mod:`smskit.compliance.quiet_hours`; TCPA 47 CFR
  64.1200(c)(1));
- frequency caps per contact (:mod:`smskit.compliance.frequency`);
- the number: a landline cannot receive SMS (Twilio error 21614);
- geography: a short code only reaches its own country, alphanumeric IDs are unsupported or need
  registration in some countries, two-way is not guaranteed in India
  (:mod:`smskit.senders.countries`);
- content (:mod:`smskit.compliance.content`, the one place for these rules): every marketing
  message and any first message carries opt-out instructions, SHAFT categories are flagged, a body
  over 1,600 characters is blocked (Twilio error 21617).

>>> r = recipient("+14155550100")
>>> msg = PlannedMessage("Acme: 20% off today. Reply STOP to opt out.")
>>> result = preflight(msg, r, None, at=datetime(2026, 1, 5, 18, tzinfo=UTC))
>>> [f.code for f in result.findings]
['consent.unknown']
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from smskit.compliance.content import MAX_BODY_CHARACTERS, check_content
from smskit.compliance.findings import CTIA, GUIDE, TCPA, Finding, Severity
from smskit.compliance.frequency import Purpose, SentMessage, cap_release, exceeded_caps
from smskit.compliance.quiet_hours import next_allowed_time, us_state
from smskit.consent.events import ConsentState, ConsentStatus
from smskit.consent.ledger import ConsentLedger
from smskit.i18n.catalog import LocalizedError, Text
from smskit.i18n.formatting import Moment, ZoneNames
from smskit.numbers.phone import parse_number
from smskit.senders.countries import AlphaSupport, Tristate, UnknownCountryError, country

__all__ = [
    "MAX_BODY_CHARACTERS",
    "CompliancePolicy",
    "Finding",
    "PlannedMessage",
    "Preflight",
    "Purpose",
    "Recipient",
    "SentMessage",
    "Severity",
    "content_findings",
    "preflight",
    "preflight_for",
    "recipient",
]


@dataclass(frozen=True, slots=True)
class Recipient:
    """Where a recipient is: E.164 number, country, possible time zones, US state (if any)."""

    phone: str
    region: str
    time_zones: tuple[str, ...]
    state: str = ""
    can_receive_sms: bool = True


def recipient(raw: str, default_region: str | None = None) -> Recipient:
    """Look a number up (phonenumbers) and find its US state from the area code.

    >>> recipient("+1 305 555 0100").state, recipient("+1 305 555 0100").time_zones
    ('FL', ('America/New_York',))
    """
    info = parse_number(raw, default_region)
    return Recipient(
        info.e164, info.region, info.time_zones, us_state(info.e164), info.can_receive_sms
    )


@dataclass(frozen=True, slots=True)
class PlannedMessage:
    """What is about to be sent, and how."""

    body: str
    purpose: Purpose = Purpose.MARKETING
    sender_type: str = "long_code"  # alphanumeric | short_code | long_code | toll_free
    sender_country: str = "US"
    first_message: bool = False
    subject: str = ""
    expects_replies: bool = False


@dataclass(frozen=True, slots=True)
class CompliancePolicy:
    """Choices the law leaves to the sender."""

    allow_transactional_without_consent: bool = True
    quiet_hours_for_transactional: bool = False  # TCPA hours cover solicitations


@dataclass(frozen=True, slots=True)
class Preflight:
    """All findings for one recipient, and when the message may go (None: not until fixed)."""

    recipient: Recipient
    findings: tuple[Finding, ...]
    checked_at: datetime
    next_allowed_at: datetime | None

    @property
    def allowed(self) -> bool:
        """True when nothing blocks sending at ``checked_at``.

        >>> Preflight(Recipient("+1", "US", ()), (), datetime.now(UTC), None).allowed
        True
        """
        return not any(f.severity is Severity.BLOCK for f in self.findings)


def _consent_findings(
    status: ConsentStatus | None, message: PlannedMessage, policy: CompliancePolicy
) -> list[Finding]:
    state = status.state if status else ConsentState.UNKNOWN
    if status is not None and status.state is ConsentState.OPTED_OUT:
        # An opt-out binds transactional messages too; Twilio refuses them with error 21610.
        return [
            Finding(
                "consent.opted_out",
                Severity.BLOCK,
                Text("The recipient opted out"),
                "Twilio error 21610; " + CTIA,
            )
        ]
    if status is not None and status.needs_review:
        return [
            Finding(
                "consent.review",
                Severity.BLOCK,
                Text(
                    "A reply may have revoked consent; review it by {due}",
                    due=str(status.review_due),
                ),
                "FCC 24-24 (47 CFR 64.1200(a)(10)): honour revocation within 10 business days",
            )
        ]
    if status is not None and status.can_send:
        return []
    if message.purpose is Purpose.TRANSACTIONAL and policy.allow_transactional_without_consent:
        return []
    if state is ConsentState.PENDING:
        return [
            Finding(
                "consent.pending",
                Severity.BLOCK,
                Text("The recipient has not confirmed the double opt-in yet"),
                CTIA,
            )
        ]
    return [
        Finding(
            "consent.unknown",
            Severity.BLOCK,
            Text("No record that the recipient opted in"),
            CTIA + "; " + GUIDE + " (having a number is not consent)",
        )
    ]


def _geography_findings(message: PlannedMessage, to: Recipient) -> list[Finding]:
    findings = []
    if not to.can_receive_sms:
        findings.append(
            Finding(
                "number.landline",
                Severity.BLOCK,
                Text("{phone} is a landline and cannot receive SMS", phone=to.phone),
                "Twilio error 21614",
            )
        )
    kind = message.sender_type
    if kind == "short_code" and to.region != message.sender_country.upper():
        findings.append(
            Finding(
                "geo.short_code_abroad",
                Severity.BLOCK,
                Text(
                    "A {sender} short code only reaches numbers in {sender}, not {country}",
                    sender=message.sender_country.upper(),
                    country=to.region,
                ),
                GUIDE + " (short codes are domestic only)",
            )
        )
    try:
        info = country(to.region)
    except (UnknownCountryError, LocalizedError):
        findings.append(
            Finding(
                "geo.no_data",
                Severity.WARN,
                Text("No sender rules for {country} yet: check before sending", country=to.region),
                "data/countries.csv",
            )
        )
        return findings
    if kind == "alphanumeric" and info.alpha_support is AlphaSupport.NOT_SUPPORTED:
        findings.append(
            Finding(
                "geo.alpha_unsupported",
                Severity.BLOCK,
                Text("{country} does not accept alphanumeric sender IDs", country=to.region),
                info.source,
            )
        )
    elif kind == "alphanumeric" and info.alpha_support is AlphaSupport.PRE_REGISTRATION:
        findings.append(
            Finding(
                "geo.alpha_registration",
                Severity.WARN,
                Text(
                    "{country} needs the alphanumeric sender ID registered first",
                    country=to.region,
                ),
                info.source,
            )
        )
    if message.expects_replies and (
        kind == "alphanumeric"
        or info.two_way is Tristate.NO
        or info.sender_rewriting is Tristate.YES
    ):
        findings.append(
            Finding(
                "geo.no_two_way",
                Severity.WARN,
                Text("Replies may not come back from {country}", country=to.region),
                info.source + "; " + GUIDE + " (India rewrites sender numbers)",
            )
        )
    return findings


def content_findings(message: PlannedMessage) -> list[Finding]:
    """Content rules (:func:`smskit.compliance.content.check_content`) for this message.

    Opt-out wording is required of every marketing message and of any first message.

    >>> [f.code for f in content_findings(PlannedMessage("Casino night!", first_message=True))]
    ['content.no_opt_out', 'content.shaft.gambling']
    >>> content_findings(PlannedMessage("Order shipped.", purpose=Purpose.TRANSACTIONAL))
    []
    """
    return check_content(message.body, message.first_message, message.purpose)


def preflight(
    message: PlannedMessage,
    to: Recipient,
    consent: ConsentStatus | None,
    history: Sequence[SentMessage] = (),
    at: datetime | None = None,
    policy: CompliancePolicy = CompliancePolicy(),
    *,
    content: Sequence[Finding] | None = None,
) -> Preflight:
    """Check one planned message for one recipient; say when it may be sent.

    ``content`` is :func:`content_findings` already worked out by the caller: a campaign judges its
    template's words once for all recipients, and each rendered text's length on its own
    (:mod:`smskit.campaign.plan_compliance`); None judges ``message.body`` here.

    >>> late = datetime(2026, 1, 6, 2, 30, tzinfo=UTC)  # 21:30 in New York
    >>> msg = PlannedMessage("Your order shipped.", purpose=Purpose.TRANSACTIONAL)
    >>> p = preflight(msg, recipient("+12125550123"), None, at=late)
    >>> p.allowed, [f.code for f in p.findings]
    (True, ['quiet_hours'])
    """
    now = datetime.now(UTC) if at is None else at
    if now.tzinfo is None:
        raise LocalizedError("The time {time} has no time zone", time=now)
    findings = _consent_findings(consent, message, policy)
    findings += _geography_findings(message, to)
    findings += content_findings(message) if content is None else content
    permanent = any(f.severity is Severity.BLOCK for f in findings)

    hours_apply = message.purpose is Purpose.MARKETING or policy.quiet_hours_for_transactional
    zones = to.time_zones or ("UTC",)
    if not to.time_zones:
        findings.append(
            Finding(
                "quiet_hours.unknown_zone",
                Severity.WARN,
                Text("Time zone unknown: quiet hours are checked in UTC"),
                TCPA,
            )
        )
    findings += _cap_findings(message, to, history, now)
    if next_allowed_time(zones, to.region, to.state, now) != now:
        findings.append(
            Finding(
                "quiet_hours",
                Severity.BLOCK if hours_apply else Severity.WARN,
                Text(
                    "Outside the allowed hours in the recipient's time zone ({zones})",
                    zones=ZoneNames(tuple(zones)),
                ),
                TCPA + "; data/quiet_hours.csv",
            )
        )
    next_at = None if permanent else _next_time(message, to, zones, history, now, hours_apply)
    return Preflight(to, tuple(findings), now, next_at)


def preflight_for(
    ledger: ConsentLedger,
    message: PlannedMessage,
    phone: str,
    scope: str,
    history: Sequence[SentMessage] = (),
    at: datetime | None = None,
    policy: CompliancePolicy = CompliancePolicy(),
) -> Preflight:
    """Preflight a number straight from the consent ledger (looks up place and consent).

    >>> from smskit.consent.ledger import ConsentLedger
    >>> from smskit.store.database import Store
    >>> ledger = ConsentLedger(Store.open("sqlite://"))
    >>> _ = ledger.handle_inbound("+14155550100", "Acme", "START")
    >>> noon_la = datetime(2026, 1, 6, 20, tzinfo=UTC)
    >>> preflight_for(ledger, PlannedMessage("Sale! Reply STOP to opt out."), "+14155550100",
    ...               "Acme", at=noon_la).allowed
    True
    """
    to = recipient(phone)
    return preflight(message, to, ledger.status(to.phone, scope), history, at, policy)


def _next_time(
    message: PlannedMessage,
    to: Recipient,
    zones: Sequence[str],
    history: Sequence[SentMessage],
    at: datetime,
    hours_apply: bool,
) -> datetime | None:
    """Alternate cap releases and quiet-hours windows until both allow the same moment."""
    current = at
    for _ in range(32):
        released = cap_release(
            message.purpose, message.subject, message.body, to.region, to.state, history, current
        )
        windowed = (
            next_allowed_time(zones, to.region, to.state, released) if hours_apply else released
        )
        if windowed is None or windowed == current:
            return windowed
        current = windowed
    return current


def _cap_findings(
    message: PlannedMessage, to: Recipient, history: Sequence[SentMessage], at: datetime
) -> list[Finding]:
    return [
        Finding(
            f"frequency.{cap.counts}",
            Severity.BLOCK,
            Text(
                "Already {count} messages within {hours} h (limit {limit}); next after {until}",
                count=count,
                hours=cap.period_hours,
                limit=cap.max_messages,
                until=Moment(until),
            ),
            cap.source,
        )
        for cap, count, until in exceeded_caps(
            message.purpose, message.subject, message.body, to.region, to.state, history, at
        )
    ]
