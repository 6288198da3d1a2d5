"""Sender fees and carrier pass-through fees (``data/sender_fees.csv``, ``data/carrier_fees.csv``).

Fixed fees (setup, registration, monthly or quarterly rental, 10DLC campaign fees) come in two price
sets: ``published`` (current list prices) and ``guide_2023`` (the business SMS guide's US figures).
Carrier fees (US: AT&T, Verizon, T-Mobile, US Cellular) are per segment; superseded figures stay in
the file for history with ``current`` = ``no``. :mod:`smskit.senders.pricing` turns these into
costs.

>>> fee_schedule().carrier_fee("short_code", "US")
Decimal('0.00425')
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from enum import Enum
from pathlib import Path

from smskit._data import DATA_DIR, read_csv
from smskit.i18n.catalog import LocalizedError
from smskit.senders.catalogue import SenderType, as_sender_type

__all__ = ["PRICE_SETS", "CarrierFee", "Fee", "FeeKind", "FeeSchedule", "fee_schedule"]

PRICE_SETS = ("published", "guide_2023")


class FeeKind(Enum):
    """How often a fee is charged."""

    ONE_TIME = "one_time"
    MONTHLY = "monthly"
    QUARTERLY = "quarterly"
    PER_SEGMENT = "per_segment"


@dataclass(frozen=True, slots=True)
class Fee:
    """One row of ``sender_fees``: a charge for a sender type in a country (``*`` = any)."""

    sender_type: SenderType
    variant: str
    country: str
    item: str
    kind: FeeKind
    amount: Decimal
    currency: str
    price_set: str
    source: str
    as_of: date

    @property
    def monthly(self) -> Decimal:
        """The fee per month (a quarterly lease is a third of it per month).

        >>> [f.monthly for f in fee_schedule().fees_for("short_code", "dedicated_random", "US",
        ...                                            "guide_2023") if f.item == "Lease"]
        [Decimal('500')]
        """
        return self.amount / 3 if self.kind is FeeKind.QUARTERLY else self.amount


@dataclass(frozen=True, slots=True)
class CarrierFee:
    """One carrier's pass-through fee per outbound or inbound segment, as of a date."""

    country: str
    carrier: str
    sender_type: SenderType
    direction: str
    amount: Decimal
    currency: str
    current: bool
    source: str
    as_of: date


def _decimal(value: str, field: str, where: str) -> Decimal:
    try:
        number = Decimal(value)
    except InvalidOperation:
        number = Decimal("NaN")
    if not number.is_finite() or number < 0:
        raise LocalizedError(
            "{where}: {field} must be a number of 0 or more, not {value!r}",
            where=where,
            field=field,
            value=value,
        )
    return number


@dataclass(frozen=True, slots=True)
class FeeSchedule:
    """Fixed fees and carrier fees, from ``data/`` or a test fixture folder.

    >>> [f.item for f in fee_schedule().fees_for("long_code", "10dlc", "US")]
    ['Number rental', 'Brand registration', 'Campaign vetting', 'Campaign fee (standard)']
    """

    fees: tuple[Fee, ...]
    carrier_fees: tuple[CarrierFee, ...]

    @classmethod
    def from_folder(cls, folder: Path) -> FeeSchedule:
        """Read ``sender_fees.csv`` and ``carrier_fees.csv`` from ``folder``; errors name the row.

        >>> len(FeeSchedule.from_folder(DATA_DIR).carrier_fees) > 10
        True
        """
        fees = []
        for n, row in enumerate(read_csv(folder / "sender_fees.csv"), start=2):
            where = f"sender_fees.csv row {n}"
            try:
                kind, as_of = FeeKind(row["kind"]), date.fromisoformat(row["as_of"])
            except ValueError as error:
                raise LocalizedError(
                    "{where}: {problem}", where=where, problem=str(error)
                ) from None
            fees.append(
                Fee(
                    as_sender_type(row["sender_type"]),
                    row["variant"],
                    row["country"],
                    row["item"],
                    kind,
                    _decimal(row["amount"], "amount", where),
                    row["currency"],
                    row["price_set"],
                    row["source"],
                    as_of,
                )
            )
        carriers = tuple(
            CarrierFee(
                row["country"],
                row["carrier"],
                as_sender_type(row["sender_type"]),
                row["direction"],
                _decimal(row["amount"], "amount", f"carrier_fees.csv row {n}"),
                row["currency"],
                row["current"] == "yes",
                row["source"],
                date.fromisoformat(row["as_of"]),
            )
            for n, row in enumerate(read_csv(folder / "carrier_fees.csv"), start=2)
        )
        return cls(tuple(fees), carriers)

    def fees_for(
        self,
        sender_type: SenderType | str,
        variant: str,
        country: str,
        price_set: str = "published",
    ) -> tuple[Fee, ...]:
        """The fee rows for a sender in ``country``, falling back to the ``*`` rows.

        >>> [f.amount for f in fee_schedule().fees_for("long_code", "standard", "GB")]
        [Decimal('1.15')]
        """
        kind = as_sender_type(sender_type)
        rows = [
            f
            for f in self.fees
            if f.sender_type is kind and f.variant == variant and f.price_set == price_set
        ]
        local = tuple(f for f in rows if f.country == country)
        return local or tuple(f for f in rows if f.country == "*")

    def carrier_fee(self, sender_type: SenderType | str, country: str) -> Decimal:
        """Mean current outbound carrier fee per segment over carriers (0 if none is known).

        >>> schedule = fee_schedule()
        >>> schedule.carrier_fee("long_code", "US"), schedule.carrier_fee("long_code", "GB")
        (Decimal('0.00425'), Decimal('0'))
        """
        kind = as_sender_type(sender_type)
        amounts = [
            fee.amount
            for fee in self.carrier_fees
            if fee.current
            and fee.sender_type is kind
            and fee.country == country
            and fee.direction == "outbound"
        ]
        return sum(amounts, Decimal(0)) / len(amounts) if amounts else Decimal(0)


@functools.cache
def fee_schedule() -> FeeSchedule:
    """The fee schedule from ``data/`` (read once).

    >>> fee_schedule().fees[0].price_set
    'guide_2023'
    """
    return FeeSchedule.from_folder(DATA_DIR)
