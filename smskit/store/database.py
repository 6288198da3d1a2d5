"""The store: contacts, the consent ledger, campaigns and the message log (SQLAlchemy 2 Core).

By default a SQLite file ``$SMSKIT_HOME/smskit.db`` (``SMSKIT_HOME`` defaults to ``~/.smskit``) in
WAL mode, so a dashboard and a webhook process can write at once; ``SMSKIT_DATABASE_URL`` points it
at PostgreSQL for a team. :meth:`Store.open` upgrades the schema to the newest Alembic migration.
Consent events can only be appended: there is no update or delete method, and the database refuses
both (a trigger), because the log is the evidence of consent (TCPA 47 CFR 64.1200, FCC 24-24).
The store never holds secrets: no auth tokens or API keys, only message data.

>>> store = Store.open("sqlite://")
>>> store.upsert_contacts([ContactRecord("+14155550100", "US", "fixed_line_or_mobile")])
1
>>> store.get_contact("+14155550100").region
'US'
"""

from __future__ import annotations

import functools
import importlib.resources
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from smskit.i18n.catalog import LocalizedError
from smskit.store.connection import _create_engine, _now, database_url, smskit_home
from smskit.store.consent_log import ConsentLedger
from smskit.store.message_log import MessageLog
from smskit.store.provider_parts import PartsLog
from smskit.store.records import (
    CampaignRecord,
    ConsentRecord,
    Contact,
    ContactRecord,
    InboundRecord,
    LoggedMessage,
    NewConsentEvent,
    NewMessage,
)
from smskit.store.schema import CONTACT_STATUSES, contacts

__all__ = [
    "CampaignRecord",
    "ConsentRecord",
    "Contact",
    "ContactRecord",
    "InboundRecord",
    "LoggedMessage",
    "NewConsentEvent",
    "NewMessage",
    "Store",
    "database_url",
    "smskit_home",
]

MIGRATIONS = Path(str(importlib.resources.files("smskit.store") / "migrations"))
_BATCH = 5000


