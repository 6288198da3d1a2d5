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

import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from enum import Enum
from pathlib import Path

from ._data import DATA_DIR, read_csv
from .countries import AlphaSupport, CountryTable, Tristate, country_table, normalize_country_code
from .i18n import LocalizedError, Text

__all__ = [
    "NumberType",
    "Reason",
    "SenderCatalogue",
    "SenderCheck",
    "SenderType",
    "Throughput",
    "UseCase",
    "number_type",
    "sender_catalogue",
    "throughput",
    "validate_sender",
]

# Twilio's AlphaSender resource: "Valid characters are A-Z, a-z, 0-9, space, hyphen -, plus +,
# underscore _ and ampersand &" (messaging.twilio.com/v1 .../AlphaSenders); up to 11 characters.
ALPHA_SOURCE = (
    "[T] Messaging v1 AlphaSender resource"
    " (twilio.com/docs/messaging/services/api/alphasender-resource);"
    " [T] https://support.twilio.com/hc/en-us/articles/223181348"
)
ALPHA_ALLOWED = re.compile(r"[A-Za-z0-9 +\-_&]")
ALPHA_MAX = 11
SHORT_CODE_SOURCE = (
    "Bisnis SMS: Panduan Utama (respond.io, July 2023) section 4: short codes are 5-6 digits"
)
# NANP toll-free area codes (North American Numbering Plan Administrator; Twilio toll-free guide).
TOLL_FREE_PREFIXES = ("800", "888", "877", "866", "855", "844", "833")
TOLL_FREE_SOURCE = (
    "NANPA toll-free codes 800/888/877/866/855/844/833; toll-free SMS in the US and Canada only:"
    " [T] https://support.twilio.com/hc/en-us/articles/360038172934"
)
E164_SOURCE = "ITU-T E.164, validated with phonenumbers (Google libphonenumber metadata)"


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
    source: str
    as_of: date


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


def _as_type(value: SenderType | str) -> SenderType:
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
                    sender_type=_as_type(row["sender_type"]),
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
        kind = _as_type(sender_type)
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
    kind = _as_type(sender_type)
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
        """True when nothing failed (notes are advice, not failures)."""
        return not self.problems


def _alpha(
    sender: str, code: str | None, promotional: bool, cat: SenderCatalogue
) -> tuple[list[Reason], list[Reason]]:
    problems: list[Reason] = []
    notes: list[Reason] = []
    low, high = 1, ALPHA_MAX
    if code:
        for rule in cat.rules_for(code, "min_length"):
            low = max(low, int(rule.value))
        for rule in cat.rules_for(code, "max_length"):
            high = min(high, int(rule.value))
    length_source = ALPHA_SOURCE
    if code and (cat.rules_for(code, "min_length") or cat.rules_for(code, "max_length")):
        length_source = "; ".join(
            r.source for r in cat.rules_for(code, "min_length") + cat.rules_for(code, "max_length")
        )
    if not sender:
        problems.append(Reason("alpha_empty", Text("The sender ID is empty"), ALPHA_SOURCE))
        return problems, notes
    if not low <= len(sender) <= high:
        problems.append(
            Reason(
                "alpha_length",
                Text(
                    "{sender} has {n} characters; {country} allows {low} to {high}",
                    sender=sender,
                    n=len(sender),
                    country=code or "Twilio",
                    low=low,
                    high=high,
                ),
                length_source,
            )
        )
    bad = sorted({ch for ch in sender if not ALPHA_ALLOWED.fullmatch(ch)})
    if bad:
        problems.append(
            Reason(
                "alpha_characters",
                Text(
                    "Characters not allowed in a sender ID: {chars} "
                    "(use A-Z, a-z, 0-9, space, + - _ &)",
                    chars=" ".join(repr(ch) for ch in bad),
                ),
                ALPHA_SOURCE,
            )
        )
    if not any(ch.isascii() and ch.isalpha() for ch in sender):
        problems.append(
            Reason(
                "alpha_letter",
                Text("A sender ID needs at least one letter (it cannot be only digits)"),
                ALPHA_SOURCE,
            )
        )
    if code is None:
        return problems, notes
    place = cat.countries.get(code)
    if place.alpha_support is AlphaSupport.NOT_SUPPORTED:
        problems.append(
            Reason(
                "alpha_country",
                Text("{country} does not support alphanumeric sender IDs", country=place.name),
                place.source,
            )
        )
    elif place.alpha_support is AlphaSupport.PRE_REGISTRATION:
        notes.append(
            Reason(
                "alpha_registration",
                Text("{country} requires the sender ID to be registered first", country=place.name),
                place.source,
            )
        )
    upper = sender.upper()
    for rule in cat.rules_for(code, "blocked_id"):
        if upper == rule.value.upper():
            problems.append(_blocked(rule, sender))
    for rule in cat.rules_for(code, "blocked_prefix"):
        if upper.startswith(rule.value.upper()):
            problems.append(_blocked(rule, sender))
    for rule in cat.rules_for(code, "promo_prefix"):
        if promotional and not upper.startswith(rule.value.upper()):
            problems.append(
                Reason(
                    "alpha_promo_prefix",
                    Text(
                        "Promotional sender IDs in {country} must start with {prefix}",
                        country=place.name,
                        prefix=rule.value,
                    ),
                    rule.source,
                )
            )
    return problems, notes


