"""Webhooks: X-Twilio-Signature checked (403 if bad); duplicates harmless; no status regresses."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient
from twilio.request_validator import RequestValidator

from smskit.providers import MessageRecord
from smskit.sending.tracking import InboundMessage, LedgerSink, MemoryLog, StatusUpdate, sync
from smskit.webhooks.app import EMPTY_TWIML, create_app

TOKEN = "12345678901234567890123456789012"
SID = "SM" + "a" * 32


def signed(url: str, params: dict[str, str], token: str = TOKEN) -> dict[str, str]:
    """Headers as Twilio would send them: signature computed by Twilio's own library."""
    return {"X-Twilio-Signature": RequestValidator(token).compute_signature(url, params)}


@pytest.fixture
def sink() -> MemoryLog:
    return MemoryLog()


@pytest.fixture
def client(sink: MemoryLog) -> TestClient:
    return TestClient(create_app(TOKEN, sink))


def post_status(client: TestClient, params: dict[str, str], token: str = TOKEN) -> int:
    url = "http://testserver/twilio/status"
    return client.post(url, data=params, headers=signed(url, params, token)).status_code


def test_valid_status_callback_is_applied(client: TestClient, sink: MemoryLog) -> None:
    params = {"MessageSid": SID, "MessageStatus": "sent", "AccountSid": "AC" + "0" * 32}
    assert post_status(client, params) == 204
    assert sink.status(SID) == "sent"


def test_bad_signature_is_403_and_changes_nothing(client: TestClient, sink: MemoryLog) -> None:
    params = {"MessageSid": SID, "MessageStatus": "delivered"}
    assert post_status(client, params, token="f" * 32) == 403
    url = "http://testserver/twilio/status"
    assert client.post(url, data=params).status_code == 403  # no signature at all
    assert sink.status(SID) is None


def test_tampered_body_fails_the_signature(client: TestClient, sink: MemoryLog) -> None:
    url = "http://testserver/twilio/status"
    headers = signed(url, {"MessageSid": SID, "MessageStatus": "failed"})
    response = client.post(
        url, data={"MessageSid": SID, "MessageStatus": "delivered"}, headers=headers
    )
    assert response.status_code == 403
    assert sink.status(SID) is None


def test_duplicate_and_out_of_order_callbacks_never_regress(
    client: TestClient, sink: MemoryLog
) -> None:
    for status in ("sent", "delivered", "delivered", "sent", "sending"):
        assert post_status(client, {"MessageSid": SID, "MessageStatus": status}) == 204
    assert sink.status(SID) == "delivered"


def test_error_code_is_kept_with_a_failure(client: TestClient, sink: MemoryLog) -> None:
    params = {"MessageSid": SID, "MessageStatus": "undelivered", "ErrorCode": "30003"}
    assert post_status(client, params) == 204
    assert sink.error_codes[SID] == 30003


def test_inbound_reply_is_recorded_once_and_answered_with_empty_twiml(
    client: TestClient, sink: MemoryLog
) -> None:
    url = "http://testserver/twilio/inbound"
    params = {"MessageSid": SID, "From": "+14155550100", "To": "+15005550006", "Body": "STOP"}
    for _ in range(2):
        response = client.post(url, data=params, headers=signed(url, params))
        assert response.status_code == 200
        assert response.text == EMPTY_TWIML
        assert response.headers["content-type"].startswith("text/xml")
    assert list(sink.inbound) == [SID]
    assert sink.inbound[SID].body == "STOP"


def test_public_url_is_what_twilio_signed_behind_a_proxy(sink: MemoryLog) -> None:
    public = "https://hooks.example.org/sms"
    client = TestClient(create_app(TOKEN, sink, public_url=public))
    params = {"MessageSid": SID, "MessageStatus": "delivered"}
    local = "http://testserver/twilio/status"
    good = signed(public + "/twilio/status", params)
    assert client.post(local, data=params, headers=good).status_code == 204
    # Signed for the internal URL: not what Twilio would have signed, so refused.
    assert client.post(local, data=params, headers=signed(local, params)).status_code == 403


def test_signed_but_incomplete_callback_is_400(client: TestClient) -> None:
    assert post_status(client, {"MessageStatus": "sent"}) == 400


