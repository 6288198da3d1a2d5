"""Webhooks: X-Twilio-Signature checked (403 if bad); duplicates harmless; no status regresses."""

from __future__ import annotations

import contextlib
import logging
import socket
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import httpx
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


# -- hostile requests: 403 for a bad or missing signature, 400 for anything malformed, never 500 --

STATUS_URL = "http://testserver/twilio/status"
INBOUND_URL = "http://testserver/twilio/inbound"
MARKER = "HOSTILE-MARKER-7f3a"  # must never come back in a response or a log line
FORM = "application/x-www-form-urlencoded"


class MultiValued(dict[str, list[str]]):
    """Form fields with repeated keys, signed the way Twilio's validator signs a MultiDict."""

    def getall(self, key: str) -> list[str]:
        return self[key]


def hostile_cases() -> list[tuple[str, bytes, dict[str, str], int]]:
    """(name, body, headers, expected status): each a request no Twilio callback looks like."""
    good = {"MessageSid": SID, "MessageStatus": "delivered", "Body": MARKER}
    encoded = urlencode(good).encode()
    sig = signed(STATUS_URL, good)
    boundary = "b0undary"
    multipart = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="MessageSid"\r\n\r\n{SID}\r\n'
        f'--{boundary}\r\nContent-Disposition: form-data; name="f"; filename="hostname"\r\n'
        f"Content-Type: application/octet-stream\r\n\r\n{MARKER}\r\n--{boundary}--\r\n"
    ).encode()
    multipart_type = f"multipart/form-data; boundary={boundary}"
    duplicated = MultiValued(MessageSid=[SID], MessageStatus=["sent", "delivered"])
    duplicated_body = b"MessageSid=" + SID.encode() + b"&MessageStatus=sent&MessageStatus=delivered"
    duplicated_sig = RequestValidator(TOKEN).compute_signature(STATUS_URL, duplicated)
    many = "&".join(f"F{i}={MARKER}" for i in range(2000)).encode()
    form = {"Content-Type": FORM, **sig}
    multi = {"Content-Type": multipart_type}
    mark = MARKER.encode()
    return [
        # The curl of the report: a file upload with a made-up signature (was a TypeError, 500).
        ("multipart file", multipart, {"X-Twilio-Signature": "x", **multi}, 400),
        ("multipart unsigned", multipart, multi, 403),
        ("multipart signed", multipart, {**multi, **signed(STATUS_URL, {"MessageSid": SID})}, 400),
        ("json", b'{"MessageSid": "x"}', {**form, "Content-Type": "application/json"}, 400),
        ("text/plain", encoded, {**form, "Content-Type": "text/plain"}, 400),
        ("no content type", encoded, sig, 400),
        ("latin-1 charset", encoded, {**form, "Content-Type": f"{FORM}; charset=latin-1"}, 400),
        ("oversized", encoded + b"&Pad=" + b"A" * 2_000_000, form, 400),
        ("Content-Length of 5000 digits", encoded, {**form, "Content-Length": "9" * 5000}, 400),
        ("negative Content-Length", encoded, {**form, "Content-Length": "-1"}, 400),
        ("Content-Length not a number", encoded, {**form, "Content-Length": MARKER}, 400),
        ("invalid utf-8 escaped", b"MessageSid=%FF%FE&Body=" + mark, form, 400),
        ("invalid utf-8 raw", b"MessageSid=\xff\xfe&Body=" + mark, form, 400),
        ("duplicated keys", duplicated_body, {**form, "X-Twilio-Signature": duplicated_sig}, 400),
        ("field without value", encoded + b"&" + mark, form, 400),
        ("empty key", encoded + b"&=" + mark, form, 400),
        ("2000 fields", many, form, 400),
        ("absurd signature", encoded, {**form, "X-Twilio-Signature": "A" * 100_000}, 403),
        ("signed for other fields", encoded, {**form, **signed(STATUS_URL, {"Body": MARKER})}, 403),
    ]


@pytest.mark.parametrize("path", ["/twilio/status", "/twilio/inbound"])
def test_hostile_requests_get_400_or_403_never_500(
    path: str, sink: MemoryLog, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    client = TestClient(create_app(TOKEN, sink), raise_server_exceptions=False)
    for name, body, headers, expected in hostile_cases():
        response = client.post(path, content=body, headers=headers)
        assert response.status_code == expected, name
        assert MARKER not in response.text and TOKEN not in response.text, name
        assert len(response.text) < 100, name  # a short fixed reason, never the request
    assert sink.statuses == {} and sink.inbound == {}
    assert MARKER not in caplog.text and TOKEN not in caplog.text


@contextlib.contextmanager
def serving(app: Any, *, proxy_headers: bool = True) -> Iterator[tuple[str, int]]:
    """``app`` under uvicorn on a loopback port (a thread), stopped on exit."""
    import uvicorn

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(app, log_level="warning", lifespan="off", proxy_headers=proxy_headers)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.01)
    try:
        yield "127.0.0.1", port
    finally:
        server.should_exit = True
        thread.join(10)
        sock.close()


