"""The compliance half of :func:`smskit.campaign.planner.plan`: preflight findings and send times.

Each recipient is checked by :func:`smskit.compliance.preflight.preflight` (consent, geography,
content,
quiet hours, frequency caps). Results are shared between recipients in the same situation, so a
million recipients cost a few hundred preflights; only a recipient whose own sending history
breaks a cap (:mod:`smskit.campaign.send_history`) gets a preflight of their own.

>>> consent_map(None, "Acme")
{}
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from smskit.campaign.model import BLOCK, WARN, Campaign, Finding
from smskit.campaign.templates import Template
from smskit.compliance.frequency import Purpose, SentMessage, exceeded_caps
from smskit.compliance.preflight import PlannedMessage as CheckedMessage
from smskit.compliance.preflight import Recipient as CheckedRecipient
from smskit.compliance.preflight import content_findings, preflight
from smskit.compliance.quiet_hours import us_state
from smskit.consent.events import ConsentStatus
from smskit.i18n.catalog import Text
from smskit.i18n.formatting import Moment
from smskit.numbers.phone import InvalidNumber, NumberInfo, parse_number

__all__ = ["compliance_checks", "consent_map"]


def compliance_checks(
    campaign: Campaign,
    numbers: list[NumberInfo | None],
    template: Template,
    start: datetime,
    consent: Mapping[str, ConsentStatus],
    history: Mapping[str, Sequence[SentMessage]] | None = None,
) -> list[tuple[tuple[Finding, ...], datetime | None]]:
    """Compliance findings and the earliest allowed send time (UTC) for each recipient.

    Rules come from :func:`smskit.compliance.preflight.preflight`, the Consent dashboard's own
    check, so both give one verdict on one text (:mod:`smskit.compliance.content`: a marketing
    message must say how to opt out). Content rules (opt-out wording, SHAFT terms) are checked on
    the template's own words and fallbacks, once; the body's length is not: it is judged on each
    recipient's rendered text (:func:`smskit.campaign.checks.row_findings`), so a long fallback
    blocks only the recipients who get it. The rest depends only on where the recipient is and
    their consent, so results are shared between recipients in the same situation. A quiet-hours
    finding is not a refusal: the message waits for its window (``warn``); nor is a frequency cap
    (:mod:`smskit.compliance.frequency`) broken by the messages ``history`` says the recipient was
    already sent: the message waits until the rolling window has room again.

    >>> from datetime import UTC
    >>> from smskit.campaign.model import Sender
    >>> c = Campaign("T", "Hi", Sender("short_code", "12345"))
    >>> from smskit.campaign.templates import parse_template
    >>> compliance_checks(c, [None], parse_template("Hi"), datetime(2026, 1, 1, tzinfo=UTC), {})
    [((), None)]
    """
    neutral = CheckedMessage(
        body="".join(p if isinstance(p, str) else (p.fallback or "") for p in template.parts),
        purpose=Purpose(campaign.purpose),
        sender_type="long_code" if campaign.sender.is_service else campaign.sender.kind,
        sender_country=_sender_country(campaign),
    )
    # The same content rules as the Consent dashboard's preflight, judged once on the template's
    # words and fallbacks; the length is left to each rendered text (checks.row_findings).
    words = tuple(f for f in content_findings(neutral) if f.code != "content.too_long")
    cache: dict[tuple[object, ...], tuple[tuple[Finding, ...], datetime | None]] = {}
    out: list[tuple[tuple[Finding, ...], datetime | None]] = []
    for number in numbers:
        if number is None:
            out.append(((), None))
            continue
        status = consent.get(number.e164)
        area = number.e164[2:5] if number.region == "US" else ""  # the state comes from it
        key = (number.region, area, number.time_zones, _consent_key(status))
        found = cache.get(key)
        if found is None:
            state = us_state(number.e164) if area else ""
            to = CheckedRecipient(number.e164, number.region, number.time_zones, state)
            result = preflight(neutral, to, status, (), start, content=words)
            found = cache[key] = (
                _waits(result.findings, result.next_allowed_at),
                result.next_allowed_at,
            )
        sent = history.get(number.e164, ()) if history else ()
        # A message that cannot go anyway (found[1] is None) does not wait for a cap either.
        if sent and found[1] is not None and _capped(neutral, number, sent, start):
            state = us_state(number.e164) if area else ""
            to = CheckedRecipient(number.e164, number.region, number.time_zones, state)
            result = preflight(neutral, to, status, sent, start, content=words)
            found = (_waits(result.findings, result.next_allowed_at), result.next_allowed_at)
        out.append(found)
    return out


def _capped(
    message: CheckedMessage, number: NumberInfo, sent: Sequence[SentMessage], start: datetime
) -> bool:
    """True when ``sent`` changes the preflight: a cap is full at ``start``, or a send is later.

    Windows only lose messages as time passes, so a history with no full cap at ``start`` and
    nothing after it can never delay the message: the shared result (no history) holds.
    """
    if any(s.sent_at > start for s in sent):
        return True
    state = us_state(number.e164) if number.region == "US" else ""
    caps = exceeded_caps(
        message.purpose, message.subject, message.body, number.region, state, sent, start
    )
    return bool(caps)


def _consent_key(status: ConsentStatus | None) -> tuple[object, ...]:
    if status is None:
        return (None,)
    return (status.state, status.needs_review, status.can_send, status.review_due)


def _waits(findings: tuple[Finding, ...], next_at: datetime | None) -> tuple[Finding, ...]:
    """Quiet hours and caps that lift at ``next_at`` make the message wait rather than block."""
    if next_at is None:
        return findings
    return tuple(
        Finding(
            f.code,
            WARN,
            Text("Waits until {time} ({why})", time=Moment(next_at), why=f.reason),
            f.source,
        )
        if f.severity is BLOCK and (f.code == "quiet_hours" or f.code.startswith("frequency."))
        else f
        for f in findings
    )


def _sender_country(campaign: Campaign) -> str:
    address = campaign.sender.address
    if address.startswith("+"):
        try:
            return parse_number(address).region
        except InvalidNumber:
            pass
    return campaign.default_region


def consent_map(ledger: object | None, scope: str) -> dict[str, ConsentStatus]:
    """Every phone's consent status for ``scope`` from a ledger (anything with ``audit``).

    >>> consent_map(None, "Acme")
    {}
    """
    audit = getattr(ledger, "audit", None)
    if audit is None:
        return {}
    return {status.phone: status for status in audit(scope=scope)}
