"""SMS, MMS, RCS and iMessage side by side, SMS-versus-MMS cost, and the guide's figures.

The guide that smskit teaches ("Bisnis SMS: Panduan Utama", respond.io, July 2023, §2 and §3)
compares the four channels and argues that SMS stays the universal one. The comparison, the prices
and the reach figures are facts that change, so they live in ``data/channels.csv``,
``data/message_prices.csv`` and ``data/sms_stats.csv``, each row with its source and date.

The cost rule that surprises people: an SMS is billed per *segment* (160 GSM-7 or 70 UCS-2
characters alone, 153 or 67 each once split, 3GPP TS 23.038 with a 6-octet UDH), an MMS per
*message* of up to 1,600 characters. At US list prices ($0.0083 a segment, $0.022 an MMS) a text
of three segments or more is cheaper as one MMS:

>>> cost = sms_vs_mms("x" * 459)
>>> cost.sms_segments, str(cost.sms_cost), str(cost.mms_cost), cost.cheaper
(3, '0.0249', '0.022', 'mms')
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from smskit._data import read_table
from smskit.encoding.segments import analyze
from smskit.i18n.catalog import N_, LocalizedError, Text

__all__ = [
    "MMS_MAX_CHARACTERS",
    "Channel",
    "ChannelCost",
    "MessagePrice",
    "SmsStat",
    "break_even_segments",
    "channels",
    "message_price",
    "sms_stats",
    "sms_vs_mms",
]

# Twilio rejects a body over 1,600 characters (error 21617); the guide gives MMS the same 1,600.
MMS_MAX_CHARACTERS = 1600

# Labels for the coded columns of data/channels.csv, marked for translation (domain: smskit).
REACH = {
    "every_phone": N_("Every mobile phone, on any network"),
    "mms_phones": N_("Phones with MMS and mobile data enabled"),
    "android": N_("Android phones (Google Messages)"),
    "apple": N_("Apple devices only"),
}
RICH_CONTENT = {
    "none": N_("Text only"),
    "media": N_("Images, audio and video"),
    "full": N_("Media, typing indicators, suggested replies, payments"),
}
ENCRYPTION = {
    "none": N_("Not encrypted"),
    "end_to_end": N_("End-to-end encrypted"),
}


@dataclass(frozen=True, slots=True)
class MessagePrice:
    """One list price: a channel's cost per billed unit (SMS: segment, MMS: message)."""

    country: str
    channel: str
    direction: str
    unit: str
    price_usd: Decimal
    source: str
    as_of: str


@dataclass(frozen=True, slots=True)
class Channel:
    """One messaging channel, as the guide compares them (§2)."""

    key: str
    name: str
    introduced: int
    reach: Text
    max_characters: int | None
    rich_content: Text
    read_receipts: bool
    encryption: Text
    cost_per_message: MessagePrice | None
    works_on_every_phone: bool
    source: str
    as_of: str


@dataclass(frozen=True, slots=True)
class ChannelCost:
    """What one text costs to send as SMS (per segment) and as one MMS, and which is cheaper."""

    characters: int
    encoding: str
    sms_segments: int
    sms_price: MessagePrice
    sms_cost: Decimal
    mms_price: MessagePrice
    mms_cost: Decimal
    fits_in_mms: bool
    cheaper: Literal["sms", "mms", "same"]
    break_even_segments: int


@dataclass(frozen=True, slots=True)
class SmsStat:
    """One of the guide's reach or engagement figures (§3), with its year and source."""

    key: str
    region: str
    year: int
    value: float
    unit: str
    source: str
    as_of: str


def _label(table: dict[str, str], code: str, column: str, row: int) -> Text:
    if code not in table:
        raise LocalizedError(
            "channels.csv row {row}: unknown {field} '{value}'", row=row, field=column, value=code
        )
    return Text(table[code])


