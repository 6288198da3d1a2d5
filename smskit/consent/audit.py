"""The consent audit trail as CSV: one row per event, usable as proof, safe in a spreadsheet.

Each row carries the store's event id, the phone and scope, the UTC time, what happened, how it
reached us, the evidence text, who recorded it, and the state before and after (from the fold).
A cell that a spreadsheet would run as a formula (starting with ``=``, ``+``, ``-``, ``@``, tab or
CR; OWASP "CSV injection") gets a leading single quote, so ``+14155550100`` exports as
``'+14155550100``.

>>> import io
>>> buffer = io.StringIO()
>>> write_audit_csv([], buffer)
0
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from datetime import UTC
from typing import IO

from smskit.consent.events import ConsentStatus

# OWASP "CSV injection": a spreadsheet runs a cell starting with = + - @ (or tab, CR) as a formula;
# a leading LF is refused too, as some importers drop it and read what follows as the cell.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")
AUDIT_COLUMNS = (
    "event_id",
    "phone",
    "scope",
    "occurred_at",
    "action",
    "kind",
    "source",
    "evidence",
    "actor",
    "state_before",
    "state_after",
    "applied",
)


def safe_cell(value: str) -> str:
    """Neutralise a spreadsheet formula by prefixing a single quote (every CSV export uses it).

    >>> safe_cell("\\r=1"), safe_cell("\\n=1")
    ("'\\r=1", "'\\n=1")
    >>> safe_cell("=HYPERLINK(\\"http://x\\")"), safe_cell("+14155550100"), safe_cell("STOP")
    ('\\'=HYPERLINK("http://x")', "'+14155550100", 'STOP')
    """
    return "'" + value if value.startswith(_FORMULA_START) else value


def audit_rows(statuses: Iterable[ConsentStatus]) -> list[tuple[str, ...]]:
    """One row per event (time order), with the state before and after, every cell made safe.

    >>> audit_rows([])
    []
    """
    rows = []
    for status in statuses:
        for step in status.steps:
            e = step.event
            values = (
                "" if e.id is None else str(e.id),
                e.phone,
                e.scope,
                e.occurred_at.astimezone(UTC).isoformat(),
                e.action.value,
                e.kind,
                e.source.value,
                e.evidence,
                e.actor,
                step.before.value,
                step.after.value,
                "yes" if step.applied else "no",
            )
            rows.append(tuple(safe_cell(v) for v in values))
    return rows


def write_audit_csv(statuses: Iterable[ConsentStatus], out: IO[str]) -> int:
    """Write the consent audit trail as CSV (header plus one row per event); returns the row count.

    >>> import io
    >>> buffer = io.StringIO()
    >>> write_audit_csv([], buffer), buffer.getvalue().split(",")[:2]
    (0, ['event_id', 'phone'])
    """
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(AUDIT_COLUMNS)
    rows = audit_rows(statuses)
    writer.writerows(rows)
    return len(rows)
