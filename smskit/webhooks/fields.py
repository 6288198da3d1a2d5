"""What a Twilio callback may contain: its form, parsed strictly, and each field's shape.

A callback is ``application/x-www-form-urlencoded`` (Twilio posts forms; facts B5) of a few dozen
short fields. :func:`parse_form` refuses what no Twilio request looks like (not UTF-8, a repeated
or empty key, too many fields); :func:`status_update` and :func:`inbound_message` refuse a field
outside Twilio's shapes, so nothing out of range ever reaches the store. A refusal is a
:class:`Refused` with a status and a short fixed reason that never repeats request content.

>>> status_update({"MessageSid": "SM" + "a" * 32, "MessageStatus": "delivered"}).status
'delivered'
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime
from urllib.parse import parse_qsl

from smskit.sending.tracking import InboundMessage, StatusUpdate

__all__ = [
    "MAX_BODY_BYTES",
    "OPT_OUT_TYPES",
    "TWILIO_STATUSES",
    "Refused",
    "inbound_message",
    "parse_form",
    "status_update",
]


FORM_TYPE = "application/x-www-form-urlencoded"

# A Twilio callback is a few dozen short fields; a 1,600-character body percent-encoded as 4-byte
# UTF-8 is under 20 kB, so 64 kB leaves room for media URLs and Twilio's optional geo fields.
MAX_BODY_BYTES = 64 * 1024

MAX_FIELDS = 100

# Twilio's maximum message length, error 21617 (facts B2).
MAX_TEXT_CHARS = 1600

# The store keeps From and To in 32 characters (inbound_messages); E.164 needs at most 16.
MAX_ADDRESS_CHARS = 32

# Message and SMS SIDs: two letters and 32 hex digits ("SM" or "MM" + 32 hex, Twilio OpenAPI).
_SID = re.compile(r"[A-Z]{2}[0-9a-fA-F]{32}")

# Twilio error codes have 5 digits (30003, 21610, ...; facts B4).
_ERROR_CODE = re.compile(r"[0-9]{1,5}")

# Twilio's documented message statuses (MessageEnumStatus in the OpenAPI spec; facts B2).
TWILIO_STATUSES = frozenset(
    {
        "queued",
        "sending",
        "sent",
        "failed",
        "delivered",
        "undelivered",
        "receiving",
        "received",
        "accepted",
        "scheduled",
        "read",
        "partially_delivered",
        "canceled",
    }
)

# ``OptOutType`` of the inbound webhook: what Twilio's (Advanced) Opt-Out did (facts B1).
OPT_OUT_TYPES = frozenset({"STOP", "START", "HELP"})


class Refused(Exception):
    """A request answered with ``status`` and a short fixed ``reason`` (never request content)."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


def parse_form(body: bytes) -> dict[str, str]:
    """The fields of a form-encoded body; ValueError if it is not one Twilio could have sent.

    Twilio percent-encodes UTF-8 and sends each key once, so raw non-ASCII bytes, invalid UTF-8,
    a pair without ``=``, an empty or repeated key, or more than :data:`MAX_FIELDS` fields are
    refused (a repeated key would also be signed differently from how it is read).

    >>> parse_form(b"MessageSid=SM1&Body=Hi+there%21&Empty=")
    {'MessageSid': 'SM1', 'Body': 'Hi there!', 'Empty': ''}
    >>> parse_form(b"Body=a&Body=b")
    Traceback (most recent call last):
    ValueError: repeated field
    """
    pairs = parse_qsl(
        body.decode("ascii"),
        keep_blank_values=True,
        strict_parsing=True,
        encoding="utf-8",
        errors="strict",
        max_num_fields=MAX_FIELDS,
    )
    form: dict[str, str] = {}
    for key, value in pairs:
        if not key:
            raise ValueError("empty field name")
        if key in form:
            raise ValueError("repeated field")
        form[key] = value
    return form


def _one(form: Mapping[str, str], *names: str) -> str | None:
    """The value of the first non-empty field of ``names``; ValueError if two of them differ."""
    values = {form[name] for name in names if form.get(name)}
    if len(values) > 1:
        raise ValueError(f"{' and '.join(names)} differ")
    return values.pop() if values else None


def _sid(form: Mapping[str, str]) -> str:
    sid = _one(form, "MessageSid", "SmsSid")
    if sid is None:
        raise ValueError("missing MessageSid")
    if not _SID.fullmatch(sid):
        raise ValueError("malformed MessageSid")
    return sid


def _address(form: Mapping[str, str], name: str, *, required: bool) -> str | None:
    value = form.get(name) or None
    if value is None:
        if required:
            raise ValueError(f"missing {name}")
        return None
    if len(value) > MAX_ADDRESS_CHARS or not value.isprintable() or value != value.strip():
        raise ValueError(f"malformed {name}")
    return value


def _text(value: str) -> str:
    # PostgreSQL text cannot hold NUL; other control characters are not SMS text either.
    if len(value) > MAX_TEXT_CHARS:
        raise ValueError("Body too long")
    if any((ord(char) < 32 and char not in "\t\n\r") or char == "\x7f" for char in value):
        raise ValueError("malformed Body")
    return value


def status_update(form: Mapping[str, str]) -> StatusUpdate:
    """Read a status callback's form fields (``MessageSid``, ``MessageStatus``, ``ErrorCode``).

    ValueError (with a short reason that repeats no value) if a field is missing or out of shape.

    >>> form = {"MessageSid": "SM" + "f" * 32, "MessageStatus": "undelivered", "ErrorCode": "30003"}
    >>> update = status_update(form)
    >>> update.status, update.error_code
    ('undelivered', 30003)
    >>> status_update({**form, "ErrorCode": "9" * 30})
    Traceback (most recent call last):
    ValueError: malformed ErrorCode
    """
    sid = _sid(form)
    status = _one(form, "MessageStatus", "SmsStatus")
    if status is None:
        raise ValueError("missing MessageStatus")
    if status not in TWILIO_STATUSES:
        raise ValueError("unknown MessageStatus")
    code = form.get("ErrorCode") or None
    if code is not None and not _ERROR_CODE.fullmatch(code):
        raise ValueError("malformed ErrorCode")
    to = _address(form, "To", required=False)
    from_ = _address(form, "From", required=False)
    return StatusUpdate(sid, status, int(code) if code else None, to, from_)


def inbound_message(form: Mapping[str, str], at: datetime | None = None) -> InboundMessage:
    """Read an inbound message's form fields (``MessageSid``, ``From``, ``To``, ``Body``).

    ``OptOutType`` (STOP, START or HELP) is kept: Twilio sends it when its (Advanced) Opt-Out
    recognised the message as a keyword, custom keywords included (facts B1).

    >>> form = {"MessageSid": "SM" + "e" * 32, "From": "+1", "To": "+2", "Body": "REMOVE"}
    >>> message = inbound_message({**form, "OptOutType": "STOP"})
    >>> message.body, message.opt_out_type
    ('REMOVE', 'STOP')
    """
    sid = _sid(form)
    from_ = _address(form, "From", required=True)
    to = _address(form, "To", required=True)
    assert from_ is not None and to is not None  # required
    body = _text(form.get("Body", ""))
    opt_out_type = form.get("OptOutType") or None
    if opt_out_type is not None and opt_out_type.upper() not in OPT_OUT_TYPES:
        raise ValueError("unknown OptOutType")
    return InboundMessage(sid, from_, to, body, opt_out_type.upper() if opt_out_type else None, at)
