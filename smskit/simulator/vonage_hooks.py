"""Vonage's webhooks from the simulator: delivery receipts per part and inbound messages, signed.

A delivery receipt (DLR) goes out for each part of a message, as Vonage sends them
(https://developer.vonage.com/en/messaging/sms/guides/delivery-receipts): ``messageId`` is the
part's id, ``client-ref`` the sender's reference, ``status`` one of accepted, delivered, failed,
rejected, expired, and ``err-code`` Vonage's DLR error code. Inbound messages carry ``msisdn``
(the handset), ``to``, ``messageId``, ``text``, ``type`` and ``keyword``
(https://developer.vonage.com/en/messaging/sms/guides/inbound-sms). Both are POSTed as forms and
signed with the account's signature secret (``sig`` over the sorted fields plus ``timestamp``).

>>> dlr_status("undelivered"), dlr_error(30003)
('failed', 2)
"""

from __future__ import annotations

import secrets
import time
from datetime import UTC

from smskit.simulator.signing import vonage_signature
from smskit.simulator.state import Account, SimMessage

# The simulator's lifecycle statuses as Vonage DLR statuses ("sending" sends none).
_DLR_STATUS = {
    "sent": "accepted",
    "delivered": "delivered",
    "undelivered": "failed",
    "failed": "rejected",
}
# The simulator draws Twilio's carrier errors; Vonage reports the same causes with its DLR codes
# (https://developer.vonage.com/en/messaging/sms/guides/delivery-receipts#dlr-error-codes).
_DLR_ERRORS = {
    30001: 16,  # queue overflow -> Gateway Quota Exceeded
    30003: 2,  # unreachable -> Absent Subscriber - Temporary
    30004: 4,  # blocked -> Call barred by user
    30005: 3,  # unknown destination -> Absent Subscriber - Permanent
    30006: 11,  # landline / no carrier -> Unroutable
    30007: 6,  # filtered -> Anti-Spam Rejection
    30008: 1,  # unknown -> Unknown
    30036: 99,  # validity expired -> General Error (status "expired")
}


def dlr_status(status: str) -> str | None:
    """The Vonage DLR status for a simulator status (None: no receipt for this step).

    >>> dlr_status("sending") is None
    True
    """
    return _DLR_STATUS.get(status)


def dlr_error(code: int | None) -> int:
    """Vonage's DLR ``err-code`` for a simulator error code (0: none).

    >>> dlr_error(None), dlr_error(30007)
    (0, 6)
    """
    return 0 if code is None else _DLR_ERRORS.get(code, 99)


def message_id() -> str:
    """A Vonage-style message id: 16 upper-case hexadecimal digits.

    >>> len(message_id())
    16
    """
    return secrets.token_hex(8).upper()


def signed(account: Account, params: dict[str, str], method: str = "sha256") -> dict[str, str]:
    """``params`` plus ``api-key``, ``timestamp``, ``nonce`` and the ``sig`` over all of them.

    >>> from smskit.simulator.state import Store
    >>> sorted(signed(Store().create_account(), {"text": "hi"}))
    ['api-key', 'nonce', 'sig', 'text', 'timestamp']
    """
    out = dict(params)
    out["api-key"] = account.vonage_key
    out["timestamp"] = str(int(time.time()))
    out["nonce"] = secrets.token_hex(8)
    out["sig"] = vonage_signature(account.signature_secret, out, method)
    return out


def receipt_params(message: SimMessage) -> dict[str, str] | None:
    """The fields of one part's delivery receipt, unsigned; None when this status sends none.

    >>> from smskit.simulator.state import _example
    >>> from dataclasses import replace
    >>> receipt_params(replace(_example(), status="delivered"))["status"]
    'delivered'
    """
    status = dlr_status(message.status)
    if status is None:
        return None
    if message.error_code == 30036:
        status = "expired"
    moment = message.date_updated.astimezone(UTC)
    params = {
        "msisdn": message.to.lstrip("+"),
        "to": message.from_.lstrip("+"),
        "network-code": message.network or "",
        "messageId": message.sid,
        "price": f"{message.price or 0:.8f}",
        "status": status,
        "scts": moment.strftime("%y%m%d%H%M"),
        "err-code": str(dlr_error(message.error_code)),
        "message-timestamp": moment.strftime("%Y-%m-%d %H:%M:%S"),
    }
    if message.client_ref:
        params["client-ref"] = message.client_ref
    return params


def inbound_params(message: SimMessage, keyword: str) -> dict[str, str]:
    """The fields of an inbound-message webhook, unsigned.

    >>> from smskit.simulator.state import _example
    >>> inbound_params(_example(), "HI")["keyword"]
    'HI'
    """
    gsm = all(ord(c) < 128 for c in message.body)
    return {
        "msisdn": message.from_.lstrip("+"),
        "to": message.to.lstrip("+"),
        "messageId": message.sid,
        "text": message.body,
        "type": "text" if gsm else "unicode",
        "keyword": keyword,
        "message-timestamp": message.date_created.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S"),
    }