def raw_http(address: tuple[str, int], request: bytes) -> int:
    """Send ``request`` as raw bytes and return the response's status code (5 s at most)."""
    with socket.create_connection(address, timeout=5) as conn:
        conn.sendall(request)
        answer = b""
        while b"\r\n" not in answer:
            chunk = conn.recv(4096)
            if not chunk:
                break
            answer += chunk
    return int(answer.split(b" ", 2)[1])


def test_hostile_raw_http_on_a_real_server_gets_400(sink: MemoryLog) -> None:
    head = (
        "POST /twilio/status HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Twilio-Signature: x\r\n"
        f"Content-Type: {FORM}\r\n"
    )
    with serving(create_app(TOKEN, sink)) as address:
        # An absurd Content-Length: answered at once, without waiting for the body.
        for digits in (12, 30):
            absurd = f"{head}Content-Length: {'9' * digits}\r\n\r\nMessageSid=x".encode()
            assert raw_http(address, absurd) == 400
        # No Content-Length, chunk after chunk: cut off at the limit.
        chunks = [b"Pad=", *[b"A" * 65_536] * 40, b""]
        body = b"".join(b"%x\r\n%s\r\n" % (len(chunk), chunk) for chunk in chunks)
        chunked = f"{head}Transfer-Encoding: chunked\r\n\r\n".encode() + body
        assert raw_http(address, chunked) == 400
        # Bytes that are not ASCII in the signature or the query string.
        form = f"Content-Type: {FORM}\r\nContent-Length: 12\r\n\r\nMessageSid=x".encode()
        latin = b"POST /twilio/status HTTP/1.1\r\nHost: h\r\nX-Twilio-Signature: " + b"\xe9" * 28
        assert raw_http(address, latin + b"\r\n" + form) == 403
        query = b"POST /twilio/status?a=\xff HTTP/1.1\r\nHost: h\r\nX-Twilio-Signature: x\r\n"
        assert raw_http(address, query + form) == 400
    assert sink.statuses == {}


# -- signed by Twilio, yet out of range: 400 with a short reason, and nothing stored ---------------


def malformed_callbacks() -> list[tuple[str, str, dict[str, str]]]:
    status = {"MessageSid": SID, "MessageStatus": "undelivered"}
    inbound = {"MessageSid": "SM" + "c" * 32, "From": HANDSET, "To": OURS, "Body": "STOP"}
    return [
        ("/twilio/status", "30-digit ErrorCode", {**status, "ErrorCode": "9" * 30}),
        ("/twilio/status", "6-digit ErrorCode", {**status, "ErrorCode": "300030"}),
        ("/twilio/status", "negative ErrorCode", {**status, "ErrorCode": "-30003"}),
        ("/twilio/status", "ErrorCode not a number", {**status, "ErrorCode": "3e4"}),
        ("/twilio/status", "unknown status", {**status, "MessageStatus": MARKER}),
        ("/twilio/status", "short sid", {**status, "MessageSid": "SM" + "a" * 31}),
        ("/twilio/status", "sid not hex", {**status, "MessageSid": "SM" + "g" * 32}),
        ("/twilio/status", "long sid", {**status, "MessageSid": SID + "0" * 1000}),
        ("/twilio/status", "sids disagree", {**status, "SmsSid": "SM" + "b" * 32}),
        ("/twilio/status", "statuses disagree", {**status, "SmsStatus": "delivered"}),
        ("/twilio/status", "long To", {**status, "To": "+1" * 40}),
        ("/twilio/inbound", "sid not a sid", {**inbound, "MessageSid": MARKER}),
        ("/twilio/inbound", "long From", {**inbound, "From": "+" + "1" * 200}),
        ("/twilio/inbound", "empty From", {**inbound, "From": ""}),
        ("/twilio/inbound", "no To", {k: v for k, v in inbound.items() if k != "To"}),
        ("/twilio/inbound", "control characters in From", {**inbound, "From": "+1415\x00555"}),
        ("/twilio/inbound", "NUL in Body", {**inbound, "Body": "STOP\x00" + MARKER}),
        ("/twilio/inbound", "Body over 1600", {**inbound, "Body": MARKER * 200}),
        ("/twilio/inbound", "unknown OptOutType", {**inbound, "OptOutType": MARKER}),
    ]


