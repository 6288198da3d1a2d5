"""The store: contacts, the consent ledger, campaigns and the message log (SQLAlchemy 2 Core).

By default a SQLite file ``$SMSKIT_HOME/smskit.db`` (``SMSKIT_HOME`` defaults to ``~/.smskit``) in
WAL mode, so a dashboard and a webhook process can write at once; ``SMSKIT_DATABASE_URL`` points it
at PostgreSQL for a team. :meth:`Store.open` upgrades the schema to the newest Alembic migration.
Consent events can only be appended: there is no update or delete method, and the database refuses
both (a trigger), because the log is the evidence of consent (TCPA 47 CFR 64.1200, FCC 24-18).
The store never holds secrets: no auth tokens or API keys, only message data.

>>> store = Store.open("sqlite://")
>>> store.upsert_contacts([ContactRecord("+14155550100", "US", "fixed_line_or_mobile")])
1
>>> store.get_contact("+14155550100").region
'US'
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import make_url

from smskit.i18n import LocalizedError
from smskit.store_messages import MessageLog
from smskit.store_records import (
    CampaignRecord,
    ConsentRecord,
    Contact,
    ContactRecord,
    NewConsentEvent,
)
from smskit.store_schema import CONTACT_STATUSES, campaigns, consent_events, contacts

__all__ = ["Store", "database_url", "smskit_home"]

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
# How long a writer waits for another process's write lock before giving up (SQLite busy_timeout).
BUSY_TIMEOUT_S = 30.0
_BATCH = 5000


def smskit_home() -> Path:
    """The folder for smskit's local files: ``$SMSKIT_HOME``, else ``~/.smskit``.

    >>> smskit_home().is_absolute()
    True
    """
    return Path(os.environ.get("SMSKIT_HOME") or "~/.smskit").expanduser().resolve()


def database_url() -> str:
    """``$SMSKIT_DATABASE_URL`` if set, else the SQLite file ``smskit.db`` in :func:`smskit_home`.

    >>> database_url().startswith(("sqlite:///", "postgresql"))
    True
    """
    return os.environ.get("SMSKIT_DATABASE_URL") or f"sqlite:///{smskit_home() / 'smskit.db'}"


def _create_engine(url: str) -> sa.Engine:
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")  # psycopg 3 is our dependency
    if parsed.get_backend_name() != "sqlite":
        return sa.create_engine(parsed, pool_pre_ping=True)
    if parsed.database and parsed.database != ":memory:":
        Path(parsed.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
    engine = sa.create_engine(parsed, connect_args={"timeout": BUSY_TIMEOUT_S})

    @sa.event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # pysqlite starts transactions lazily and in DEFERRED mode; a deferred reader that later
        # writes can fail at once with "database is locked" whatever the timeout. We begin
        # transactions ourselves (below) so writers queue on the lock instead.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")  # readers never block the writer
        cursor.execute(f"PRAGMA busy_timeout={int(BUSY_TIMEOUT_S * 1000)}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")  # safe with WAL; durable at checkpoints
        cursor.close()

    @sa.event.listens_for(engine, "begin")
    def _on_begin(connection: sa.Connection) -> None:
        reading = connection.get_execution_options().get("smskit_read", False)
        connection.exec_driver_sql("BEGIN" if reading else "BEGIN IMMEDIATE")

    return engine


def _now() -> datetime:
    return datetime.now(UTC)


class Store(MessageLog):
    """A connection to smskit's database; use :meth:`open`."""

    def __init__(self, engine: sa.Engine) -> None:
        self.engine = engine
        self._insert = postgresql.insert if engine.dialect.name == "postgresql" else sqlite.insert

    @classmethod
    def open(cls, url: str | None = None, *, upgrade: bool = True) -> Store:
        """Connect (default :func:`database_url`) and upgrade the schema to the newest migration.

        >>> Store.open("sqlite://").revision()
        '0001'
        """
        store = cls(_create_engine(url or database_url()))
        if upgrade:
            store.upgrade()
        return store

    @property
    def url(self) -> str:
        """The database URL with any password hidden (safe to show or log).

        >>> Store.open("sqlite://").url
        'sqlite://'
        """
        return self.engine.url.render_as_string(hide_password=True)

    def upgrade(self, revision: str = "head") -> None:
        """Run the Alembic migrations up to ``revision`` (one process at a time).

        >>> Store.open("sqlite://", upgrade=False).upgrade()
        """
        self._migrate("upgrade", revision)

    def downgrade(self, revision: str) -> None:
        """Undo migrations down to ``revision`` (``"base"`` drops every table: an admin tool).

        >>> Store.open("sqlite://").downgrade("base")
        """
        self._migrate("downgrade", revision)

    def _migrate(self, direction: str, revision: str) -> None:
        from alembic import command
        from alembic.config import Config

        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS))
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

    def close(self) -> None:
        """Release the database connections.

        >>> Store.open("sqlite://").close()
        """
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    @contextmanager
    def _writing(self) -> Iterator[sa.Connection]:
        with self.engine.begin() as connection:
            yield connection

    @contextmanager
    def _reading(self) -> Iterator[sa.Connection]:
        with self.engine.connect() as connection:
            connection.execution_options(smskit_read=True)
            yield connection

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

    # --- consent ledger (append-only) --------------------------------------------------------

    def append_consent_event(self, event: NewConsentEvent) -> ConsentRecord:
        """Append one consent event and return it as stored (with its id and recorded time).

        >>> store = Store.open("sqlite://")
        >>> at = datetime(2026, 5, 1, 12, tzinfo=UTC)
        >>> store.append_consent_event(NewConsentEvent("+14155550100", "Acme", "opt_out", "keyword",
        ...     at, kind="keyword:STOP", evidence="STOP")).id
        1
        """
        (stored,) = self.append_consent_events([event])
        return stored

    def append_consent_events(self, events: Iterable[NewConsentEvent]) -> list[ConsentRecord]:
        """Append several consent events in one transaction, in the order given.

        >>> Store.open("sqlite://").append_consent_events([])
        []
        """
        out: list[ConsentRecord] = []
        with self._writing() as connection:
            for event in events:
                _check_consent_event(event)
                values = {
                    "phone_e164": event.phone_e164,
                    "scope": event.scope,
                    "kind": event.kind or event.action,
                    "action": event.action,
                    "source": event.source,
                    "evidence": event.evidence,
                    "actor": event.actor,
                    "occurred_at": event.occurred_at,
                    "recorded_at": _now(),
                }
                row = connection.execute(
                    consent_events.insert().values(values).returning(*consent_events.c)
                ).one()
                out.append(_consent(row))
        return out

    def consent_events(self, phone_e164: str, scope: str | None = None) -> list[ConsentRecord]:
        """A number's consent events (for one scope, or all), oldest first.

        >>> Store.open("sqlite://").consent_events("+14155550100", "Acme")
        []
        """
        query = sa.select(consent_events).where(consent_events.c.phone_e164 == phone_e164)
        if scope is not None:
            query = query.where(consent_events.c.scope == scope)
        return self._consent_query(query)

    def iter_consent_events(self, scope: str | None = None) -> Iterator[ConsentRecord]:
        """Every consent event (of one scope, or all), oldest first: for exports and bulk filters.

        >>> list(Store.open("sqlite://").iter_consent_events("Acme"))
        []
        """
        query = sa.select(consent_events)
        if scope is not None:
            query = query.where(consent_events.c.scope == scope)
        yield from self._consent_query(query)

    def _consent_query(self, query: sa.Select[Any]) -> list[ConsentRecord]:
        query = query.order_by(consent_events.c.occurred_at, consent_events.c.id)
        with self._reading() as connection:
            return [_consent(row) for row in connection.execute(query)]

    # --- campaigns -----------------------------------------------------------------------------

    def save_campaign(
        self, campaign_id: str, name: str, spec: Mapping[str, object], status: str = "draft"
    ) -> CampaignRecord:
        """Create a campaign, or update its name, spec and status if the id exists.

        >>> Store.open("sqlite://").save_campaign("c1", "Spring sale", {"body": "Hi"}).status
        'draft'
        """
        now = _now()
        statement = self._insert(campaigns).values(
            id=campaign_id,
            name=name,
            spec=dict(spec),
            status=status,
            created_at=now,
            updated_at=now,
        )
        statement = statement.on_conflict_do_update(
            index_elements=[campaigns.c.id],
            set_={"name": name, "spec": dict(spec), "status": status, "updated_at": now},
        )
        with self._writing() as connection:
            connection.execute(statement)
        found = self.get_campaign(campaign_id)
        assert found is not None
        return found

    def get_campaign(self, campaign_id: str) -> CampaignRecord | None:
        """The campaign with this id, or None.

        >>> Store.open("sqlite://").get_campaign("nope") is None
        True
        """
        with self._reading() as connection:
            row = connection.execute(
                sa.select(campaigns).where(campaigns.c.id == campaign_id)
            ).one_or_none()
        return None if row is None else _campaign(row)

    def list_campaigns(self) -> list[CampaignRecord]:
        """All campaigns, newest first.

        >>> Store.open("sqlite://").list_campaigns()
        []
        """
        query = sa.select(campaigns).order_by(campaigns.c.created_at.desc(), campaigns.c.id)
        with self._reading() as connection:
            return [_campaign(row) for row in connection.execute(query)]

    def set_campaign_status(self, campaign_id: str, status: str) -> bool:
        """Change a campaign's status; True if the campaign exists.

        >>> Store.open("sqlite://").set_campaign_status("nope", "sending")
        False
        """
        with self._writing() as connection:
            result = connection.execute(
                campaigns.update()
                .where(campaigns.c.id == campaign_id)
                .values(status=status, updated_at=_now())
            )
        return bool(result.rowcount)


def _check_consent_event(event: NewConsentEvent) -> None:
    for name in ("phone_e164", "scope", "action", "source"):
        if not str(getattr(event, name)).strip():
            raise LocalizedError("Consent event: '{field}' is empty", field=name)
    if event.occurred_at.tzinfo is None:
        raise LocalizedError(
            "Consent event time {time} has no time zone", time=event.occurred_at.isoformat()
        )


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


def _consent(row: sa.Row[Any]) -> ConsentRecord:
    return ConsentRecord(
        id=row.id,
        phone_e164=row.phone_e164,
        scope=row.scope,
        kind=row.kind,
        action=row.action,
        source=row.source,
        evidence=row.evidence,
        actor=row.actor,
        occurred_at=row.occurred_at,
        recorded_at=row.recorded_at,
    )


def _campaign(row: sa.Row[Any]) -> CampaignRecord:
    return CampaignRecord(
        id=row.id,
        name=row.name,
        spec=dict(row.spec or {}),
        status=row.status,
        created_at=row.created_at,
        updated_at=row.updated_at,
    )
