"""Vonage webhooks, twins of test_webhooks: signature checked with the SDK's own Auth (403 if bad,
stale or replayed), per-part receipts folded into one status, inbound into the consent ledger.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
from starlette.testclient import TestClient
from vonage_http_client import Auth

from smskit.sending.tracking import LedgerSink, MemoryLog
from smskit.webhooks.vonage import create_vonage_app

SECRET = "Sig-secret-0123456789abcdefghij"
KEY = "abcd1234"
HANDSET = "+14155550100"
OURS = "+14155550177"


def signed(params: dict[str, str], secret: str = SECRET, age: int = 0) -> dict[str, str]:
    """Fields as Vonage signs them, with the SDK's own ``Auth.sign_params``."""
    out = {"api-key": KEY, "timestamp": str(int(time.time()) - age), **params}
    out.setdefault("nonce", f"n{time.monotonic_ns()}")
    out["sig"] = Auth(api_key=KEY, signature_secret=secret, signature_method="sha256").sign_params(
        dict(out)
    )
    return out


def dlr(message_id: str, status: str, err: str = "0", ref: str | None = None) -> dict[str, str]:
    params = {"messageId": message_id, "status": status, "err-code": err, "msisdn": "14155550100"}
    params["to"] = "14155550177"
    if ref:
        params["client-ref"] = ref
    return params


@pytest.fixture
def sink() -> MemoryLog:
    return MemoryLog()


@pytest.fixture
def client(sink: MemoryLog) -> TestClient:
    return TestClient(create_vonage_app(sink, SECRET, api_key=KEY))


def test_signed_receipt_is_applied_and_bad_ones_are_403(
    client: TestClient, sink: MemoryLog
) -> None:
    good = signed(dlr("0A00000012345678", "delivered"))
    assert client.post("/vonage/dlr", data=good).status_code == 204
    assert sink.status("0A00000012345678") == "delivered"
    assert client.post("/vonage/dlr", data=good).status_code == 403  # the same nonce: a replay
    wrong = signed(dlr("0A00000099999999", "failed", "6"), secret="x" * 32)
    assert client.post("/vonage/dlr", data=wrong).status_code == 403
    unsigned = {"api-key": KEY, "timestamp": str(int(time.time())), **dlr("0B1", "failed")}
    assert client.post("/vonage/dlr", data=unsigned).status_code == 403
    stale = signed(dlr("0A00000077777777", "failed", "6"), age=3600)  # replayed an hour later
    assert client.post("/vonage/dlr", data=stale).status_code == 403
    tampered = {**signed(dlr("0A00000066666666", "delivered")), "status": "failed"}
    assert client.post("/vonage/dlr", data=tampered).status_code == 403
    for sid in ("0A00000099999999", "0B1", "0A00000077777777", "0A00000066666666"):
        assert sink.status(sid) is None


def test_receipt_error_codes_are_namespaced_and_get_queries_work(
    client: TestClient, sink: MemoryLog
) -> None:
    fields = signed(dlr("0C00000000000001", "failed", "6"))
    assert client.get("/vonage/dlr?" + urlencode(fields)).status_code == 204
    assert sink.status("0C00000000000001") == "undelivered"
    assert sink.error_codes["0C00000000000001"] == 200006  # Vonage receipt error 6, anti-spam


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"messageId": ""}, "missing messageId"),
        ({"messageId": "../../etc"}, "malformed messageId"),
        ({"status": "exploded"}, "unknown status"),
        ({"err-code": "9" * 40}, "malformed err-code"),
        ({"msisdn": "+1<script>"}, "malformed msisdn"),
        ({"client-ref": "x" * 101}, "malformed client-ref"),
    ],
)
def test_signed_but_malformed_receipts_are_400(
    client: TestClient, change: dict[str, str], reason: str
) -> None:
    params = {**dlr("0D00000000000001", "delivered", ref="m1"), **change}
    params = {k: v for k, v in params.items() if v != ""}
    answer = client.post("/vonage/dlr", data=signed(params))
    assert (answer.status_code, answer.text) == (400, reason)
    assert "script" not in answer.text