def test_signed_but_malformed_callbacks_are_400_and_store_nothing(
    store: Any, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    logged(store, SID)
    client = TestClient(create_app(TOKEN, LedgerSink(store)), raise_server_exceptions=False)
    for path, name, params in malformed_callbacks():
        url = "http://testserver" + path
        response = client.post(url, data=params, headers=signed(url, params))
        assert response.status_code == 400, name
        assert response.headers["content-type"].startswith("text/plain"), name
        assert 0 < len(response.text) < 100 and MARKER not in response.text, name
    message = store.get_message_by_sid(SID)
    assert (message.status, message.error_code) == ("queued", None)
    assert store.list_inbound() == [] and store.consent_events(HANDSET, OURS) == []
    assert MARKER not in caplog.text


# -- the URL checked is ours: a signature made for another app's URL is refused ----------------


def test_signature_for_another_apps_url_is_refused_whatever_the_headers(sink: MemoryLog) -> None:
    params = {"MessageSid": SID, "MessageStatus": "delivered"}
    other = "other-app.example.org"
    # A callback Twilio signed for another app of the same account, replayed with its Host.
    client = TestClient(create_app(TOKEN, sink))
    forged = signed(f"http://{other}/twilio/status", params)
    response = client.post(STATUS_URL, data=params, headers={**forged, "Host": other})
    assert response.status_code == 403
    # The same on a real server, with X-Forwarded-Proto and X-Forwarded-Host as a proxy would add.
    with serving(create_app(TOKEN, sink)) as (host, port):
        headers = {
            **signed(f"https://{other}/twilio/status", params),
            "Host": other,
            "X-Forwarded-Proto": "https",
            "X-Forwarded-Host": other,
        }
        url = f"http://{host}:{port}/twilio/status"
        assert httpx.post(url, data=params, headers=headers, timeout=5).status_code == 403
        # What Twilio would sign for this server's own address is still accepted.
        assert httpx.post(url, data=params, headers=signed(url, params)).status_code == 204
    assert sink.status(SID) == "delivered"


def test_forwarded_headers_count_only_from_trusted_proxies(sink: MemoryLog) -> None:
    params = {"MessageSid": SID, "MessageStatus": "sent"}
    public = "https://hooks.example.org/twilio/status"
    forwarded = {
        **signed(public, params),
        "X-Forwarded-Proto": "https",
        "X-Forwarded-Host": "hooks.example.org",
    }
    app = create_app(TOKEN, sink, trusted_proxies="10.0.0.0/8, 192.0.2.7")
    for peer, expected in [("10.1.2.3", 204), ("192.0.2.7", 204), ("203.0.113.9", 403)]:
        client = TestClient(app, client=(peer, 40000))
        assert client.post(STATUS_URL, data=params, headers=forwarded).status_code == expected
    # A trusted proxy's headers must still be well formed.
    client = TestClient(app, client=("10.1.2.3", 40000))
    for bad in ({"X-Forwarded-Proto": "gopher"}, {"X-Forwarded-Host": "a/b@evil"}):
        response = client.post(STATUS_URL, data=params, headers={**forwarded, **bad})
        assert response.status_code == 400
    # A configured public URL is the only one checked, whoever forwards what.
    pinned = create_app(
        TOKEN, sink, public_url="https://pinned.example.org", trusted_proxies="10.0.0.0/8"
    )
    client = TestClient(pinned, client=("10.1.2.3", 40000))
    assert client.post(STATUS_URL, data=params, headers=forwarded).status_code == 403
    with pytest.raises(ValueError):
        create_app(TOKEN, sink, trusted_proxies="10.0.0.0/8, not-an-address")


def test_app_from_env_refuses_to_start_without_a_public_url(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from smskit.i18n.catalog import LocalizedError
    from smskit.webhooks.app import app_from_env

    monkeypatch.setenv("SMSKIT_HOME", str(tmp_path))
    monkeypatch.setenv("SMSKIT_DATABASE_URL", f"sqlite:///{tmp_path / 'smskit.db'}")
    monkeypatch.setenv("TWILIO_AUTH_TOKEN", TOKEN)
    for value in (None, "", "hooks.example.org", "ftp://hooks.example.org"):
        if value is None:
            monkeypatch.delenv("SMSKIT_PUBLIC_URL", raising=False)
        else:
            monkeypatch.setenv("SMSKIT_PUBLIC_URL", value)
        with pytest.raises(LocalizedError, match="SMSKIT_PUBLIC_URL") as raised:
            app_from_env()
        assert TOKEN not in str(raised.value)


# -- Twilio's OptOutType reaches the consent ledger ---------------------------------------------


def test_twilio_opt_out_type_reaches_the_consent_ledger(store: Any) -> None:
    sink = LedgerSink(store)
    client = TestClient(create_app(TOKEN, sink))

    def inbound(n: int, body: str, opt_out_type: str) -> str:
        params = {"MessageSid": f"SM{n:032x}", "From": HANDSET, "To": OURS, "Body": body}
        params["OptOutType"] = opt_out_type
        response = client.post(INBOUND_URL, data=params, headers=signed(INBOUND_URL, params))
        assert response.status_code == 200
        return sink.ledger.status(HANDSET, OURS).state.value

    # REMOVE is a custom Advanced Opt-Out keyword: only Twilio's OptOutType says it is a STOP.
    assert inbound(1, "REMOVE", "STOP") == "opted_out"
    (event,) = store.consent_events(HANDSET, OURS)
    assert (event.action, event.source) == ("opt_out", "keyword")
    assert "OptOutType" in event.evidence and "STOP" in event.evidence
    assert inbound(2, "ASSIST", "HELP") == "opted_out"  # HELP changes nothing
    assert len(store.consent_events(HANDSET, OURS)) == 1
    assert inbound(3, "RESUME", "START") == "re_opted_in"
    assert inbound(4, "INFO", "HELP") == "re_opted_in"
    assert [e.action for e in store.consent_events(HANDSET, OURS)] == ["opt_out", "opt_in"]
