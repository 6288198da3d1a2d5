"""smskit.store.database on SQLite and on a real PostgreSQL server (SMSKIT_TEST_POSTGRES_URL).

Locally the PostgreSQL variants skip when the URL is unset; in CI (CI=true) they fail instead.
"""

from __future__ import annotations

import multiprocessing
import os
import stat
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from smskit.campaign.send_history import recent_sends
from smskit.i18n.catalog import LocalizedError
from smskit.sending.tracking import InboundMessage, StatusUpdate
from smskit.store.database import Store, database_url
from smskit.store.records import ContactRecord, NewConsentEvent, NewMessage
from smskit.store.schema import campaign_recipients, message_events, metadata

PG_URL = os.environ.get("SMSKIT_TEST_POSTGRES_URL", "")
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
SCHEMA_PREFIX = "smskit_test_"
T0 = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
SID = "SM" + "a" * 32
HEAD = "0010"  # 0007 actors; 0008 reads; 0009 parts; 0010 stop reason


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """The test server, cleaned of schemas left by earlier runs (a fresh start every run)."""
    if not PG_URL:
        if IN_CI:
            pytest.fail("SMSKIT_TEST_POSTGRES_URL is not set: CI must test PostgreSQL")
        pytest.skip("SMSKIT_TEST_POSTGRES_URL is not set")
    engine = sa.create_engine(PG_URL)
    with engine.begin() as connection:
        stale = connection.scalars(
            sa.text("SELECT nspname FROM pg_namespace WHERE nspname LIKE :p"),
            {"p": SCHEMA_PREFIX + "%"},
        ).all()
        for name in stale:
            connection.execute(sa.text(f'DROP SCHEMA "{name}" CASCADE'))
    yield PG_URL
    engine.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A URL to an empty database: a new SQLite file, or a new PostgreSQL schema."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'smskit.db'}"
        return
    base = request.getfixturevalue("postgres_url")
    schema = f"{SCHEMA_PREFIX}{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(base)
    with admin.begin() as connection:
        connection.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    url = sa.make_url(base).update_query_dict({"options": f"-csearch_path={schema}"})
    yield url.render_as_string(hide_password=False)
    with admin.begin() as connection:
        connection.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


@pytest.fixture
def store(store_url: str) -> Iterator[Store]:
    with Store.open(store_url) as opened:
        yield opened


def consent(phone: str, action: str, at: datetime, scope: str = "Acme") -> NewConsentEvent:
    return NewConsentEvent(phone, scope, action, "keyword", at, evidence=action.upper())


# --- schema and migrations ------------------------------------------------------------------------


def _schema_differences(store: Store) -> list[object]:
    with store.engine.connect() as connection:
        return list(compare_metadata(MigrationContext.configure(connection), metadata))


def test_open_migrates_to_head_and_matches_the_table_definitions(store: Store) -> None:
    assert store.revision() == HEAD
    tables = set(sa.inspect(store.engine).get_table_names())
    assert {"campaign_recipients", "message_events"} <= tables
    assert _schema_differences(store) == []


def _campaign_rows(connection: sa.Connection) -> None:
    connection.execute(
        campaign_recipients.insert(),
        [
            {
                "campaign_id": "cmp_old",
                "seq": 0,
                "recipient_key": "a",
                "row": 2,
                "to_number": "+14155550100",
                "country": "US",
                "plan_status": "eligible",
                "findings": [],
                "message_id": "cmp_old:0000000",
                "send_at": T0,
            }
        ],
    )
    connection.execute(
        message_events.insert(),
        [{"message_id": "cmp_old:0000000", "campaign_id": "cmp_old", "status": "sent", "at": T0}],
    )


def test_a_database_at_0001_upgrades_to_head_with_the_campaign_tables(store_url: str) -> None:
    with Store.open(store_url, upgrade=False) as store:
        store.upgrade("0001")
        assert store.revision() == "0001"
        assert "campaign_recipients" not in sa.inspect(store.engine).get_table_names()
        store.upsert_contacts([ContactRecord("+14155550100", "US", "fixed_line_or_mobile")])
    with Store.open(store_url) as store:
        assert store.revision() == HEAD
        assert store.count_contacts() == 1
        assert _schema_differences(store) == []
        with store.engine.begin() as connection:
            _campaign_rows(connection)


