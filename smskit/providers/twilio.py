"""The Twilio provider: the official ``twilio`` client, for Twilio's cloud and the simulator alike.

There is one code path. For the local simulator only the HTTP client changes: a
:class:`twilio.http.http_client.TwilioHttpClient` subclass whose ``request()`` rewrites
``https://<anything>.twilio.com`` to the simulator's ``http://127.0.0.1:PORT`` (the twilio
library has no base-URL setting; ``edge`` and ``region`` only change the ``twilio.com`` host).

This is the only smskit module that imports ``twilio``, and only inside functions, so importing
smskit stays light (tests/test_layering.py).

>>> rewrite_url("https://api.twilio.com/2010-04-01/Accounts.json", "http://127.0.0.1:9")
'http://127.0.0.1:9/2010-04-01/Accounts.json'
"""

from __future__ import annotations

import functools
import logging
import random
import re
import threading
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

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
from smskit.providers.convert import (
    account_info,
    available_number,
    message_record,
    messaging_price,
    number_prices,
    owned_number,
    status_and_code,
)
from smskit.providers.retry import Backoff, Retrier, network_failure, parse_retry_after

if TYPE_CHECKING:
    from smskit.providers.credentials import Credentials

__all__ = ["TwilioProvider", "http_client", "rewrite_url"]

log = logging.getLogger("smskit.providers")
_TWILIO_HOST = re.compile(r"^https://(?:[A-Za-z0-9-]+\.)*twilio\.com(?=/|$)")
_NUMBER_TYPES = {
    "local": "local",
    "mobile": "mobile",
    "toll_free": "toll_free",
    "tollfree": "toll_free",
}
# Twilio stamps date_created on its own clock: allow for skew when matching a possible earlier send.
_CLOCK_SLACK = timedelta(minutes=2)


def rewrite_url(url: str, base_url: str | None) -> str:
    """Send a ``*.twilio.com`` URL to ``base_url`` instead (unchanged when ``base_url`` is None).

    >>> rewrite_url("https://pricing.twilio.com/v1/Messaging/Countries/US", "http://127.0.0.1:8")
    'http://127.0.0.1:8/v1/Messaging/Countries/US'
    >>> rewrite_url("https://api.twilio.com/x", None)
    'https://api.twilio.com/x'
    """
    if base_url is None:
        return url
    return _TWILIO_HOST.sub(base_url.rstrip("/"), url, count=1)


@functools.cache
def _http_client_class() -> type[Any]:
    """Build the HTTP client subclass on first use, so that twilio is imported lazily."""
    from requests.adapters import HTTPAdapter
    from twilio.http.http_client import TwilioHttpClient

    class SmskitHttpClient(TwilioHttpClient):  # type: ignore[misc]
        """Pooled sessions for concurrent senders; optional loopback target; keeps Retry-After."""

        def __init__(self, base_url: str | None, pool_size: int, timeout: float) -> None:
            super().__init__(pool_connections=True, timeout=timeout)
            self.base_url = base_url
            self._local = threading.local()
            for scheme in ("http://", "https://"):
                # The default pool keeps 10 connections; a thread pool needs one per worker.
                self.session.mount(scheme, HTTPAdapter(pool_maxsize=pool_size))
            if base_url is not None:
                self.session.trust_env = False  # no proxy or .netrc lookups for a loopback server

        def request(self, method: str, url: str, *args: Any, **kwargs: Any) -> Any:
            self._local.retry_after = None
            response = super().request(method, rewrite_url(url, self.base_url), *args, **kwargs)
            # TwilioRestException drops the headers; keep Retry-After for this thread's retry.
            self._local.retry_after = response.headers.get("Retry-After")
            return response

        def last_retry_after(self) -> float | None:
            return parse_retry_after(getattr(self._local, "retry_after", None))

    return SmskitHttpClient


