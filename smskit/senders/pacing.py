"""Pacing: send at a sender's throughput, in message segments per second, as Twilio counts it.

Twilio's throughput (MPS) is *segments* per second per sender: a US long code does 1 MPS, so a
3-segment message leaves once every 3 s (Twilio FAQ "How quickly can I send SMS messages?"); a
toll-free number does 3 MPS, an alphanumeric sender or number abroad 10 MPS, a short code 100 MPS.
Messages sent faster than that wait in Twilio's queue and fail with error 30001 when it
overflows, so smskit paces on its side. Jasmin's users asked for exactly this (throttle per
From, by segment: jasmin issues #304 and #925).

:class:`Pacer` is a virtual-clock (GCRA) scheduler: each message reserves ``segments / rate``
seconds of the sender's capacity, so the long-run rate is exact whatever the message lengths.
:func:`workers_for` picks just enough concurrent API calls to keep that rate busy.

>>> clock = FakeClock()
>>> pacer = Pacer(2.0, clock=clock, sleep=clock.sleep)
>>> [pacer.reserve(1), pacer.reserve(3), pacer.reserve(1)]
[0.0, 0.5, 2.0]
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from smskit.i18n.catalog import LocalizedError

#: Twilio default throughputs in segments per second, per sender kind (see the module docstring).
DEFAULT_MPS: dict[str, float] = {
    "long_code": 1.0,
    "toll_free": 3.0,
    "alphanumeric": 10.0,
    "short_code": 100.0,
    "messaging_service": 10.0,
}


class FakeClock:
    """A manual clock for tests and doctests: ``sleep`` advances time instantly.

    >>> c = FakeClock(); c.sleep(1.5); c()
    1.5
    """

    def __init__(self, start: float = 0.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        """Advance the clock by ``seconds`` (negative values are ignored).

        >>> c = FakeClock(); c.sleep(-1); c()
        0.0
        """
        self.now += max(0.0, seconds)


class Pacer:
    """Thread-safe pacing of one sender at ``rate`` segments per second (None or 0: unlimited).

    ``burst`` is how many segments may go back to back after an idle spell; the default of 1 keeps
    the instantaneous rate at the configured rate, which is what Twilio's queue drains at.

    >>> Pacer(None, clock=FakeClock()).reserve(5)
    0.0
    """

    def __init__(
        self,
        rate: float | None,
        *,
        burst: float = 1.0,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if rate is not None and rate < 0:
            raise LocalizedError("Throughput must be positive, not {rate}", rate=rate)
        self.rate = rate or None
        self._tolerance = max(0.0, burst - 1.0) / rate if rate else 0.0
        self._clock = clock
        self._sleep = sleep
        self._tat: float | None = None  # theoretical arrival time of the next segment
        self._lock = threading.Lock()
        self.reserved_segments = 0

    def reserve(self, segments: int) -> float:
        """Book capacity for a message of ``segments`` and return the clock time it may start.

        >>> c = FakeClock(); p = Pacer(1.0, clock=c)
        >>> p.reserve(2), p.reserve(1)
        (0.0, 2.0)
        """
        with self._lock:
            now = self._clock()
            self.reserved_segments += segments
            if self.rate is None:
                return now
            tat = now if self._tat is None else max(self._tat, now)
            start = max(now, tat - self._tolerance)
            self._tat = tat + segments / self.rate
            return start

    def acquire(self, segments: int) -> float:
        """Wait until a message of ``segments`` may be sent; return the time it was released.

        >>> c = FakeClock(); p = Pacer(4.0, clock=c, sleep=c.sleep)
        >>> p.acquire(1), p.acquire(1)
        (0.0, 0.25)
        """
        start = self.reserve(segments)
        delay = start - self._clock()
        if delay > 0:
            self._sleep(delay)
        return start

    def release_unused(self, segments: int) -> None:
        """Give back capacity booked for a message that was not sent (skipped after reserving).

        >>> c = FakeClock(); p = Pacer(1.0, clock=c); _ = p.reserve(3); p.release_unused(3)
        >>> p.reserve(1)
        0.0
        """
        with self._lock:
            self.reserved_segments -= segments
            if self.rate is not None and self._tat is not None:
                self._tat = max(self._clock(), self._tat - segments / self.rate)


@dataclass(frozen=True, slots=True)
class Throughput:
    """A sender's rate in segments per second, and the concurrency needed to reach it.

    >>> Throughput(10.0, workers_for(10.0, 1.5)).workers
    3
    """

    segments_per_second: float | None
    workers: int


def workers_for(
    rate: float | None,
    mean_segments: float = 1.0,
    latency_s: float = 0.25,
    max_workers: int = 16,
) -> int:
    """Concurrent API calls needed to sustain ``rate`` segments/s when a call takes ``latency_s``.

    Little's law: calls in flight = calls per second x seconds per call. One more than that absorbs
    jitter; an unlimited sender gets ``max_workers``.

    >>> workers_for(1.0), workers_for(100.0, latency_s=0.2), workers_for(None, max_workers=8)
    (1, 16, 8)
    """
    if not rate:
        return max_workers
    per_second = rate / max(mean_segments, 1.0)
    needed = math.ceil(per_second * latency_s) + (1 if per_second * latency_s >= 1 else 0)
    return max(1, min(max_workers, needed))


def sending_seconds(total_segments: int, rate: float | None) -> float:
    """Seconds to send ``total_segments`` at ``rate`` segments/s (0 when unlimited).

    >>> sending_seconds(18_200, 10.0)
    1820.0
    """
    if not rate:
        return 0.0
    return total_segments / rate
