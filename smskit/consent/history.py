"""Import consent history (from a CRM or an older system) into the ledger, losing no row.

Columns: ``phone`` and ``action`` (``opt_in``, ``opt_out`` or ``request``) are required;
``occurred_at`` (ISO 8601 with a UTC offset), ``scope``, ``source`` (default ``import``),
``evidence`` and ``actor`` are optional. Every row ends up recorded, skipped as an exact
duplicate, or rejected with its row number and reason. Rows for the same number and time that
disagree (one opts in, one opts out) are a *conflict*: both are kept as evidence, and the opt-out
is recorded last so that it wins, because a revocation must be honoured (FCC 24-24) while consent
must be proven (CTIA).

>>> from smskit.store.database import Store
>>> from smskit.consent.ledger import ConsentLedger
>>> rows = [{"phone": "+14155550100", "action": "opt_in", "occurred_at": "2026-01-05T10:00Z"},
...         {"phone": "+14155550100", "action": "opt_out", "occurred_at": "2026-01-05T10:00Z"},
...         {"phone": "12", "action": "opt_in", "occurred_at": "2026-01-05T10:00Z"}]
>>> report = import_consent(ConsentLedger(Store.open("sqlite://")), rows, scope="Acme")
>>> report.recorded, [i.row for i in report.conflicts], [i.row for i in report.rejected]
(2, [2, 3], [4])
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from smskit.consent.events import ConsentAction, ConsentEvent, ConsentSource
from smskit.consent.ledger import ConsentLedger, canonical_phone
from smskit.i18n.catalog import LocalizedError, Text

REQUIRED = ("phone", "action")
_ORDER = {ConsentAction.REQUEST: 0, ConsentAction.OPT_IN: 1, ConsentAction.OPT_OUT: 2}


@dataclass(frozen=True, slots=True)
class ImportIssue:
    """One row that was not simply recorded: its row number (header = row 1) and why."""

    row: int
    phone: str
    reason: Text


@dataclass(frozen=True, slots=True)
class ConsentImportReport:
    """What an import did: counts and every row that needs a person's attention."""

    recorded: int
    duplicates: tuple[ImportIssue, ...]
    conflicts: tuple[ImportIssue, ...]
    rejected: tuple[ImportIssue, ...]


def read_consent_csv(path: Path) -> list[dict[str, str]]:
    """Read a consent CSV (UTF-8, BOM allowed, ``,`` or ``;``); errors name the row or byte.

    >>> import tempfile, os
    >>> p = Path(tempfile.mkdtemp()) / "c.csv"
    >>> _ = p.write_text("phone;action\\n+14155550100;opt_out\\n", encoding="utf-8")
    >>> read_consent_csv(p)
    [{'phone': '+14155550100', 'action': 'opt_out'}]
    """
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise LocalizedError(
            "{name} is not UTF-8: byte 0x{byte} at offset {offset}",
            name=path.name,
            byte=f"{raw[error.start]:02x}",
            offset=error.start,
        ) from None
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.DictReader(text.splitlines(), delimiter=delimiter)
    missing = [c for c in REQUIRED if c not in (reader.fieldnames or ())]
    if missing:
        raise LocalizedError(
            "{name} has no '{column}' column", name=path.name, column=", ".join(missing)
        )
    rows = []
    for number, row in enumerate(reader, start=2):
        if None in row or any(v is None for v in row.values()):
            raise LocalizedError("Row {row}: wrong number of fields", row=number)
        rows.append({k: v for k, v in row.items() if k is not None and v is not None})
    return rows


def _parse(
    row: Mapping[str, str], number: int, scope: str, actor: str, now: datetime
) -> ConsentEvent:
    phone = canonical_phone(row.get("phone", ""))
    try:
        action = ConsentAction(row.get("action", "").strip().lower())
        source = ConsentSource((row.get("source") or "import").strip().lower())
    except ValueError:
        raise LocalizedError(
            "Row {row}: action must be opt_in, opt_out or request and source a known channel",
            row=number,
        ) from None
    if action not in _ORDER:
        raise LocalizedError(
            "Row {row}: action {action} cannot be imported", row=number, action=action.value
        )
    when_text = (row.get("occurred_at") or "").strip()
    try:
        when = datetime.fromisoformat(when_text.replace("Z", "+00:00")) if when_text else now
    except ValueError:
        raise LocalizedError(
            "Row {row}: occurred_at {value!r} is not a date and time", row=number, value=when_text
        ) from None
    if when.tzinfo is None:
        raise LocalizedError(
            "Row {row}: occurred_at {value} has no UTC offset", row=number, value=when_text
        )
    return ConsentEvent(
        phone,
        (row.get("scope") or scope).strip(),
        action,
        source,
        when.astimezone(UTC),
        (row.get("evidence") or "").strip(),
        (row.get("actor") or actor).strip(),
        f"import:row {number}",
    )


def import_consent(
    ledger: ConsentLedger,
    rows: Iterable[Mapping[str, str]],
    scope: str,
    actor: str = "import",
    now: datetime | None = None,
) -> ConsentImportReport:
    """Record consent rows in the ledger; report duplicates, conflicts and rejected rows.

    >>> from smskit.store.database import Store
    >>> import_consent(ConsentLedger(Store.open("sqlite://")), [], "Acme").recorded
    0
    """
    stamp = datetime.now(UTC) if now is None else now
    parsed: list[tuple[int, ConsentEvent]] = []
    rejected: list[ImportIssue] = []
    for number, row in enumerate(rows, start=2):
        try:
            parsed.append((number, _parse(row, number, scope, actor, stamp)))
        except LocalizedError as error:
            rejected.append(ImportIssue(number, row.get("phone", ""), error.text))
    groups: dict[tuple[str, str, datetime], list[tuple[int, ConsentEvent]]] = {}
    for item in parsed:
        key = (item[1].phone, item[1].scope, item[1].occurred_at)
        groups.setdefault(key, []).append(item)
    duplicates: list[ImportIssue] = []
    conflicts: list[ImportIssue] = []
    ordered: list[tuple[int, ConsentEvent]] = []
    for group in groups.values():
        seen: dict[ConsentAction, int] = {}
        kept = []
        for number, event in group:
            if event.action in seen:
                reason = Text("Same as row {first}: skipped", first=seen[event.action])
                duplicates.append(ImportIssue(number, event.phone, reason))
            else:
                seen[event.action] = number
                kept.append((number, event))
        if len(seen) > 1:
            for number, event in kept:
                conflicts.append(
                    ImportIssue(
                        number,
                        event.phone,
                        Text("Conflicting consent at the same time: the opt-out is applied last"),
                    )
                )
        ordered.extend(sorted(kept, key=lambda item: _ORDER[item[1].action]))
    recorded = 0
    for number, event in sorted(ordered, key=lambda item: item[1].occurred_at):
        try:
            ledger.record(event)
            recorded += 1
        except LocalizedError as error:
            rejected.append(ImportIssue(number, event.phone, error.text))
    return ConsentImportReport(
        recorded,
        tuple(duplicates),
        tuple(sorted(conflicts, key=lambda i: i.row)),
        tuple(sorted(rejected, key=lambda i: i.row)),
    )
