"""Vonage's SMS codes in plain words, and how smskit stores them beside Twilio's.

Vonage has two code lists that overlap numerically: the SMS API's submission ``status`` (0-33,
https://developer.vonage.com/en/messaging/sms/guides/troubleshooting-sms#sms-api-error-codes) and
the delivery receipt's ``err-code`` (0-99,
https://developer.vonage.com/en/messaging/sms/guides/delivery-receipts#dlr-error-codes). smskit
keeps one integer ``error_code`` per message, as Twilio's are (all below 100000), so Vonage codes
are stored namespaced: submission status ``s`` as ``100000 + s`` and DLR error ``e`` as
``200000 + e``. The meaning names Vonage's own number again.

>>> submit_code(7), receipt_code(6), vonage_number(100007)
(100007, 200006, ('status', 7))
>>> vonage_meaning(100007)
'The recipient is on the barred list, e.g. after replying STOP; Vonage refuses the send (status 7).'
"""

from __future__ import annotations

from smskit.i18n.catalog import N_

__all__ = [
    "BARRED",
    "FATAL",
    "RECEIPT",
    "SUBMIT",
    "THROTTLED",
    "receipt_code",
    "submit_code",
    "vonage_meaning",
    "vonage_number",
]

SUBMIT = 100_000
RECEIPT = 200_000

_SUBMIT: dict[int, str] = {
    1: N_("Too many messages at once; Vonage asked us to slow down (status 1, Throttled)."),
    2: N_("A required field (to, from or text) was missing (Vonage status 2)."),
    3: N_("The 'to' number or another field is not valid (Vonage status 3)."),
    4: N_("The API key or secret is wrong (Vonage status 4, Invalid Credentials)."),
    5: N_("Vonage had an internal error; the send may be retried (status 5)."),
    6: N_("Vonage could not route this message, e.g. to a landline or unknown prefix (status 6)."),
    7: N_(
        "The recipient is on the barred list, e.g. after replying STOP; Vonage refuses the send "
        "(status 7)."
    ),
    8: N_("This Vonage account is barred from sending (status 8)."),
    9: N_("The account's balance is too low to send (Vonage status 9, Partner Quota Violation)."),
    11: N_("This account cannot use the SMS API over HTTP (Vonage status 11)."),
    12: N_("The message is too long (Vonage status 12)."),
    14: N_("The request signature is wrong (Vonage status 14, Invalid Signature)."),
    15: N_("The 'from' sender is not allowed for this destination (Vonage status 15)."),
    22: N_("The network code is not valid (Vonage status 22)."),
    23: N_("The callback URL is not valid (Vonage status 23)."),
    29: N_(
        "A demo account can only send to its whitelisted test numbers; add this number in the "
        "Vonage dashboard or top up (status 29)."
    ),
    32: N_("Send either a signature or the API secret, not both (Vonage status 32)."),
    33: N_("The recipient's number has been deactivated (Vonage status 33)."),
}
_RECEIPT: dict[int, str] = {
    1: N_("Delivery failed for an unknown reason (Vonage receipt error 1)."),
    2: N_("The handset is off or out of coverage for now (Vonage receipt error 2)."),
    3: N_("The number does not exist or is no longer in service (Vonage receipt error 3)."),
    4: N_("The recipient has barred incoming messages (Vonage receipt error 4)."),
    5: N_("The number was ported and could not be reached (Vonage receipt error 5)."),
    6: N_("Rejected as spam by the carrier (Vonage receipt error 6)."),
    7: N_("The handset was busy (Vonage receipt error 7)."),
    8: N_("A network error stopped delivery (Vonage receipt error 8)."),
    9: N_("The number is not valid (Vonage receipt error 9)."),
    10: N_("The message was refused as invalid (Vonage receipt error 10)."),
    11: N_("The message could not be routed, e.g. a landline (Vonage receipt error 11)."),
    12: N_("The destination could not be reached (Vonage receipt error 12)."),
    13: N_("Blocked by an age restriction on the recipient's line (Vonage receipt error 13)."),
    14: N_("The carrier blocked this number (Vonage receipt error 14)."),
    15: N_("The recipient's prepaid line has no credit (Vonage receipt error 15)."),
    16: N_("The carrier's queue was full (Vonage receipt error 16)."),
    50: N_("Filtered: the sender entity is not registered (Vonage receipt error 50)."),
    51: N_("Filtered: the sender ID is not registered (Vonage receipt error 51)."),
    52: N_("Filtered for its content (Vonage receipt error 52)."),
    53: N_("Filtered: no consent on record (Vonage receipt error 53)."),
    54: N_("Refused by a regulation of the destination country (Vonage receipt error 54)."),
    99: N_("Delivery failed (Vonage receipt error 99, General Error)."),
}
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
        table = _SUBMIT if which[0] == "status" else _RECEIPT
        if which[1] in table:
            return table[which[1]]
    if status is None:
        return _NO_NETWORK
    if status == 401:
        return _WRONG_KEY
    if status == 404:
        return _NOT_FOUND
    if status == 429:
        return _THROTTLED
    return _SERVER if status >= 500 else _OTHER
