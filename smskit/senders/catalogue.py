"""The sender-type catalogue: number types, 10DLC Trust Score tiers and per-country sender-ID rules.

Read from ``data/number_types.csv``, ``data/ten_dlc_throughput.csv`` and
``data/sender_id_rules.csv`` (or a test fixture folder with the same files).
:mod:`smskit.senders.types` is the public face.

>>> sender_catalogue().number_type("short_code").provision_weeks
(8, 12)
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from enum import Enum
from pathlib import Path

from smskit._data import DATA_DIR, read_csv
from smskit.i18n.catalog import LocalizedError, Text
from smskit.senders.countries import CountryTable, country_table

__all__ = [
    "NumberType",
    "Reason",
    "SenderCatalogue",
    "SenderIdRule",
    "SenderType",
    "TrustTier",
    "UseCase",
    "as_sender_type",
    "number_type",
    "sender_catalogue",
]


class SenderType(Enum):
    """The four kinds of sender a business can text from."""

    ALPHANUMERIC = "alphanumeric"
    SHORT_CODE = "short_code"
    LONG_CODE = "long_code"
    TOLL_FREE = "toll_free"


class UseCase(Enum):
    """What the messages are for (the guide's and Twilio's categories)."""

    OTP = "otp"
    ALERTS = "alerts"
    NOTIFICATIONS = "notifications"
    MARKETING = "marketing"
    CUSTOMER_CARE = "customer_care"
    CONVERSATIONAL = "conversational"


@dataclass(frozen=True, slots=True)
class Reason:
    """One reason for or against something, with the rule's name and the source it rests on.

    >>> Reason("alpha_length", Text("Too long"), "Twilio").rule
    'alpha_length'
    """

    rule: str
    message: Text
    source: str


@dataclass(frozen=True, slots=True)
class NumberType:
    """One row of ``number_types``: a sender type (and variant) with its format, speed and limits.

    >>> number_type("short_code").provision_weeks
    (8, 12)
    """

    sender_type: SenderType
    variant: str
    name: str
    format: str
    two_way: bool
    mps: int
    provision_weeks: tuple[int, int]
    use_cases: frozenset[UseCase]
    restrictions: str
    format_id: str
    restrictions_id: str
    source: str
    as_of: date

    def describe(self, lang: str = "en") -> tuple[str, str]:
        """Format and restrictions in ``lang`` (the table keeps English and Indonesian).

        >>> number_type("toll_free").describe("id")[0][:12]
        'NANP 1-800, '
        """
        if lang == "id":
            return self.format_id, self.restrictions_id
        return self.format, self.restrictions


@dataclass(frozen=True, slots=True)
class TrustTier:
    """A 10DLC Trust Score band and the throughput it buys."""

    min_score: int
    max_score: int
    tier: str
    total_mps: int
    source: str


@dataclass(frozen=True, slots=True)
class SenderIdRule:
    """A per-country rule on sender IDs (``blocked_id``, ``promo_prefix``, ``min_length``...)."""

    country: str
    rule: str
    value: str
    note: str
    effective_from: date
    source: str


def as_sender_type(value: SenderType | str) -> SenderType:
    try:
        return value if isinstance(value, SenderType) else SenderType(value)
    except ValueError:
        names = ", ".join(t.value for t in SenderType)
        raise LocalizedError(
            "Unknown sender type {value}: use one of {names}", value=value, names=names
        ) from None


def _int(row: Mapping[str, str], field: str, where: str) -> int:
    try:
        return int(row[field])
    except ValueError:
        raise LocalizedError(
            "{where}: {field} must be a whole number, not {value!r}",
            where=where,
            field=field,
            value=row[field],
        ) from None


@dataclass(frozen=True, slots=True)
class SenderCatalogue:
    """Number types, 10DLC tiers and sender-ID rules, from ``data/`` or a test fixture folder.

    >>> len(sender_catalogue().number_types) >= 7
    True
    """

    number_types: tuple[NumberType, ...]
    trust_tiers: tuple[TrustTier, ...]
    id_rules: tuple[SenderIdRule, ...]
    countries: CountryTable

    @classmethod
    def from_folder(cls, folder: Path, countries: CountryTable | None = None) -> SenderCatalogue:
        """Read ``number_types``, ``ten_dlc_throughput`` and ``sender_id_rules`` from ``folder``.

        >>> SenderCatalogue.from_folder(DATA_DIR).number_type("toll_free").mps
        3
        """
        types = []
        for n, row in enumerate(read_csv(folder / "number_types.csv"), start=2):
            where = f"number_types.csv row {n}"
            try:
                cases = frozenset(UseCase(c) for c in row["use_cases"].split(";"))
                as_of = date.fromisoformat(row["as_of"])
            except ValueError as error:
                raise LocalizedError(
                    "{where}: {problem}", where=where, problem=str(error)
                ) from None
            types.append(
                NumberType(
                    sender_type=as_sender_type(row["sender_type"]),
                    variant=row["variant"],
                    name=row["name"],
                    format=row["format"],
                    two_way=row["two_way"] == "yes",
                    mps=_int(row, "mps", where),
                    provision_weeks=(
                        _int(row, "provision_weeks_min", where),
                        _int(row, "provision_weeks_max", where),
                    ),
                    use_cases=cases,
                    restrictions=row["restrictions"],
                    format_id=row["format_id"],
                    restrictions_id=row["restrictions_id"],
                    source=row["source"],
                    as_of=as_of,
                )
            )
        tiers = tuple(
            TrustTier(
                _int(row, "min_score", f"ten_dlc_throughput.csv row {n}"),
                _int(row, "max_score", f"ten_dlc_throughput.csv row {n}"),
                row["tier"],
                _int(row, "total_mps", f"ten_dlc_throughput.csv row {n}"),
                row["source"],
            )
            for n, row in enumerate(read_csv(folder / "ten_dlc_throughput.csv"), start=2)
        )
        rules = tuple(
            SenderIdRule(
                row["country"],
                row["rule"],
                row["value"],
                row["note"],
                date.fromisoformat(row["effective_from"]),
                row["source"],
            )
            for row in read_csv(folder / "sender_id_rules.csv")
        )
        return cls(tuple(types), tiers, rules, countries or country_table())

    def number_type(self, sender_type: SenderType | str, variant: str | None = None) -> NumberType:
        """The row for a type (its first variant unless ``variant`` is given).

        >>> sender_catalogue().number_type("long_code", "10dlc").mps
        12
        """
        kind = as_sender_type(sender_type)
        for item in self.number_types:
            if item.sender_type is kind and variant in (None, item.variant):
                return item
        raise LocalizedError(
            "No number type {kind}/{variant} in the table", kind=kind.value, variant=variant or "*"
        )

    def rules_for(self, code: str, rule: str) -> tuple[SenderIdRule, ...]:
        """The sender-ID rules of one kind for one country.

        >>> [r.value for r in sender_catalogue().rules_for("GB", "blocked_id")]
        ['INFO', 'VERIFY', 'ALERT']
        """
        return tuple(r for r in self.id_rules if r.country == code and r.rule == rule)

    def provision_weeks(
        self, sender_type: SenderType | str, variant: str | None, code: str
    ) -> tuple[tuple[int, int], str]:
        """Weeks to get a sender in a country (a ``short_code_weeks`` rule overrides), and source.

        >>> sender_catalogue().provision_weeks("short_code", None, "GB")[0]
        (12, 16)
        >>> sender_catalogue().provision_weeks("short_code", None, "US")[0]
        (8, 12)
        """
        row = self.number_type(sender_type, variant)
        if row.sender_type is SenderType.SHORT_CODE:
            for rule in self.rules_for(code, "short_code_weeks"):
                low, _, high = rule.value.partition("-")
                return (int(low), int(high or low)), rule.source
        return row.provision_weeks, row.source


@functools.cache
def sender_catalogue() -> SenderCatalogue:
    """The catalogue built from ``data/`` (read once).

    >>> sender_catalogue().number_type("alphanumeric").two_way
    False
    """
    return SenderCatalogue.from_folder(DATA_DIR)


def number_type(sender_type: SenderType | str, variant: str | None = None) -> NumberType:
    """The :class:`NumberType` record for a sender type from ``data/number_types.csv``.

    >>> number_type("toll_free").two_way
    True
    """
    return sender_catalogue().number_type(sender_type, variant)
