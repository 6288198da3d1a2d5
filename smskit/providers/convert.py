"""Twilio API resources to smskit's frozen values (pure: works on anything with the same fields).

The twilio library hands back resource instances whose fields follow Twilio's JSON: ``num_segments``
and ``price`` are strings, ``error_code`` an integer, dates already parsed from RFC 2822, and the
capability keys differ between AvailablePhoneNumbers ("SMS") and IncomingPhoneNumbers ("sms").
Keeping the translation here keeps :mod:`smskit.providers.twilio` about requests and retries.

>>> decimal_or_none("-0.0083"), decimal_or_none(None)
(Decimal('-0.0083'), None)
"""

from __future__ import annotations

import json
from decimal import Decimal, InvalidOperation
from typing import Any

from smskit.i18n.catalog import LocalizedError
from smskit.providers import (
    AccountInfo,
    AvailableNumber,
    MessageRecord,
    MessagingPrice,
    NumberPrice,
    OwnedNumber,
)


def decimal_or_none(value: Any) -> Decimal | None:
    """A Decimal from Twilio's string amounts; None when absent or not a number.

    >>> decimal_or_none("0.0075"), decimal_or_none(""), decimal_or_none("n/a")
    (Decimal('0.0075'), None, None)
    """
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


def message_record(m: Any) -> MessageRecord:
    """A frozen record from a Message resource.

    >>> from types import SimpleNamespace as NS
    >>> m = NS(sid="SM1", to="+1", from_="+2", body="hi", status="sent", direction=None,
    ...        error_code=None, error_message=None, num_segments="2", price=None, price_unit="USD",
    ...        date_created=None, date_sent=None, date_updated=None, messaging_service_sid=None)
    >>> message_record(m).num_segments
    2
    """
    return MessageRecord(
        sid=m.sid,
        to=m.to,
        from_=m.from_,
        body=m.body or "",
        status=str(m.status),
        direction=str(m.direction or "outbound-api"),
        error_code=int(m.error_code) if m.error_code not in (None, "") else None,
        error_message=m.error_message,
        num_segments=int(m.num_segments or 1),
        price=decimal_or_none(m.price),
        price_unit=m.price_unit,
        date_created=m.date_created,
        date_sent=m.date_sent,
        date_updated=m.date_updated,
        messaging_service_sid=m.messaging_service_sid,
    )


def capability(capabilities: Any, name: str) -> bool:
    """One capability flag, whatever the key's case.

    >>> capability({"SMS": True, "voice": False}, "sms"), capability(None, "mms")
    (True, False)
    """
    caps = {str(k).lower(): bool(v) for k, v in (capabilities or {}).items()}
    return caps.get(name, False)


def owned_number(n: Any) -> OwnedNumber:
    """An IncomingPhoneNumber resource as an :class:`OwnedNumber`.

    >>> from types import SimpleNamespace as NS
    >>> owned_number(NS(sid="PN1", phone_number="+15005550006", friendly_name=None,
    ...                 capabilities={"sms": True}, date_created=None)).friendly_name
    '+15005550006'
    """
    return OwnedNumber(
        sid=n.sid,
        phone_number=n.phone_number,
        friendly_name=n.friendly_name or n.phone_number,
        sms=capability(n.capabilities, "sms"),
        mms=capability(n.capabilities, "mms"),
        voice=capability(n.capabilities, "voice"),
        date_created=n.date_created,
    )


def available_number(n: Any, iso: str, kind: str) -> AvailableNumber:
    """An AvailablePhoneNumber resource as an :class:`AvailableNumber` of type ``kind``.

    >>> from types import SimpleNamespace as NS
    >>> available_number(NS(phone_number="+12125550100", friendly_name="(212) 555-0100",
    ...     iso_country="US", locality="New York", region="NY", capabilities={"SMS": True}),
    ...     "US", "local").sms
    True
    """
    return AvailableNumber(
        phone_number=n.phone_number,
        friendly_name=n.friendly_name or n.phone_number,
        iso_country=n.iso_country or iso,
        number_type=kind,
        locality=n.locality,
        region=n.region,
        sms=capability(n.capabilities, "sms"),
        mms=capability(n.capabilities, "mms"),
        voice=capability(n.capabilities, "voice"),
    )


