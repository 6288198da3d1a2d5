"""The connection half of the store: where the database is, how SQLite is tuned for several writers.

SQLite (the default) runs in WAL mode with a busy timeout, and every write transaction starts with
``BEGIN IMMEDIATE``, so a dashboard and a webhook process writing at once queue instead of failing.

The database holds contacts and message bodies, so on a shared machine it is private to its user:
a folder smskit creates for it is 0700 (:func:`private_folder`) and a database file it creates is
0600 (SQLite gives the ``-wal``, ``-shm`` and ``-journal`` files the database file's mode). A folder
or database file that already exists keeps the permissions its user chose, except smskit's own
default home ``~/.smskit`` (older versions created it 0755 and the database 0644), which is made
private. Modes are set with ``chmod`` on the paths we create, not with ``os.umask``: the umask is
process-wide, so changing it would also change files that other threads of a dashboard or webhook
server create meanwhile, and a umask can only remove permission bits, never give the exact mode.

>>> database_url().startswith(("sqlite:///", "postgresql"))
True
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import Any, Self

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import make_url

__all__ = [
    "BUSY_TIMEOUT_S",
    "PRIVATE_FILE",
    "PRIVATE_FOLDER",
    "StoreBase",
    "database_url",
    "private_folder",
    "smskit_home",
]

# How long a writer waits for another process's write lock before giving up (SQLite busy_timeout).
BUSY_TIMEOUT_S = 30.0
PRIVATE_FOLDER = 0o700  # rwx for the owner only: other users cannot list or open what is inside
PRIVATE_FILE = 0o600  # rw for the owner only
_DEFAULT_HOME = "~/.smskit"
# SQLite's companion files (https://www.sqlite.org/tempfiles.html): WAL, shared memory, journal.
_COMPANIONS = ("-wal", "-shm", "-journal")


def smskit_home() -> Path:
    """The folder for smskit's local files: ``$SMSKIT_HOME``, else ``~/.smskit``.

    >>> smskit_home().is_absolute()
    True
    """
    return Path(os.environ.get("SMSKIT_HOME") or _DEFAULT_HOME).expanduser().resolve()


def _is_default_home(folder: Path) -> bool:
    return folder.resolve() == Path(_DEFAULT_HOME).expanduser().resolve()


def _make_private(path: Path, mode: int) -> None:
    """Tighten an existing path we own to ``mode`` (never widen, never touch another's)."""
    try:
        info = os.stat(path)
    except FileNotFoundError:
        return
    owner = os.getuid() if hasattr(os, "getuid") else info.st_uid  # no owners on Windows
    if info.st_uid == owner and stat.S_IMODE(info.st_mode) & ~mode:
        os.chmod(path, mode)


def private_folder(folder: Path) -> Path:
    """Create ``folder`` and any missing parents as 0700; return it.

    A folder that already exists keeps its permissions (the user chose them), except the default
    home ``~/.smskit``, which is smskit's own and is made 0700.

    >>> import tempfile
    >>> made = private_folder(Path(tempfile.mkdtemp()) / "a" / "b")
    >>> oct(made.stat().st_mode & 0o777), oct(made.parent.stat().st_mode & 0o777)
    ('0o700', '0o700')
    """
    missing = []
    current = folder
    while not current.exists():
        missing.append(current)
        current = current.parent
    for path in reversed(missing):
        try:
            path.mkdir(mode=PRIVATE_FOLDER)
        except FileExistsError:  # made meanwhile by another process: its mode stands
            continue
        os.chmod(path, PRIVATE_FOLDER)  # mkdir's mode is filtered by the umask; make it exact
    if not missing and _is_default_home(folder):
        _make_private(folder, PRIVATE_FOLDER)
    return folder


def _private_database(path: Path) -> None:
    """Create the SQLite file as 0600 before SQLite opens it (an empty file is an empty database).

    SQLite creates its -wal, -shm and -journal files with the database file's permissions, so
    they are 0600 too. An existing file keeps its mode unless it lives in the default home.
    """
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE)
    except FileExistsError:
        if _is_default_home(path.parent):
            for name in ("", *_COMPANIONS):
                _make_private(Path(f"{path}{name}"), PRIVATE_FILE)
        return
    except PermissionError:  # a read-only place: SQLite says so itself when it connects
        return
    os.close(fd)
    # Created no wider than 0600 (the umask only removes bits); now exactly 0600, whatever the
    # umask, so SQLite can write it and copies the mode to the -wal and -shm files.
    os.chmod(path, PRIVATE_FILE)


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
        # A campaign runner reads consent from up to 16 send threads at once (pacing's
        # max_workers) beside its own loop: keep that many connections open, or every read past
        # SQLAlchemy's default 5 opens and closes a PostgreSQL backend (measured: ~1,200 new
        # connections per 3,000 messages, benchmarks/worker_throughput.py).
        return sa.create_engine(parsed, pool_pre_ping=True, pool_size=20, max_overflow=10)
    if parsed.database and parsed.database != ":memory:" and not parsed.query.get("uri"):
        path = Path(parsed.database).expanduser()
        private_folder(path.parent)
        _private_database(path)
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
        # The transaction that this thread or task has open (see :meth:`transaction`).
        self._open: ContextVar[sa.Connection | None] = ContextVar(f"store{id(self)}", default=None)

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
    def transaction(self) -> Iterator[sa.Connection]:
        """One write transaction that the store's own methods join while it is open.

        Every read and write of this store made in the same thread (or asyncio task) inside the
        block runs on its connection and commits with it, or not at all. The webhook app stores a
        reply, decides its consent and folds it into its thread this way: one connection and one
        commit instead of one each (on PostgreSQL each is a network round trip;
        ``benchmarks/inbox.py``). Nested blocks join the outer one.

        >>> from smskit.store.database import Store
        >>> from smskit.sending.tracking import InboundMessage
        >>> store = Store.open("sqlite://")
        >>> try:
        ...     with store.transaction():
        ...         _ = store.record_inbound(InboundMessage("SM" + "1" * 32, "+1415", "+1", "Hi"))
        ...         print(len(store.list_inbound()))
        ...         raise KeyboardInterrupt
        ... except KeyboardInterrupt:
        ...     len(store.list_inbound())
        1
        0
        """
        joined = self._open.get()
        if joined is not None:
            yield joined
            return
        with self.engine.begin() as connection:
            token = self._open.set(connection)
            try:
                yield connection
            finally:
                self._open.reset(token)

    @contextmanager
    def _writing(self) -> Iterator[sa.Connection]:
        with self.transaction() as connection:
            yield connection

    @contextmanager
    def _reading(self) -> Iterator[sa.Connection]:
        joined = self._open.get()
        if joined is not None:
            yield joined
            return
        with self.engine.connect() as connection:
            connection.execution_options(smskit_read=True)
            yield connection
