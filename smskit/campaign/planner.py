"""Plan a campaign: who gets which text, when, at what cost, and why some will not get it.

A campaign has four parts: an audience (:class:`Recipient` rows), a template with placeholders
(:mod:`smskit.campaign.templates`), a :class:`Sender` and a schedule (now, or ``send_at``).
:func:`plan`
works out, for each recipient, the rendered text, its encoding, segments and cost, the compliance
findings and the earliest allowed send time in the recipient's zone, and totals them up
(:class:`PlanTotals`). A plan is a pure function of its inputs, so planning twice gives the same
result and the same :attr:`CampaignPlan.fingerprint`; :func:`smskit.sending.runner.save_plan`
stores it.

Findings of severity ``block`` keep a recipient out of the send; ``warn`` findings are shown in the
preflight but the message goes. A missing placeholder value blocks the row: "Hi {first_name}" is
never sent.

>>> from datetime import datetime, UTC
>>> camp = Campaign("Order", "Hi {name|there}, your order shipped", Sender("short_code", "12345"),
...                 purpose="transactional")
>>> ana = Recipient.of("1", "+14155550100", name="Ana")
>>> p = plan(camp, [ana], now=datetime(2026, 3, 2, 18, tzinfo=UTC))
>>> m = p.messages[0]
>>> m.text, m.encoding, m.segments, m.status
('Hi Ana, your order shipped', 'GSM-7', 1, 'eligible')
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from smskit.campaign.checks import (
    field_findings,
    parse_numbers,
    row_findings,
    segment_counts,
    segment_prices,
    summarise,
)
from smskit.campaign.model import (
    BLOCK,
    SENDER_KINDS,
    WARN,
    Campaign,
    CampaignPlan,
    CountryTotal,
    Finding,
    PlannedMessage,
    PlanTotals,
    ReasonCount,
    Recipient,
    Sender,
)
from smskit.campaign.plan_compliance import compliance_checks, consent_map
from smskit.campaign.templates import Template, parse_template
from smskit.compliance.frequency import SentMessage
from smskit.i18n.catalog import Text
from smskit.numbers.phone import NumberInfo
from smskit.senders.price_table import PriceTable

if TYPE_CHECKING:
    from smskit.store.database import Store

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
    "fingerprint",
    "plan",
]
_ = (BLOCK,)


def plan(
    campaign: Campaign,
    audience: Iterable[Recipient],
    *,
    now: datetime | None = None,
    consent: object | None = None,
    unreachable: Mapping[str, str] | None = None,
    prices: PriceTable | None = None,
    history: Mapping[str, Sequence[SentMessage]] | Store | None = None,
) -> CampaignPlan:
    """Plan ``campaign`` for ``audience``: per-recipient messages, findings, cost and timing.

    ``now`` defaults to the current minute (truncated, so planning twice gives the same plan);
    ``consent`` is a consent ledger (see :mod:`smskit.consent.ledger`); ``unreachable`` maps E.164
    numbers
    already marked invalid or landline by earlier campaigns to the reason code; ``prices`` gives
    every cost (default ``data/countries.csv``; e.g. ``default_prices().merged(your_csv)`` or
    :meth:`~smskit.senders.price_table.PriceTable.from_provider` for the provider's current prices);
    ``history`` is what each number was already sent, so frequency caps apply (2 broadcasts per
    rolling 7 days, ``data/frequency_caps.csv``): a store (read by
    :func:`smskit.campaign.send_history.recent_sends`, one query) or a mapping E.164 -> sent
    messages.
    A recipient over a cap waits (``warn``, ``send_at`` when the window has room again). Read
    from a store, the messages of this very plan (same fingerprint, i.e. a re-plan of a campaign
    already saved and partly sent) do not count: they are not new messages to its recipients.

    >>> camp = Campaign("T", "Code {code}", Sender("short_code", "12345"))
    >>> p = plan(camp, [Recipient.of("a", "+14155550100"), Recipient.of("b", "12")])
    >>> [m.status for m in p.messages], p.totals.blocked
    (['blocked', 'blocked'], 2)
    """
    moment = (now or datetime.now(UTC)).astimezone(UTC)
    if now is None:
        moment = moment.replace(second=0, microsecond=0)
    template = parse_template(campaign.template)
    people = list(audience)
    return _build(campaign, template, people, moment, consent, unreachable or {}, prices, history)


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
    for r in audience:  # unit and record separators cannot occur in a CSV cell by accident
        items = "\x1f".join(f"{k}\x1f{v}" for k, v in sorted(r.values.items()))
        # surrogatepass: a value with a lone surrogate is blocked by its row, not a crash here
        # (any other text encodes to the same bytes as before, so fingerprints do not change).
        digest.update(f"{r.key}\x1f{r.phone}\x1f{items}\x1e".encode("utf-8", "surrogatepass"))
    return digest.hexdigest()[:32]


def _build(
    campaign: Campaign,
    template: Template,
    audience: list[Recipient],
    now: datetime,
    consent: object | None,
    unreachable: Mapping[str, str],
    prices: PriceTable | None,
    history: Mapping[str, Sequence[SentMessage]] | Store | None,
) -> CampaignPlan:
    start = max(now, campaign.send_at.astimezone(UTC)) if campaign.send_at else now
    seen: dict[str, str] = {}
    numbers = parse_numbers(audience, campaign.default_region)
    rows = [
        row_findings(r, info, campaign, template, seen, unreachable)
        for r, info in zip(audience, numbers, strict=True)
    ]
    counted = segment_counts(
        [text if text is not None else "" for _, text, _ in rows], campaign.smart_encoding
    )
    statuses = (
        consent if isinstance(consent, Mapping) else consent_map(consent, campaign.consent_scope)
    )
    identity = fingerprint(campaign, template, audience)
    sent = _sent_before(history, start, rows, identity)
    checks = compliance_checks(campaign, [n for n, _, _ in rows], template, start, statuses, sent)
    del sent
    unmatched = field_findings(template, audience)
    price_of, currency = segment_prices((n.region for n, _, _ in rows if n is not None), prices)
    del numbers
    # A million recipients share a handful of distinct costs, finding lists and send times:
    # keep one object of each (this halves plan()'s memory; see benchmarks/campaign_plan.py).
    shared: dict[object, object] = {}
    zero = Decimal(0)
    messages = []
    for r, (number, text, findings), (encoding, segments), (extra, allowed) in zip(
        audience, rows, counted, checks, strict=True
    ):
        findings.extend(extra)
        findings.extend(unmatched)
        country = number.region if number else ""
        price = price_of.get(country) if number else None
        if number is not None and price is None:
            findings.append(
                Finding("no_price", WARN, Text("No price known for {c}", c=country), "data")
            )
        usable = text is not None
        cost = (price or zero) * segments if usable else zero
        found = tuple(findings)
        when = max(allowed, start) if allowed else start
        messages.append(
            PlannedMessage(
                key=r.key,
                row=r.row,
                to=number.e164 if number else r.phone,
                country=country,
                text=text,
                encoding=encoding if usable else "",
                segments=segments if usable else 0,
                cost=shared.setdefault(cost, cost),  # type: ignore[arg-type]
                findings=shared.setdefault(found, found),  # type: ignore[arg-type]
                send_at=shared.setdefault(when, when),  # type: ignore[arg-type]
                time_zone=number.time_zones[0] if number and number.time_zones else "",
            )
        )
    del rows, counted, checks
    totals = summarise(messages, campaign.sender, currency)
    return CampaignPlan(campaign, tuple(messages), totals, now, identity)


def _sent_before(
    history: Mapping[str, Sequence[SentMessage]] | Store | None,
    start: datetime,
    rows: list[tuple[NumberInfo | None, str | None, list[Finding]]],
    identity: str,
) -> Mapping[str, Sequence[SentMessage]] | None:
    """The recipients' recent sends: as given, or read from a store over the longest cap window
    (without the messages of the plan ``identity`` itself)."""
    if history is None or isinstance(history, Mapping):
        return history
    from smskit.campaign.send_history import longest_cap_window, recent_sends

    phones = {number.e164 for number, _, _ in rows if number is not None}
    return recent_sends(history, start - longest_cap_window(), phones, excluding_plan=identity)