def test_0001_with_tables_made_on_first_use_keeps_their_rows(store_url: str) -> None:
    """Before 0002 the sender created its tables itself (create_all): they are adopted."""
    with Store.open(store_url, upgrade=False) as store:
        store.upgrade("0001")
        with store.engine.begin() as connection:
            for table in (campaign_recipients, message_events):
                table.create(connection)  # what the old first-use create_all did
            _campaign_rows(connection)
        store.upgrade()
        assert store.revision() == HEAD
        assert _schema_differences(store) == []
        with store.engine.connect() as connection:
            assert connection.scalar(sa.select(sa.func.count()).select_from(message_events)) == 1
            sent_at = connection.scalar(sa.select(campaign_recipients.c.send_at))
        assert sent_at == T0


def test_0003_indexes_the_message_log_for_the_frequency_cap_history(store_url: str) -> None:
    def indexes(store: Store) -> dict[str | None, list[str | None]]:
        found = sa.inspect(store.engine).get_indexes("messages")
        return {i["name"]: list(i["column_names"]) for i in found}

    with Store.open(store_url, upgrade=False) as store:
        store.upgrade("0002")
        assert "ix_messages_updated_at" not in indexes(store)
        store.upgrade()
        assert store.revision() == HEAD
        assert indexes(store)["ix_messages_updated_at"] == ["updated_at"]
        if store.engine.dialect.name == "sqlite":
            # The query recent_sends() really runs searches the index, not the whole log.
            seen: list[tuple[str, object]] = []

            def capture(conn: object, cursor: object, sql: str, params: object, *_: object) -> None:
                if "FROM messages" in sql:
                    seen.append((sql, params))

            sa.event.listen(store.engine, "before_cursor_execute", capture)
            recent_sends(store, T0 - timedelta(days=7))
            sa.event.remove(store.engine, "before_cursor_execute", capture)
            ((sql, params),) = seen
            with store.engine.connect() as connection:
                plan = connection.exec_driver_sql("EXPLAIN QUERY PLAN " + sql, params).all()
            assert any("ix_messages_updated_at" in str(row) for row in plan), plan
        store.downgrade("0002")
        assert "ix_messages_updated_at" not in indexes(store)


def test_reopening_is_a_no_op_and_keeps_data(store_url: str, store: Store) -> None:
    store.upsert_contacts([ContactRecord("+14155550100", "US", "fixed_line_or_mobile")])
    with Store.open(store_url) as again:
        assert again.revision() == HEAD
        assert again.count_contacts() == 1