class ListingProvider:
    """A provider whose Messages list is fixed: sync only reads ``list_messages``."""

    def __init__(self, records: list[MessageRecord]) -> None:
        self.records = records
        self.calls: list[dict[str, object]] = []

    def list_messages(self, **kwargs: object) -> list[MessageRecord]:
        self.calls.append(kwargs)
        return self.records


def test_sync_applies_statuses_and_inbound_idempotently(sink: MemoryLog) -> None:
    when = datetime(2026, 11, 28, 10, 0, tzinfo=UTC)
    records = [
        MessageRecord(SID, "+14155550100", "+15005550006", "hi", "delivered", date_sent=when),
        MessageRecord(
            "SM" + "b" * 32,
            "+15005550006",
            "+14155550100",
            "STOP",
            "received",
            direction="inbound",
            date_sent=when,
        ),
    ]
    provider = ListingProvider(records)
    since = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)
    first = sync(provider, sink, since)  # type: ignore[arg-type]
    assert (first.seen, first.status_changes, first.new_inbound) == (2, 1, 1)
    assert provider.calls[0]["sent_after"] == since
    second = sync(provider, sink, first.next_since)  # type: ignore[arg-type]
    assert (second.status_changes, second.new_inbound) == (0, 0)
    assert sink.status(SID) == "delivered"
    assert isinstance(sink.inbound["SM" + "b" * 32], InboundMessage)


def test_memory_log_status_update_keeps_first_final_status(sink: MemoryLog) -> None:
    assert sink.apply_status(StatusUpdate(SID, "delivered"))
    assert not sink.apply_status(StatusUpdate(SID, "failed", 30008))
    assert sink.status(SID) == "delivered"


# -- the deployment sink: the store's message log and the consent ledger ------------------------

OURS = "+15005550006"
HANDSET = "+14155550100"


@pytest.fixture
def store(tmp_path: Path):  # type: ignore[no-untyped-def]
    """A file database: the app serves on other threads (in-memory SQLite is per connection)."""
    from smskit.store.database import Store

    return Store.open(f"sqlite:///{tmp_path / 'smskit.db'}")


def logged(store: Any, sid: str, to: str = HANDSET) -> None:
    """A message in the log, submitted with ``sid`` (as the campaign sender leaves it)."""
    from smskit.store.records import NewMessage

    store.record_message(NewMessage(f"id-{sid}", to, OURS, "Sale today"))
    assert store.transition_message(f"id-{sid}", "planned", "submitting")
    assert store.transition_message(
        f"id-{sid}", "submitting", "submitted", sid=sid, status="queued"
    )


def test_status_callbacks_update_the_store_and_never_regress(store: Any) -> None:
    logged(store, SID)
    client = TestClient(create_app(TOKEN, LedgerSink(store)))
    for status in ("sent", "delivered", "sent", "delivered"):
        assert post_status(client, {"MessageSid": SID, "MessageStatus": status}) == 204
    message = store.get_message_by_sid(SID)
    assert (message.status, message.state) == ("delivered", "final")


def test_inbound_stop_handled_by_twilio_updates_consent_once_and_adds_no_reply(store: Any) -> None:
    sink = LedgerSink(store)
    client = TestClient(create_app(TOKEN, sink))
    url = "http://testserver/twilio/inbound"
    params = {"MessageSid": SID, "From": HANDSET, "To": OURS, "Body": "STOP", "OptOutType": "STOP"}
    for _ in range(3):  # Twilio retries: harmless
        response = client.post(url, data=params, headers=signed(url, params))
        assert response.text == EMPTY_TWIML  # Twilio already sent its confirmation
    assert sink.ledger.status(HANDSET, OURS).state.value == "opted_out"
    assert len(store.consent_events(HANDSET, OURS)) == 1
    assert [row.sid for row in store.list_inbound(HANDSET)] == [SID]


def test_localised_opt_out_gets_the_ledgers_reply_in_twiml(store: Any) -> None:
    sink = LedgerSink(store)
    client = TestClient(create_app(TOKEN, sink))
    url = "http://testserver/twilio/inbound"
    # BERHENTI (Indonesian STOP) is not one of Twilio's default keywords: no OptOutType.
    params = {"MessageSid": SID, "From": HANDSET, "To": OURS, "Body": "BERHENTI"}
    response = client.post(url, data=params, headers=signed(url, params))
    assert "<Message>" in response.text
    assert sink.ledger.status(HANDSET, OURS).state.value == "opted_out"
    again = client.post(url, data=params, headers=signed(url, params))
    assert again.text == EMPTY_TWIML  # a duplicate is not confirmed twice


