"""Quiet hours: when a recipient may be texted, in their own local time.

The default is the TCPA window, 08:00-21:00 recipient local time (47 CFR 64.1200(c)(1)). Stricter
windows come from ``data/quiet_hours.csv``: US states (Florida, Oklahoma, Maryland and Washington
08:00-20:00, Sunday bans in Alabama, Louisiana and Mississippi...) and countries' marketing hours
(France, India, Brazil, Mexico, the UAE). Every row that applies is enforced, so where sources
conflict (marked in the data) the stricter one wins. A number that may be in several time zones
(a UK mobile has four) may only be texted when *every* one of them is inside its window.

A US number's state comes from its area code (``data/us_area_codes.csv``, from libphonenumber's
geocoder data); Florida's law presumes a Florida area code means a Florida resident.

>>> noon = datetime(2026, 1, 5, 12, tzinfo=UTC)
>>> [(w.start.hour, w.end.hour) for w in send_windows(("America/New_York",), "US", "FL", noon, 1)]
[(13, 1)]
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from smskit._data import DataFileError, read_table
from smskit.i18n.catalog import LocalizedError

DAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
ANY_COUNTRY = "*"


@dataclass(frozen=True, slots=True)
class QuietHoursRule:
    """Allowed local hours on some weekdays for a country or US state; no hours = closed."""

    country: str
    region: str
    days: frozenset[int]  # 0 = Monday
    start: time | None
    end: time | None
    conflict: str
    note: str
    source: str
    as_of: str

    @property
    def closed(self) -> bool:
        """True for a day on which no marketing may be sent at all (e.g. Sundays in France).

        >>> rules_for("FR")[-1].closed
        True
        """
        return self.start is None


@dataclass(frozen=True, slots=True)
class SendWindow:
    """A span of UTC time during which every rule in every zone of the recipient allows sending."""

    start: datetime
    end: datetime


def _days(spec: str, where: str) -> frozenset[int]:
    spec = spec.strip()
    if "-" in spec:
        first, last = (part.strip() for part in spec.split("-", 1))
        if first in DAY_NAMES and last in DAY_NAMES:
            a, b = DAY_NAMES.index(first), DAY_NAMES.index(last)
            return frozenset(range(a, b + 1))
    elif spec in DAY_NAMES:
        return frozenset({DAY_NAMES.index(spec)})
    raise DataFileError(f"{where}: days {spec!r} is not like 'Mon-Sat' or 'Sun'")


def _time(value: str, where: str) -> time | None:
    if not value.strip():
        return None
    try:
        return time.fromisoformat(value.strip())
    except ValueError:
        raise DataFileError(f"{where}: {value!r} is not a time like 08:00") from None


def parse_rules(rows: Iterable[Mapping[str, str]]) -> tuple[QuietHoursRule, ...]:
    """Typed rules from ``quiet_hours`` CSV rows; errors name the row.

    >>> parse_rules([{"country": "US", "region": "", "days": "Mon-Sun", "start": "08:00",
    ...               "end": "21:00", "source": "TCPA", "as_of": "2025-01-01"}])[0].end
    datetime.time(21, 0)
    """
    rules = []
    for number, row in enumerate(rows, start=2):
        where = f"quiet_hours row {number}"
        start, end = _time(row.get("start", ""), where), _time(row.get("end", ""), where)
        if (start is None) != (end is None) or (start and end and start >= end):
            raise DataFileError(f"{where}: start and end must both be empty or start < end")
        rules.append(
            QuietHoursRule(
                row["country"].strip().upper(),
                row.get("region", "").strip().upper(),
                _days(row.get("days", ""), where),
                start,
                end,
                row.get("conflict", ""),
                row.get("note", ""),
                row.get("source", ""),
                row.get("as_of", ""),
            )
        )
    return tuple(rules)


@functools.cache
def default_rules() -> tuple[QuietHoursRule, ...]:
    """All rules in ``data/quiet_hours.csv``.

    >>> any(r.region == "FL" for r in default_rules())
    True
    """
    return parse_rules(read_table("quiet_hours"))


def rules_for(
    country: str, region: str = "", rules: tuple[QuietHoursRule, ...] | None = None
) -> tuple[QuietHoursRule, ...]:
    """The rules for a recipient: the country's own (or the ``*`` default) plus its state's.

    >>> [(r.start.hour, r.end.hour) for r in rules_for("US", "OK")]
    [(8, 21), (8, 20)]
    """
    table = default_rules() if rules is None else rules
    country, region = country.upper(), region.upper()
    national = [r for r in table if r.country == country and not r.region]
    if not national:
        national = [r for r in table if r.country == ANY_COUNTRY]
    local = [r for r in table if r.country == country and region and r.region == region]
    return tuple(national + local)


def us_state(e164: str) -> str:
    """The US state (two letters) of a +1 number's area code, or "" when unknown or not US.

    >>> us_state("+13055550100"), us_state("+12065550100"), us_state("+442071838750")
    ('FL', 'WA', '')
    """
    if not e164.startswith("+1") or len(e164) < 5:
        return ""
    return _area_codes().get(e164[2:5], "")


@functools.cache
def _area_codes() -> dict[str, str]:
    return {row["area_code"]: row["state"] for row in read_table("us_area_codes")}


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise LocalizedError("Unknown time zone {zone}", zone=name) from None


def local_hours(rules: Sequence[QuietHoursRule], day: date) -> tuple[time, time] | None:
    """The allowed local hours on ``day`` under all ``rules`` (their intersection), or None.

    >>> local_hours(rules_for("FR"), date(2026, 1, 4))  # a Sunday
    >>> local_hours(rules_for("FR"), date(2026, 1, 5))
    (datetime.time(8, 0), datetime.time(20, 0))
    """
    start, end = time(0), time.max
    for rule in rules:
        if day.weekday() not in rule.days:
            continue
        if rule.start is None or rule.end is None:
            return None
        start, end = max(start, rule.start), min(end, rule.end)
    return (start, end) if start < end else None


def _zone_windows(
    zone: ZoneInfo, rules: Sequence[QuietHoursRule], first: date, days: int
) -> list[tuple[datetime, datetime]]:
    spans = []
    for offset in range(days):
        day = first + timedelta(days=offset)
        hours = local_hours(rules, day)
        if hours is None:
            continue
        start = datetime.combine(day, hours[0], zone).astimezone(UTC)
        end_local = (
            datetime.combine(day + timedelta(days=1), time(0), zone)
            if hours[1] == time.max
            else datetime.combine(day, hours[1], zone)
        )
        spans.append((start, end_local.astimezone(UTC)))
    return spans


def _intersect(
    a: list[tuple[datetime, datetime]], b: list[tuple[datetime, datetime]]
) -> list[tuple[datetime, datetime]]:
    out, i, j = [], 0, 0
    while i < len(a) and j < len(b):
        start, end = max(a[i][0], b[j][0]), min(a[i][1], b[j][1])
        if start < end:
            out.append((start, end))
        if a[i][1] < b[j][1]:
            i += 1
        else:
            j += 1
    return out


def send_windows(
    time_zones: Sequence[str],
    country: str,
    region: str = "",
    start: datetime | None = None,
    days: int = 8,
    rules: tuple[QuietHoursRule, ...] | None = None,
) -> tuple[SendWindow, ...]:
    """UTC windows from ``start`` over ``days`` days in which every zone's rules allow sending.

    >>> w = send_windows(("Asia/Jakarta",), "ID", start=datetime(2026, 1, 5, tzinfo=UTC))
    >>> w[0].start.isoformat()
    '2026-01-05T01:00:00+00:00'
    """
    if start is None:
        start = datetime.now(UTC)
    if start.tzinfo is None:
        raise LocalizedError("The time {time} has no time zone", time=start)
    first = start.astimezone(UTC).date() - timedelta(days=1)  # local dates can lag UTC by a day
    table = None if rules is None else tuple(rules)
    merged = _day_windows(tuple(time_zones or ("UTC",)), country, region, first, days + 2, table)
    horizon = start + timedelta(days=days)
    return tuple(
        SendWindow(max(s, start), min(e, horizon)) for s, e in merged if e > start and s < horizon
    )


# The windows of whole days depend only on the zones, the place and the dates, not on the moment:
# a campaign's recipients share a few (zones, country, state) combinations and a few start days,
# so each combination's windows are worked out once and only clipped to each ``start``.
@functools.lru_cache(maxsize=4096)
def _day_windows(
    time_zones: tuple[str, ...],
    country: str,
    region: str,
    first: date,
    days: int,
    rules: tuple[QuietHoursRule, ...] | None,
) -> tuple[tuple[datetime, datetime], ...]:
    """UTC windows of the local days from ``first`` over ``days`` days, all zones intersected."""
    applicable = rules_for(country, region, rules)
    merged: list[tuple[datetime, datetime]] | None = None
    for zone in [_zone(name) for name in time_zones]:
        spans = _zone_windows(zone, applicable, first, days)
        merged = spans if merged is None else _intersect(merged, spans)
    return tuple(merged or ())


def next_allowed_time(
    time_zones: Sequence[str],
    country: str,
    region: str = "",
    at: datetime | None = None,
    rules: tuple[QuietHoursRule, ...] | None = None,
) -> datetime | None:
    """The first moment at or after ``at`` inside the recipient's window (None if none in 8 days).

    >>> t = datetime(2026, 1, 5, 2, 30, tzinfo=UTC)  # 21:30 in New York
    >>> next_allowed_time(("America/New_York",), "US", at=t).isoformat()
    '2026-01-05T13:00:00+00:00'
    """
    windows = send_windows(time_zones, country, region, at, 8, rules)
    return windows[0].start if windows else None


@dataclass(frozen=True, slots=True)
class RecipientWindows:
    """For one number at one moment: local clock(s), whether it may be texted, and when next."""

    phone: str
    country: str
    region: str
    time_zones: tuple[str, ...]
    local_times: tuple[datetime, ...]
    allowed_now: bool
    next_allowed_at: datetime | None
    windows: tuple[SendWindow, ...]


def who_may_be_texted(
    numbers: Sequence[str], at: datetime | None = None, hours: int = 24
) -> tuple[RecipientWindows, ...]:
    """Quiet-hours status of each number at ``at``, with its send windows for the next ``hours``.

    >>> t = datetime(2026, 1, 5, 14, tzinfo=UTC)  # 09:00 New York, 21:00 Jakarta
    >>> [(r.phone, r.allowed_now) for r in who_may_be_texted(["+12125550123", "+6281234567890"], t)]
    [('+12125550123', True), ('+6281234567890', False)]
    """
    from smskit.numbers.phone import InvalidNumber, parse_number  # pandas: only needed here

    now = datetime.now(UTC) if at is None else at
    if now.tzinfo is None:
        raise LocalizedError("The time {time} has no time zone", time=now)
    out = []
    for raw in numbers:
        try:
            info = parse_number(raw)
        except InvalidNumber as error:
            if error.reason != "missing_region":
                raise
            # This tool has no default country: ask for the + form, not for a missing field.
            raise InvalidNumber(raw, "needs_plus") from None
        state = us_state(info.e164)
        zones = info.time_zones or ("UTC",)
        days = max(1, -(-hours // 24))
        windows = send_windows(zones, info.region, state, now, days + 8)
        shown = tuple(w for w in windows if w.start < now + timedelta(hours=hours))
        out.append(
            RecipientWindows(
                info.e164,
                info.region,
                state,
                zones,
                tuple(now.astimezone(_zone(z)) for z in zones),
                bool(windows) and windows[0].start == now,
                windows[0].start if windows else None,
                tuple(SendWindow(w.start, min(w.end, now + timedelta(hours=hours))) for w in shown),
            )
        )
    return tuple(out)
