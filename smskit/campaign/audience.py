"""A campaign's audience: recipients from an imported file or from the saved contacts.

Contacts come out of :mod:`smskit.contacts.importer` already parsed (E.164, country, line type, time
zones), so :func:`smskit.campaign.planner.plan` does not parse them again. A consent column in the
file
("yes"/"no" after the importer normalises it) can be written to the consent ledger as evidence
with :func:`consent_rows` and :func:`smskit.consent.history.import_consent`; an empty value records
nothing, because having a number is not consent (CTIA; the guide).

>>> import pathlib, tempfile
>>> from smskit.contacts.importer import import_contacts
>>> path = pathlib.Path(tempfile.mkdtemp()) / "list.csv"
>>> _ = path.write_text("name,phone,consent\\nAna,+14155550100,yes\\nBo,+14155550101,\\n")
>>> imported = import_contacts(path, "US")
>>> [(r.key, r.values["name"]) for r in recipients_from_import(imported)]
[('+14155550100', 'Ana'), ('+14155550101', 'Bo')]
>>> consent_rows(imported)
[{'phone': '+14155550100', 'action': 'opt_in', 'source': 'import', 'evidence': 'list.csv row 2'}]
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from smskit.campaign.model import Recipient
from smskit.numbers.phone import NumberInfo

if TYPE_CHECKING:
    from smskit.contacts.importer import ContactImport
    from smskit.store.database import Store

__all__ = [
    "FileColumns",
    "consent_rows",
    "file_columns",
    "recipients_from_import",
    "recipients_from_store",
    "save_upload",
]

_ACTIONS = {"yes": "opt_in", "no": "opt_out"}
# Header words that name a phone column, in English and Bahasa Indonesia (nomor HP, telepon).
_PHONE_WORDS = re.compile(r"phone|mobile|cell|tel|msisdn|number|nomor|hp|wa\b", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class FileColumns:
    """A contact file's header and the best guesses for its phone and consent columns."""

    columns: tuple[str, ...]
    phone: str | None
    consent: str | None


def file_columns(path: str | Path) -> FileColumns:
    """Read only the header of a CSV/XLSX contact file and guess the columns to map.

    >>> import tempfile
    >>> p = Path(tempfile.mkdtemp()) / "c.csv"
    >>> _ = p.write_text("Nama,Nomor HP,SMS opt-in\\nAna,+6281234567890,ya\\n")
    >>> file_columns(p)
    FileColumns(columns=('Nama', 'Nomor HP', 'SMS opt-in'), phone='Nomor HP', consent='SMS opt-in')
    """
    from smskit.contacts.columns import find_consent_columns
    from smskit.contacts.reader import open_source

    columns = open_source(path).columns
    phone = next((c for c in columns if _PHONE_WORDS.search(c)), None)
    consent = find_consent_columns(columns, None, phone or "") if columns else ()
    return FileColumns(tuple(columns), phone, consent[0] if consent else None)


def save_upload(name: str, content: bytes, folder: Path | None = None) -> Path:
    """Keep an uploaded file under ``$SMSKIT_HOME/uploads`` (the name stripped of any folders).

    A contact file is personal data: the file is written 0600 and a folder made for it 0700
    (:func:`smskit.store.connection.private_folder`), as the database is.

    >>> import tempfile
    >>> saved = save_upload("../../x.csv", b"phone\\n", Path(tempfile.mkdtemp()))
    >>> saved.name, oct(saved.stat().st_mode & 0o777)
    ('x.csv', '0o600')
    """
    from smskit.store.connection import PRIVATE_FILE, private_folder, smskit_home

    target = private_folder(folder or smskit_home() / "uploads") / Path(name).name
    # Created no wider than 0600 (no moment where another user could read it), made exactly 0600
    # before any content is written, in case the file existed with wider permissions.
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, PRIVATE_FILE)
    with os.fdopen(fd, "wb") as out:
        os.chmod(target, PRIVATE_FILE)
        out.write(content)
    return target


def recipients_from_import(imported: ContactImport) -> list[Recipient]:
    """One recipient per kept contact (landlines included: plan() blocks them with a reason).

    The key is the E.164 number, the row is the file row, the values are the other columns.

    >>> import tempfile
    >>> from smskit.contacts.importer import import_contacts
    >>> p = Path(tempfile.mkdtemp()) / "c.csv"
    >>> _ = p.write_text("Phone,City\\n+14155550100,Salem\\n")
    >>> [(r.row, r.values, r.number.region) for r in recipients_from_import(import_contacts(p))]
    [(2, {'city': 'Salem'}, 'US')]
    """
    contacts, fields = imported.contacts, imported.fields
    names = [str(c).strip().lower() for c in fields.columns]
    field_rows = fields.reindex(contacts.index).itertuples(index=False, name=None)
    out = []
    for row, phone, region, line, zones, sms, values in zip(
        contacts.index,
        contacts["phone_e164"],
        contacts["region"],
        contacts["line_type"],
        contacts["time_zones"],
        contacts["can_receive_sms"],
        field_rows,
        strict=True,
    ):
        info = NumberInfo(str(phone), str(region), str(line), tuple(zones), bool(sms))
        text = {
            k: "" if v is None or v != v else str(v) for k, v in zip(names, values, strict=True)
        }
        out.append(Recipient(str(phone), str(phone), text, int(row), info))
    return out


def recipients_from_store(store: Store) -> list[Recipient]:
    """Every saved contact as a recipient (key and phone are its E.164 number).

    >>> from smskit.store.database import Store
    >>> recipients_from_store(Store.open("sqlite://"))
    []
    """
    out = []
    for n, c in enumerate(store.iter_contacts(), start=1):
        info = NumberInfo(
            c.phone_e164,
            c.region or "",
            c.line_type or "unknown",
            tuple(c.time_zones),
            c.line_type != "fixed_line",
        )
        values = {str(k).lower(): str(v) for k, v in c.fields.items()}
        out.append(Recipient(c.phone_e164, c.phone_e164, values, n, info))
    return out


def consent_rows(imported: ContactImport) -> list[dict[str, str]]:
    """Consent-ledger rows for contacts whose file says yes (opt_in) or no (opt_out).

    Rows feed :func:`smskit.consent.history.import_consent` with the campaign's scope.

    >>> import tempfile
    >>> from smskit.contacts.importer import import_contacts
    >>> p = Path(tempfile.mkdtemp()) / "c.csv"
    >>> _ = p.write_text("Phone,SMS consent\\n+14155550100,no\\n")
    >>> [row["action"] for row in consent_rows(import_contacts(p))]
    ['opt_out']
    """
    name = imported.report.file_name
    rows = []
    for row, phone, value in zip(
        imported.contacts.index,
        imported.contacts["phone_e164"],
        imported.contacts["consent"],
        strict=True,
    ):
        action = _ACTIONS.get(str(value).strip().lower())
        if action:
            rows.append(
                {
                    "phone": str(phone),
                    "action": action,
                    "source": "import",
                    "evidence": f"{name} row {row}",
                }
            )
    return rows