def test_hostile_bodies_are_refused_before_any_check(client: TestClient) -> None:
    huge = "text=" + "a" * (65 * 1024)
    answer = client.post(
        "/vonage/inbound",
        content=huge,
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert answer.status_code == 400
    assert client.post("/vonage/dlr", json={"status": "delivered"}).status_code == 400
    repeated = "status=delivered&status=failed"
    answer = client.post(
        "/vonage/dlr",
        content=repeated,
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert answer.status_code == 400


@pytest.fixture
def store(tmp_path: Path):  # type: ignore[no-untyped-def]
    from smskit.store.database import Store

    return Store.open(f"sqlite:///{tmp_path / 'smskit.db'}")


def test_inbound_stop_reaches_the_consent_ledger_once_and_is_confirmed_once(store: Any) -> None:
    replies: list[tuple[str, str, str]] = []
    sink = LedgerSink(store)
    client = TestClient(
        create_vonage_app(sink, SECRET, api_key=KEY, send_reply=lambda *a: replies.append(a))
    )
    inbound = {"msisdn": "14155550100", "to": "14155550177", "messageId": "1E00000000000001"}
    inbound |= {"text": "BERHENTI", "type": "text", "keyword": "BERHENTI"}
    for _ in range(3):  # Vonage retries until 200: each retry is signed anew (a new nonce)
        assert client.post("/vonage/inbound", data=signed(inbound)).status_code == 204
    assert sink.ledger.status(HANDSET, OURS).state.value == "opted_out"
    assert len(store.consent_events(HANDSET, OURS)) == 1
    assert [row.sid for row in store.list_inbound(HANDSET)] == ["1E00000000000001"]
    assert len(replies) == 1 and replies[0][:2] == (HANDSET, OURS)  # one confirmation


# -- end to end: the simulator signs per-part receipts and inbound, the app checks with the SDK ----


@pytest.fixture
def served(store: Any) -> Iterator[tuple[Any, str, LedgerSink]]:
    import uvicorn

    from smskit import simulator as sim

    with sim.start(step_delay=0.01, rate_limits=False) as handle:
        sink = LedgerSink(store)
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
        sock.bind(("127.0.0.1", 0))
        base = f"http://127.0.0.1:{sock.getsockname()[1]}"
        app = create_vonage_app(sink, handle.vonage_signature_secret, api_key=handle.vonage_api_key)
        server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off"))
        thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
        thread.start()
        deadline = time.monotonic() + 10
        while not server.started and time.monotonic() < deadline:
            time.sleep(0.01)
        handle.add_number(OURS, sms_url=base + "/vonage/inbound", api="vonage")
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


def test_simulator_receipts_per_part_and_inbound_reach_the_store(served: Any, store: Any) -> None:
    from smskit.providers.vonage import VonageProvider
    from smskit.store.records import NewMessage

    handle, base, sink = served
    store.record_message(NewMessage("msg-long", HANDSET, OURS, "x" * 300))
    assert store.transition_message("msg-long", "planned", "submitting")
    provider = VonageProvider.for_simulator(handle)
    sent = provider.send(
        HANDSET, "x" * 300, from_=OURS, status_callback=base + "/vonage/dlr", client_ref="msg-long"
    )
    assert sent.num_segments == 2
    assert store.transition_message(
        "msg-long", "submitting", "submitted", sid=sent.sid, status="queued", segments=2
    )
    parts = [m for m in handle.messages() if m.client_ref == "msg-long"]
    assert len({m.sid for m in parts}) == 2
    wait_until(lambda: all(handle.message(m.sid).status == "delivered" for m in parts))
    wait_until(lambda: store.get_message("msg-long").status == "delivered")
    handle.inject_inbound(HANDSET, OURS, "STOP")
    wait_until(lambda: sink.ledger.status(HANDSET, OURS).state.value == "opted_out")
    assert [row.body for row in store.list_inbound(HANDSET)] == ["STOP"]


def test_sync_without_a_public_url_reads_vonage_reports(store: Any) -> None:
    """The twin of the Twilio sync test: statuses and a STOP read back from the Reports API."""
    from datetime import UTC, datetime, timedelta

    from smskit import simulator as sim
    from smskit.providers.vonage import VonageProvider
    from smskit.sending.tracking import sync
    from smskit.store.records import NewMessage

    with sim.start(step_delay=0.0, rate_limits=False) as handle:
        handle.add_number(OURS, api="vonage")
        provider = VonageProvider.for_simulator(handle)
        since = datetime.now(UTC) - timedelta(minutes=1)
        store.record_message(NewMessage("msg-sync", HANDSET, OURS, "y" * 200))
        assert store.transition_message("msg-sync", "planned", "submitting")
        sent = provider.send(HANDSET, "y" * 200, from_=OURS, client_ref="msg-sync")
        assert store.transition_message(
            "msg-sync", "submitting", "submitted", sid=sent.sid, status="queued", segments=2
        )
        for part in [m for m in handle.messages() if m.client_ref == "msg-sync"]:
            handle.wait_for(part.sid)
        handle.inject_inbound(HANDSET, OURS, "STOP")
        sink = LedgerSink(store)
        report = sync(provider, sink, since)
        assert report.status_changes == 1 and report.new_inbound == 1
        assert store.get_message("msg-sync").status == "delivered"  # both parts delivered
        assert sink.ledger.status(HANDSET, OURS).state.value == "opted_out"
        again = sync(provider, sink, report.next_since)
        assert (again.status_changes, again.new_inbound) == (0, 0)


def test_a_long_inbound_message_is_read_whole_once_its_parts_are_in(store: Any) -> None:
    sink = LedgerSink(store)
    client = TestClient(create_vonage_app(sink, SECRET, api_key=KEY))
    base = {"msisdn": "14155550100", "to": "14155550177", "type": "text", "concat": "true"}
    base |= {"concat-ref": "77", "concat-total": "2"}
    second = {**base, "messageId": "2B00000000000002", "concat-part": "2", "text": "STOP"}
    first = {**base, "messageId": "2A00000000000001", "concat-part": "1", "text": "x" * 150 + " "}
    assert client.post("/vonage/inbound", data=signed(second)).status_code == 204  # out of order
    assert store.list_inbound(HANDSET) == []  # held until the rest arrives
    assert client.post("/vonage/inbound", data=signed(first)).status_code == 204
    [row] = store.list_inbound(HANDSET)
    assert (row.sid, row.body) == ("2A00000000000001", "x" * 150 + " STOP")
    bad = {**base, "messageId": "2C00000000000003", "concat-part": "9", "text": "x"}
    answer = client.post("/vonage/inbound", data=signed(bad))
    assert (answer.status_code, answer.text) == (400, "malformed concat-part")
