"""What a message costs and how fast its sender goes: segments, country prices, sender classes.

Prices come from smskit's price table (``smskit.senders.price_table``, from ``data/countries.csv``)
and,
where present, the inbound rows of ``data/message_prices.csv``; Twilio bills SMS per segment (facts
B2), so a message's price is segments x the destination country's price.

>>> [sender_class(s, "US") for s in ("+15005550006", "+18005550100", "12345")]
['long_code', 'toll_free', 'short_code']
>>> sender_class("ACME", "US"), sender_class("+15005550006", "GB")
('alphanumeric', 'international')
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from decimal import Decimal

import phonenumbers

from smskit._data import read_table
from smskit.encoding.segments import analyze
from smskit.senders import countries, price_table

__all__ = ["CountryPrice", "count_segments", "country_of", "country_prices", "sender_class"]

# NANP toll-free area codes (FCC / NANPA: 800, 833, 844, 855, 866, 877, 888).
TOLL_FREE_AREA_CODES = frozenset({"800", "833", "844", "855", "866", "877", "888"})


@dataclass(frozen=True, slots=True)
class CountryPrice:
    """Messaging prices of one country, per segment, as the Pricing API reports them."""

    iso_country: str
    country: str
    outbound: Decimal
    inbound: Decimal
    price_unit: str
    source: str


@functools.cache
def country_prices() -> dict[str, CountryPrice]:
    """Per-country SMS prices from smskit's price table, keyed by ISO country code.

    >>> country_prices()["US"].outbound
    Decimal('0.0083')
    """
    inbound = {
        row["country"]: Decimal(row["price_usd"])
        for row in read_table("message_prices")
        if row["channel"] == "sms" and row["direction"] == "inbound" and row["unit"] == "segment"
    }
    prices: dict[str, CountryPrice] = {}
    for price in price_table.country_prices():
        code = price.country
        prices[code] = CountryPrice(
            iso_country=code,
            country=countries.country(code).name,
            outbound=price.price_per_segment,
            # Where no inbound price is recorded, charge the outbound one (Twilio's US list price is
            # the same both ways, facts B6); this is a simulator estimate, not a quote.
            inbound=inbound.get(code, price.price_per_segment),
            price_unit=price.currency,
            source=price.source,
        )
    return prices


@functools.lru_cache(maxsize=65_536)  # campaigns repeat numbers and bodies
def country_of(number: str) -> str | None:
    """The ISO country of an E.164 number, or None if it has none (alphanumeric, short code).

    >>> country_of("+442079460000"), country_of("ACME")
    ('GB', None)
    """
    if not number.startswith("+"):
        return None
    try:
        parsed = phonenumbers.parse(number)
    except phonenumbers.NumberParseException:
        return None
    region = phonenumbers.region_code_for_number(parsed)
    if region in (None, "ZZ", "001"):
        # Numbers outside the allocated ranges (Twilio's +1 500 test numbers, Ofcom's drama numbers)
        # still belong to their country code's main country.
        region = phonenumbers.region_code_for_country_code(parsed.country_code or 0)
    return None if region in (None, "ZZ", "001") else str(region)


@functools.lru_cache(maxsize=65_536)  # campaigns repeat numbers and bodies
def is_possible(number: str) -> bool:
    """True if ``number`` is a plausible E.164 number (Twilio rejects others with 21211).

    >>> is_possible("+14155550100"), is_possible("+1415"), is_possible("hello")
    (True, False, False)
    """
    if not number.startswith("+"):
        return False
    try:
        return bool(phonenumbers.is_possible_number(phonenumbers.parse(number)))
    except phonenumbers.NumberParseException:
        return False


def is_alphanumeric_sender(sender: str) -> bool:
    """An alphanumeric sender ID: 1-11 letters, digits or spaces, at least one letter (facts B7).

    >>> [is_alphanumeric_sender(s) for s in ("ACME Shop", "12345", "TooLongSender1")]
    [True, False, False]
    """
    return (
        0 < len(sender) <= 11
        and any(c.isalpha() for c in sender)
        and all(c.isascii() and (c.isalnum() or c == " ") for c in sender)
    )


def is_short_code(sender: str) -> bool:
    """A short code: 5 or 6 digits, no plus sign.

    >>> is_short_code("12345"), is_short_code("+12345")
    (True, False)
    """
    return sender.isdigit() and 5 <= len(sender) <= 6


@functools.lru_cache(maxsize=65_536)  # campaigns repeat numbers and bodies
def sender_class(sender: str, destination_country: str | None) -> str:
    """The throughput class of a sender for a destination (Twilio MPS table, facts B3).

    >>> sender_class("+14155550100", "CA")
    'long_code'
    """
    if is_short_code(sender):
        return "short_code"
    if not sender.startswith("+"):
        return "alphanumeric"
    home = country_of(sender)
    if home in ("US", "CA") and destination_country in ("US", "CA"):
        area = sender[2:5]
        return "toll_free" if area in TOLL_FREE_AREA_CODES else "long_code"
    return "international"


def alphanumeric_support(country: str) -> str:
    """Whether a country takes alphanumeric sender IDs, from smskit's country table ("" if unknown).

    >>> alphanumeric_support("US"), alphanumeric_support("ZZ")
    ('not_supported', '')
    """
    try:
        return countries.country(country).alpha_support.value
    except (LookupError, ValueError):
        return ""


@functools.lru_cache(maxsize=65_536)  # campaigns repeat numbers and bodies
def count_segments(body: str, smart_encoded: bool = False) -> int:
    """Segments Twilio bills for ``body``, from smskit's segment engine (``smskit.analyze``).

    >>> count_segments("hello"), count_segments("x" * 161), count_segments("€" * 80)
    (1, 2, 1)
    """
    return analyze(body, smart_encoding=smart_encoded).segment_count
