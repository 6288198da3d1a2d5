"""Alembic environment for smskit's store; run programmatically by
``smskit.store.database.Store.open()``.

``Store.open()`` passes its open connection in ``config.attributes["connection"]`` inside one
transaction (``BEGIN IMMEDIATE`` on SQLite, so two processes opening at once migrate one at a time;
an advisory lock on PostgreSQL for the same reason). A developer may also run
``alembic -x url=sqlite:///path/smskit.db upgrade head`` with ``script_location`` pointing here.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import context

from smskit.store.schema import metadata

# An arbitrary constant key for pg_advisory_xact_lock: "smskit" in ASCII.
_PG_MIGRATION_LOCK = 0x736D736B6974


def _migrate(connection: sa.Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=connection.dialect.name == "sqlite",  # SQLite cannot ALTER most things
        transaction_per_migration=False,
    )
    with context.begin_transaction():
        if connection.dialect.name == "postgresql":
            connection.execute(
                sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_MIGRATION_LOCK}
            )
        context.run_migrations()


def _run() -> None:
    given = context.config.attributes.get("connection")
    if given is not None:
        _migrate(given)
        return
    url = context.get_x_argument(as_dictionary=True).get("url") or context.config.get_main_option(
        "sqlalchemy.url"
    )
    if not url:
        raise SystemExit("give the database: alembic -x url=<SQLAlchemy URL> upgrade head")
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        _migrate(connection)
    engine.dispose()


# Alembic runs this file with a live context; anything else importing it (pytest's doctest
# collection walks every .py under smskit/) finds no context and must do nothing.
if hasattr(context, "config"):
    _run()