def http_client(base_url: str | None = None, *, pool_size: int = 32, timeout: float = 30.0) -> Any:
    """A twilio HTTP client with a connection pool; with ``base_url``, aimed at a local server.

    >>> http_client("http://127.0.0.1:1").base_url
    'http://127.0.0.1:1'
    """
    return _http_client_class()(base_url, pool_size, timeout)


class TwilioProvider:
    """:class:`smskit.providers.Provider` on the real ``twilio.rest.Client``, with safe retries.

    >>> TwilioProvider.for_url("http://127.0.0.1:1", "AC" + "a" * 32, "b" * 32).account_sid[:2]
    'AC'
    """

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
        self._claimed: set[str] = set()  # SIDs returned by our sends: never adopted twice
        self._claim_lock = threading.Lock()

    def __repr__(self) -> str:
        return f"TwilioProvider(account_sid={self.account_sid!r})"

    @property
    def account_sid(self) -> str:
        """The account SID (not a secret)."""
        return str(self.client.account_sid)

    @classmethod
    def for_url(
        cls,
        base_url: str | None,
        account_sid: str,
        secret: str,
        *,
        api_key_sid: str | None = None,
        pool_size: int = 32,
        timeout: float = 30.0,
        **kwargs: Any,
    ) -> TwilioProvider:
        """A provider talking to ``base_url`` (None: Twilio's cloud) with the given credentials.

        >>> TwilioProvider.for_url(None, "AC" + "a" * 32, "b" * 32).client.http_client.base_url
        """
        from twilio.rest import Client

        client_http = http_client(base_url, pool_size=pool_size, timeout=timeout)
        if api_key_sid:  # API key: username is the key SID, the account SID selects the account
            client = Client(api_key_sid, secret, account_sid, http_client=client_http)
        else:
            client = Client(account_sid, secret, http_client=client_http)
        return cls(client, **kwargs)

    @classmethod
    def from_credentials(
        cls, creds: Credentials, *, base_url: str | None = None, **kwargs: Any
    ) -> TwilioProvider:
        """A provider for :class:`smskit.providers.credentials.Credentials` (Twilio's cloud by
        default).

        >>> from smskit.providers.credentials import Credentials
        >>> TwilioProvider.from_credentials(Credentials("AC" + "a" * 32, "b" * 32)).account_sid[-4:]
        'aaaa'
        """
        return cls.for_url(
            base_url,
            creds.account_sid,
            creds.secret.reveal(),
            api_key_sid=creds.api_key_sid,
            **kwargs,
        )

    @classmethod
    def for_simulator(cls, handle: Any, **kwargs: Any) -> TwilioProvider:
        """A provider for a running simulator handle (``.url``, ``.account_sid``, ``.auth_token``).

        >>> class Handle:
        ...     url, account_sid, auth_token = "http://127.0.0.1:1", "AC" + "1" * 32, "2" * 32
        >>> TwilioProvider.for_simulator(Handle()).client.http_client.base_url
        'http://127.0.0.1:1'
        """
        return cls.for_url(handle.url, handle.account_sid, handle.auth_token, **kwargs)

    # -- retries -----------------------------------------------------------------------------

    def _failure(self, error: Exception) -> ProviderError | None:
        """Translate a twilio or requests exception; None for anything we do not understand."""
        from twilio.base.exceptions import TwilioException, TwilioRestException

        if isinstance(error, TwilioRestException):
            retry_after = self.client.http_client.last_retry_after()
            return ProviderError(status=error.status, code=error.code, retry_after=retry_after)
        if isinstance(error, TwilioException) and len(error.args) > 1:
            # Paged lists raise TwilioException("Unable to fetch page", response) instead.
            status, code = status_and_code(error.args[1])
            if status is not None:
                retry_after = self.client.http_client.last_retry_after()
                return ProviderError(status=status, code=code, retry_after=retry_after)
        return network_failure(error)

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
        """Send one SMS; retried on 429/5xx/dropped connections, never created twice.

        ``client_ref`` is ignored: Twilio's Messages API has no client reference, so a lost answer
        is found in the Messages list by To, From and body instead.

        >>> TwilioProvider.for_url("http://127.0.0.1:1", "AC" + "a" * 32, "b" * 32).send("+1", "hi")
        Traceback (most recent call last):
        ...
        smskit.i18n.LocalizedError: A message needs a From number or a Messaging Service SID.
        """
        if not from_ and not messaging_service_sid:
            raise LocalizedError("A message needs a From number or a Messaging Service SID.")
        params: dict[str, Any] = {"to": to, "body": body}
        optional = {
            "from_": from_,
            "messaging_service_sid": messaging_service_sid,
            "status_callback": status_callback,
            "validity_period": validity_period,
            "send_at": send_at,
            "schedule_type": "fixed" if send_at is not None else None,  # Twilio: SendAt needs it
        }
        params.update({k: v for k, v in optional.items() if v is not None})
        started = datetime.now(UTC)

        def create() -> MessageRecord:
            return message_record(self.client.messages.create(**params))

        def find() -> MessageRecord | None:
            return self._find_sent(to, body, from_, messaging_service_sid, started)

        record, attempts, recovered = self._retry.create_once(create, find, "send")
        self._claim(record.sid)
        values = {f: getattr(record, f) for f in MessageRecord.__dataclass_fields__}
        return SentMessage(**values, attempts=attempts, recovered=recovered)

    def _claim(self, sid: str) -> bool:
        with self._claim_lock:
            if sid in self._claimed:
                return False
            self._claimed.add(sid)
            return True

    def _find_sent(
        self, to: str, body: str, from_: str | None, service: str | None, started: datetime
    ) -> MessageRecord | None:
        """The message this send may have created: same To, From/Service and body, and recent."""
        candidates = self.client.messages.list(to=to, from_=from_ or None, limit=50, page_size=50)
        for m in candidates:
            record = message_record(m)
            if record.body != body or (service and record.messaging_service_sid != service):
                continue
            if record.date_created and record.date_created < started - _CLOCK_SLACK:
                continue
            with self._claim_lock:
                if record.sid not in self._claimed:
                    return record
        return None

    def fetch(self, sid: str) -> MessageRecord:
        """The current state of message ``sid``."""
        return self._call(lambda: message_record(self.client.messages(sid).fetch()))

    def cancel(self, sid: str) -> MessageRecord:
        """Cancel a message Twilio holds with SendAt (POST Messages/{Sid} ``Status=canceled``).

        Retried like a read (429, 5xx, lost connections): canceling twice changes nothing. A
        message that has left ``scheduled`` cannot be canceled: ProviderError 30409.

        >>> from smskit.simulator import start
        >>> hold = {"messaging_service_sid": "MG" + "1" * 32}
        >>> hold["send_at"] = datetime.now(UTC) + timedelta(hours=1)
        >>> with start(step_delay=0, rate_limits=False) as sim:
        ...     provider = TwilioProvider.for_simulator(sim)
        ...     held = provider.send("+14155550100", "Hi", **hold)
        ...     provider.cancel(held.sid).status
        'canceled'
        """
        try:
            return self._call(
                lambda: message_record(self.client.messages(sid).update(status="canceled")),
                "cancel",
            )
        except ProviderError as error:
            if error.retryable or error.status in (401, 404):
                raise
            refused = error.status
            current = self.fetch(sid)
        if current.status == "canceled":  # an earlier attempt went through before a dropped line
            return current
        # Twilio answers 30409 "This message cannot be canceled" once it left "scheduled"
        # (https://www.twilio.com/docs/api/errors/30409); say so whatever code the refusal had.
        raise ProviderError(status=refused, code=30409)

    def list_messages(
        self,
        *,
        to: str | None = None,
        from_: str | None = None,
        sent_after: datetime | None = None,
        sent_before: datetime | None = None,
        limit: int | None = 200,
    ) -> Sequence[MessageRecord]:
        """Messages newest first, filtered by To, From and a DateSent window, across pages."""
        filters: dict[str, Any] = {
            "to": to,
            "from_": from_,
            "date_sent_after": sent_after,
            "date_sent_before": sent_before,
        }
        kwargs = {k: v for k, v in filters.items() if v is not None}
        page_size = min(limit, 1000) if limit else 1000
        return self._call(
            lambda: tuple(
                message_record(m)
                for m in self.client.messages.list(limit=limit, page_size=page_size, **kwargs)
            )
        )

    # -- numbers and prices ------------------------------------------------------------------

    def search_numbers(
        self,
        country: str,
        *,
        number_type: str = "local",
        area_code: str | None = None,
        contains: str | None = None,
        limit: int = 20,
    ) -> Sequence[AvailableNumber]:
        """SMS-capable numbers for sale in ``country``: local, mobile or toll_free."""
        kind = _NUMBER_TYPES.get(number_type.lower().replace("-", "_").replace(" ", "_"))
        if kind is None:
            raise LocalizedError(
                "Unknown number type '{number_type}': use local, mobile or toll_free.",
                number_type=number_type,
            )
        iso = country.strip().upper()
        import phonenumbers  # the ITU region list: "XX" is refused here, not as Twilio's 20404

        if phonenumbers.country_code_for_region(iso) == 0:
            raise LocalizedError(
                "Unknown country code {code}: use a two-letter ISO 3166 code such as GB", code=iso
            )
        filters: dict[str, Any] = {"sms_enabled": True, "limit": limit}
        if area_code:
            if not str(area_code).isdigit():
                raise LocalizedError("Area code '{code}' must be digits only.", code=area_code)
            filters["area_code"] = int(area_code)
        if contains:
            filters["contains"] = contains

        def search() -> tuple[AvailableNumber, ...]:
            listing = getattr(self.client.available_phone_numbers(iso), kind)
            return tuple(available_number(n, iso, kind) for n in listing.list(**filters))

        return self._call(search)

    def buy_number(self, phone_number: str) -> OwnedNumber:
        """Buy one number (IncomingPhoneNumbers create); never bought twice after a dropped line."""

        def create() -> OwnedNumber:
            return owned_number(
                self.client.incoming_phone_numbers.create(phone_number=phone_number)
            )

        def find() -> OwnedNumber | None:
            found = self.client.incoming_phone_numbers.list(phone_number=phone_number, limit=1)
            return owned_number(found[0]) if found else None

        number, _attempts, _recovered = self._retry.create_once(create, find, "buy")
        return number

    def my_numbers(self) -> Sequence[OwnedNumber]:
        """The account's numbers."""
        return self._call(
            lambda: tuple(
                owned_number(n) for n in self.client.incoming_phone_numbers.list(limit=1000)
            )
        )

    def messaging_services(self) -> Sequence[MessagingService]:
        """The account's Messaging Services (Messaging v1 Services), to offer as senders.

        >>> from smskit.simulator import start
        >>> with start() as sim:
        ...     [s.friendly_name for s in TwilioProvider.for_simulator(sim).messaging_services()]
        ['smskit practice service']
        """
        return self._call(
            lambda: tuple(
                MessagingService(sid=s.sid, friendly_name=s.friendly_name or s.sid)
                for s in self.client.messaging.v1.services.list(limit=200)
            )
        )

    def messaging_prices(self, country: str) -> MessagingPrice:
        """Per-segment SMS prices for ``country`` from Pricing v1 Messaging Countries."""
        iso = country.strip().upper()
        return messaging_price(
            self._call(lambda: self.client.pricing.v1.messaging.countries(iso).fetch()), iso
        )

    def number_prices(self, country: str) -> Sequence[NumberPrice]:
        """Monthly rental per number type in ``country`` from Pricing v1 PhoneNumbers Countries."""
        iso = country.strip().upper()
        return number_prices(
            self._call(lambda: self.client.pricing.v1.phone_numbers.countries(iso).fetch()), iso
        )

    def account(self) -> AccountInfo:
        """The account behind the credentials; its ``kind`` ("Trial"/"Full") shows trial limits."""
        return account_info(self._call(lambda: self.client.api.v2010.account.fetch()))