class Store(ConsentLedger, MessageLog, PartsLog):
    """A connection to smskit's database; use :meth:`open`."""

    @classmethod
    def open(cls, url: str | None = None, *, upgrade: bool = True) -> Store:
        """Connect (default :func:`database_url`) and upgrade the schema to the newest migration.

        >>> Store.open("sqlite://").revision()
        '0010'
        """
        store = cls(_create_engine(url or database_url()))
        if upgrade:
            store.upgrade()
        return store

    def upgrade(self, revision: str = "head") -> None:
        """Run the Alembic migrations up to ``revision`` (one process at a time).

        >>> Store.open("sqlite://", upgrade=False).upgrade()
        """
        # Every dashboard page opens the store; Alembic re-reads env.py and every migration
        # script on each upgrade, even to find nothing to do (~75 ms). One query says so first.
        if revision == "head" and self.revision() == _head_revision():
            return
        self._migrate("upgrade", revision)

    def downgrade(self, revision: str) -> None:
        """Undo migrations down to ``revision`` (``"base"`` drops every table: an admin tool).

        >>> Store.open("sqlite://").downgrade("base")
        """
        self._migrate("downgrade", revision)

    def _migrate(self, direction: str, revision: str) -> None:
        from alembic import command

        config = _alembic_config()
        with self.engine.begin() as connection:
            config.attributes["connection"] = connection
            getattr(command, direction)(config, revision)

    def revision(self) -> str | None:
        """The schema's current migration revision (None before the first upgrade).

        >>> Store.open("sqlite://", upgrade=False).revision() is None
        True
        """
        from alembic.migration import MigrationContext

        with self._reading() as connection:
            return MigrationContext.configure(connection).get_current_revision()

    # --- contacts ---------------------------------------------------------------------------

    def upsert_contacts(self, records: Iterable[ContactRecord]) -> int:
        """Insert or update contacts by number (fields are merged); return how many were given.

        >>> store = Store.open("sqlite://")
        >>> uk = "+447400123456"
        >>> store.upsert_contacts([ContactRecord(uk, "GB", "mobile", fields={"a": "1"})])
        1
        >>> _ = store.upsert_contacts([ContactRecord(uk, "GB", "mobile", fields={"b": "2"})])
        >>> dict(store.get_contact("+447400123456").fields)
        {'a': '1', 'b': '2'}
        """
        total = 0
        batch: dict[str, dict[str, Any]] = {}
        with self._writing() as connection:
            for record in records:
                if record.status not in CONTACT_STATUSES:
                    raise LocalizedError(
                        "Unknown contact status '{status}' for {phone}",
                        status=record.status,
                        phone=record.phone_e164,
                    )
                now = _now()
                batch[record.phone_e164] = {
                    "phone_e164": record.phone_e164,
                    "region": record.region,
                    "line_type": record.line_type,
                    "time_zones": list(record.time_zones),
                    "fields": dict(record.fields),
                    "status": record.status,
                    "created_at": now,
                    "updated_at": now,
                }
                total += 1
                if len(batch) >= _BATCH:
                    self._upsert_batch(connection, list(batch.values()))
                    batch.clear()
            if batch:
                self._upsert_batch(connection, list(batch.values()))
        return total

    def _upsert_batch(self, connection: sa.Connection, rows: list[dict[str, Any]]) -> None:
        statement = self._insert(contacts)
        new = statement.excluded
        fields: sa.ColumnElement[Any]
        if self.engine.dialect.name == "postgresql":
            fields = contacts.c.fields.op("||")(new.fields)
        else:
            fields = sa.func.json_patch(contacts.c.fields, new.fields)
        statement = statement.on_conflict_do_update(
            index_elements=[contacts.c.phone_e164],
            set_={
                "region": new.region,
                "line_type": new.line_type,
                "time_zones": new.time_zones,
                "fields": fields,
                "status": new.status,
                "updated_at": new.updated_at,
            },
        )
        connection.execute(statement, rows)

    def get_contact(self, phone_e164: str) -> Contact | None:
        """The contact with this E.164 number, or None.

        >>> Store.open("sqlite://").get_contact("+14155550100") is None
        True
        """
        found = self.get_contacts([phone_e164])
        return found[0] if found else None

    def get_contacts(self, phones: Iterable[str] | None = None) -> list[Contact]:
        """The contacts with these numbers (all contacts if None), ordered by number.

        >>> Store.open("sqlite://").get_contacts()
        []
        """
        query = sa.select(contacts).order_by(contacts.c.phone_e164)
        if phones is None:
            return list(self.iter_contacts())
        wanted = sorted(set(phones))
        out: list[Contact] = []
        with self._reading() as connection:
            for start in range(0, len(wanted), 900):  # stay under SQLite's bound-parameter limit
                chunk = wanted[start : start + 900]
                rows = connection.execute(query.where(contacts.c.phone_e164.in_(chunk)))
                out.extend(_contact(row) for row in rows)
        return sorted(out, key=lambda contact: contact.phone_e164)

    def iter_contacts(self, batch_size: int = 10_000) -> Iterator[Contact]:
        """Every contact, ordered by number, fetched ``batch_size`` rows at a time.

        >>> list(Store.open("sqlite://").iter_contacts())
        []
        """
        after = ""
        while True:
            query = (
                sa.select(contacts)
                .where(contacts.c.phone_e164 > after)
                .order_by(contacts.c.phone_e164)
                .limit(batch_size)
            )
            with self._reading() as connection:
                rows = [_contact(row) for row in connection.execute(query)]
            yield from rows
            if len(rows) < batch_size:
                return
            after = rows[-1].phone_e164

    def count_contacts(self) -> int:
        """How many contacts are stored.

        >>> Store.open("sqlite://").count_contacts()
        0
        """
        with self._reading() as connection:
            return int(connection.scalar(sa.select(sa.func.count()).select_from(contacts)) or 0)

    def replace_contact_fields(self, phone_e164: str, fields: Mapping[str, str]) -> bool:
        """Replace a contact's personal fields (an edit); True if the contact exists.

        Only ``fields`` change: the number, its status and its consent history never do.

        >>> store = Store.open("sqlite://")
        >>> uk = ContactRecord("+447400123456", "GB", "mobile", fields={"a": "1"})
        >>> _ = store.upsert_contacts([uk])
        >>> store.replace_contact_fields("+447400123456", {"b": "2"})
        True
        >>> dict(store.get_contact("+447400123456").fields)
        {'b': '2'}
        """
        with self._writing() as connection:
            result = connection.execute(
                contacts.update()
                .where(contacts.c.phone_e164 == phone_e164)
                .values(fields=dict(fields), updated_at=_now())
            )
        return bool(result.rowcount)

    def search_contacts(self, text: str, limit: int = 50) -> list[Contact]:
        """Contacts whose number or any field contains ``text`` (case-insensitive), by number.

        >>> store = Store.open("sqlite://")
        >>> _ = store.upsert_contacts([ContactRecord("+447400123456", "GB", "mobile",
        ...                                          fields={"name": "Zoë"})])
        >>> [c.phone_e164 for c in store.search_contacts("zoË")]
        ['+447400123456']
        >>> store.search_contacts("7400")[0].region
        'GB'
        """
        needle = text.strip().casefold()
        # A number as people write it ("0812-3456", "(415) 555"): its digits, less a national
        # trunk 0, are searched inside the E.164 form.
        digits = "".join(ch for ch in needle if ch.isdigit())
        number_like = bool(digits) and not any(ch.isalpha() for ch in needle)
        if number_like:
            digits = digits.lstrip("0") or digits
        query = sa.select(contacts).order_by(contacts.c.phone_e164)
        if number_like:
            query = query.where(contacts.c.phone_e164.contains(digits))
        found: list[Contact] = []
        with self._reading() as connection:
            for row in connection.execute(query):
                contact = _contact(row)
                haystack = " ".join([contact.phone_e164, *map(str, contact.fields.values())])
                if number_like or needle in haystack.casefold():
                    found.append(contact)
                    if len(found) >= limit:
                        break
        return found

    def set_contact_status(self, phone_e164: str, status: str) -> bool:
        """Set a contact ok/invalid/landline/unreachable (e.g. on Twilio 30006); True if found.

        >>> Store.open("sqlite://").set_contact_status("+14155550100", "unreachable")
        False
        """
        if status not in CONTACT_STATUSES:
            raise LocalizedError(
                "Unknown contact status '{status}' for {phone}", status=status, phone=phone_e164
            )
        with self._writing() as connection:
            result = connection.execute(
                contacts.update()
                .where(contacts.c.phone_e164 == phone_e164)
                .values(status=status, updated_at=_now())
            )
        return bool(result.rowcount)


def _alembic_config() -> Any:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


@functools.cache
def _head_revision() -> str | None:
    """The newest migration this installation has (read once per process).

    >>> _head_revision() == Store.open("sqlite://").revision()
    True
    """
    from alembic.script import ScriptDirectory

    head: str | None = ScriptDirectory.from_config(_alembic_config()).get_current_head()
    return head


def _contact(row: sa.Row[Any]) -> Contact:
    return Contact(
        phone_e164=row.phone_e164,
        region=row.region,
        line_type=row.line_type,
        time_zones=tuple(row.time_zones or ()),
        fields=dict(row.fields or {}),
        status=row.status,
        created_at=row.created_at,
        updated_at=row.updated_at,
    )
