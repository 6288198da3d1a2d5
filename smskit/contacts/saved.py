"""Saved contacts: keep an import for later, find, edit and export them.

Every import in the Campaign Sender is saved (:func:`save_imported`), so "Use saved contacts" finds
it again. An edit changes a contact's personal fields only (:meth:`Store.replace_contact_fields`):
the number and its consent history are evidence and never change here (consent lives in the
ledger, :mod:`smskit.consent`). The export is a CSV safe to open in a spreadsheet.

>>> import io, tempfile
>>> from pathlib import Path
>>> from smskit.contacts.importer import import_contacts
>>> from smskit.store.database import Store
>>> path = Path(tempfile.mkdtemp()) / "c.csv"
>>> _ = path.write_text("phone,name\\n+14155550100,=cmd()\\n")
>>> store = Store.open("sqlite://")
>>> save_imported(store, import_contacts(path))
1
>>> out = io.StringIO(); _ = export_contacts_csv(store, out); out.getvalue().splitlines()[1]
"'+14155550100,US,fixed_line_or_mobile,ok,'=cmd()"
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from typing import TextIO

from smskit.consent.audit import safe_cell
from smskit.contacts.report import ContactImport
from smskit.store.database import Store
from smskit.store.records import ContactRecord
from smskit.store.schema import CONTACT_STATUSES

__all__ = ["export_contacts_csv", "save_imported"]


def save_imported(store: Store, imported: ContactImport) -> int:
    """Save every imported contact (number, country, line type, time zones, fields); how many.

    A contact already saved keeps its other fields: a new file adds to what is known.
    """

    def records() -> Iterator[ContactRecord]:
        rows = imported.contacts.to_dict("records")
        personal = imported.fields.to_dict("records")
        for row, fields in zip(rows, personal, strict=True):
            values = {str(k): v for k, v in fields.items() if isinstance(v, str) and v != ""}
            zones, status = row["time_zones"], row["status"]
            yield ContactRecord(
                str(row["phone_e164"]),
                row["region"] if isinstance(row["region"], str) else None,
                row["line_type"] if isinstance(row["line_type"], str) else None,
                tuple(zones) if isinstance(zones, list | tuple) else (),
                values,
                status if status in CONTACT_STATUSES else "ok",
            )

    return store.upsert_contacts(records())


def export_contacts_csv(store: Store, out: TextIO) -> int:
    """Write every saved contact as CSV (a column per field name); return how many rows.

    Cells that a spreadsheet would run as a formula are prefixed with a quote (OWASP CSV injection).
    """
    contacts = list(store.iter_contacts())
    names = sorted({name for c in contacts for name in c.fields})
    writer = csv.writer(out, lineterminator="\r\n")  # RFC 4180; quotes every CR/LF value
    writer.writerow(["phone", "country", "line_type", "status", *names])
    for c in contacts:
        row = [c.phone_e164, c.region or "", c.line_type or "", c.status]
        row += [str(c.fields.get(name, "")) for name in names]
        writer.writerow([safe_cell(cell) for cell in row])
    return len(contacts)