def message_price(channel: str, country: str = "US", direction: str = "outbound") -> MessagePrice:
    """The list price to send one billed unit of ``channel`` ("sms" or "mms") to ``country``.

    >>> message_price("sms").price_usd, message_price("sms").unit
    (Decimal('0.0083'), 'segment')
    """
    for row in read_table("message_prices"):
        if (row["channel"], row["country"], row["direction"]) == (channel, country, direction):
            return MessagePrice(
                country=row["country"],
                channel=row["channel"],
                direction=row["direction"],
                unit=row["unit"],
                price_usd=Decimal(row["price_usd"]),
                source=row["source"],
                as_of=row["as_of"],
            )
    raise LocalizedError(
        "No {direction} {channel} price for country {country} in message_prices.csv",
        direction=direction,
        channel=channel.upper(),
        country=country,
    )


def channels(country: str = "US") -> tuple[Channel, ...]:
    """SMS, MMS, RCS and iMessage, in the guide's order, with ``country``'s price where known.

    >>> [(c.name, c.max_characters, c.works_on_every_phone) for c in channels()][:2]
    [('SMS', 160, True), ('MMS', 1600, False)]
    """
    priced = {r["channel"] for r in read_table("message_prices") if r["country"] == country}
    result = []
    for number, row in enumerate(read_table("channels"), start=2):
        key = row["channel"]
        result.append(
            Channel(
                key=key,
                name=row["name"],
                introduced=int(row["introduced"]),
                reach=_label(REACH, row["reach"], "reach", number),
                max_characters=int(row["max_characters"]) if row["max_characters"] else None,
                rich_content=_label(RICH_CONTENT, row["rich_content"], "rich_content", number),
                read_receipts=row["read_receipts"] == "yes",
                encryption=_label(ENCRYPTION, row["encryption"], "encryption", number),
                cost_per_message=message_price(key, country) if key in priced else None,
                works_on_every_phone=row["reach"] == "every_phone",
                source=row["source"],
                as_of=row["as_of"],
            )
        )
    return tuple(result)


def break_even_segments(sms: MessagePrice, mms: MessagePrice) -> int:
    """The fewest SMS segments that cost more than one MMS.

    >>> break_even_segments(message_price("sms"), message_price("mms"))
    3
    """
    if sms.price_usd <= 0:
        raise LocalizedError("The SMS price must be above zero")
    return math.floor(mms.price_usd / sms.price_usd) + 1


def sms_vs_mms(text: str, *, country: str = "US", smart_encoding: bool = False) -> ChannelCost:
    """Compare sending ``text`` as SMS segments (counted by :func:`smskit.analyze`) with one MMS.

    >>> short = sms_vs_mms("See you at 9")
    >>> short.sms_segments, short.cheaper
    (1, 'sms')
    """
    if not isinstance(text, str):
        raise TypeError(f"text must be str, not {type(text).__name__}")
    analysis = analyze(text, smart_encoding=smart_encoding)
    sms = message_price("sms", country)
    mms = message_price("mms", country)
    segments = int(analysis.segment_count)
    sms_cost = sms.price_usd * segments
    cheaper: Literal["sms", "mms", "same"] = (
        "same" if sms_cost == mms.price_usd else "sms" if sms_cost < mms.price_usd else "mms"
    )
    return ChannelCost(
        characters=len(text),
        encoding=str(analysis.encoding),
        sms_segments=segments,
        sms_price=sms,
        sms_cost=sms_cost,
        mms_price=mms,
        mms_cost=mms.price_usd,
        fits_in_mms=len(text) <= MMS_MAX_CHARACTERS,
        cheaper=cheaper,
        break_even_segments=break_even_segments(sms, mms),
    )


def sms_stats(key: str | None = None) -> tuple[SmsStat, ...]:
    """The guide's reach and engagement figures (§3), optionally only those named ``key``.

    >>> [(s.region, s.value) for s in sms_stats("click_through_rate")]
    [('SMS', 40.0), ('Email', 2.0)]
    """
    stats = tuple(
        SmsStat(
            key=row["key"],
            region=row["region"],
            year=int(row["year"]),
            value=float(row["value"]),
            unit=row["unit"],
            source=row["source"],
            as_of=row["as_of"],
        )
        for row in read_table("sms_stats")
    )
    return stats if key is None else tuple(s for s in stats if s.key == key)