def _amount(price: Any) -> Decimal | None:
    return decimal_or_none(price.get("current_price", price.get("base_price")))


def messaging_price(c: Any, iso: str) -> MessagingPrice:
    """A Pricing v1 Messaging Country as a :class:`MessagingPrice` (highest price per type).

    >>> from types import SimpleNamespace as NS
    >>> c = NS(iso_country="US", country="United States", price_unit="usd", inbound_sms_prices=[],
    ...        outbound_sms_prices=[{"carrier": "A", "prices": [
    ...            {"number_type": "toll free", "current_price": "0.0083"}]}])
    >>> messaging_price(c, "US").outbound_by_number_type
    (('toll_free', Decimal('0.0083')),)
    """
    by_type: dict[str, Decimal] = {}
    for carrier in c.outbound_sms_prices or []:
        for price in carrier.get("prices", []):
            amount = _amount(price)
            kind = str(price.get("number_type", "local")).replace(" ", "_")  # "toll free"
            if amount is not None and amount > by_type.get(kind, Decimal(-1)):
                by_type[kind] = amount
    if not by_type:
        raise LocalizedError("Twilio lists no SMS price for {country}.", country=iso)
    inbound = [a for a in (_amount(p) for p in c.inbound_sms_prices or []) if a is not None]
    return MessagingPrice(
        country=c.iso_country or iso,
        country_name=c.country or iso,
        outbound_sms_price=max(by_type.values()),
        currency=(c.price_unit or "USD").upper(),
        inbound_sms_price=max(inbound) if inbound else None,
        outbound_by_number_type=tuple(sorted(by_type.items())),
    )


def number_prices(c: Any, iso: str) -> tuple[NumberPrice, ...]:
    """A Pricing v1 PhoneNumbers Country as monthly :class:`NumberPrice` values.

    >>> from types import SimpleNamespace as NS
    >>> c = NS(price_unit="USD", phone_number_prices=[{"number_type": "local",
    ...                                               "current_price": "1.15"}])
    >>> number_prices(c, "US")[0].monthly_price
    Decimal('1.15')
    """
    result = []
    for p in c.phone_number_prices or []:
        amount = _amount(p)
        if amount is not None:
            kind = str(p.get("number_type", "local")).replace(" ", "_")
            result.append(NumberPrice(iso, kind, amount, (c.price_unit or "USD").upper()))
    return tuple(result)


def account_info(a: Any) -> AccountInfo:
    """An Account resource as :class:`AccountInfo` (``type`` is "Trial" or "Full").

    >>> from types import SimpleNamespace as NS
    >>> account_info(NS(sid="AC1", friendly_name="Shop", type="Trial", status="active")).is_trial
    True
    """
    return AccountInfo(
        sid=a.sid,
        friendly_name=a.friendly_name or a.sid,
        kind=str(a.type or "Full"),
        status=str(a.status or "active"),
    )


def status_and_code(response: Any) -> tuple[int | None, int | None]:
    """HTTP status and Twilio error code of a raw response whose body is Twilio's error JSON.

    >>> from types import SimpleNamespace as NS
    >>> status_and_code(NS(status_code=401, text='{"code": 20003, "status": 401}'))
    (401, 20003)
    """
    status = getattr(response, "status_code", None)
    if not isinstance(status, int):
        return None, None
    try:
        code = json.loads(response.text).get("code")
    except (ValueError, TypeError, AttributeError):
        code = None
    return status, int(code) if isinstance(code, int | str) and str(code).isdigit() else None
