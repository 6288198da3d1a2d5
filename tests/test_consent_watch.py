"""The shared pre-send consent read: fresh for every caller, shared by concurrent ones."""

from __future__ import annotations

import threading
import time

import pytest

from smskit.sending.consent_watch import ConsentWatch


class Log:
    """A consent log whose reads are slow and counted, like a database round trip."""

    def __init__(self, delay: float = 0.0) -> None:
        self.events: list[tuple[int, str]] = []
        self.delay = delay
        self.reads: list[int] = []
        self.fail_next = False

    def read(self, after: int) -> list[tuple[int, str]]:
        self.reads.append(after)
        if self.fail_next:
            self.fail_next = False
            raise ConnectionError("database went away")
        snapshot = [event for event in self.events if event[0] > after]
        time.sleep(self.delay)
        return snapshot


def test_an_event_stored_before_the_ask_is_always_seen() -> None:
    log = Log()
    watch = ConsentWatch(log.read, mark=0)
    assert not watch.changed("+14155550100")
    log.events.append((1, "+14155550100"))
    assert watch.changed("+14155550100")  # no caching across asks
    assert not watch.changed("+14155550199")


def test_concurrent_asks_share_reads_but_each_read_starts_after_its_ask() -> None:
    log = Log(delay=0.02)
    watch = ConsentWatch(log.read, mark=0)
    answers: list[bool] = []

    def ask() -> None:
        answers.append(watch.changed("+14155550100"))

    threads = [threading.Thread(target=ask) for _ in range(16)]
    for thread in threads:
        thread.start()
    time.sleep(0.005)  # the first read is under way; store the opt-out now, then ask once more
    log.events.append((7, "+14155550100"))
    late = watch.changed("+14155550100")
    for thread in threads:
        thread.join()
    assert late is True  # its read began after the event was stored
    assert watch.reads <= 4 < 17  # 17 asks, a handful of reads
    assert len(answers) == 16


def test_a_failed_read_raises_in_its_caller_and_the_next_ask_reads_again() -> None:
    log = Log()
    watch = ConsentWatch(log.read, mark=0)
    log.fail_next = True
    with pytest.raises(ConnectionError):
        watch.changed("+14155550100")
    log.events.append((2, "+14155550100"))
    assert watch.changed("+14155550100")


def test_the_mark_lags_so_a_late_commit_with_a_lower_id_is_not_missed() -> None:
    now = [0.0]
    log = Log()
    watch = ConsentWatch(log.read, mark=10, settle=5.0, clock=lambda: now[0])
    log.events.append((12, "+14155550102"))  # id 11 is held by a transaction still open
    assert watch.changed("+14155550102")
    now[0] = 1.0
    log.events.append((11, "+14155550101"))  # ... which commits now, after 12
    assert watch.changed("+14155550101")
    assert log.reads[-1] == 10  # within the settle time the mark has not moved past 11
    now[0] = 20.0
    watch.changed("+1")
    watch.changed("+1")
    assert log.reads[-1] == 12  # after it, older ids are no longer read again


def test_the_store_reader_sees_a_commit_from_another_connection_and_survives_a_dropped_one(
    db_url: str,
) -> None:
    from datetime import UTC, datetime

    import sqlalchemy as sa

    from smskit.store.database import Store
    from smskit.store.records import NewConsentEvent

    store = Store.open(db_url)
    other = Store.open(db_url)  # the webhook app, in another process, as far as the reader knows
    reader = store.consent_change_reader("Acme")
    try:
        assert reader(0) == []
        stored = other.append_consent_event(
            NewConsentEvent("+14155550100", "Acme", "opt_out", "keyword", datetime.now(UTC))
        )
        other.append_consent_event(
            NewConsentEvent("+14155550101", "Other", "opt_out", "keyword", datetime.now(UTC))
        )
        assert reader(0) == [(stored.id, "+14155550100")]  # its own scope only
        assert reader(stored.id) == []
        if store.engine.dialect.name == "postgresql":  # the server drops the reader's connection
            with other.engine.begin() as connection:
                killed = connection.scalar(
                    sa.text(
                        "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                        "WHERE pid <> pg_backend_pid() AND datname = current_database() "
                        "AND query LIKE 'SELECT id, phone_e164 FROM consent_events%'"
                    )
                )
            assert killed == 1
            with pytest.raises(sa.exc.OperationalError):
                reader(0)
        assert reader(0) == [(stored.id, "+14155550100")]  # a fresh connection
    finally:
        reader.close()
