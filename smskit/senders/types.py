"""Sender types (alphanumeric, short code, long code, toll-free): throughput and validation.

The facts (format, two-way, speed, lead time, use cases, restrictions) come from
``data/number_types.csv``, 10DLC speeds by Trust Score from ``data/ten_dlc_throughput.csv`` and
per-country sender-ID rules (UK generic IDs, UAE ``AD-``, Singapore's 3-character minimum, banned
Philippine IDs) from ``data/sender_id_rules.csv``. Tests build a :class:`SenderCatalogue` from
their own small fixture folder instead.

>>> validate_sender("Acme Shop", "alphanumeric", "GB").valid
True
>>> [str(p.message) for p in validate_sender("INFO", "alphanumeric", "GB").problems]
['UK carriers block generic sender IDs such as INFO (since 12 Sep 2023)']
>>> throughput("long_code", "US").mps, throughput("long_code", "US", trust_score=80).mps
(1, 225)
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta

from smskit.i18n.catalog import LocalizedError, Text
from smskit.senders.catalogue import (
    NumberType,
    Reason,
    SenderCatalogue,
    SenderType,
    UseCase,
    as_sender_type,
    number_type,
    sender_catalogue,
)
from smskit.senders.checks import (
    TOLL_FREE_SOURCE,
    check_alphanumeric,
    check_long_code,
    check_short_code,
    check_toll_free,
)
from smskit.senders.countries import AlphaSupport, Tristate, normalize_country_code

__all__ = [
    "BroadcastTime",
    "NumberType",
    "Reason",
    "SenderCatalogue",
    "SenderCheck",
    "SenderType",
    "Throughput",
    "UseCase",
    "available_types",
    "broadcast_time",
    "number_type",
    "sender_catalogue",
    "throughput",
    "validate_sender",
]


@dataclass(frozen=True, slots=True)
class Throughput:
    """How many message segments per second a sender type sends to a country, and why.

    >>> throughput("toll_free", "US").mps
    3
    """

    sender_type: SenderType
    country: str
    mps: int
    basis: str
    source: str


def throughput(
    sender_type: SenderType | str,
    country: str = "US",
    trust_score: int | None = None,
    catalogue: SenderCatalogue | None = None,
) -> Throughput:
    """Default segments per second for a sender type sending to ``country``.

    Twilio's defaults (B3 of the facts): US/CA long code 1, toll-free 3, short code 100, any number
    or alphanumeric ID to other countries 10; a US 10DLC number by its brand's Trust Score.

    >>> throughput("long_code", "DE").mps, throughput("short_code", "US").mps
    (10, 100)
    """
    cat = catalogue or sender_catalogue()
    kind = as_sender_type(sender_type)
    code = normalize_country_code(country)
    if kind is SenderType.LONG_CODE and code == "US" and trust_score is not None:
        for tier in cat.trust_tiers:
            if tier.min_score <= trust_score <= tier.max_score:
                basis = f"10DLC Trust Score {trust_score} ({tier.tier})"
                return Throughput(kind, code, tier.total_mps, basis, tier.source)
        raise LocalizedError("Trust Score must be 0-100, not {score}", score=trust_score)
    variant = None
    if kind is SenderType.LONG_CODE:
        variant = "standard" if code in {"US", "CA"} else "international"
    row = cat.number_type(kind, variant)
    return Throughput(kind, code, row.mps, row.name, row.source)


@dataclass(frozen=True, slots=True)
class SenderCheck:
    """The verdict on a sender: normalised form, failures (``problems``) and advice (``notes``).

    >>> check = validate_sender("1-800-FLOWERS", "toll_free")
    >>> check.valid, check.normalized
    (True, '+18003569377')
    """

    sender: str
    sender_type: SenderType
    country: str | None
    normalized: str
    problems: tuple[Reason, ...]
    notes: tuple[Reason, ...]

    @property
    def valid(self) -> bool:
        """True when nothing failed (notes are advice, not failures).

        >>> validate_sender("ACMEBK", "alphanumeric", "IN").valid
        True
        """
        return not self.problems


def validate_sender(
    sender: str,
    sender_type: SenderType | str,
    country: str | None = None,
    *,
    promotional: bool = False,
    catalogue: SenderCatalogue | None = None,
) -> SenderCheck:
    """Check a sender for its type and, if given, the destination country; every failure says why.

    >>> validate_sender("+44 7911 123456", "long_code").normalized
    '+447911123456'
    >>> check = validate_sender("AcmeShop", "alphanumeric", "AE", promotional=True)
    >>> [p.rule for p in check.problems]
    ['alpha_promo_prefix']
    """
    cat = catalogue or sender_catalogue()
    kind = as_sender_type(sender_type)
    code = normalize_country_code(country) if country else None
    text = sender.strip()
    notes: list[Reason] = []
    if kind is SenderType.ALPHANUMERIC:
        problems, notes = check_alphanumeric(text, code, promotional, cat)
        normalized = text
    elif kind is SenderType.SHORT_CODE:
        problems = check_short_code(text, code, cat)
        normalized = text.replace(" ", "")
    elif kind is SenderType.TOLL_FREE:
        normalized, problems = check_toll_free(text)
        place = cat.countries.get(code) if code else None
        if place is not None and place.toll_free_sms is Tristate.NO:
            message = Text("Toll-free numbers cannot text {country}", country=place.name)
            problems.append(Reason("toll_free_country", message, TOLL_FREE_SOURCE))
    else:
        normalized, problems, notes = check_long_code(text, code)
    return SenderCheck(
        sender, kind, code, normalized if not problems else "", tuple(problems), tuple(notes)
    )


def available_types(
    country: str, catalogue: SenderCatalogue | None = None
) -> tuple[SenderType, ...]:
    """The sender types that can send to ``country`` according to the country table.

    Alphanumeric IDs where not "not supported"; toll-free only where toll-free SMS reaches (US/CA);
    short codes unless the country has none; long codes everywhere.

    >>> [t.value for t in available_types("US")]
    ['short_code', 'long_code', 'toll_free']
    >>> [t.value for t in available_types("GB")]
    ['alphanumeric', 'short_code', 'long_code']
    """
    cat = catalogue or sender_catalogue()
    place = cat.countries.get(country)
    found = []
    for kind in SenderType:
        if kind is SenderType.ALPHANUMERIC and place.alpha_support is AlphaSupport.NOT_SUPPORTED:
            continue
        if kind is SenderType.TOLL_FREE and place.toll_free_sms is not Tristate.YES:
            continue
        if kind is SenderType.SHORT_CODE and place.short_code is Tristate.NO:
            continue
        found.append(kind)
    return tuple(found)


@dataclass(frozen=True, slots=True)
class BroadcastTime:
    """How long a broadcast takes at one sender type's throughput (segments are what is paced).

    >>> broadcast_time(100_000, "short_code", "US").duration
    datetime.timedelta(seconds=1000)
    """

    sender_type: SenderType
    country: str
    messages: int
    segments: int
    mps: int
    seconds: int
    duration: timedelta


def broadcast_time(
    messages: int,
    sender_type: SenderType | str,
    country: str = "US",
    *,
    segments_per_message: int | Sequence[int] = 1,
    trust_score: int | None = None,
    catalogue: SenderCatalogue | None = None,
) -> BroadcastTime:
    """Time to send ``messages`` at the sender's default MPS (Twilio counts MPS in segments, B3).

    A 3-segment message on a 1-MPS long code leaves once every 3 seconds.

    >>> broadcast_time(100_000, "long_code", "US").duration
    datetime.timedelta(days=1, seconds=13600)
    >>> broadcast_time(10, "long_code", "US", segments_per_message=3).seconds
    30
    """
    if isinstance(messages, bool) or not isinstance(messages, int) or messages < 0:
        raise LocalizedError("Number of messages must be 0 or more, not {value}", value=messages)
    if isinstance(segments_per_message, int):
        per = [segments_per_message]
    else:
        per = list(segments_per_message)
    if not per or any(n < 1 for n in per):
        raise LocalizedError("Segments per message must be 1 or more")
    # Several texts: each recipient gets every text, so segments add up per recipient.
    segments = messages * sum(per)
    rate = throughput(sender_type, country, trust_score, catalogue)
    seconds = math.ceil(segments / rate.mps)
    return BroadcastTime(
        rate.sender_type,
        rate.country,
        messages,
        segments,
        rate.mps,
        seconds,
        timedelta(seconds=seconds),
    )
