"""The four sender types side by side for one country: facts, speed, cost, fit for a use case.

This is what the Sender Comparison dashboard shows as its table and charts; it only gathers
results from :mod:`smskit.senders.types` and :mod:`smskit.senders.pricing`, so the widget has no
logic of its own.

>>> rows = compare_sender_types("GB", monthly_volume=10_000, use_case=UseCase.OTP)
>>> [(r.sender_type.value, r.available, r.suited) for r in rows]  # doctest: +NORMALIZE_WHITESPACE
[('alphanumeric', True, True), ('short_code', True, True), ('long_code', True, False),
 ('toll_free', False, True)]
"""

from __future__ import annotations

from dataclasses import dataclass

from smskit.senders.catalogue import (
    NumberType,
    SenderCatalogue,
    SenderType,
    UseCase,
    sender_catalogue,
)
from smskit.senders.countries import AlphaSupport, Country, normalize_country_code
from smskit.senders.fees import FeeSchedule, fee_schedule
from smskit.senders.price_table import PriceTable
from smskit.senders.pricing import (
    BreakEven,
    OwnershipCost,
    break_evens,
    default_variant,
    ownership_cost,
)
from smskit.senders.types import BroadcastTime, available_types, broadcast_time

__all__ = [
    "SenderSummary",
    "TypeComparison",
    "alpha_support_table",
    "compare",
    "compare_sender_types",
]


@dataclass(frozen=True, slots=True)
class SenderSummary:
    """One column of the comparison: a sender type's facts, and its speed and cost in a country.

    ``cost`` is None where no fee data exists for the type in that country; ``suited`` is None
    when no use case was asked about.
    """

    sender_type: SenderType
    number_type: NumberType
    country: str
    available: bool
    suited: bool | None
    provision_weeks: tuple[int, int]
    mps: int
    broadcast: BroadcastTime
    cost: OwnershipCost | None
    #: The country requires registering the sender first (an alphanumeric ID in Indonesia): the
    #: time to launch is the registration's, not the "days" of an unregistered sender.
    registration_first: bool = False


@dataclass(frozen=True, slots=True)
class TypeComparison:
    """The whole comparison: one summary per type, plus the break-even volumes between them."""

    country: str
    monthly_volume: int
    summaries: tuple[SenderSummary, ...]
    break_evens: tuple[BreakEven, ...]


def compare_sender_types(
    country: str,
    monthly_volume: int = 10_000,
    use_case: UseCase | None = None,
    *,
    broadcast_size: int = 100_000,
    price_set: str = "published",
    catalogue: SenderCatalogue | None = None,
    prices: PriceTable | None = None,
    fees: FeeSchedule | None = None,
) -> tuple[SenderSummary, ...]:
    """A summary per sender type for ``country`` (in :class:`SenderType` order).

    >>> [r.broadcast.seconds for r in compare_sender_types("US")]
    [10000, 1000, 100000, 33334]
    """
    cat = catalogue or sender_catalogue()
    schedule = fees or fee_schedule()
    code = normalize_country_code(country)
    usable = available_types(code, cat)
    rows = []
    for kind in SenderType:
        variant = default_variant(kind, code)
        facts = cat.number_type(kind, variant)
        speed = broadcast_time(broadcast_size, kind, code, catalogue=cat)
        cost = None
        if kind in usable and schedule.fees_for(kind, variant, code, price_set):
            cost = ownership_cost(
                kind, code, monthly_volume, price_set=price_set, prices=prices, fees=schedule
            )
        suited = None if use_case is None else use_case in facts.use_cases
        weeks = cat.provision_weeks(kind, variant, code)[0]
        register = (
            kind is SenderType.ALPHANUMERIC
            and cat.countries.get(code).alpha_support is AlphaSupport.PRE_REGISTRATION
        )
        rows.append(
            SenderSummary(
                kind, facts, code, kind in usable, suited, weeks, speed.mps, speed, cost, register
            )
        )
    return tuple(rows)


def compare(
    country: str,
    monthly_volume: int = 10_000,
    use_case: UseCase | None = None,
    *,
    price_set: str = "published",
    prices: PriceTable | None = None,
) -> TypeComparison:
    """:func:`compare_sender_types` plus the break-even volumes between the costed types.

    >>> compare("US", 1_000).break_evens
    ()
    """
    rows = compare_sender_types(
        country, monthly_volume, use_case, price_set=price_set, prices=prices
    )
    costs = [r.cost for r in rows if r.cost is not None]
    return TypeComparison(rows[0].country, monthly_volume, rows, break_evens(costs))


def alpha_support_table(catalogue: SenderCatalogue | None = None) -> tuple[Country, ...]:
    """Every country, grouped by alphanumeric support (supported, pre-registration, not supported).

    >>> [c.code for c in alpha_support_table()][:2]
    ['GB', 'DE']
    """
    order = {
        AlphaSupport.SUPPORTED: 0,
        AlphaSupport.PRE_REGISTRATION: 1,
        AlphaSupport.NOT_SUPPORTED: 2,
    }
    countries = (catalogue or sender_catalogue()).countries.countries
    return tuple(sorted(countries, key=lambda c: order[c.alpha_support]))
