"""Per-country outbound SMS prices: from ``data/countries.csv``, a user's CSV, or a provider's API.

A :class:`PriceTable` is the only thing :mod:`smskit.senders.pricing` needs to know about prices,
so every
source (our reference table, an override file a user uploads, Twilio's Pricing v1 Messaging
Countries through a provider, or the local simulator serving the same endpoint) is interchangeable.

A user's price CSV needs the columns ``country`` (or ``code``, so an edited copy of
``data/countries.csv`` works), ``price_per_segment`` and ``currency``; ``source`` (or
``price_source``) and ``as_of`` are optional (they default to the file name and today). Every
problem is reported with its row number and field.

>>> table = PriceTable.from_csv_text("country,price_per_segment,currency\\nGB,0.04,USD\\n")
>>> default_prices().merged(table).price("gb").price_per_segment
Decimal('0.04')
"""

from __future__ import annotations

import csv
import functools
import io
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, Protocol

from smskit.i18n.catalog import LocalizedError
from smskit.senders.countries import (
    CountryTable,
    UnknownCountryError,
    country_table,
    is_country_code,
    is_currency_code,
    normalize_country_code,
)

__all__ = [
    "CountryPrice",
    "MessagingPriceSource",
    "PriceTable",
    "country_prices",
    "default_prices",
]

REQUIRED_COLUMNS = ("country", "price_per_segment", "currency")


@dataclass(frozen=True, slots=True)
class CountryPrice:
    """The outbound price of one SMS segment to one country, and where the figure came from.

    >>> default_prices().price("US").price_per_segment
    Decimal('0.0083')
    """

    country: str
    price_per_segment: Decimal
    currency: str
    source: str = field(repr=False)
    as_of: date = field(repr=False)

    def __repr__(self) -> str:
        return (
            f"CountryPrice(country={self.country!r}, price_per_segment={self.price_per_segment!r}, "
            f"currency={self.currency!r}, source=..., as_of=...)"
        )


class MessagingPriceSource(Protocol):
    """What :meth:`PriceTable.from_provider` calls: ``messaging_prices(iso_code)``.

    It must return an object with ``country`` (ISO 3166 alpha-2), ``outbound_sms_price`` (the
    outbound SMS price per segment, a Decimal or numeric string) and ``currency`` (ISO 4217),
    like :class:`smskit.providers.MessagingPrice` (from Twilio's Pricing v1 Messaging Countries).
    """

    def messaging_prices(self, country: str) -> Any: ...


def _price(value: str, row: int, name: str) -> Decimal:
    try:
        price = Decimal(value.strip())
    except InvalidOperation:
        raise LocalizedError(
            "{name} row {row}: price_per_segment {value!r} is not a number",
            name=name,
            row=row,
            value=value,
        ) from None
    if not price.is_finite():
        raise LocalizedError(
            "{name} row {row}: price_per_segment {value!r} is not a number",
            name=name,
            row=row,
            value=value,
        )
    if price < 0:
        raise LocalizedError(
            "{name} row {row}: price_per_segment {value} is negative",
            name=name,
            row=row,
            value=value,
        )
    return price