def test_opening_a_store_at_head_reads_no_migration_script(
    store_url: str, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Every dashboard page opens the store: at head, one query and no Alembic run.
    runs: list[tuple[str, str]] = []
    monkeypatch.setattr(Store, "_migrate", lambda self, *args: runs.append(args))
    with Store.open(store_url) as again:
        assert again.revision() == HEAD
    assert runs == []
    store.upgrade("0010")  # an explicit revision still goes through Alembic
    assert runs == [("upgrade", "0010")]


def test_downgrade_then_upgrade_round_trips(store_url: str) -> None:
    with Store.open(store_url) as store:
        store.downgrade("base")
        assert store.revision() is None
        assert "contacts" not in sa.inspect(store.engine).get_table_names()
        assert "message_events" not in sa.inspect(store.engine).get_table_names()
        store.upgrade()
        assert store.revision() == HEAD


def test_default_database_is_sqlite_in_wal_mode_under_smskit_home(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SMSKIT_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("SMSKIT_DATABASE_URL", raising=False)
    with Store.open() as store:
        assert (tmp_path / "home" / "smskit.db").exists()
        with store.engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert (connection.exec_driver_sql("PRAGMA busy_timeout").scalar() or 0) >= 5000


def test_database_url_environment_variable_wins(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SMSKIT_DATABASE_URL", "postgresql://smskit:pw@db.example/smskit")
    assert database_url() == "postgresql://smskit:pw@db.example/smskit"


def test_plain_postgresql_url_uses_psycopg_3() -> None:
    from smskit.store.connection import _create_engine

    engine = _create_engine("postgresql://smskit:pw@127.0.0.1:5432/smskit")
    assert engine.url.drivername == "postgresql+psycopg"


def test_url_never_shows_the_password() -> None:
    store = Store(sa.create_engine("postgresql+psycopg://smskit:s3cret-pw@127.0.0.1/smskit"))
    assert "s3cret-pw" not in store.url
    assert "s3cret-pw" not in repr(store.engine)


# --- contacts -------------------------------------------------------------------------------------


def test_bulk_upsert_inserts_then_updates_and_merges_fields(store: Store) -> None:
    records = [
        ContactRecord(f"+1415555{i:04d}", "US", "fixed_line_or_mobile", ("America/Los_Angeles",))
        for i in range(3000)
    ]
    assert store.upsert_contacts(records) == 3000
    assert store.count_contacts() == 3000
    first = store.get_contact("+14155550000")
    assert first is not None and first.time_zones == ("America/Los_Angeles",)
    assert first.created_at.tzinfo is not None
    store.upsert_contacts(
        [ContactRecord("+14155550000", "US", "fixed_line_or_mobile", fields={"name": "Ana"})]
    )
    store.upsert_contacts(
        [
            ContactRecord(
                "+14155550000", "US", "fixed_line", fields={"city": "SF"}, status="landline"
            )
        ]
    )
    updated = store.get_contact("+14155550000")
    assert updated is not None
    assert dict(updated.fields) == {"name": "Ana", "city": "SF"}
    assert (updated.line_type, updated.status) == ("fixed_line", "landline")
    assert updated.created_at == first.created_at
    assert updated.updated_at >= first.updated_at
    assert store.count_contacts() == 3000


def test_duplicate_numbers_in_one_batch_keep_the_last(store: Store) -> None:
    store.upsert_contacts(
        [
            ContactRecord("+442079460958", "GB", "fixed_line", fields={"v": "1"}),
            ContactRecord("+442079460958", "GB", "fixed_line", fields={"v": "2"}),
        ]
    )
    contact = store.get_contact("+442079460958")
    assert contact is not None and contact.fields == {"v": "2"}


def test_get_contacts_by_number_handles_large_lists(store: Store) -> None:
    store.upsert_contacts([ContactRecord(f"+4915123{i:05d}", "DE", "mobile") for i in range(2000)])
    wanted = [f"+4915123{i:05d}" for i in range(0, 2000, 2)] + ["+10000000000"]
    found = store.get_contacts(wanted)
    assert [c.phone_e164 for c in found] == sorted(wanted[:-1])
    assert len(list(store.iter_contacts(batch_size=300))) == 2000


def test_contact_status_is_checked(store: Store) -> None:
    with pytest.raises(LocalizedError, match="bogus"):
        store.upsert_contacts([ContactRecord("+14155550100", "US", None, status="bogus")])
    store.upsert_contacts([ContactRecord("+14155550100", "US", None)])
    assert store.set_contact_status("+14155550100", "unreachable")
    contact = store.get_contact("+14155550100")
    assert contact is not None and contact.status == "unreachable"
    # the CHECK constraint backs up the API
    with pytest.raises(sa.exc.IntegrityError), store.engine.begin() as connection:
        connection.execute(sa.text("UPDATE contacts SET status = 'gone'"))


# --- consent ledger -------------------------------------------------------------------------------


def test_consent_events_come_back_in_time_order_per_scope(store: Store) -> None:
    phone = "+14155550100"
    store.append_consent_event(consent(phone, "opt_out", T0 + timedelta(hours=2)))
    store.append_consent_event(consent(phone, "opt_in", T0))
    store.append_consent_event(consent(phone, "request", T0, scope="Other"))
    same_time = store.append_consent_events(
        [
            consent(phone, "opt_in", T0 + timedelta(hours=3)),
            consent(phone, "opt_out", T0 + timedelta(hours=3)),
        ]
    )
    events = store.consent_events(phone, "Acme")
    assert [e.action for e in events] == ["opt_in", "opt_out", "opt_in", "opt_out"]
    assert [e.id for e in events[2:]] == [e.id for e in same_time]
    assert events[0].occurred_at == T0 and events[0].recorded_at.tzinfo is not None
    assert events[0].kind == "opt_in" and events[0].evidence == "OPT_IN"
    assert len(store.consent_events(phone)) == 5
    assert [e.scope for e in store.iter_consent_events("Other")] == ["Other"]


def test_consent_event_needs_an_aware_time_and_its_fields(store: Store) -> None:
    with pytest.raises(LocalizedError, match="time zone"):
        store.append_consent_event(consent("+14155550100", "opt_in", datetime(2026, 1, 1)))
    with pytest.raises(LocalizedError, match="scope"):
        store.append_consent_event(consent("+14155550100", "opt_in", T0, scope=" "))
    assert store.consent_events("+14155550100") == []


def test_no_api_changes_or_removes_consent_events() -> None:
    verbs = ("update", "delete", "remove", "edit", "set_", "clear", "purge", "truncate")
    offending = [
        name for name in dir(Store) if "consent" in name and any(verb in name for verb in verbs)
    ]
    assert offending == []


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE consent_events SET action = 'opt_in'",
        "DELETE FROM consent_events",
        "DELETE FROM consent_events WHERE id = 1",
    ],
)
def test_database_refuses_to_change_consent_events(store: Store, statement: str) -> None:
    store.append_consent_event(consent("+14155550100", "opt_out", T0))
    with pytest.raises(sa.exc.DBAPIError, match="append-only"), store.engine.begin() as connection:
        connection.execute(sa.text(statement))
    assert [e.action for e in store.consent_events("+14155550100")] == ["opt_out"]


@pytest.mark.parametrize(
    "store_url", [pytest.param("postgresql", marks=pytest.mark.postgres)], indirect=True
)
def test_postgres_also_refuses_truncate(store: Store) -> None:  # SQLite has no TRUNCATE
    store.append_consent_event(consent("+14155550100", "opt_out", T0))
    with pytest.raises(sa.exc.DBAPIError, match="append-only"), store.engine.begin() as connection:
        connection.execute(sa.text("TRUNCATE consent_events"))
    assert len(store.consent_events("+14155550100")) == 1


# --- campaigns and the message log ---------------------------------------------------------------


def test_campaigns_are_saved_and_updated(store: Store) -> None:
    saved = store.save_campaign("spring", "Spring sale", {"body": "Hi {name}", "limit": 3})
    assert saved.spec == {"body": "Hi {name}", "limit": 3}
    assert store.set_campaign_status("spring", "sending")
    again = store.save_campaign("spring", "Spring sale 2", {"body": "Hello"}, status="paused")
    assert (again.name, again.status, again.created_at) == (
        "Spring sale 2",
        "paused",
        saved.created_at,
    )
    assert [c.id for c in store.list_campaigns()] == ["spring"]


def test_message_needs_an_existing_campaign(store: Store) -> None:
    with pytest.raises(sa.exc.IntegrityError):
        store.record_message(NewMessage("m1", "+14155550100", "+15005550006", "Hi", "nope"))


def test_recording_a_message_is_idempotent_and_claims_are_exclusive(store: Store) -> None:
    store.save_campaign("c", "C", {})
    items = [
        NewMessage(f"c:{i}", f"+1415555{i:04d}", "+15005550006", "Hi", "c", 1) for i in range(5)
    ]
    assert store.record_messages(items) == 5
    assert store.record_messages(items) == 0
    assert store.transition_message("c:0", "planned", "submitting", count_attempt=True)
    assert not store.transition_message("c:0", "planned", "submitting")
    assert store.transition_message(
        "c:0", "submitting", "submitted", sid=SID, status="queued", price=Decimal("-0.00790")
    )
    message = store.get_message_by_sid(SID)
    assert message is not None
    assert (message.id, message.state, message.status, message.attempts) == (
        "c:0",
        "submitted",
        "queued",
        1,
    )
    assert message.price == Decimal("-0.00790")
    assert [m.id for m in store.list_messages("c", "planned")] == [f"c:{i}" for i in range(1, 5)]
    with pytest.raises(LocalizedError, match="sent_ok"):
        store.transition_message("c:1", "planned", "sent_ok")
    store.transition_message("c:1", "planned", "submitting")
    with pytest.raises(sa.exc.IntegrityError):  # one provider SID belongs to one message
        store.transition_message("c:1", "submitting", "submitted", sid=SID)


def test_status_callbacks_never_move_a_message_backwards(store: Store) -> None:
    store.record_message(NewMessage("m", "+14155550100", "+15005550006", "Hi"))
    store.transition_message("m", "planned", "submitted", sid=SID, status="queued")
    assert store.apply_status(StatusUpdate(SID, "sent"))
    assert store.apply_status(StatusUpdate(SID, "undelivered", error_code=30003))
    assert not store.apply_status(StatusUpdate(SID, "undelivered", error_code=30003))  # a retry
    assert not store.apply_status(StatusUpdate(SID, "sent"))  # late, out of order
    message = store.get_message("m")
    assert message is not None
    assert (message.status, message.state, message.error_code) == ("undelivered", "final", 30003)
    assert not store.apply_status(StatusUpdate("SM" + "f" * 32, "delivered"))


def test_inbound_messages_are_recorded_once(store: Store) -> None:
    at = T0 + timedelta(minutes=5)
    reply = InboundMessage(SID, "+14155550100", "+15005550006", "STOP", "STOP", at)
    assert store.record_inbound(reply)
    assert not store.record_inbound(reply)
    (stored,) = store.list_inbound("+14155550100")
    assert (stored.body, stored.opt_out_type, stored.received_at) == ("STOP", "STOP", at)


# --- two processes at once ------------------------------------------------------------------------


def _writer(url: str, tag: str, count: int) -> None:
    with Store.open(url) as store:
        for i in range(count):
            phone = f"+1415{tag}{i:05d}"
            store.upsert_contacts([ContactRecord(phone, "US", "fixed_line_or_mobile")])
            store.append_consent_event(consent(phone, "opt_in", T0))
            store.record_inbound(
                InboundMessage(f"SM{tag}{i:031d}", phone, "+15005550006", "YES", None, T0)
            )


def test_two_processes_writing_the_same_sqlite_file_lose_nothing(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'shared.db'}"
    context = multiprocessing.get_context("spawn")
    workers = [context.Process(target=_writer, args=(url, tag, 150)) for tag in ("1", "2")]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=120)
        assert worker.exitcode == 0
    with Store.open(url) as store:
        assert store.count_contacts() == 300
        assert len(list(store.iter_consent_events("Acme"))) == 300
        assert len(store.list_inbound(limit=1000)) == 300


