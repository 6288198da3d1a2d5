"""The store: contacts, the consent log, campaigns and the message log, on SQLite or PostgreSQL.

The only package that imports SQLAlchemy; its schema comes from the Alembic migrations in
``migrations/``. Imports :mod:`smskit.providers` only for the order of message statuses.
"""

from __future__ import annotations

from smskit.store.database import Store
from smskit.store.records import ConsentRecord, ContactRecord, NewConsentEvent

__all__ = [
    "ConsentRecord",
    "ContactRecord",
    "NewConsentEvent",
    "Store",
]
