"""Per-country sender rules, marketing hours and prices: typed records from ``data/countries.csv``.

One row per destination country (ISO 3166-1 alpha-2): whether alphanumeric sender IDs work, whether
two-way messaging and short codes are available, whether the sender is rewritten (India: replies do
not come back), notable rules, an outbound price per segment and local marketing hours.

Where sources disagree (marked ``(?)`` or "sources conflict" in the reference facts), the row keeps
the *stricter* value, says so in ``conflicts`` and sets ``confidence`` to ``conflicting``; values
taken from general knowledge rather than a cited source have ``confidence`` ``unconfirmed``.

>>> country("gb").alpha_support
<AlphaSupport.SUPPORTED: 'supported'>
>>> country("IN").sender_rewriting
<Tristate.YES: 'yes'>
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation
from enum import Enum
from pathlib import Path

from smskit._data import read_csv, read_table
from smskit.i18n.catalog import LocalizedError

__all__ = [
    "AlphaSupport",
    "Confidence",
    "Country",
    "CountryTable",
    "MarketingHours",
    "Tristate",
    "UnknownCountryError",
    "countries",
    "country",
    "country_table",
    "is_country_code",
    "is_currency_code",
]

_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


class AlphaSupport(Enum):
    """Whether a country accepts alphanumeric sender IDs (Twilio's country guideline pages)."""

    SUPPORTED = "supported"
    NOT_SUPPORTED = "not_supported"
    PRE_REGISTRATION = "pre_registration"


class Tristate(Enum):
    """Yes, no, or not known from any source yet (kept explicit so nothing is silently assumed)."""

    YES = "yes"
    NO = "no"
    UNKNOWN = "unknown"


class Confidence(Enum):
    """How far a row's facts are backed by sources."""

    CONFIRMED = "confirmed"
    CONFLICTING = "conflicting"
    UNCONFIRMED = "unconfirmed"


class UnknownCountryError(LocalizedError, LookupError):
    """A country code that is not ISO 3166-1 alpha-2 or has no row in the table."""


@dataclass(frozen=True, slots=True)
class MarketingHours:
    """Local hours (start inclusive, end exclusive) and weekdays (0 = Monday) for marketing.

    >>> hours = MarketingHours(time(8), time(20), frozenset(range(6)))
    >>> hours.allows(datetime(2026, 11, 28, 19, 59)), hours.allows(datetime(2026, 11, 29, 12, 0))
    (True, False)
    """

    start: time
    end: time
    days: frozenset[int]

    def allows(self, local: datetime) -> bool:
        """True if ``local`` (the recipient's local wall-clock time) is inside the window.

        >>> every_day = frozenset(range(7))
        >>> MarketingHours(time(9), time(21), every_day).allows(datetime(2026, 1, 5, 21, 0))
        False
        """
        return local.weekday() in self.days and self.start <= local.time() < self.end


@dataclass(frozen=True, slots=True)
class Country:
    """One destination country's sender rules and price, with provenance.

    >>> us = country("US")
    >>> us.alpha_support.value, us.two_way.value, us.price_per_segment, us.currency
    ('not_supported', 'yes', Decimal('0.0083'), 'USD')
    """

    code: str
    name: str
    alpha_support: AlphaSupport
    two_way: Tristate
    short_code: Tristate
    sender_rewriting: Tristate
    long_code_a2p: Tristate
    toll_free_sms: Tristate
    toll_free_marketing: Tristate
    marketing_hours: MarketingHours | None
    notable_rules: str
    price_per_segment: Decimal
    currency: str
    price_source: str
    confidence: Confidence
    conflicts: str
    source: str
    as_of: date

    def display_name(self, lang: str = "en") -> str:
        """The country's name in ``lang`` (Babel's CLDR data), falling back to the table's name.

        >>> country("GB").display_name("id")
        'Inggris Raya'
        """
        from babel import Locale  # CLDR names; imported lazily like every Babel use in smskit

        return str(Locale.parse(lang).territories.get(self.code, self.name))

    def rules_in(self, lang: str = "en") -> str:
        """The notable rules in ``lang``, through the catalogue of ``data/countries.csv``.

        >>> country("ID").rules_in("id")[:20]
        'ID alfanumerik wajib'
        """
        from smskit.i18n.catalog import translate

        return translate(self.notable_rules, lang)


@functools.cache
def _iso_countries() -> frozenset[str]:
    from babel import Locale

    return frozenset(
        str(c)
        for c in Locale("en").territories
        if isinstance(c, str) and len(c) == 2 and c.isalpha()
    )


def is_country_code(code: str) -> bool:
    """True for an ISO 3166-1 alpha-2 code (upper case), per CLDR's territory list.

    >>> is_country_code("ID"), is_country_code("XX"), is_country_code("id")
    (True, False, False)
    """
    return code in _iso_countries()


def is_currency_code(code: str) -> bool:
    """True for an ISO 4217 currency code, per CLDR.

    >>> is_currency_code("USD"), is_currency_code("IDR"), is_currency_code("XYZ")
    (True, True, False)
    """
    from babel.numbers import is_currency

    return len(code) == 3 and code.isupper() and bool(is_currency(code))


def normalize_country_code(code: str) -> str:
    """Upper-case and check a country code; raise :class:`UnknownCountryError` naming it.

    >>> normalize_country_code(" gb ")
    'GB'
    """
    cleaned = code.strip().upper()
    if not is_country_code(cleaned):
        raise UnknownCountryError(
            "Unknown country code {code}: use a two-letter ISO 3166 code such as GB", code=cleaned
        )
    return cleaned


def _tristate(value: str, field: str, where: str) -> Tristate:
    try:
        return Tristate(value)
    except ValueError:
        raise LocalizedError(
            "{where}: {field} must be yes, no or unknown, not {value!r}",
            where=where,
            field=field,
            value=value,
        ) from None


def _hours(hours: str, days: str, where: str) -> MarketingHours | None:
    if hours == "unknown":
        return None
    try:
        start_text, end_text = hours.split("-")
        start, end = time.fromisoformat(start_text), time.fromisoformat(end_text)
        first, _, last = days.partition("-")
        a, b = _WEEKDAYS.index(first), _WEEKDAYS.index(last or first)
    except ValueError:
        raise LocalizedError(
            "{where}: marketing_hours/marketing_days must look like 08:00-21:00 and Mon-Sat",
            where=where,
        ) from None
    return MarketingHours(start, end, frozenset(range(a, b + 1)))


def _country(row: Mapping[str, str], where: str) -> Country:
    for field, value in row.items():
        if not (value or "").strip():
            raise LocalizedError("{where}: field {field} is empty", where=where, field=field)
    code = row["code"].strip()
    if not is_country_code(code):
        raise LocalizedError(
            "{where}: {code} is not an ISO 3166 country code", where=where, code=code
        )
    if not is_currency_code(row["currency"]):
        raise LocalizedError(
            "{where}: {value} is not an ISO 4217 currency code", where=where, value=row["currency"]
        )
    try:
        price = Decimal(row["price_per_segment"])
    except InvalidOperation:
        price = Decimal("NaN")
    if not price.is_finite() or price < 0:
        raise LocalizedError(
            "{where}: price_per_segment must be a number of 0 or more, not {value!r}",
            where=where,
            value=row["price_per_segment"],
        )
    try:
        alpha = AlphaSupport(row["alpha_support"])
        confidence = Confidence(row["confidence"])
        as_of = date.fromisoformat(row["as_of"])
    except ValueError as error:
        raise LocalizedError("{where}: {problem}", where=where, problem=str(error)) from None
    return Country(
        code=code,
        name=row["name"],
        alpha_support=alpha,
        two_way=_tristate(row["two_way"], "two_way", where),
        short_code=_tristate(row["short_code"], "short_code", where),
        sender_rewriting=_tristate(row["sender_rewriting"], "sender_rewriting", where),
        long_code_a2p=_tristate(row["long_code_a2p"], "long_code_a2p", where),
        toll_free_sms=_tristate(row["toll_free_sms"], "toll_free_sms", where),
        toll_free_marketing=_tristate(row["toll_free_marketing"], "toll_free_marketing", where),
        marketing_hours=_hours(row["marketing_hours"], row["marketing_days"], where),
        notable_rules=row["notable_rules"],
        price_per_segment=price,
        currency=row["currency"],
        price_source=row["price_source"],
        confidence=confidence,
        conflicts="" if row["conflicts"] == "none" else row["conflicts"],
        source=row["source"],
        as_of=as_of,
    )


@dataclass(frozen=True, slots=True)
class CountryTable:
    """All country rows, looked up by code; build one from ``data/`` or from a test fixture.

    >>> table = country_table()
    >>> len(table.countries) >= 30, table.get("sg").alpha_support.value
    (True, 'pre_registration')
    """

    countries: tuple[Country, ...]

    @classmethod
    def from_rows(
        cls, rows: Iterable[Mapping[str, str]], name: str = "countries.csv"
    ) -> CountryTable:
        """Parse rows (as read by ``smskit._data``); errors name the file, row and field.

        >>> CountryTable.from_rows([]).countries
        ()
        """
        parsed = tuple(_country(row, f"{name} row {n}") for n, row in enumerate(rows, start=2))
        seen: set[str] = set()
        for n, item in enumerate(parsed, start=2):
            if item.code in seen:
                raise LocalizedError(
                    "{name} row {row}: duplicate country {code}", name=name, row=n, code=item.code
                )
            seen.add(item.code)
        return cls(parsed)

    @classmethod
    def from_csv(cls, path: Path) -> CountryTable:
        """Load a countries table from any CSV with the same columns (e.g. a test fixture).

        >>> from smskit._data import data_path
        >>> len(CountryTable.from_csv(data_path("countries")).countries) >= 30
        True
        """
        return cls.from_rows(read_csv(path), path.name)

    def get(self, code: str) -> Country:
        """The row for ``code`` (case-insensitive); :class:`UnknownCountryError` if there is none.

        >>> country_table().get("ID").name
        'Indonesia'
        """
        wanted = normalize_country_code(code)
        for item in self.countries:
            if item.code == wanted:
                return item
        raise UnknownCountryError("No data for country {code} yet", code=wanted)

    def codes(self) -> tuple[str, ...]:
        """All country codes, in table order.

        >>> country_table().codes()[:3]
        ('US', 'CA', 'GB')
        """
        return tuple(item.code for item in self.countries)


@functools.cache
def country_table() -> CountryTable:
    """The table from ``data/countries.csv`` (read once).

    >>> country_table().get("AE").marketing_hours.start
    datetime.time(8, 0)
    """
    return CountryTable.from_rows(read_table("countries"))


def country(code: str) -> Country:
    """The :class:`Country` record for an ISO 3166-1 alpha-2 code (case-insensitive).

    >>> country("fr").long_code_a2p
    <Tristate.NO: 'no'>
    """
    return country_table().get(code)


def countries() -> tuple[Country, ...]:
    """Every country in ``data/countries.csv``.

    >>> "ID" in {c.code for c in countries()}
    True
    """
    return country_table().countries
