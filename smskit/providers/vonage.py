"""The Vonage provider: the official ``vonage`` SDK (SMS API), for Vonage's cloud and the simulator.

Why the SMS API and not the Messages API: smskit sends plain SMS, and the SMS API is the one with
``client-ref`` echoed in every part's delivery receipt and in the Reports API, signed webhooks with
the account's signature secret, and per-part message ids that match how Vonage bills. The Messages
API needs an application and a JWT for the same text message.

Differences from Twilio, and how this module handles them:

- **No Messages list.** Twilio's lost answers are found by listing To/From/body; Vonage has no
  such list. Every send carries smskit's message id as ``client-ref`` (at most 100 characters), and
  a send whose answer was lost (dropped connection, 5xx, a worker killed with ``kill -9``) is looked
  up by it in the Reports API (:meth:`VonageProvider.find_by_reference`) before any resend.
- **Long messages are several messages.** The answer lists one ``message-id`` per part; smskit keeps
  one record per send (smallest part id as its ``sid``, parts as ``num_segments``, summed price).
- **Receipts are per part.** Each part has its own delivery receipt with the same ``client-ref``;
  :func:`smskit.providers.vonage_convert.combined_status` folds them into one status.
- **Refusals arrive as HTTP 200.** The SMS API answers each part with ``status`` "0" or an error
  code; smskit stores them namespaced (:mod:`smskit.providers.vonage_codes`). Status 1 (Throttled)
  is retried like Twilio's 429.
- **No scheduling, no Messaging Services.** There is no SendAt: quiet hours wait in the worker.
- **The SDK resends a POST by itself** when the server closes the connection (its HTTP client
  retries "RemoteDisconnected" up to ``pool_maxsize`` times), which could send twice. smskit sets
  ``pool_maxsize=1`` in ``HttpClientOptions`` (one attempt) and mounts its own pooled adapter with
  no retries on the SDK's ``requests`` session; all retries are smskit's, with the lookup first.

The SDK always builds ``https://{host}{path}``; hosts come from ``HttpClientOptions``. For the local
simulator the adapter sends ``https://127.0.0.1:PORT/...`` over plain HTTP to that loopback port.
The session is a private attribute of the SDK's ``HttpClient`` (``_session``): it has no public
transport hook, and this is the only place smskit touches it.

This is the only smskit module that imports ``vonage``, and only inside functions.

>>> VonageProvider.for_url("http://127.0.0.1:1", "abcd1234", "s" * 16).api_key
'abcd1234'
"""

from __future__ import annotations

import logging
import random
import re
import threading
import time
import uuid
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from smskit.encoding.gsm7 import GSM_CHARS
from smskit.i18n.catalog import LocalizedError
from smskit.providers import (
    AccountInfo,
    AvailableNumber,
    MessageRecord,
    MessagingPrice,
    MessagingService,
    NumberPrice,
    OwnedNumber,
    ProviderError,
    SentMessage,
)
from smskit.providers.convert import decimal_or_none
from smskit.providers.retry import Backoff, Retrier, network_failure, parse_retry_after
from smskit.providers.vonage_codes import THROTTLED, submit_code
from smskit.providers.vonage_convert import e164
from smskit.providers.vonage_transport import (
    ReportsLookup,
    VonageProviderError,
    adapter_class,
    quiet_sdk_debug,
)

__all__ = ["VonageProvider", "VonageProviderError"]

log = logging.getLogger("smskit.providers")
_CODE = re.compile(r"error code (\d+)")
_TYPES = {"local": "landline", "mobile": "mobile-lvn", "toll_free": "landline-toll-free"}
_KINDS = {v: k for k, v in _TYPES.items()}


def _client(
    api_key: str, api_secret: str, base_url: str | None, pool_size: int, timeout: float
) -> Any:
    from vonage import Auth, HttpClientOptions, Vonage

    quiet_sdk_debug()

    options: dict[str, Any] = {"timeout": max(1, round(timeout)), "pool_maxsize": 1}
    options["max_retries"] = 0
    if base_url is not None:  # the simulator answers every Vonage host on one port
        host = base_url.split("://", 1)[1].rstrip("/")
        options.update(api_host=host, rest_host=host)
    client = Vonage(Auth(api_key=api_key, api_secret=api_secret), HttpClientOptions(**options))
    session = client.http_client._session  # no public transport hook (see the module docstring)
    session.mount("https://", adapter_class(base_url)(pool_maxsize=pool_size, max_retries=0))
    if base_url is not None:
        session.trust_env = False  # no proxy or .netrc lookups for a loopback server
    return client


