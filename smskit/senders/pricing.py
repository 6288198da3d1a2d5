"""What sending costs: campaigns, 12-month cost of ownership per sender type, break-even volumes.

Message cost = segments x the destination's price per segment x recipients (Twilio bills every
segment, and UCS-2 text needs more of them). Carrier pass-through fees are added per segment (US:
AT&T, Verizon, T-Mobile, US Cellular; the rows marked current, averaged over carriers because a
list's carrier mix is unknown). Fixed fees (setup, registration, monthly rental, 10DLC campaign
fees) come from ``data/sender_fees.csv`` in two price sets: ``published`` (current list prices) and
``guide_2023`` (the business SMS guide's US figures, where the message price is part of the row).
Totals are rounded to the cent; rates stay exact.

>>> cost = ownership_cost("toll_free", "US", monthly_volume=10_000)
>>> cost.one_time, cost.monthly_fixed, cost.price_per_segment, cost.carrier_fee_per_segment
(Decimal('0'), Decimal('2.15'), Decimal('0.0083'), Decimal('0.00425'))
>>> cost.total
Decimal('1531.80')
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from smskit.i18n.catalog import LocalizedError, Text
from smskit.senders.catalogue import SenderCatalogue, SenderType, as_sender_type, sender_catalogue
from smskit.senders.countries import normalize_country_code
from smskit.senders.fees import PRICE_SETS, FeeKind, FeeSchedule, fee_schedule
from smskit.senders.price_table import PriceTable, default_prices
from smskit.senders.types import available_types

__all__ = [
    "BreakEven",
    "CampaignCost",
    "CostLine",
    "OwnershipCost",
    "break_even",
    "break_evens",
    "campaign_cost",
    "compare_costs",
    "default_variant",
    "message_segments",
    "ownership_cost",
]
CARRIER_FEE_SOURCE = "data/carrier_fees.csv (current figures, averaged over carriers)"
CENT = Decimal("0.01")


def _money(amount: Decimal) -> Decimal:
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def default_variant(sender_type: SenderType | str, country: str) -> str:
    """The variant costed for a type: US long codes are 10DLC, short codes dedicated random.

    >>> default_variant("long_code", "US"), default_variant("long_code", "GB")
    ('10dlc', 'standard')
    """
    kind = as_sender_type(sender_type)
    if kind is SenderType.LONG_CODE:
        return "10dlc" if normalize_country_code(country) == "US" else "standard"
    return "dedicated_random" if kind is SenderType.SHORT_CODE else "standard"


@dataclass(frozen=True, slots=True)
class CostLine:
    """One line of a cost breakdown."""

    label: Text
    amount: Decimal
    currency: str
    source: str


@dataclass(frozen=True, slots=True)
class OwnershipCost:
    """Total cost of one sender type over ``months`` at a steady monthly volume.

    ``excluded`` lists fees in another currency, which are shown but not added (no exchange rates).
    """

    sender_type: SenderType
    variant: str
    country: str
    months: int
    monthly_volume: int
    segments_per_message: int
    one_time: Decimal
    monthly_fixed: Decimal
    price_per_segment: Decimal
    carrier_fee_per_segment: Decimal
    total: Decimal
    currency: str
    lines: tuple[CostLine, ...]
    excluded: tuple[CostLine, ...]

    @property
    def fixed(self) -> Decimal:
        """Everything that does not depend on volume, over the whole period.

        >>> ownership_cost("toll_free", "US", 0).fixed
        Decimal('25.80')
        """
        return self.one_time + self.monthly_fixed * self.months

    @property
    def per_message(self) -> Decimal:
        """The variable cost of one message (all its segments, carrier fees included).

        >>> ownership_cost("toll_free", "US", 0, segments_per_message=2).per_message
        Decimal('0.02510')
        """
        return (self.price_per_segment + self.carrier_fee_per_segment) * self.segments_per_message


def _count(value: int, field: str, minimum: int = 0) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise LocalizedError(
            "{field} must be a whole number of {minimum} or more, not {value!r}",
            field=field,
            minimum=minimum,
            value=value,
        )
    return value


def ownership_cost(
    sender_type: SenderType | str,
    country: str,
    monthly_volume: int,
    *,
    segments_per_message: int = 1,
    months: int = 12,
    price_set: str = "published",
    prices: PriceTable | None = None,
    fees: FeeSchedule | None = None,
) -> OwnershipCost:
    """Cost of owning and using a sender for ``months`` at ``monthly_volume`` messages a month.

    >>> ownership_cost("short_code", "US", 0, price_set="guide_2023").total
    Decimal('6650.00')
    """
    kind = as_sender_type(sender_type)
    code = normalize_country_code(country)
    _count(monthly_volume, "monthly_volume")
    _count(segments_per_message, "segments_per_message", 1)
    _count(months, "months", 1)
    if price_set not in PRICE_SETS:
        raise LocalizedError("Unknown price set {name}", name=price_set)
    schedule = fees or fee_schedule()
    variant = default_variant(kind, code)
    rows = schedule.fees_for(kind, variant, code, price_set)
    if not rows:
        raise LocalizedError(
            "No fee data for {kind} in {country} ({price_set})",
            kind=kind.value,
            country=code,
            price_set=price_set,
        )
    country_price = (prices or default_prices()).price(code)
    currency = country_price.currency
    segment_rows = [f for f in rows if f.kind is FeeKind.PER_SEGMENT]
    price = segment_rows[0].amount if segment_rows else country_price.price_per_segment
    carrier = schedule.carrier_fee(kind, code)
    lines, excluded = [], []
    one_time = monthly = Decimal(0)
    for fee in rows:
        if fee.kind is FeeKind.PER_SEGMENT:
            continue
        amount = fee.amount if fee.kind is FeeKind.ONE_TIME else fee.monthly * months
        line = CostLine(Text(fee.item), _money(amount), fee.currency, fee.source)
        if fee.currency != currency and fee.amount:
            excluded.append(line)
            continue
        lines.append(line)
        if fee.kind is FeeKind.ONE_TIME:
            one_time += fee.amount
        else:
            monthly += fee.monthly
    segments = monthly_volume * segments_per_message * months
    source = segment_rows[0].source if segment_rows else country_price.source
    lines.append(CostLine(Text("Messages"), _money(segments * price), currency, source))
    if carrier:
        lines.append(
            CostLine(Text("Carrier fees"), _money(segments * carrier), currency, CARRIER_FEE_SOURCE)
        )
    total = _money(one_time + monthly * months + segments * (price + carrier))
    return OwnershipCost(
        kind,
        variant,
        code,
        months,
        monthly_volume,
        segments_per_message,
        one_time,
        monthly,
        price,
        carrier,
        total,
        currency,
        tuple(lines),
        tuple(excluded),
    )


def compare_costs(
    country: str,
    monthly_volume: int,
    *,
    segments_per_message: int = 1,
    months: int = 12,
    price_set: str = "published",
    prices: PriceTable | None = None,
    fees: FeeSchedule | None = None,
    catalogue: SenderCatalogue | None = None,
) -> tuple[OwnershipCost, ...]:
    """Ownership cost of every sender type usable in ``country`` that has fee data, cheapest first.

    >>> [c.sender_type.value for c in compare_costs("US", 1000)]
    ['toll_free', 'long_code', 'short_code']
    """
    schedule = fees or fee_schedule()
    code = normalize_country_code(country)
    found = []
    for kind in available_types(code, catalogue or sender_catalogue()):
        if schedule.fees_for(kind, default_variant(kind, code), code, price_set):
            found.append(
                ownership_cost(
                    kind,
                    code,
                    monthly_volume,
                    segments_per_message=segments_per_message,
                    months=months,
                    price_set=price_set,
                    prices=prices,
                    fees=schedule,
                )
            )
    return tuple(sorted(found, key=lambda c: (c.total, c.sender_type.value)))


@dataclass(frozen=True, slots=True)
class BreakEven:
    """The monthly volume above which ``cheaper_above`` costs less than ``cheaper_below``.

    ``monthly_volume`` is None when the two lines never cross at a positive volume; then
    ``cheaper_below`` is cheaper at every volume.
    """

    cheaper_below: SenderType
    cheaper_above: SenderType
    monthly_volume: int | None


def break_even(a: OwnershipCost, b: OwnershipCost) -> BreakEven:
    """Where two ownership costs (same country, months, segments) cross.

    >>> lc = ownership_cost("long_code", "US", 0, price_set="guide_2023")
    >>> sc = ownership_cost("short_code", "US", 0, price_set="guide_2023")
    >>> break_even(lc, sc)
    BreakEven(cheaper_below=<SenderType.LONG_CODE: 'long_code'>, \
cheaper_above=<SenderType.LONG_CODE: 'long_code'>, monthly_volume=None)
    """
    if (a.months, a.segments_per_message, a.currency) != (
        b.months,
        b.segments_per_message,
        b.currency,
    ):
        raise LocalizedError("Compare costs over the same months, segments and currency")
    low, high = (a, b) if a.fixed <= b.fixed else (b, a)
    if low.per_message <= high.per_message:
        return BreakEven(low.sender_type, low.sender_type, None)
    volume = (high.fixed - low.fixed) / ((low.per_message - high.per_message) * a.months)
    return BreakEven(low.sender_type, high.sender_type, math.ceil(volume))


def break_evens(costs: Sequence[OwnershipCost]) -> tuple[BreakEven, ...]:
    """Break-even volumes for every pair of sender types that do cross.

    >>> break_evens(compare_costs("US", 1000))
    ()
    """
    found = []
    for i, a in enumerate(costs):
        for b in costs[i + 1 :]:
            point = break_even(a, b)
            if point.monthly_volume is not None:
                found.append(point)
    return tuple(sorted(found, key=lambda p: p.monthly_volume or 0))


def message_segments(
    messages: Iterable[str | int], *, smart_encoding: bool = False
) -> tuple[int, ...]:
    """Segments of each message: texts are analysed (GSM-7 or UCS-2), numbers taken as counts.

    >>> message_segments(["Hello", "Привет " * 20, 3])
    (1, 3, 3)
    """
    from smskit.encoding.bulk import (
        count_segments,  # the encoding engine (3GPP TS 23.038, Twilio's calculator)
    )

    items = list(messages)
    texts = [m for m in items if isinstance(m, str)]
    counted = iter(count_segments(texts, smart_encoding=smart_encoding))
    result = []
    for position, item in enumerate(items):
        if isinstance(item, str):
            result.append(next(counted))
        else:
            result.append(_count(item, f"messages[{position}]", 1))
    return tuple(result)


@dataclass(frozen=True, slots=True)
class CampaignCost:
    """What a campaign costs: messages, carrier fees and the prorated share of fixed fees."""

    sender_type: SenderType
    currency: str
    recipients: int
    segments_per_recipient: int
    segments: int
    messaging: Decimal
    carrier_fees: Decimal
    fixed: Decimal
    total: Decimal
    lines: tuple[CostLine, ...]
    excluded: tuple[CostLine, ...]


def campaign_cost(
    messages: Sequence[str | int],
    recipients: Mapping[str, int],
    sender_type: SenderType | str,
    *,
    period_months: int = 1,
    amortize_months: int = 12,
    smart_encoding: bool = False,
    price_set: str = "published",
    prices: PriceTable | None = None,
    fees: FeeSchedule | None = None,
) -> CampaignCost:
    """Cost of sending every message to every recipient (``{country: count}``) from one sender type.

    Rental is charged for ``period_months``; one-time fees (setup, registration) are spread over
    ``amortize_months`` and the campaign carries its share. One sender per destination country.

    >>> cost = campaign_cost(["Your code is 123456"], {"GB": 1000}, "alphanumeric")
    >>> cost.segments, cost.total
    (1000, Decimal('52.40'))
    """
    _count(period_months, "period_months", 1)
    _count(amortize_months, "amortize_months", 1)
    per_recipient = sum(message_segments(messages, smart_encoding=smart_encoding))
    if not recipients:
        raise LocalizedError("recipients is empty: give a count per country, e.g. {{'GB': 100}}")
    lines: list[CostLine] = []
    excluded: list[CostLine] = []
    total_recipients = segments = 0
    messaging = carrier = fixed = Decimal(0)
    currency = ""
    for country, count in recipients.items():
        n = _count(count, f"recipients[{country}]")
        own = ownership_cost(
            sender_type,
            country,
            0,
            months=period_months,
            price_set=price_set,
            prices=prices,
            fees=fees,
        )
        if currency and own.currency != currency:
            raise LocalizedError(
                "Prices for {country} are in {currency}, others in {first}: convert them first",
                country=own.country,
                currency=own.currency,
                first=currency,
            )
        currency = own.currency
        share = own.one_time * min(Decimal(1), Decimal(period_months) / amortize_months)
        segs = n * per_recipient
        total_recipients += n
        segments += segs
        messaging += segs * own.price_per_segment
        carrier += segs * own.carrier_fee_per_segment
        fixed += share + own.monthly_fixed * period_months
        lines.append(
            CostLine(
                Text("{country}: {segments} segments", country=own.country, segments=segs),
                _money(segs * (own.price_per_segment + own.carrier_fee_per_segment)),
                own.currency,
                own.lines[-1].source,
            )
        )
        excluded.extend(own.excluded)
    if fixed:
        label = Text("Rental and setup (prorated)")
        lines.append(CostLine(label, _money(fixed), currency, "data/sender_fees.csv"))
    return CampaignCost(
        as_sender_type(sender_type),
        currency,
        total_recipients,
        per_recipient,
        segments,
        _money(messaging),
        _money(carrier),
        _money(fixed),
        _money(messaging + carrier + fixed),
        tuple(lines),
        tuple(excluded),
    )