def _blocked(rule: SenderIdRule, sender: str) -> Reason:
    if rule.country == "GB":
        text = Text(
            "UK carriers block generic sender IDs such as {sender} (since 12 Sep 2023)",
            sender=sender.upper(),
        )
    else:
        text = Text(
            "{sender} is a banned sender ID in {country}: {note}",
            sender=sender,
            country=rule.country,
            note=rule.note,
        )
    return Reason("alpha_blocked", text, rule.source)


def _short_code(sender: str, code: str | None, cat: SenderCatalogue) -> list[Reason]:
    digits = sender.replace(" ", "")
    if not (digits.isascii() and digits.isdigit() and 5 <= len(digits) <= 6):
        text = Text("A short code is 5 or 6 digits; {sender!r} is not", sender=sender)
        return [Reason("short_code_format", text, SHORT_CODE_SOURCE)]
    problems = []
    if code:
        place = cat.countries.get(code)
        if place.short_code is Tristate.NO:
            text = Text("Short codes are not available in {country}", country=place.name)
            problems.append(Reason("short_code_country", text, place.source))
        for rule in cat.rules_for(code, "short_code_pattern"):
            if not re.fullmatch(rule.value, digits):
                problems.append(
                    Reason("short_code_pattern", Text("{note}", note=rule.note), rule.source)
                )
    return problems


def _toll_free(sender: str) -> tuple[str, list[Reason]]:
    import phonenumbers  # keypad letters -> digits, as dialled (ITU E.161)

    digits = "".join(
        ch for ch in phonenumbers.convert_alpha_characters_in_number(sender) if ch.isdigit()
    )
    if len(digits) == 11 and digits.startswith("1"):
        digits = digits[1:]
    if len(digits) != 10:
        text = Text(
            "{sender!r} gives {n} digits; a toll-free number has 10 after the 1",
            sender=sender,
            n=len(digits),
        )
        return "", [Reason("toll_free_length", text, TOLL_FREE_SOURCE)]
    if digits[:3] not in TOLL_FREE_PREFIXES:
        text = Text(
            "{prefix} is not a toll-free prefix (use 800, 888, 877, 866, 855, 844 or 833)",
            prefix=digits[:3],
        )
        return "", [Reason("toll_free_prefix", text, TOLL_FREE_SOURCE)]
    return "+1" + digits, []


def _long_code(sender: str, code: str | None) -> tuple[str, list[Reason], list[Reason]]:
    from .numbers import InvalidNumber, parse_number

    try:
        info = parse_number(sender, code)
    except InvalidNumber as error:
        return "", [Reason("long_code_invalid", error.text, E164_SOURCE)], []
    problems, notes = [], []
    if info.line_type == "toll_free":
        text = Text("{number} is a toll-free number, not a long code", number=info.e164)
        problems.append(Reason("long_code_toll_free", text, E164_SOURCE))
    if code and info.region != code:
        text = Text(
            "{number} is a {region} number: sending to {country} is international",
            number=info.e164,
            region=info.region,
            country=code,
        )
        notes.append(Reason("long_code_international", text, E164_SOURCE))
    return info.e164, problems, notes


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
    kind = _as_type(sender_type)
    code = normalize_country_code(country) if country else None
    text = sender.strip()
    notes: list[Reason] = []
    if kind is SenderType.ALPHANUMERIC:
        problems, notes = _alpha(text, code, promotional, cat)
        normalized = text
    elif kind is SenderType.SHORT_CODE:
        problems = _short_code(text, code, cat)
        normalized = text.replace(" ", "")
    elif kind is SenderType.TOLL_FREE:
        normalized, problems = _toll_free(text)
        place = cat.countries.get(code) if code else None
        if place is not None and place.toll_free_sms is Tristate.NO:
            message = Text("Toll-free numbers cannot text {country}", country=place.name)
            problems.append(Reason("toll_free_country", message, TOLL_FREE_SOURCE))
    else:
        normalized, problems, notes = _long_code(text, code)
    return SenderCheck(
        sender, kind, code, normalized if not problems else "", tuple(problems), tuple(notes)
    )
