"""A campaign's results for people: CSV export, statuses over time, opt-outs during the run.

The CSV is safe to open in a spreadsheet:

- a cell that starts with ``=``, ``+``, ``-``, ``@``, tab or carriage return (OWASP "CSV
  Injection"), or with a line feed, is prefixed with ``'``
  (:func:`smskit.consent.audit.safe_cell`), so a recipient's name can never run as a formula;
- rows end in CRLF and every value holding a CR or LF is quoted (RFC 4180 section 2, rules 1
  and 6), so no value can end its row early and start the next line with a formula. Python's
  ``csv`` module (3.11) quotes a value for the delimiter, the quote character and the characters
  of its line terminator only, so a bare CR was written unquoted when rows ended in LF alone.

>>> rows = [ResultRow(2, "c1", "+14155550100", "eligible", "final", "delivered", None, "SM1", "")]
>>> print(results_csv(rows).splitlines()[1])
2,c1,'+14155550100,eligible,final,delivered,,SM1,,,
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from smskit.campaign.storage import ResultRow
from smskit.consent.audit import safe_cell
from smskit.i18n.catalog import translate
from smskit.providers import error_meaning
from smskit.store.database import Store
from smskit.store.schema import message_events, messages

__all__ = [
    "OptOut",
    "campaign_opt_outs",
    "results_csv",
    "status_counts_over_time",
    "timeline",
]

# OWASP "CSV Injection": a spreadsheet runs a cell starting with = + - @ (or tab, CR) as a formula.
# A leading LF is neutralised too: some importers drop leading line breaks before judging a cell.

CSV_COLUMNS = (
    "row",
    "recipient",
    "to",
    "plan",
    "state",
    "status",
    "error_code",
    "sid",
    "reason",
    "meaning",
    "name",
)


def results_csv(rows: Iterable[ResultRow], lang: str = "en") -> str:
    """The results table as CSV text, every cell made safe from formula injection.

    Reasons and error meanings are written in ``lang`` (the reader's language), one line each.

    >>> row = ResultRow(3, "=HYPERLINK(1)", "+1", "blocked", "", "", None, "", "Ana\\r=1")
    >>> line = results_csv([row]).split("\\r\\n")[1]
    >>> line.startswith("3,'=HYPERLINK(1),'+1,blocked,"), line.endswith(',"Ana\\r=1",,')
    (True, True)
    """
    out = io.StringIO()
    # CRLF (RFC 4180): the csv module then quotes any value holding a CR or an LF, on every
    # Python version, since both are characters of the line terminator.
    writer = csv.writer(out, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(CSV_COLUMNS)
    for r in rows:
        meaning = translate(error_meaning(r.error_code), lang) if r.error_code else ""
        reason = (
            "; ".join(" ".join(text.render(lang).split()) for text in r.reasons)
            if r.reasons
            else r.reason
        )
        cells = (
            r.row,
            r.key,
            r.to,
            r.plan_status,
            r.state,
            r.status,
            "" if r.error_code is None else r.error_code,
            r.sid,
            reason,
            meaning,
            r.name,
        )
        writer.writerow([safe_cell(str(c)) for c in cells])
    return out.getvalue()


@dataclass(frozen=True, slots=True)
class OptOut:
    """A recipient who opted out while the campaign ran, and how we learned it."""

    phone: str
    at: datetime
    how: str  # "reply" (inbound STOP) or "refused" (Twilio error 21610)


def campaign_opt_outs(store: Store, campaign_id: str) -> tuple[OptOut, ...]:
    """Recipients whose message was skipped for a STOP or refused with 21610, oldest first.

    >>> campaign_opt_outs(Store.open("sqlite://"), "cmp_none")
    ()
    """
    query = (
        sa.select(
            messages.c.to_number, messages.c.status, messages.c.error_code, messages.c.updated_at
        )
        .where(messages.c.campaign_id == campaign_id)
        .where((messages.c.status == "opted_out") | (messages.c.error_code == 21610))
        .order_by(messages.c.updated_at)
    )
    with store.engine.connect() as connection:
        rows = connection.execute(query).all()
    return tuple(
        OptOut(r.to_number, r.updated_at, "refused" if r.error_code == 21610 else "reply")
        for r in rows
    )


def status_counts_over_time(
    events: Sequence[tuple[datetime, str, str]], buckets: int = 40
) -> tuple[tuple[datetime, ...], dict[str, tuple[int, ...]]]:
    """How many messages were in each status over time, from ``(time, message id, status)``.

    A message counts in its latest status at each moment (queued, then sent, then delivered);
    returns the bucket end times and one count series per status.

    >>> from datetime import UTC, timedelta
    >>> t0 = datetime(2026, 1, 5, 12, tzinfo=UTC)
    >>> events = [(t0, "m1", "queued"), (t0 + timedelta(seconds=4), "m1", "delivered")]
    >>> times, series = status_counts_over_time(events, buckets=2)
    >>> series["queued"], series["delivered"]
    ((1, 0), (0, 1))
    """
    if not events:
        return (), {}
    start, end = events[0][0], events[-1][0]
    edges = tuple(start + (end - start) * (i + 1) / buckets for i in range(buckets))
    statuses = sorted({status for _, _, status in events})
    latest: dict[str, str] = {}
    counts: Counter[str] = Counter()
    series: dict[str, list[int]] = {s: [] for s in statuses}
    index = 0
    for edge in edges:
        while index < len(events) and events[index][0] <= edge:
            _, message_id, status = events[index]
            before = latest.get(message_id)
            if before is not None:
                counts[before] -= 1
            latest[message_id] = status
            counts[status] += 1
            index += 1
        for s in statuses:
            series[s].append(counts[s])
    return edges, {s: tuple(v) for s, v in series.items()}


def timeline(store: Store, campaign_id: str) -> list[tuple[datetime, str, str]]:
    """(time, message id, status) for every status change of the campaign, in time order.

    >>> timeline(Store.open("sqlite://"), "cmp_none")
    []
    """
    e = message_events
    with store.engine.connect() as connection:
        rows = connection.execute(
            sa.select(e.c.at, e.c.message_id, e.c.status)
            .where(e.c.campaign_id == campaign_id)
            .order_by(e.c.at, e.c.id)
        ).all()
    return [(r.at, r.message_id, r.status) for r in rows]
