"""Exponential backoff with full jitter, honouring ``Retry-After``.

Twilio's Python library retries nothing: not 429 (error 20429, "Too Many Requests"), not 5xx, not a
dropped connection. We retry exactly those. A refusal (any other 4xx, e.g. 21211, 21610) is final.

"Full jitter" (a random delay between 0 and the exponential ceiling) spreads the retries of many
concurrent senders, as described in the AWS Architecture Blog post "Exponential Backoff And Jitter".
When the server names a wait with ``Retry-After`` (RFC 9110 §10.2.3), we wait at least that long.

>>> Backoff(base=1.0, cap=8.0).ceiling(10)
8.0
>>> is_retryable(429), is_retryable(400), is_retryable(None)
(True, False, True)
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import TypeVar

from smskit.providers import ProviderError

log = logging.getLogger("smskit.providers")
T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Backoff:
    """Retry policy: at most ``max_attempts`` requests; delays ``base * factor**(n-1)``, capped.

    >>> Backoff().max_attempts
    6
    """

    base: float = 0.5
    factor: float = 2.0
    cap: float = 30.0
    max_attempts: int = 6

    def __post_init__(self) -> None:
        if self.base < 0 or self.cap < 0 or self.factor < 1:
            raise ValueError("Backoff: base and cap must be >= 0 and factor >= 1")
        if self.max_attempts < 1:
            raise ValueError("Backoff: max_attempts must be at least 1")

    def ceiling(self, attempt: int) -> float:
        """The largest delay after failed attempt number ``attempt`` (1-based), before jitter.

        >>> [Backoff(base=0.5, cap=3).ceiling(n) for n in (1, 2, 3, 4)]
        [0.5, 1.0, 2.0, 3]
        """
        # Compare exponents rather than computing huge powers for a long-running retry loop.
        if attempt > 64:
            return self.cap
        return min(self.cap, self.base * self.factor ** (attempt - 1))

    def delay(
        self, attempt: int, retry_after: float | None = None, rng: random.Random | None = None
    ) -> float:
        """Seconds to wait after failed attempt ``attempt``: full jitter, at least ``retry_after``.

        >>> Backoff(base=1.0).delay(1, retry_after=2.5, rng=random.Random(0))
        2.5
        >>> 0 <= Backoff(base=1.0).delay(3, rng=random.Random(0)) <= 4.0
        True
        """
        jittered = (rng or random).uniform(0.0, self.ceiling(attempt))
        if retry_after is not None and retry_after > jittered:
            return retry_after
        return jittered


def is_retryable(status: int | None) -> bool:
    """True for no response (``None``), 429 and 5xx; False for every other status.

    >>> [is_retryable(s) for s in (None, 200, 400, 401, 404, 429, 500, 503)]
    [True, False, False, False, False, True, True, True]
    """
    return status is None or status == 429 or status >= 500


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header: delay-seconds or an HTTP-date (RFC 9110).

    >>> parse_retry_after("3"), parse_retry_after(None), parse_retry_after("soon")
    (3.0, None, None)
    >>> now = datetime(2026, 11, 28, 10, tzinfo=UTC)
    >>> parse_retry_after("Sat, 28 Nov 2026 10:00:05 GMT", now=now)
    5.0
    """
    if value is None or not value.strip():
        return None
    text = value.strip()
    if text.isdigit():
        return float(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


def network_failure(
    error: Exception, make: Callable[..., ProviderError] = ProviderError
) -> ProviderError | None:
    """A failure of the line itself (``requests``), as ``make(...)``; None for anything else.

    Both SDKs send over ``requests``. A connection that was never made (a refused connect, or
    a connect timeout) certainly did not reach the provider; one that broke after the request
    went out may have, so the outcome is unknown and the message must be looked up, not resent.

    >>> from requests.exceptions import ConnectTimeout, ReadTimeout
    >>> [network_failure(e()).unknown_outcome for e in (ConnectTimeout, ReadTimeout)]
    [False, True]
    >>> network_failure(ValueError()) is None
    True
    """
    from requests.exceptions import ConnectionError, ConnectTimeout, Timeout
    from urllib3.exceptions import NewConnectionError

    if isinstance(error, ConnectTimeout):
        return make(status=None)  # never connected: certainly not received
    if isinstance(error, ConnectionError | Timeout):
        reason = getattr(error.args[0], "reason", None) if error.args else None
        refused = isinstance(reason, NewConnectionError)
        return make(status=None, unknown_outcome=not refused)
    return None


def describe(failure: ProviderError) -> str:
    """A log line's account of a failed attempt: status and Twilio code, never request data.

    >>> describe(ProviderError(status=429, code=20429)), describe(ProviderError(status=None))
    ('HTTP 429, Twilio error 20429', 'no connection')
    """
    if failure.status is None:
        return "no response (outcome unknown)" if failure.unknown_outcome else "no connection"
    return f"HTTP {failure.status}, {failure.provider} error {failure.code}"


@dataclass
class Retrier:
    """Runs provider requests under a :class:`Backoff`; ``classify`` turns an exception into a
    :class:`ProviderError` (None: not a provider failure, re-raised as is).

    >>> calls = []
    >>> def flaky():
    ...     calls.append(1)
    ...     if len(calls) < 3:
    ...         raise ConnectionError("reset")
    ...     return "ok"
    >>> retrier = Retrier(lambda e: ProviderError(status=None), sleep=lambda s: None)
    >>> retrier.call(flaky), len(calls)
    ('ok', 3)
    """

    classify: Callable[[Exception], ProviderError | None]
    backoff: Backoff = field(default_factory=Backoff)
    sleep: Callable[[float], None] = time.sleep
    rng: random.Random = field(default_factory=random.Random)

    def _wait(self, attempt: int, failure: ProviderError, what: str) -> None:
        log.warning("%s attempt %d failed: %s", what, attempt, describe(failure))
        self.sleep(self.backoff.delay(attempt, failure.retry_after, self.rng))

    def call(self, operation: Callable[[], T], what: str = "read") -> T:
        """Run an idempotent request (a GET): retry 429, 5xx and lost connections, then give up
        with a ProviderError carrying the last status and code.

        >>> Retrier(lambda e: ProviderError(status=404, code=20404)).call(lambda: 1 / 0)
        Traceback (most recent call last):
        ...
        smskit.providers.ProviderError: Twilio has no such resource (error 20404).
        """
        attempt = 0
        while True:
            attempt += 1
            try:
                return operation()
            except Exception as error:
                failure = self.classify(error)
                if failure is None:
                    raise
                if not failure.retryable or attempt >= self.backoff.max_attempts:
                    # The same class: a Vonage failure keeps Vonage's meanings.
                    raise type(failure)(status=failure.status, code=failure.code) from error
                self._wait(attempt, failure, what)

    def create_once(
        self, create: Callable[[], T], find: Callable[[], T | None], what: str = "create"
    ) -> tuple[T, int, bool]:
        """Run a non-idempotent POST; after an unknown outcome, look for its result, then resend.

        Returns the result, the number of attempts and whether it was found rather than created.
        Twilio's Messages and IncomingPhoneNumbers APIs have no idempotency key, so a dropped
        connection, or a 5xx (which may come after the work was done), is checked by ``find``
        after the backoff wait, before any new attempt.

        >>> Retrier(lambda e: None).create_once(lambda: "SM1", lambda: None)
        ('SM1', 1, False)
        """
        attempt = 0
        while True:
            attempt += 1
            try:
                return create(), attempt, False
            except Exception as error:
                failure = self.classify(error)
                if failure is None:
                    raise
                if not failure.retryable:
                    raise failure from error
                self._wait(attempt, failure, what)
                if failure.unknown_outcome or (failure.status or 0) >= 500:
                    found = self.call(find, f"{what} lookup")
                    if found is not None:
                        return found, attempt, True
                if attempt >= self.backoff.max_attempts:
                    raise failure from error
