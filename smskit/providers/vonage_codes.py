"""Vonage's SMS codes in plain words, and how smskit stores them beside Twilio's.

Vonage has two code lists that overlap numerically: the SMS API's submission ``status`` (0-33,
https://developer.vonage.com/en/messaging/sms/guides/troubleshooting-sms#sms-api-error-codes) and
the delivery receipt's ``err-code`` (0-99,
https://developer.vonage.com/en/messaging/sms/guides/delivery-receipts#dlr-error-codes). smskit
keeps one integer ``error_code`` per message, as Twilio's are (all below 100000), so Vonage codes
are stored namespaced: submission status ``s`` as ``100000 + s`` and DLR error ``e`` as
``200000 + e``. The meaning names Vonage's own number again.

Both lists are data, not code: ``data/vonage_codes.csv`` (``kind`` status or receipt, ``code``,
Vonage's own ``vonage_name``, smskit's plain-words ``meaning``, ``source``, ``as_of``), read once
through :mod:`smskit._data`. Its ``meaning`` is a display column: the Indonesian is in the
catalogue (``data_vonage_codes.po``), checked by ``tests/test_i18n.py``.

>>> submit_code(7), receipt_code(6), vonage_number(100007)
(100007, 200006, ('status', 7))
>>> vonage_meaning(100007)
'The recipient is on the barred list, e.g. after replying STOP; Vonage refuses the send (status 7).'
"""

from __future__ import annotations

import functools

from smskit._data import DataFileError, read_table
from smskit.i18n.catalog import N_

__all__ = [
    "BARRED",
    "FATAL",
    "RECEIPT",
    "SUBMIT",
    "THROTTLED",
    "receipt_code",
    "submit_code",
    "vonage_codes",
    "vonage_meaning",
    "vonage_number",
]

SUBMIT = 100_000
RECEIPT = 200_000

KINDS = ("status", "receipt")


@functools.cache
def vonage_codes() -> dict[tuple[str, int], tuple[str, str]]:
    """``(kind, code) -> (Vonage's name, plain meaning)`` from ``data/vonage_codes.csv``.

    >>> vonage_codes()[("receipt", 6)]
    ('Anti-Spam Rejection', 'Rejected as spam by the carrier (Vonage receipt error 6).')
    """
    table: dict[tuple[str, int], tuple[str, str]] = {}
    for number, row in enumerate(read_table("vonage_codes"), start=2):
        kind, code = row["kind"].strip(), row["code"].strip()
        if kind not in KINDS:
            raise DataFileError(f"vonage_codes.csv row {number}: kind {kind!r} is not {KINDS}")
        if not code.isdigit():
            raise DataFileError(f"vonage_codes.csv row {number}: code {code!r} is not a number")
        if not row["meaning"].strip():
            raise DataFileError(f"vonage_codes.csv row {number}: empty 'meaning'")
        if (kind, int(code)) in table:
            raise DataFileError(f"vonage_codes.csv row {number}: {kind} {code} listed twice")
        table[(kind, int(code))] = (row["vonage_name"].strip(), row["meaning"].strip())
    return table


_NO_NETWORK = N_("Vonage could not be reached: check the network connection and try again.")
_WRONG_KEY = N_("The API key or secret is wrong (Vonage status 4, Invalid Credentials).")
_NOT_FOUND = N_("Vonage has no such resource (HTTP 404).")
_THROTTLED = N_("Too many messages at once; Vonage asked us to slow down (status 1, Throttled).")
_SERVER = N_("Vonage had a temporary problem (HTTP {status}); try again shortly.")
_OTHER = N_("Vonage refused the request (HTTP {status}).")

THROTTLED = SUBMIT + 1
BARRED = SUBMIT + 7
#: Account-level refusals: every message would fail the same way (credentials, signature, sender,
#: balance, account barred or without HTTP access).
FATAL = frozenset(SUBMIT + s for s in (4, 8, 9, 11, 14, 15, 32))


def submit_code(status: int) -> int:
    """smskit's code for SMS API submission status ``status``.

    >>> submit_code(29)
    100029
    """
    return SUBMIT + status


def receipt_code(err: int) -> int:
    """smskit's code for delivery receipt ``err-code`` ``err``.

    >>> receipt_code(2)
    200002
    """
    return RECEIPT + err


def vonage_number(code: int) -> tuple[str, int] | None:
    """("status", n) or ("receipt", n) for a namespaced code; None for any other code.

    >>> vonage_number(200099), vonage_number(21610)
    (('receipt', 99), None)
    """
    if SUBMIT <= code < RECEIPT:
        return ("status", code - SUBMIT)
    if RECEIPT <= code < RECEIPT + SUBMIT:
        return ("receipt", code - RECEIPT)
    return None


def vonage_meaning(code: int | None, status: int | None = None) -> str:
    """The plain English meaning (a translatable message id) of a Vonage code or HTTP status.

    >>> vonage_meaning(None, 503)
    'Vonage had a temporary problem (HTTP {status}); try again shortly.'
    >>> vonage_meaning(None, None)
    'Vonage could not be reached: check the network connection and try again.'
    """
    which = vonage_number(code) if code is not None else None
    if which is not None:
        found = vonage_codes().get(which)
        if found is not None:
            return found[1]
    if status is None:
        return _NO_NETWORK
    if status == 401:
        return _WRONG_KEY
    if status == 404:
        return _NOT_FOUND
    if status == 429:
        return _THROTTLED
    return _SERVER if status >= 500 else _OTHER