# --- file permissions: contacts and message bodies are private to their user ---------------------


def _mode(path: Path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


@pytest.fixture
def shared_umask() -> Iterator[None]:
    """A typical shared machine's umask (0022: new files 0644, new folders 0755)."""
    old = os.umask(0o022)
    yield
    os.umask(old)


def _write_something(store: Store) -> None:
    store.save_campaign("c1", "Spring sale", {"body": "Hi"})  # a write: the WAL files appear


def test_a_new_home_is_0700_and_the_database_and_its_wal_files_are_0600(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, shared_umask: None
) -> None:
    home = tmp_path / "new" / "home"
    monkeypatch.setenv("SMSKIT_HOME", str(home))
    monkeypatch.delenv("SMSKIT_DATABASE_URL", raising=False)
    with Store.open() as store:
        _write_something(store)
        assert _mode(home) == 0o700 and _mode(home.parent) == 0o700
        for name in ("smskit.db", "smskit.db-wal", "smskit.db-shm"):
            assert (home / name).exists(), name
            assert _mode(home / name) == 0o600, (name, oct(_mode(home / name)))


def test_a_folder_the_user_chose_keeps_its_permissions_but_the_database_is_private(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, shared_umask: None
) -> None:
    team = tmp_path / "team"
    team.mkdir()
    team.chmod(0o750)  # the user's choice: the group may enter
    monkeypatch.setenv("SMSKIT_HOME", str(team))
    monkeypatch.delenv("SMSKIT_DATABASE_URL", raising=False)
    with Store.open() as store:
        _write_something(store)
    assert _mode(team) == 0o750
    assert _mode(team / "smskit.db") == 0o600
    with Store.open(f"sqlite:///{team / 'other.db'}") as store:  # an explicit URL: the same
        _write_something(store)
    assert _mode(team) == 0o750 and _mode(team / "other.db") == 0o600


def test_an_existing_default_home_and_its_database_are_made_private(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, shared_umask: None
) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))  # ~/.smskit, the home smskit itself creates
    monkeypatch.delenv("SMSKIT_HOME", raising=False)
    monkeypatch.delenv("SMSKIT_DATABASE_URL", raising=False)
    home = tmp_path / ".smskit"
    home.mkdir(mode=0o755)
    with Store.open() as store:  # as an older smskit left it: 0755 and 0644
        _write_something(store)
    home.chmod(0o755)
    for name in ("smskit.db", "smskit.db-wal", "smskit.db-shm"):
        if (home / name).exists():
            (home / name).chmod(0o644)
    with Store.open() as store:
        _write_something(store)
        assert _mode(home) == 0o700
        for name in ("smskit.db", "smskit.db-wal", "smskit.db-shm"):
            assert _mode(home / name) == 0o600, name
