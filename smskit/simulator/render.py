"""Twilio's JSON shapes (REST API v2010), built from the simulator's records.

Field types follow Twilio's OpenAPI spec (twilio-oai, ``api.v2010.account.message``):
``num_segments``, ``num_media`` and ``price`` are strings, ``error_code`` an integer or null, dates
RFC 2822 in GMT.

>>> rfc2822(datetime(2019, 5, 24, 17, 44, 46, tzinfo=UTC))
'Fri, 24 May 2019 17:44:46 +0000'
>>> error_body(21610)["message"]
'Attempt to send to unsubscribed recipient'
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from email.utils import format_datetime, parsedate_to_datetime
from typing import Any

from smskit.simulator.state import OwnedNumber, SimMessage

API_VERSION = "2010-04-01"
DOCS = "https://www.twilio.com/docs/errors/"

# Twilio's error catalogue (https://www.twilio.com/docs/api/errors/<code>), the codes we produce.
ERRORS: dict[int, tuple[int, str]] = {
    20001: (400, "Invalid parameter"),
    20003: (401, "Authenticate"),
    20004: (405, "Method not allowed"),
    20404: (404, "The requested resource was not found"),
    20429: (429, "Too Many Requests"),
    20500: (500, "Internal Server Error"),
    20503: (503, "Service Unavailable"),
    21211: (400, "Invalid 'To' Phone Number"),
    21212: (400, "Invalid 'From' Phone Number"),
    21408: (
        400,
        "Permission to send an SMS has not been enabled for the region indicated by the "
        "'To' number",
    ),
    21421: (400, "PhoneNumber is invalid"),
    21422: (400, "PhoneNumber is not available"),
    21452: (400, "No phone numbers found in area code"),
    21602: (400, "Message body is required."),
    21603: (400, "A 'From' or 'MessagingServiceSid' parameter is required to send a message"),
    21604: (400, "A 'To' phone number is required."),
    21606: (
        400,
        "The 'From' phone number provided is not a valid, message-capable Twilio phone number "
        "for this destination/account",
    ),
    21610: (400, "Attempt to send to unsubscribed recipient"),
    21611: (400, "This 'From' number has exceeded the maximum number of queued messages"),
    21608: (400, "The number is unverified. Trial accounts may only send to verified numbers"),
    21612: (400, "The 'To' phone number is not currently reachable via SMS"),
    21614: (400, "'To' number is not a valid mobile number"),
    21617: (400, "The concatenated message body exceeds the 1600 character limit"),
    21624: (400, "Invalid validity period value"),
    30001: (400, "Queue overflow"),
    30003: (400, "Unreachable destination handset"),
    30004: (400, "Message blocked"),
    30005: (400, "Unknown destination handset"),
    30006: (400, "Landline or unreachable carrier"),
    30007: (400, "Message filtered"),
    30008: (400, "Unknown error"),
    30036: (400, "Validity Period Expired"),
    30409: (400, "This message cannot be canceled"),
    35111: (400, "SendAt is required for scheduled messages"),
    35114: (400, "Scheduling does not support this timestamp"),
    35115: (400, "SendAt must be between 300 seconds and 35 days (3024000 seconds) in the future"),
    35118: (400, "MessagingServiceSid is required to schedule a message"),
    35126: (400, "Invalid ScheduleType"),
}


def rfc2822(moment: datetime | None) -> str | None:
    """Format a UTC time as Twilio does (RFC 2822, ``+0000``); None stays None.

    >>> rfc2822(None) is None
    True
    """
    return None if moment is None else format_datetime(moment.astimezone(UTC))


def price_text(price: Decimal | None) -> str | None:
    """Twilio's price string: negative (a charge), five decimals, e.g. ``-0.00830``.

    >>> price_text(Decimal("0.0083"))
    '-0.00830'
    """
    return None if price is None else f"{-price:.5f}"


def error_body(code: int, message: str | None = None) -> dict[str, Any]:
    """Twilio's error body: ``code``, ``message``, ``more_info`` and ``status``.

    >>> error_body(20003)["status"]
    401
    """
    status, default = ERRORS.get(code, (400, "Error"))
    return {
        "code": code,
        "message": message or default,
        "more_info": f"{DOCS}{code}",
        "status": status,
    }


def message_uri(message: SimMessage) -> str:
    """The message's URI relative to https://api.twilio.com.

    >>> from smskit.simulator.state import _example
    >>> message_uri(_example()).endswith(".json")
    True
    """
    return f"/{API_VERSION}/Accounts/{message.account_sid}/Messages/{message.sid}.json"


def message_json(message: SimMessage) -> dict[str, Any]:
    """A message as Twilio's Message resource.

    >>> from smskit.simulator.state import _example
    >>> m = message_json(_example()); m["num_segments"], m["error_code"], m["api_version"]
    ('1', None, '2010-04-01')
    """
    base = message_uri(message)[: -len(".json")]
    return {
        "account_sid": message.account_sid,
        "api_version": API_VERSION,
        "body": message.body,
        "date_created": rfc2822(message.date_created),
        "date_sent": rfc2822(message.date_sent),
        "date_updated": rfc2822(message.date_updated),
        "direction": message.direction,
        "error_code": message.error_code,
        "error_message": message.error_message,
        "from": message.from_ or None,  # null until a Messaging Service assigns one
        "messaging_service_sid": message.messaging_service_sid,
        "num_media": str(message.num_media),
        "num_segments": str(message.num_segments),
        "price": price_text(message.price),
        "price_unit": message.price_unit,
        "sid": message.sid,
        "status": message.status,
        "subresource_uris": {
            "media": f"{base}/Media.json",
            "feedback": f"{base}/Feedback.json",
        },
        "to": message.to,
        "uri": message_uri(message),
    }


def parse_message(data: dict[str, Any]) -> SimMessage:
    """Read a Message resource (as :func:`message_json` writes it) back into a record.

    >>> from smskit.simulator.state import _example
    >>> m = _example(); back = parse_message(message_json(m))
    >>> (back.sid, back.body, back.num_segments) == (m.sid, m.body, m.num_segments)
    True
    """

    def when(value: str | None) -> datetime | None:
        return None if value is None else parsedate_to_datetime(value)

    price = data.get("price")
    created, updated = when(data["date_created"]), when(data["date_updated"])
    assert created is not None and updated is not None
    return SimMessage(
        sid=data["sid"],
        account_sid=data["account_sid"],
        to=data["to"],
        from_=data["from"] or "",
        body=data["body"],
        status=data["status"],
        direction=data["direction"],
        date_created=created,
        date_updated=updated,
        num_segments=int(data["num_segments"]),
        num_media=int(data["num_media"]),
        date_sent=when(data.get("date_sent")),
        price=None if price is None else -Decimal(price),
        price_unit=data.get("price_unit") or "USD",
        error_code=data.get("error_code"),
        error_message=data.get("error_message"),
        messaging_service_sid=data.get("messaging_service_sid"),
    )


def friendly_name(phone_number: str) -> str:
    """Twilio's friendly form of a number: ``(415) 555-0100`` for NANP, else the E.164 text.

    >>> friendly_name("+14155550100")
    '(415) 555-0100'
    """
    digits = phone_number[2:]
    if phone_number.startswith("+1") and len(digits) == 10:
        return f"({digits[:3]}) {digits[3:6]}-{digits[6:]}"
    return phone_number


def number_json(number: OwnedNumber) -> dict[str, Any]:
    """An owned number as Twilio's IncomingPhoneNumber resource.

    >>> from smskit.simulator.state import _example_number
    >>> number_json(_example_number())["capabilities"]["sms"]
    True
    """
    uri = f"/{API_VERSION}/Accounts/{number.account_sid}/IncomingPhoneNumbers/{number.sid}.json"
    return {
        "account_sid": number.account_sid,
        "address_requirements": "none",
        "address_sid": None,
        "api_version": API_VERSION,
        "beta": False,
        "bundle_sid": None,
        "capabilities": {
            "voice": number.number_type != "short_code",
            "sms": True,
            "mms": True,
            "fax": False,
        },
        "date_created": rfc2822(number.date_created),
        "date_updated": rfc2822(number.date_created),
        "emergency_address_sid": None,
        "emergency_address_status": "unregistered",
        "emergency_status": "Inactive",
        "friendly_name": number.friendly_name,
        "identity_sid": None,
        "origin": "twilio",
        "phone_number": number.phone_number,
        "sid": number.sid,
        "sms_application_sid": None,
        "sms_fallback_method": "POST",
        "sms_fallback_url": None,
        "sms_method": "POST",
        "sms_url": number.sms_url,
        "status": "in-use",
        "status_callback": number.status_callback,
        "status_callback_method": "POST",
        "subresource_uris": {
            "assigned_add_ons": uri.replace(".json", "/AssignedAddOns.json"),
        },
        "trunk_sid": None,
        "uri": uri,
        "voice_application_sid": None,
        "voice_caller_id_lookup": False,
        "voice_fallback_method": "POST",
        "voice_fallback_url": None,
        "voice_method": "POST",
        "voice_url": None,
        "voice_receive_mode": "voice",
    }
