"""Sending through an SMS provider: the :class:`Provider` protocol, its frozen results and errors.

Two implementations exist, each on its provider's official SDK and used both against the cloud and
against the local simulator: :class:`smskit.providers.twilio.TwilioProvider` (``twilio``) and
:class:`smskit.providers.vonage.VonageProvider` (``vonage``, the SMS API; how Vonage differs is in
that module's docstring). This module holds only what every caller needs: value types, the error
that carries a provider's code with its plain meaning, and the order of message statuses (so that a
late callback never moves a message back).

>>> later_status("delivered", "sent")
'delivered'
>>> ProviderError(status=400, code=21610).code
21610
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Protocol, runtime_checkable

from smskit.i18n.catalog import N_, LocalizedError, Text

__all__ = [
    "AccountInfo",
    "AvailableNumber",
    "MessageRecord",
    "MessagingPrice",
    "MessagingService",
    "NumberPrice",
    "OwnedNumber",
    "Provider",
    "ProviderError",
    "ReferenceLookup",
    "SentMessage",
    "error_meaning",
    "is_final_status",
    "is_opt_out_refusal",
    "later_status",
    "monthly_price",
]


@dataclass(frozen=True, slots=True)
class MessageRecord:
    """One message as the provider reports it (Twilio's Message resource, v2010)."""

    sid: str
    to: str
    from_: str | None
    body: str
    status: str
    direction: str = "outbound-api"
    error_code: int | None = None
    error_message: str | None = None
    num_segments: int = 1
    price: Decimal | None = None  # Twilio reports a negative amount once billed, e.g. -0.0083
    price_unit: str | None = None
    date_created: datetime | None = None
    date_sent: datetime | None = None
    date_updated: datetime | None = None
    messaging_service_sid: str | None = None
    # Vonage reports each part of a long message with its own id and receipt: (part id, status)
    # per part, smallest id first; empty for Twilio, whose Message is one resource.
    parts: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class SentMessage(MessageRecord):
    """The result of a send: the message plus how it was obtained.

    ``attempts`` counts requests made; ``recovered`` is True when a dropped connection left the
    outcome unknown and the message was found by listing instead of being sent twice.
    """

    attempts: int = 1
    recovered: bool = False


@dataclass(frozen=True, slots=True)
class AvailableNumber:
    """A number that can be bought (Twilio's AvailablePhoneNumbers resource)."""

    phone_number: str
    friendly_name: str
    iso_country: str
    number_type: str  # "local", "mobile" or "toll_free"
    locality: str | None = None
    region: str | None = None
    sms: bool = True
    mms: bool = False
    voice: bool = False


@dataclass(frozen=True, slots=True)
class OwnedNumber:
    """A number on the account (Twilio's IncomingPhoneNumbers resource)."""

    sid: str
    phone_number: str
    friendly_name: str
    sms: bool = True
    mms: bool = False
    voice: bool = False
    date_created: datetime | None = None


@dataclass(frozen=True, slots=True)
class MessagingService:
    """A sender pool on the account (Twilio's Messaging Service, ``MG`` SID)."""

    sid: str
    friendly_name: str


@dataclass(frozen=True, slots=True)
class NumberPrice:
    """Monthly rental of one number type in one country (Twilio Pricing v1 PhoneNumbers)."""

    country: str
    number_type: str
    monthly_price: Decimal
    currency: str


@dataclass(frozen=True, slots=True)
class MessagingPrice:
    """Per-segment SMS prices for one country (Twilio Pricing v1 Messaging Countries).

    ``outbound_sms_price`` is the highest current price over carriers and number types, a safe
    figure for a cost estimate; ``outbound_by_number_type`` keeps the highest per number type.
    """

    country: str
    country_name: str
    outbound_sms_price: Decimal
    currency: str
    inbound_sms_price: Decimal | None = None
    outbound_by_number_type: tuple[tuple[str, Decimal], ...] = ()


@dataclass(frozen=True, slots=True)
class AccountInfo:
    """The account the credentials belong to: ``kind`` is Twilio's ``type``, "Trial" or "Full"."""

    sid: str
    friendly_name: str
    kind: str
    status: str
    balance: Decimal | None = None  # Vonage's connection test reads it; Twilio's does not
    currency: str | None = None

    @property
    def is_trial(self) -> bool:
        """True for a trial account, which can only reach verified numbers (Twilio error 21608).

        >>> AccountInfo("AC" + "0" * 32, "Demo", "Trial", "active").is_trial
        True
        """
        return self.kind.lower() == "trial"


# Plain meanings of the Twilio error codes smskit meets (https://www.twilio.com/docs/api/errors/<code>).
# Each is a whole translatable sentence; the Indonesian is in locale/id/LC_MESSAGES/providers.po.
_MEANINGS: dict[int, str] = {
    20003: N_("The Account SID or Auth Token is wrong (Twilio error 20003)."),
    20404: N_("Twilio has no such resource (error 20404)."),
    20429: N_("Too many requests at once; Twilio asked us to slow down (error 20429)."),
    21211: N_("The 'To' number is not a valid phone number (Twilio error 21211)."),
    21408: N_(
        "Sending to this country is switched off in your Geo Permissions (Twilio error 21408)."
    ),
    21422: N_("That phone number is no longer available to buy (Twilio error 21422)."),
    21452: N_("No numbers are available in that area code; try another (Twilio error 21452)."),
    21606: N_("The 'From' number cannot send SMS from this account (Twilio error 21606)."),
    21608: N_(
        "Trial accounts can only send to verified numbers; verify this number in the Twilio "
        "Console or upgrade the account (Twilio error 21608)."
    ),
    21610: N_("The recipient has opted out (replied STOP); Twilio refuses the send (error 21610)."),
    21612: N_("This 'To' and 'From' pair cannot be connected (Twilio error 21612)."),
    21614: N_("The 'To' number cannot receive SMS, e.g. a landline (Twilio error 21614)."),
    21617: N_("The message body is over 1,600 characters (Twilio error 21617)."),
    21624: N_("The validity period is invalid (Twilio error 21624)."),
    30001: N_("The sender's queue overflowed; the message was not sent (Twilio error 30001)."),
    30003: N_("The handset is unreachable: off, roaming or out of signal (Twilio error 30003)."),
    30004: N_("The message was blocked by the carrier or the recipient (Twilio error 30004)."),
    30005: N_("Unknown or inactive destination number (Twilio error 30005)."),
    30006: N_("A landline, or the carrier cannot be reached (Twilio error 30006)."),
    30007: N_("Filtered as spam by Twilio or the carrier (Twilio error 30007)."),
    30008: N_("Delivery failed for an unknown reason (Twilio error 30008)."),
    30036: N_("The validity period expired before delivery (Twilio error 30036)."),
    30409: N_(
        "This message can no longer be canceled: only a scheduled message can (Twilio error 30409)."
    ),
    35115: N_("SendAt must be between 5 minutes and 35 days ahead (Twilio error 35115)."),
    35118: N_("Scheduling a message needs a Messaging Service SID (Twilio error 35118)."),
}
_BY_STATUS: dict[int, str] = {
    401: N_("The Account SID or Auth Token is wrong (Twilio error 20003)."),
    404: N_("Twilio has no such resource (error 20404)."),
    429: N_("Too many requests at once; Twilio asked us to slow down (error 20429)."),
}
_NO_NETWORK = N_("Twilio could not be reached: check the network connection and try again.")
_UNKNOWN_OUTCOME = N_(
    "The connection dropped after the request was sent, and the result could not be confirmed."
)
_SERVER = N_("Twilio had a temporary problem (HTTP {status}); try again shortly.")
_OTHER = N_("Twilio refused the request (HTTP {status}, error {code}).")


def error_meaning(code: int | None, status: int | None = None) -> str:
    """The plain English meaning (a translatable message id) of a Twilio error code or HTTP status.

    >>> error_meaning(21610)
    'The recipient has opted out (replied STOP); Twilio refuses the send (error 21610).'
    >>> error_meaning(None, 503)
    'Twilio had a temporary problem (HTTP {status}); try again shortly.'
    """
    if code is not None and code in _MEANINGS:
        return _MEANINGS[code]
    if status is None:
        return _NO_NETWORK
    if status in _BY_STATUS:
        return _BY_STATUS[status]
    return _SERVER if status >= 500 else _OTHER


class ProviderError(LocalizedError):
    """A failed request: HTTP ``status`` (None: no response), Twilio ``code`` and plain meaning.

    The text never holds credentials: it is built from the code table above, not from the request.
    ``provider`` names whose codes these are (``VonageProviderError`` says "Vonage").

    >>> error = ProviderError(status=400, code=21211)
    >>> (error.retryable, str(error))
    (False, "The 'To' number is not a valid phone number (Twilio error 21211).")
    """

    provider = "Twilio"

    def __init__(
        self,
        *,
        status: int | None,
        code: int | None = None,
        retry_after: float | None = None,
        unknown_outcome: bool = False,
    ) -> None:
        template = _UNKNOWN_OUTCOME if unknown_outcome else error_meaning(code, status)
        super().__init__(template, status=status, code=code)
        self.status = status
        self.code = code
        self.retry_after = retry_after
        self.unknown_outcome = unknown_outcome

    @property
    def meaning(self) -> Text:
        """The plain-language meaning, translatable (``str(error)`` is its English).

        >>> ProviderError(status=400, code=21610).meaning.render("en")[:30]
        'The recipient has opted out (r'
        """
        return self.text

    @property
    def retryable(self) -> bool:
        """True for 429, 5xx and no response at all; a refusal (any other 4xx) is never retried.

        >>> ProviderError(status=429, code=20429).retryable
        True
        """
        return self.status is None or self.status == 429 or self.status >= 500

    def __repr__(self) -> str:
        return f"ProviderError(status={self.status!r}, code={self.code!r})"


# Twilio's outbound lifecycle (docs: "Outbound Message Status in Status Callbacks"). Callbacks may
# arrive twice or out of order; a status only ever moves to a higher rank.
_RANK: dict[str, int] = {
    "scheduled": 0,
    "accepted": 0,
    "queued": 1,
    "receiving": 1,
    "sending": 2,
    "sent": 3,
    "partially_delivered": 3,
    "delivered": 4,
    "undelivered": 4,
    "failed": 4,
    "canceled": 4,
    "received": 4,
    "read": 5,
}
FINAL_STATUSES = frozenset({"delivered", "undelivered", "failed", "canceled", "received", "read"})


# Refusals that mean "this recipient opted out": Twilio 21610, and Vonage's SMS API status 7
# ("Number barred"), stored namespaced as 100007 (smskit.providers.vonage_codes).
_OPT_OUT_REFUSALS = frozenset({21610, 100_007})


def is_opt_out_refusal(code: int | None) -> bool:
    """True when a provider refused a send because the recipient opted out.

    >>> is_opt_out_refusal(21610), is_opt_out_refusal(100007), is_opt_out_refusal(21211)
    (True, True, False)
    """
    return code in _OPT_OUT_REFUSALS


def later_status(current: str | None, new: str) -> str:
    """The status to keep when ``new`` arrives for a message now at ``current``: never go backwards.

    Two final statuses of equal rank (delivered, then a stray failed) keep the first one.

    >>> later_status("sent", "delivered"), later_status("delivered", "sent")
    ('delivered', 'delivered')
    >>> later_status(None, "queued")
    'queued'
    """
    if current is None:
        return new
    return new if _RANK.get(new, 0) > _RANK.get(current, 0) else current


def is_final_status(status: str) -> bool:
    """True when no further status change is expected.

    >>> is_final_status("sent"), is_final_status("undelivered")
    (False, True)
    """
    return status in FINAL_STATUSES


@runtime_checkable
class Provider(Protocol):
    """What smskit needs from an SMS provider (shaped on Twilio's REST API v2010)."""

    def send(
        self,
        to: str,
        body: str,
        *,
        from_: str | None = None,
        messaging_service_sid: str | None = None,
        status_callback: str | None = None,
        validity_period: int | None = None,
        send_at: datetime | None = None,
        client_ref: str | None = None,
    ) -> SentMessage:
        """Send one message, with retries; never creates it twice.

        ``client_ref`` is the caller's key for this send (smskit's message id): a provider that
        stores it (Vonage's ``client-ref``) finds the send by it after a crash; Twilio has no such
        field and ignores it.
        """
        ...

    def fetch(self, sid: str) -> MessageRecord:
        """The current state of one message."""
        ...

    def cancel(self, sid: str) -> MessageRecord:
        """Cancel a message the provider still holds as ``scheduled`` (Twilio SendAt)."""
        ...

    def list_messages(
        self,
        *,
        to: str | None = None,
        from_: str | None = None,
        sent_after: datetime | None = None,
        sent_before: datetime | None = None,
        limit: int | None = 200,
    ) -> Sequence[MessageRecord]:
        """Messages newest first, filtered as Twilio's To, From and DateSent filters do."""
        ...

    def search_numbers(
        self,
        country: str,
        *,
        number_type: str = "local",
        area_code: str | None = None,
        contains: str | None = None,
        limit: int = 20,
    ) -> Sequence[AvailableNumber]:
        """Numbers available to buy in ``country`` (ISO code)."""
        ...

    def buy_number(self, phone_number: str) -> OwnedNumber:
        """Buy (rent) one number; this can cost money on a real account."""
        ...

    def my_numbers(self) -> Sequence[OwnedNumber]:
        """The numbers the account already has."""
        ...

    def messaging_services(self) -> Sequence[MessagingService]:
        """The account's sender pools (Twilio Messaging Services); empty where there are none."""
        ...

    def messaging_prices(self, country: str) -> MessagingPrice:
        """Per-segment SMS prices for ``country`` (ISO code)."""
        ...

    def number_prices(self, country: str) -> Sequence[NumberPrice]:
        """Monthly rental prices per number type in ``country``."""
        ...

    def account(self) -> AccountInfo:
        """The account behind the credentials (its type tells a trial account apart)."""
        ...


@runtime_checkable
class ReferenceLookup(Protocol):
    """A provider that can find a send by the ``client_ref`` it was given (Vonage's client-ref).

    Providers without a list of sent messages (Vonage has no Twilio-style Messages list) reconcile
    a send whose answer was lost through this instead of matching To, From and body.
    """

    def find_by_reference(self, client_ref: str, *, to: str | None = None) -> MessageRecord | None:
        """The message sent with ``client_ref`` (to ``to``), or None if there is none."""
        ...


def monthly_price(provider: Provider, number: AvailableNumber) -> NumberPrice | None:
    """The monthly rental of ``number`` (its type, its country); None if the provider won't say.

    Shown before a purchase on a real account, which must be confirmed explicitly.

    >>> class Prices:
    ...     def number_prices(self, country):
    ...         return [NumberPrice(country, "local", Decimal("1.15"), "USD")]
    >>> monthly_price(Prices(), AvailableNumber("+12125550100", "x", "US", "local")).monthly_price
    Decimal('1.15')
    """
    try:
        prices = provider.number_prices(number.iso_country)
    except ProviderError:  # Pricing API unavailable: the confirmation says the price is unknown
        return None
    return next((p for p in prices if p.number_type == number.number_type), None)
