"""The pre-send consent check, shared: one read of new consent events answers every waiting send.

The runner must not send to a number whose opt-out was stored before the API call, however late
it arrived (CTIA Messaging Principles §5.3: honour opt-outs at once; TCPA, 47 CFR 64.1200(a)(10)
as amended in 2024: revocation "by any reasonable means"). Asking the store once per message costs
a database round trip per send. Instead, a send that reaches its check joins the next read of the
consent log that *starts after it arrived* (group commit, applied to reads): with 16 sends in
flight, one read serves them all, and each send still sees every event committed before it asked.

Each read returns the numbers with events newer than a mark. Identity columns are handed out in
insert order but may commit out of order on PostgreSQL (a slow transaction holding id 101 commits
after id 102), so the mark only moves to what a read saw ``settle`` seconds earlier; the events of
the last few seconds are read again, which is cheap and cannot miss a late commit.

>>> events = [(5, "+14155550100")]
>>> watch = ConsentWatch(lambda after: [e for e in events if e[0] > after], mark=3)
>>> watch.changed("+14155550100"), watch.changed("+14155550199")
(True, False)
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable, Sequence

__all__ = ["ConsentWatch"]

#: Reads ``(event id, phone)`` of every consent event with an id above the argument.
ReadChanges = Callable[[int], Sequence[tuple[int, str]]]


class ConsentWatch:
    """Which numbers have had a consent event since the run began, read fresh for each ask.

    ``changed(phone)`` returns only after a read that began after the call; concurrent callers
    share that read. A read that fails raises in the caller that ran it; the others retry.

    >>> watch = ConsentWatch(lambda after: [], mark=0)
    >>> watch.changed("+14155550100"), watch.reads
    (False, 1)
    """

    def __init__(
        self,
        read_changes: ReadChanges,
        mark: int,
        *,
        settle: float = 10.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._read = read_changes
        self._mark = mark  # every event up to here is known (as of `settle` seconds ago)
        self._settle = settle
        self._clock = clock
        self._seen: deque[tuple[float, int]] = deque()  # (when a read ended, highest id it saw)
        self._changed: set[str] = set()
        self._cond = threading.Condition()
        self._started = 0  # reads begun
        self._finished = 0  # number of the last read that ended well
        self._running = False
        self.reads = 0  # for tests and benchmarks: how many reads were made

    def changed(self, phone: str) -> bool:
        """True if ``phone`` has a consent event newer than the mark, as of a read made now.

        >>> ConsentWatch(lambda after: [(9, "+1")], mark=0).changed("+1")
        True
        """
        self._refresh()
        with self._cond:
            return phone in self._changed

    def _refresh(self) -> None:
        with self._cond:
            wanted = self._started + 1  # a read begun after this call: not one already running
            while self._finished < wanted:
                if not self._running:
                    self._running = True
                    self._started += 1
                    number, after = self._started, self._mark
                    break
                self._cond.wait()
            else:
                return
        try:
            rows = self._read(after)
        except BaseException:
            with self._cond:  # let a waiting caller run the read again
                self._running = False
                self._cond.notify_all()
            raise
        with self._cond:
            self._absorb(rows, after)
            self._running = False
            self._finished = number
            self._cond.notify_all()

    def _absorb(self, rows: Sequence[tuple[int, str]], after: int) -> None:
        now = self._clock()
        self._changed.update(phone for _, phone in rows)
        self._seen.append((now, max((event_id for event_id, _ in rows), default=after)))
        while self._seen and self._seen[0][0] <= now - self._settle:
            self._mark = max(self._mark, self._seen.popleft()[1])
        self.reads += 1
