"""Shared test set-up: every test session gets its own SMSKIT_HOME, so nothing touches ~/.smskit."""

from __future__ import annotations

import contextlib
import os
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

FIXTURES = Path(__file__).parent / "fixtures"
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}

# Set before any smskit module reads it.
os.environ.setdefault("SMSKIT_HOME", tempfile.mkdtemp(prefix="smskit-test-home-"))
os.environ.setdefault("SMSKIT_LANG", "en")
os.environ.setdefault("MPLBACKEND", "Agg")


@pytest.fixture
def fixtures() -> Path:
    """The folder of small, hand-made test inputs."""
    return FIXTURES


@contextlib.contextmanager
def fresh_schema_url(postgres_url: str) -> Iterator[str]:
    """A URL to a new, empty PostgreSQL schema, dropped afterwards (nothing leaks between tests).

    The schema travels in the URL (``options=-csearch_path=...``), so other processes can use it.
    """
    schema = f"smskit_test_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(postgres_url)
    with admin.begin() as connection:
        connection.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    url = sa.make_url(postgres_url).update_query_dict({"options": f"-csearch_path={schema}"})
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.begin() as connection:
            connection.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def _database_urls() -> list[object]:
    pg = os.environ.get("SMSKIT_TEST_POSTGRES_URL") or "missing"
    return ["sqlite", pytest.param(pg, marks=pytest.mark.postgres, id="postgresql")]


@pytest.fixture(params=_database_urls(), ids=lambda p: "sqlite" if p == "sqlite" else "postgresql")
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A database URL for several processes: a SQLite file, or a fresh PostgreSQL schema."""
    if request.param == "missing":
        message = "SMSKIT_TEST_POSTGRES_URL is not set: the PostgreSQL tests need it"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'smskit.db'}"
        return
    with fresh_schema_url(request.param) as url:
        yield url
