"""Frequency caps per contact, over rolling windows, from ``data/frequency_caps.csv``.

- Default: 2 broadcasts per rolling 7 days (the business SMS guide: "once or twice a week at most").
- Florida, Oklahoma and Maryland: 3 sales texts per 24 h on the same subject.
- Brazil short-code marketing: 7 a week; China: a third identical message within 24 h is rejected.

Every cap that applies to the recipient (``*``, their country, their US state) is enforced.

>>> t = datetime(2026, 1, 8, 12, tzinfo=UTC)
>>> sent = [SentMessage(t - timedelta(days=d)) for d in (1, 3)]
>>> cap_release(Purpose.MARKETING, "", "Hi", "ID", "", sent, t).isoformat()
'2026-01-12T12:00:00+00:00'
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum

from smskit._data import DataFileError, read_table
from smskit.i18n.catalog import LocalizedError

COUNTS = ("broadcast", "same_subject", "identical")


class Purpose(StrEnum):
    """Marketing (solicitation) or transactional (order updates, OTP, alerts)."""

    MARKETING = "marketing"
    TRANSACTIONAL = "transactional"


@dataclass(frozen=True, slots=True)
class SentMessage:
    """A message already sent to the recipient (for rolling-window caps)."""

    sent_at: datetime
    purpose: Purpose = Purpose.MARKETING
    subject: str = ""
    body: str = ""

    def __post_init__(self) -> None:
        if self.sent_at.tzinfo is None:
            raise LocalizedError("The time {time} has no time zone", time=self.sent_at)
        object.__setattr__(self, "sent_at", self.sent_at.astimezone(UTC))


@dataclass(frozen=True, slots=True)
class FrequencyCap:
    """At most ``max_messages`` counted messages per rolling ``period_hours``."""

    country: str
    region: str
    max_messages: int
    period_hours: int
    counts: str  # broadcast | same_subject | identical
    note: str
    source: str

    def counted(self, sent: SentMessage, purpose: Purpose, subject: str, body: str) -> bool:
        """True when ``sent`` counts towards this cap for a planned message.

        >>> cap, sent = caps_for("US", "FL")[-1], SentMessage(datetime.now(UTC), subject="sale")
        >>> cap.counted(sent, Purpose.MARKETING, "sale", "")
        True
        """
        if self.counts == "identical":
            return sent.body == body
        if purpose is not Purpose.MARKETING or sent.purpose is not Purpose.MARKETING:
            return False  # broadcast caps limit solicitations, not order updates
        return self.counts == "broadcast" or sent.subject.strip().casefold() == (
            subject.strip().casefold()
        )


@functools.cache
def default_caps() -> tuple[FrequencyCap, ...]:
    """Every cap in ``data/frequency_caps.csv``.

    >>> default_caps()[0].max_messages, default_caps()[0].period_hours
    (2, 168)
    """
    return parse_caps(read_table("frequency_caps"))


def parse_caps(rows: Iterable[Mapping[str, str]]) -> tuple[FrequencyCap, ...]:
    """Typed caps from ``frequency_caps`` CSV rows; errors name the row and field.

    >>> parse_caps([{"country": "*", "region": "", "max_messages": "2", "period_hours": "168",
    ...              "counts": "broadcast", "source": "guide"}])[0].counts
    'broadcast'
    """
    caps = []
    for number, row in enumerate(rows, start=2):
        try:
            limit, hours = int(row["max_messages"]), int(row["period_hours"])
        except ValueError:
            raise DataFileError(
                f"frequency_caps row {number}: limits must be whole numbers"
            ) from None
        if row["counts"] not in COUNTS:
            raise DataFileError(
                f"frequency_caps row {number}: counts {row['counts']!r} is not one of {COUNTS}"
            )
        if limit < 1 or hours < 1:
            raise DataFileError(f"frequency_caps row {number}: limits must be 1 or more")
        caps.append(
            FrequencyCap(
                row["country"].upper(),
                row["region"].upper(),
                limit,
                hours,
                row["counts"],
                row.get("note", ""),
                row.get("source", ""),
            )
        )
    return tuple(caps)


def caps_for(country: str, region: str = "") -> tuple[FrequencyCap, ...]:
    """The caps for a recipient: everyone's, their country's and their US state's.

    >>> [(c.max_messages, c.period_hours) for c in caps_for("US", "OK")]
    [(2, 168), (3, 24)]
    """
    country, region = country.upper(), region.upper()
    return tuple(
        cap
        for cap in default_caps()
        if cap.country == "*"
        or (cap.country == country and (not cap.region or (region and cap.region == region)))
    )


def exceeded_caps(
    purpose: Purpose,
    subject: str,
    body: str,
    country: str,
    region: str,
    history: Sequence[SentMessage],
    at: datetime,
) -> list[tuple[FrequencyCap, int, datetime]]:
    """The caps that one more message at ``at`` would break: (cap, count in window, free again at).

    >>> exceeded_caps(Purpose.MARKETING, "", "", "US", "", [], datetime.now(UTC))
    []
    """
    out = []
    for cap in caps_for(country, region):
        period = timedelta(hours=cap.period_hours)
        times = sorted(
            s.sent_at
            for s in history
            if at - period < s.sent_at <= at and cap.counted(s, purpose, subject, body)
        )
        if len(times) >= cap.max_messages:
            # The window frees up when the oldest message that keeps it full leaves it.
            out.append((cap, len(times), times[len(times) - cap.max_messages] + period))
    return out


def cap_release(
    purpose: Purpose,
    subject: str,
    body: str,
    country: str,
    region: str,
    history: Sequence[SentMessage],
    at: datetime,
) -> datetime:
    """The earliest time at or after ``at`` when no cap blocks one more message.

    >>> t = datetime(2026, 1, 8, 12, tzinfo=UTC)
    >>> cap_release(Purpose.TRANSACTIONAL, "", "x", "US", "", [SentMessage(t)] * 5, t) == t
    True
    """
    current = at
    for _ in range(64):  # each round moves past at least one message; histories are short
        blocked = exceeded_caps(purpose, subject, body, country, region, history, current)
        if not blocked:
            return current
        current = max(until for _, _, until in blocked)
    return current