# -- end to end: the simulator signs and posts, the app verifies with RequestValidator -----------


@pytest.fixture
def served(store: Any) -> Iterator[tuple[Any, str, LedgerSink]]:
    """The simulator plus our webhook app on a real loopback port (uvicorn in a thread)."""
    import socket
    import threading

    import uvicorn

    from smskit import simulator as sim

    with sim.start(step_delay=0.01, rate_limits=False) as handle:
        sink = LedgerSink(store)
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
        sock.bind(("127.0.0.1", 0))
        base = f"http://127.0.0.1:{sock.getsockname()[1]}"
        app = create_app(handle.auth_token, sink)
        server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off"))
        thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
        thread.start()
        deadline = time.monotonic() + 10
        while not server.started and time.monotonic() < deadline:
            time.sleep(0.01)
        handle.configure(inbound_url=base + "/twilio/inbound")
        try:
            yield handle, base, sink
        finally:
            server.should_exit = True
            thread.join(10)


def wait_until(check: Any, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


def test_simulator_callbacks_reach_the_store_signed(served: Any, store: Any) -> None:
    from smskit.providers.twilio import TwilioProvider

    handle, base, sink = served
    provider = TwilioProvider.for_simulator(handle)
    sent = provider.send(HANDSET, "Sale today", from_=OURS, status_callback=base + "/twilio/status")
    logged(store, sent.sid)
    wait_until(lambda: store.get_message_by_sid(sent.sid).status == "delivered")
    handle.inject_inbound(HANDSET, OURS, "STOP")
    wait_until(lambda: sink.ledger.status(HANDSET, OURS).state.value == "opted_out")


def test_sync_without_a_public_url_makes_the_same_updates(store: Any) -> None:
    from smskit import simulator as sim
    from smskit.providers.twilio import TwilioProvider

    with sim.start(step_delay=0.0, rate_limits=False) as handle:
        provider = TwilioProvider.for_simulator(handle)
        since = datetime.now(UTC) - timedelta(minutes=1)
        sent = provider.send(HANDSET, "Sale today", from_=OURS)
        logged(store, sent.sid)
        handle.wait_for(sent.sid)
        handle.inject_inbound(HANDSET, OURS, "STOP")
        sink = LedgerSink(store)
        report = sync(provider, sink, since)
        assert report.status_changes == 1 and report.new_inbound == 1
        assert store.get_message_by_sid(sent.sid).status == "delivered"
        assert sink.ledger.status(HANDSET, OURS).state.value == "opted_out"
        again = sync(provider, sink, report.next_since)
        assert (again.status_changes, again.new_inbound) == (0, 0)


def test_app_from_env_needs_the_auth_token(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import keyring
    from keyring.backends import fail

    from smskit.i18n.catalog import LocalizedError
    from smskit.webhooks.app import app_from_env

    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    monkeypatch.setenv("SMSKIT_HOME", str(tmp_path))
    monkeypatch.setenv("SMSKIT_DATABASE_URL", f"sqlite:///{tmp_path / 'smskit.db'}")
    for name in ("TWILIO_AUTH_TOKEN", "TWILIO_ACCOUNT_SID", "TWILIO_API_KEY", "TWILIO_API_SECRET"):
        monkeypatch.delenv(name, raising=False)
    try:
        with pytest.raises(LocalizedError, match="TWILIO_AUTH_TOKEN"):
            app_from_env()
        monkeypatch.setenv("TWILIO_AUTH_TOKEN", TOKEN)
        monkeypatch.setenv("SMSKIT_PUBLIC_URL", "https://hooks.example.org")
        client = TestClient(app_from_env())
        params = {"MessageSid": SID, "MessageStatus": "sent"}
        good = signed("https://hooks.example.org/twilio/status", params)
        assert client.post("/twilio/status", data=params, headers=good).status_code == 204
    finally:
        keyring.set_keyring(previous)