class VonageProvider(ReportsLookup):
    """:class:`smskit.providers.Provider` on the real ``vonage`` SDK, with safe retries."""

    def __init__(
        self,
        client: Any,
        *,
        backoff: Backoff | None = None,
        sleep: Callable[[float], None] = time.sleep,
        rng: random.Random | None = None,
    ) -> None:
        self.client = client
        self.backoff = backoff or Backoff()
        self._retry = Retrier(self._failure, self.backoff, sleep, rng or random.Random())
        self._call = self._retry.call
        self._claimed: set[str] = set()
        self._claim_lock = threading.Lock()

    def __repr__(self) -> str:
        return f"VonageProvider(api_key={self.api_key!r})"

    @property
    def api_key(self) -> str:
        """The API key (not a secret)."""
        return str(self.client.http_client.auth.api_key)

    @property
    def account_sid(self) -> str:
        """The API key, under the name the dashboards use for an account id."""
        return self.api_key

    @classmethod
    def for_url(
        cls,
        base_url: str | None,
        api_key: str,
        api_secret: str,
        *,
        pool_size: int = 32,
        timeout: float = 30.0,
        **kwargs: Any,
    ) -> VonageProvider:
        """A provider for ``base_url`` (None: Vonage's cloud) with an API key and secret.

        >>> VonageProvider.for_url(None, "abcd1234", "s" * 16).client.http_client.rest_host
        'rest.nexmo.com'
        """
        return cls(_client(api_key, api_secret, base_url, pool_size, timeout), **kwargs)

    @classmethod
    def from_credentials(
        cls, creds: Any, *, base_url: str | None = None, **kwargs: Any
    ) -> VonageProvider:
        """A provider for :class:`smskit.providers.vonage_credentials.VonageCredentials`.

        >>> from smskit.providers.vonage_credentials import VonageCredentials
        >>> VonageProvider.from_credentials(VonageCredentials("abcd1234", "S" * 16)).api_key
        'abcd1234'
        """
        return cls.for_url(base_url, creds.api_key, creds.api_secret.reveal(), **kwargs)

    @classmethod
    def for_simulator(cls, handle: Any, **kwargs: Any) -> VonageProvider:
        """A provider for a running simulator handle (its ``vonage_api_key``/``_secret``).

        >>> class Handle:
        ...     url, vonage_api_key, vonage_api_secret = "http://127.0.0.1:1", "ab12cd34", "x" * 16
        >>> VonageProvider.for_simulator(Handle()).client.http_client.rest_host
        '127.0.0.1:1'
        """
        return cls.for_url(handle.url, handle.vonage_api_key, handle.vonage_api_secret, **kwargs)

    # -- retries -----------------------------------------------------------------------------

    def _failure(self, error: Exception) -> ProviderError | None:
        """Translate an SDK or requests exception; None for anything we do not understand."""
        from vonage_http_client.errors import HttpRequestError
        from vonage_sms.errors import PartialFailureError, SmsError

        if isinstance(error, HttpRequestError):
            response = error.response
            retry_after = parse_retry_after(response.headers.get("Retry-After"))
            return VonageProviderError(status=response.status_code, retry_after=retry_after)
        if isinstance(error, SmsError) and not isinstance(error, PartialFailureError):
            found = _CODE.search(str(error))
            code = submit_code(int(found.group(1))) if found else None
            if code == THROTTLED:  # HTTP 200, status 1: nothing was sent; wait and retry
                return VonageProviderError(status=429, code=code)
            if code == submit_code(5):  # internal error: may have been sent, look it up first
                return VonageProviderError(status=500, code=code)
            return VonageProviderError(status=400, code=code)
        return network_failure(error, VonageProviderError)

    # -- messages ----------------------------------------------------------------------------

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
        """Send one SMS (all its parts); retried on throttling, 5xx and lost connections, never
        sent twice: a lost answer is looked up by ``client_ref`` first (one is made if none given).

        >>> VonageProvider.for_url("http://127.0.0.1:1", "abcd1234", "s" * 16).send("+1", "hi")
        Traceback (most recent call last):
        ...
        smskit.i18n.LocalizedError: A Vonage message needs a From number or sender ID.
        """
        from vonage_sms import SmsMessage

        if messaging_service_sid:
            raise LocalizedError("Vonage has no Messaging Services: give a From number instead.")
        if not from_:
            raise LocalizedError("A Vonage message needs a From number or sender ID.")
        if send_at is not None:
            raise LocalizedError("Vonage's SMS API cannot schedule a message (no SendAt).")
        ref = client_ref or uuid.uuid4().hex
        # The SMS API's limits (vonage_sms.SmsMessage): refused here with the field's name.
        if len(ref) > 100:
            raise LocalizedError("client-ref: at most 100 characters (got {n}).", n=len(ref))
        if status_callback and len(status_callback) > 100:
            raise LocalizedError(
                "Vonage's callback URL holds at most 100 characters (got {n}).",
                n=len(status_callback),
            )
        fields: dict[str, Any] = {
            "to": to.lstrip("+"),
            "from_": from_.lstrip("+") if from_.lstrip("+").isdigit() else from_,
            "text": body,
            "client_ref": ref,
            "type": "text" if set(body) <= GSM_CHARS else "unicode",
        }
        if status_callback:
            fields.update(callback=status_callback, status_report_req=True)
        if validity_period:
            fields["ttl"] = max(20_000, validity_period * 1000)  # Vonage: milliseconds, >= 20 s
        message = SmsMessage(**fields)
        started = datetime.now(UTC)

        def create() -> MessageRecord:
            answer = self.client.sms.send(message)
            parts = sorted(answer.messages, key=lambda p: str(p.message_id))
            prices = [decimal_or_none(p.message_price) for p in answer.messages]
            return MessageRecord(
                sid=str(parts[0].message_id),
                to=to,
                from_=from_,
                body=body,
                status="queued",
                num_segments=len(parts),
                price=sum((p for p in prices if p is not None), Decimal(0)),
                price_unit="EUR",
                date_created=started,
                date_updated=started,
            )

        def find() -> MessageRecord | None:
            return self.find_by_reference(ref, to=to)

        record, attempts, recovered = self._retry.create_once(create, find, "send")
        values = {f: getattr(record, f) for f in MessageRecord.__dataclass_fields__}
        return SentMessage(**values, attempts=attempts, recovered=recovered)

    # -- numbers, prices, account ------------------------------------------------------------

    def search_numbers(
        self,
        country: str,
        *,
        number_type: str = "local",
        area_code: str | None = None,
        contains: str | None = None,
        limit: int = 20,
    ) -> Sequence[AvailableNumber]:
        """SMS-capable numbers for sale: local (landline), mobile (mobile-lvn) or toll_free."""
        from vonage_numbers import SearchAvailableNumbersFilter

        kind = number_type.lower().replace("-", "_").replace(" ", "_")
        if kind not in _TYPES:
            raise LocalizedError(
                "Unknown number type '{number_type}': use local, mobile or toll_free.",
                number_type=number_type,
            )
        iso = country.strip().upper()
        pattern, how = None, None
        if area_code:  # Vonage has no area-code filter: a "starts with" pattern after the prefix
            import phonenumbers

            pattern, how = f"{phonenumbers.country_code_for_region(iso)}{area_code}", 0
        elif contains:
            pattern, how = contains.lstrip("+"), 1
        search = SearchAvailableNumbersFilter(
            country=iso,
            type=_TYPES[kind],
            features="SMS",
            pattern=pattern,
            search_pattern=how,
            size=min(100, limit),
        )

        def read() -> tuple[AvailableNumber, ...]:
            numbers, _count, _next = self.client.numbers.search_available_numbers(search)
            return tuple(
                AvailableNumber(
                    phone_number=e164(str(n.msisdn)),
                    friendly_name=e164(str(n.msisdn)),
                    iso_country=n.country or iso,
                    number_type=_KINDS.get(str(n.type), kind),
                    sms="SMS" in (n.features or []),
                    mms="MMS" in (n.features or []),
                    voice="VOICE" in (n.features or []),
                )
                for n in numbers
            )

        return self._call(read)

    def buy_number(self, phone_number: str) -> OwnedNumber:
        """Buy one number (``/number/buy``); never bought twice after a dropped line."""
        import phonenumbers
        from vonage_numbers import NumberParams

        try:
            iso = phonenumbers.region_code_for_number(phonenumbers.parse(phone_number)) or "US"
        except phonenumbers.NumberParseException:
            raise LocalizedError("{number} is not a phone number.", number=phone_number) from None
        params = NumberParams(country=iso, msisdn=phone_number.lstrip("+"))

        def create() -> OwnedNumber:
            self.client.numbers.buy_number(params)
            return OwnedNumber(
                sid=phone_number.lstrip("+"), phone_number=phone_number, friendly_name=phone_number
            )

        def find() -> OwnedNumber | None:
            return next((n for n in self.my_numbers() if n.phone_number == phone_number), None)

        number, _attempts, _recovered = self._retry.create_once(create, find, "buy")
        return number

    def my_numbers(self) -> Sequence[OwnedNumber]:
        """The account's numbers (first 100)."""

        def read() -> tuple[OwnedNumber, ...]:
            numbers, _count, _next = self.client.numbers.list_owned_numbers()
            return tuple(
                OwnedNumber(
                    sid=str(n.msisdn),
                    phone_number=e164(str(n.msisdn)),
                    friendly_name=e164(str(n.msisdn)),
                    sms="SMS" in (n.features or []),
                    mms="MMS" in (n.features or []),
                    voice="VOICE" in (n.features or []),
                )
                for n in numbers
            )

        return self._call(read)

    def messaging_services(self) -> Sequence[MessagingService]:
        """Vonage has no sender pools like Twilio's Messaging Services: always empty.

        >>> VonageProvider.for_url("http://127.0.0.1:1", "abcd1234", "s" * 16).messaging_services()
        ()
        """
        return ()

    def messaging_prices(self, country: str) -> MessagingPrice:
        """Per-part SMS price for ``country`` from the Pricing API (highest network price)."""
        from vonage_account import GetCountryPricingRequest

        iso = country.strip().upper()
        answer = self._call(
            lambda: self.client.account.get_country_pricing(
                GetCountryPricingRequest(country_code=iso)
            )
        )
        amounts = [decimal_or_none(n.price) for n in answer.networks or []]
        amounts.append(decimal_or_none(answer.default_price))
        known = [a for a in amounts if a is not None]
        if not known:
            raise LocalizedError("Vonage lists no SMS price for {country}.", country=iso)
        return MessagingPrice(
            country=answer.country_code or iso,
            country_name=answer.country_display_name or answer.country_name or iso,
            outbound_sms_price=max(known),
            currency=(answer.currency or "EUR").upper(),
        )

    def number_prices(self, country: str) -> Sequence[NumberPrice]:
        """Monthly rental per number type: the ``cost`` of numbers for sale in ``country``."""
        prices: dict[str, NumberPrice] = {}
        for kind in _TYPES:
            from vonage_numbers import SearchAvailableNumbersFilter

            search = SearchAvailableNumbersFilter(
                country=country.upper(), type=_TYPES[kind], size=1
            )
            found: tuple[Any, ...] = self._call(
                lambda s=search: self.client.numbers.search_available_numbers(s)  # type: ignore[misc]
            )
            numbers = found[0]
            for n in numbers:
                cost = decimal_or_none(n.cost)
                if cost is not None:
                    prices[kind] = NumberPrice(country.upper(), kind, cost, "EUR")
        return tuple(prices.values())

    def account(self) -> AccountInfo:
        """The account behind the key: the balance call proves the credentials.

        Vonage marks no "trial" type: a demo account shows in its refusals (status 29)."""
        left = self.balance()
        return AccountInfo(self.api_key, self.api_key, "Full", "active", left, "EUR")

    def balance(self) -> Decimal:
        """The account's balance (Vonage bills in the account currency, EUR by default)."""
        answer = self._call(lambda: self.client.account.get_balance())
        return Decimal(str(answer.value))
