"""Pacing in segments per second (Twilio MPS), concurrency by Little's law, duration estimates."""

from __future__ import annotations

import threading

import pytest

from smskit.i18n.catalog import LocalizedError
from smskit.senders.pacing import FakeClock, Pacer, sending_seconds, workers_for


def test_one_mps_long_code_three_segment_message_waits_three_seconds() -> None:
    # Twilio FAQ: on a 1 MPS long code a 3-segment message leaves once every 3 s.
    clock = FakeClock()
    pacer = Pacer(1.0, clock=clock, sleep=clock.sleep)
    starts = [pacer.acquire(3) for _ in range(4)]
    assert starts == [0.0, 3.0, 6.0, 9.0]


def test_long_run_rate_is_exact_for_mixed_lengths() -> None:
    clock = FakeClock()
    pacer = Pacer(10.0, clock=clock, sleep=clock.sleep)
    sizes = [1, 2, 1, 3, 1, 1, 2] * 50
    for size in sizes:
        pacer.acquire(size)
    # the last message started once all previous segments had drained at 10/s
    assert clock() == pytest.approx((sum(sizes) - sizes[-1]) / 10.0)


def test_idle_time_is_not_banked_beyond_the_burst() -> None:
    clock = FakeClock()
    pacer = Pacer(2.0, clock=clock, sleep=clock.sleep)
    pacer.acquire(1)
    clock.sleep(100)  # idle for 100 s: must not allow 200 segments at once
    assert pacer.reserve(1) == 100.0
    assert pacer.reserve(1) == 100.5


def test_burst_allows_back_to_back_segments() -> None:
    clock = FakeClock()
    pacer = Pacer(1.0, burst=3.0, clock=clock, sleep=clock.sleep)
    assert [pacer.reserve(1) for _ in range(4)] == [0.0, 0.0, 0.0, 1.0]


def test_unlimited_never_waits() -> None:
    clock = FakeClock(5.0)
    pacer = Pacer(None, clock=clock, sleep=clock.sleep)
    assert {pacer.acquire(9) for _ in range(100)} == {5.0}
    assert pacer.reserved_segments == 900


def test_released_capacity_is_reused() -> None:
    clock = FakeClock()
    pacer = Pacer(1.0, clock=clock)
    pacer.reserve(1)
    pacer.reserve(5)
    pacer.release_unused(5)
    assert pacer.reserve(1) == 1.0


def test_negative_rate_is_refused() -> None:
    with pytest.raises(LocalizedError):
        Pacer(-1.0)


def test_threads_share_one_schedule() -> None:
    clock = FakeClock()
    pacer = Pacer(4.0, clock=clock)
    starts: list[float] = []
    lock = threading.Lock()

    def work() -> None:
        for _ in range(25):
            start = pacer.reserve(1)
            with lock:
                starts.append(start)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(starts) == [i / 4.0 for i in range(100)]


@pytest.mark.parametrize(
    ("rate", "segments", "latency", "expected"),
    [(1.0, 1.0, 0.25, 1), (10.0, 1.0, 0.25, 4), (10.0, 2.0, 0.25, 3), (100.0, 1.0, 0.2, 16)],
)
def test_workers_just_enough_for_the_rate(
    rate: float, segments: float, latency: float, expected: int
) -> None:
    assert workers_for(rate, segments, latency) == expected


def test_unlimited_rate_uses_the_cap() -> None:
    assert workers_for(None, max_workers=6) == 6


def test_sending_seconds() -> None:
    assert sending_seconds(18_200, 10.0) == 1820.0
    assert sending_seconds(100, None) == 0.0
