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

import random
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime


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
