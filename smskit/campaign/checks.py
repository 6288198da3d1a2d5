"""The per-recipient checks and the totals behind :func:`smskit.campaign.planner.plan`.

Each recipient's number is parsed (or taken from the contact import), the template rendered, the
text counted in segments by the encoding engine's bulk counter, priced per segment from a
:class:`smskit.senders.price_table.PriceTable` (``data/countries.csv`` unless the user gives their
own CSV
or prices fetched from the provider) and checked by :mod:`smskit.campaign.plan_compliance`.

>>> segment_counts(["Hi", "Hi 😀"])
[('GSM-7', 1), ('UCS-2', 1)]
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from decimal import Decimal

from smskit.campaign.model import (
    BLOCK,
    MAX_BODY,
    WARN,
    Campaign,
    CountryTotal,
    Finding,
    PlannedMessage,
    PlanTotals,
    ReasonCount,
    Recipient,
    Sender,
)
from smskit.campaign.templates import Template, lone_surrogate
from smskit.encoding.bulk import count_segments
from smskit.encoding.gsm7 import GSM_CHARS
from smskit.encoding.segments import GSM7, UCS2
from smskit.encoding.smart_encoding import translation_table
from smskit.i18n.catalog import N_, LocalizedError, Text
from smskit.numbers.phone import (
    BULK_COLUMNS,
    InvalidNumber,
    NumberInfo,
    invalid_number_text,
    parse_number,
    parse_series,
)
from smskit.senders.pacing import sending_seconds
from smskit.senders.price_table import PriceTable, default_prices

__all__ = [
    "field_findings",
    "parse_numbers",
    "parse_recipient_number",
    "row_findings",
    "segment_counts",
    "segment_prices",
    "summarise",
]


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
        return _invalid(error.text)


def _invalid(reason: Text) -> Finding:
    return Finding("invalid_number", BLOCK, reason, "phonenumbers (libphonenumber metadata)")


def parse_numbers(audience: list[Recipient], default_region: str) -> list[NumberInfo | Finding]:
    """Every recipient's number at once, with the number engine's bulk parser (each distinct input
    parsed once); a recipient that already carries its parsed number keeps it.

    >>> [type(x).__name__ for x in parse_numbers([Recipient.of("a", "+14155550100"),
    ...                                           Recipient.of("b", "x")], "US")]
    ['NumberInfo', 'Finding']
    """
    import pandas as pd

    todo = [r.phone for r in audience if r.number is None]
    frame = parse_series(pd.Series(todo, dtype=object), default_region or None) if todo else None
    columns = (
        zip(*(frame[c].tolist() for c in BULK_COLUMNS), strict=True)
        if frame is not None
        else iter(())
    )
    out: list[NumberInfo | Finding] = []
    for r in audience:
        if r.number is not None:
            out.append(r.number)
            continue
        e164, region, line_type, zones, can_sms, reason = next(columns)
        if reason:
            out.append(_invalid(invalid_number_text(r.phone, reason, default_region)))
        else:
            out.append(NumberInfo(e164, region, line_type, tuple(zones), bool(can_sms)))
    return out


# Group labels for the preflight: one plain sentence per finding code (row details stay per row).
_LABELS: dict[str, str] = {
    "invalid_number": N_("Invalid phone number"),
    "landline": N_("Landline: cannot receive SMS"),
    "unreachable": N_("Marked unreachable by an earlier campaign"),
    "duplicate": N_("Same phone number as another recipient"),
    "missing_field": N_("Missing a value for a placeholder"),
    "too_long": N_("Message over 1,600 characters (Twilio error 21617)"),
    "invalid_text": N_("A value holds half of a character (a lone surrogate)"),
    "no_price": N_("No price known for this country"),
}


def _label(finding: Finding) -> Text:
    template = _LABELS.get(finding.code)
    return Text(template) if template else finding.reason


def row_findings(
    r: Recipient,
    info: NumberInfo | Finding,
    campaign: Campaign,
    template: Template,
    seen: dict[str, str],
    unreachable: Mapping[str, str],
) -> tuple[NumberInfo | None, str | None, list[Finding]]:
    """Number, rendered text and the content/number findings for one recipient.

    >>> from smskit.campaign.templates import parse_template
    >>> camp = Campaign("T", "Hi {name}", Sender("short_code", "1"))
    >>> r = Recipient.of("a", "+14155550100")
    >>> _, text, found = row_findings(r, parse_number(r.phone), camp, parse_template("Hi {name}"),
    ...                               {}, {})
    >>> text, [f.code for f in found]
    (None, ['missing_field'])
    """
    findings: list[Finding] = []
    number: NumberInfo | None = None
    if isinstance(info, Finding):
        findings.append(info)
    else:
        number = info
        if not info.can_receive_sms:
            findings.append(
                Finding(
                    "landline",
                    BLOCK,
                    Text("{number} is a landline", number=info.e164),
                    "Twilio error 30006 / 21614",
                )
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
                    "contact status from an earlier campaign's delivery report",
                )
            )
        first = seen.setdefault(info.e164, r.key)
        if first != r.key:
            findings.append(
                Finding(
                    "duplicate",
                    BLOCK,
                    Text("Same number as recipient {key}", key=first),
                    "exactly one message per recipient",
                )
            )
    rendering = template.render_normalised(r.values)
    text = rendering.text
    surrogate = lone_surrogate(text) if text is not None else None
    if surrogate is not None:
        # A value (the template itself is refused when parsed) holds a code point that no
        # encoding can store or send (Unicode chapter 3, D76): this recipient is not sent a
        # message, and the plan never carries the text, so saving it cannot fail half way.
        text = None
        findings.append(
            Finding(
                "invalid_text",
                BLOCK,
                Text(
                    "Character {pos} of the message is {code}, half of a character (a lone "
                    "surrogate): correct this recipient's values",
                    pos=surrogate[0],
                    code=surrogate[1],
                ),
                "The Unicode Standard, chapter 3 (D76: surrogates are not characters)",
            )
        )
    elif text is None:
        findings.append(
            Finding(
                "missing_field",
                BLOCK,
                rendering.reason() or Text("Missing a value for a placeholder"),
                "smskit.campaign.templates",
            )
        )
    elif len(text) > MAX_BODY:
        findings.append(
            Finding(
                "too_long",
                BLOCK,
                Text("{n} characters; the limit is 1,600", n=len(text)),
                "Twilio error 21617",
            )
        )
    return number, text, findings


def field_findings(template: Template, audience: Sequence[Recipient]) -> tuple[Finding, ...]:
    """A warning for each template field that no column of the audience has, naming the closest.

    ``{firstname|there}`` against a ``first_name`` column would send "there" to everyone (and
    ``{firstname}`` would block everyone): almost always a typo, so the plan warns every recipient
    and suggests the closest column (:meth:`smskit.campaign.templates.Template.unmatched_fields`).
    An audience without any columns (phone numbers only) has nothing to compare, so no warning.

    >>> from smskit.campaign.templates import parse_template
    >>> people = [Recipient.of("a", "+14155550100", first_name="Ana")]
    >>> [str(f.reason) for f in field_findings(parse_template("Hi {firstname|there}"), people)]
    ['{firstname} matches no column of the audience: did you mean {first_name}?']
    """
    unseen = set(template.fields)
    for r in audience:  # usually settled by the first row
        if not unseen:
            return ()
        unseen = {name for name in unseen if name not in r.values}
    columns = {key for r in audience for key in r.values} if unseen else set()
    if not columns:
        return ()
    findings = []
    for name, closest in template.unmatched_fields(columns):
        if closest is not None:
            reason = Text(
                "{field} matches no column of the audience: did you mean {column}?",
                field="{" + name + "}",
                column="{" + closest + "}",
            )
        else:
            shown = sorted(columns)
            reason = Text(
                "{field} matches no column of the audience (its columns: {columns})",
                field="{" + name + "}",
                columns=", ".join(shown[:10]) + (", ..." if len(shown) > 10 else ""),
            )
        findings.append(
            Finding(
                f"unknown_field.{name}",
                WARN,
                reason,
                "smskit.campaign.templates (closest column by difflib)",
            )
        )
    return tuple(findings)


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


def segment_prices(
    countries: Iterable[str], prices: PriceTable | None = None
) -> tuple[dict[str, Decimal], str]:
    """Price per segment of each of ``countries`` that ``prices`` knows, and their one currency.

    ``prices`` defaults to ``data/countries.csv``; a country it lacks is left out (the plan warns).
    Totals add up costs, so the countries of one plan must be priced in one currency.

    >>> segment_prices(["US", "FJ"])
    ({'US': Decimal('0.0083')}, 'USD')
    """
    table = prices if prices is not None else default_prices()
    known = {item.country: item for item in table.prices}
    found = {code: known[code] for code in sorted(set(countries)) if code in known}
    currencies = sorted({item.currency for item in found.values()})
    if len(currencies) > 1:
        raise LocalizedError(
            "Prices in {origin} mix currencies ({currencies}): give one currency for every country",
            origin=table.origin,
            currencies=", ".join(currencies),
        )
    currency = (
        currencies[0] if currencies else (table.prices[0].currency if table.prices else "USD")
    )
    return {code: item.price_per_segment for code, item in found.items()}, currency


def summarise(messages: list[PlannedMessage], sender: Sender, currency: str = "USD") -> PlanTotals:
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
        currency=currency,
        by_reason=by_reason,
        by_country=by_country,
        by_encoding=tuple(sorted(encodings.items())),
        by_segments=tuple(sorted(sizes.items())),
        duration_seconds=sending_seconds(segments, sender.throughput),
        first_send_at=first,
        last_window_at=last,
    )