@dataclass(frozen=True, slots=True)
class PriceTable:
    """Outbound per-segment prices by country, with the name of where they came from.

    >>> default_prices().origin
    'data/countries.csv'
    """

    prices: tuple[CountryPrice, ...]
    origin: str

    @classmethod
    def from_countries(cls, table: CountryTable, origin: str = "data/countries.csv") -> PriceTable:
        """The prices in a country table (ours, or a fixture).

        >>> PriceTable.from_countries(country_table()).price("ID").currency
        'USD'
        """
        return cls(
            tuple(
                CountryPrice(c.code, c.price_per_segment, c.currency, c.price_source, c.as_of)
                for c in table.countries
            ),
            origin,
        )

    @classmethod
    def from_csv(cls, path: Path) -> PriceTable:
        """Read a user's price override file; errors name the row and field.

        >>> from smskit._data import data_path
        >>> len(PriceTable.from_csv(data_path("countries")).prices) >= 30
        True
        """
        try:
            text = path.read_text(encoding="utf-8-sig")
        except FileNotFoundError:
            raise LocalizedError("Price file not found: {path}", path=str(path)) from None
        except UnicodeDecodeError:
            raise LocalizedError("{name} is not UTF-8 text", name=path.name) from None
        return cls.from_csv_text(text, path.name)

    @classmethod
    def from_csv_text(cls, text: str, name: str = "prices.csv") -> PriceTable:
        """Parse price CSV text (e.g. an uploaded file); errors name the row and field.

        >>> PriceTable.from_csv_text("country,price_per_segment,currency\\nXX,1,USD\\n")
        Traceback (most recent call last):
        smskit.i18n.LocalizedError: prices.csv row 2: country 'XX' is not an ISO 3166 country code
        """
        reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
        columns = [c.strip() for c in reader.fieldnames or ()]
        code_column = "code" if "country" not in columns and "code" in columns else "country"
        if code_column == "code":
            columns.append("country")
        missing = [c for c in REQUIRED_COLUMNS if c not in columns]
        if missing:
            raise LocalizedError(
                "{name}: missing column(s) {columns}", name=name, columns=", ".join(missing)
            )
        today = date.today()
        seen: dict[str, int] = {}
        prices = []
        for number, raw in enumerate(reader, start=2):  # row 1 is the header
            if None in raw or any(v is None for v in raw.values()):
                raise LocalizedError(
                    "{name} row {row}: wrong number of fields", name=name, row=number
                )
            row = {(k or "").strip(): (v or "").strip() for k, v in raw.items()}
            row["country"] = row[code_column]
            code = row["country"].upper()
            if not is_country_code(code):
                raise LocalizedError(
                    "{name} row {row}: country {value!r} is not an ISO 3166 country code",
                    name=name,
                    row=number,
                    value=row["country"],
                )
            if code in seen:
                raise LocalizedError(
                    "{name} row {row}: country {code} already priced on row {first}",
                    name=name,
                    row=number,
                    code=code,
                    first=seen[code],
                )
            seen[code] = number
            price = _price(row["price_per_segment"], number, name)
            currency = row["currency"].upper()
            if not is_currency_code(currency):
                raise LocalizedError(
                    "{name} row {row}: currency {value!r} is not an ISO 4217 code",
                    name=name,
                    row=number,
                    value=row["currency"],
                )
            try:
                as_of = date.fromisoformat(row["as_of"]) if row.get("as_of") else today
            except ValueError:
                raise LocalizedError(
                    "{name} row {row}: as_of {value!r} is not a date like 2026-01-31",
                    name=name,
                    row=number,
                    value=row["as_of"],
                ) from None
            source = row.get("price_source") or row.get("source") or name
            prices.append(CountryPrice(code, price, currency, source, as_of))
        if not prices:
            raise LocalizedError("{name} has no price rows", name=name)
        return cls(tuple(prices), name)

    @classmethod
    def from_provider(cls, provider: MessagingPriceSource, countries: Iterable[str]) -> PriceTable:
        """Ask a provider for each country's price (Twilio Pricing v1 Messaging Countries).

        ``provider.messaging_prices(code)`` must return an object with ``country``,
        ``outbound_sms_price`` (per segment) and ``currency``; see :class:`MessagingPriceSource`.

        >>> class Fixed:
        ...     def messaging_prices(self, country):
        ...         from types import SimpleNamespace
        ...         return SimpleNamespace(
        ...             country=country, outbound_sms_price="0.05", currency="USD"
        ...         )
        >>> PriceTable.from_provider(Fixed(), ["GB"]).price("GB").price_per_segment
        Decimal('0.05')
        """
        name = type(provider).__name__
        prices = []
        for number, wanted in enumerate(countries, start=1):
            code = normalize_country_code(wanted)
            answer = provider.messaging_prices(code)
            where = f"{name}.messaging_prices({code!r})"
            got = str(getattr(answer, "country", "") or "").upper()
            if got != code:
                raise LocalizedError(
                    "{where} answered for country {got!r}", where=where, got=got or None
                )
            price = _price(str(getattr(answer, "outbound_sms_price", "")), number, where)
            currency = str(getattr(answer, "currency", "") or "").upper()
            if not is_currency_code(currency):
                raise LocalizedError(
                    "{where}: currency {value!r} is not an ISO 4217 code",
                    where=where,
                    value=currency,
                )
            source = f"{name} Pricing API (Messaging Countries)"
            prices.append(CountryPrice(code, price, currency, source, date.today()))
        return cls(tuple(prices), f"{name} Pricing API")

    def price(self, country: str) -> CountryPrice:
        """The price to ``country``; :class:`UnknownCountryError` if the table has none.

        >>> default_prices().price("fr").country
        'FR'
        """
        code = normalize_country_code(country)
        for item in self.prices:
            if item.country == code:
                return item
        raise UnknownCountryError(
            "No price for country {code} in {origin}", code=code, origin=self.origin
        )

    def codes(self) -> tuple[str, ...]:
        """The countries this table prices.

        >>> "ID" in default_prices().codes()
        True
        """
        return tuple(item.country for item in self.prices)

    def merged(self, overrides: PriceTable) -> PriceTable:
        """This table with every country in ``overrides`` replaced or added.

        >>> extra = PriceTable.from_csv_text("country,price_per_segment,currency\\nFJ,0.1,USD\\n")
        >>> default_prices().merged(extra).price("FJ").price_per_segment
        Decimal('0.1')
        """
        replaced = {item.country: item for item in overrides.prices}
        kept = tuple(replaced.pop(item.country, item) for item in self.prices)
        return PriceTable(kept + tuple(replaced.values()), f"{self.origin} + {overrides.origin}")


@functools.cache
def default_prices() -> PriceTable:
    """Prices from ``data/countries.csv`` (indicative; override them with your own).

    >>> prices = default_prices()
    >>> prices.price("ID").price_per_segment > prices.price("US").price_per_segment
    True
    """
    return PriceTable.from_countries(country_table())


def country_prices() -> tuple[CountryPrice, ...]:
    """Every country's outbound price per segment (what the simulator serves as Pricing v1).

    >>> len(country_prices()) >= 30
    True
    """
    return default_prices().prices
