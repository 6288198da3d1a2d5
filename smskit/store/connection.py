"""The connection half of the store: where the database is, how SQLite is tuned for several writers.

SQLite (the default) runs in WAL mode with a busy timeout, and every write transaction starts with
``BEGIN IMMEDIATE``, so a dashboard and a webhook process writing at once queue instead of failing.

>>> database_url().startswith(("sqlite:///", "postgresql"))
True
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import Any, Self

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import make_url

__all__ = ["BUSY_TIMEOUT_S", "StoreBase", "database_url", "smskit_home"]

# How long a writer waits for another process's write lock before giving up (SQLite busy_timeout).
BUSY_TIMEOUT_S = 30.0


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


class StoreBase:
    """An engine plus read and write transactions; :class:`smskit.store.database.Store` builds on
    it."""

    def __init__(self, engine: sa.Engine) -> None:
        self.engine = engine
        self._insert = postgresql.insert if engine.dialect.name == "postgresql" else sqlite.insert

    @property
    def url(self) -> str:
        """The database URL with any password hidden (safe to show or log).

        >>> StoreBase(sa.create_engine("sqlite://")).url
        'sqlite://'
        """
        return self.engine.url.render_as_string(hide_password=True)

    def close(self) -> None:
        """Release the database connections.

        >>> StoreBase(sa.create_engine("sqlite://")).close()
        """
        self.engine.dispose()

    def __enter__(self) -> Self:
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
