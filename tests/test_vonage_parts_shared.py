"""Vonage's per-part state lives in the store: two webhook app instances over one database (two
Store objects, two engines and pools, as two processes have; and two real uvicorn processes of
the deployment's own app) see each other's parts.

A long message's receipts split across the instances still give one "delivered" only when every
part is, and a failure as soon as one part fails; a long inbound message split across them is
assembled once. Concurrent requests to both instances exercise the write-then-read design of
:mod:`smskit.store.provider_parts`. SQLite and PostgreSQL.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from starlette.testclient import TestClient
from vonage_http_client import Auth

from smskit.sending.tracking import LedgerSink
from smskit.store.database import Store
from smskit.store.records import NewMessage
from smskit.webhooks.vonage import create_vonage_app

SECRET = "Sig-secret-0123456789abcdefghij"
KEY = "abcd1234"
HANDSET, OURS = "+14155550100", "+14155550177"


def signed(params: dict[str, str]) -> dict[str, str]:
    out = {"api-key": KEY, "timestamp": str(int(time.time())), **params}
    out["nonce"] = f"n{time.monotonic_ns()}-{id(params)}"
    auth = Auth(api_key=KEY, signature_secret=SECRET, signature_method="sha256")
    out["sig"] = auth.sign_params(dict(out))
    return out


def receipt(part: str, status: str, ref: str, err: str = "0") -> dict[str, str]:
    fields = {"messageId": part, "status": status, "err-code": err, "client-ref": ref}
    return signed(fields | {"msisdn": HANDSET[1:], "to": OURS[1:]})


@pytest.fixture
def two_instances(db_url: str) -> Iterator[tuple[Store, TestClient, TestClient]]:
    first, second = Store.open(db_url), Store.open(db_url)
    apps = [create_vonage_app(LedgerSink(s), SECRET, api_key=KEY) for s in (first, second)]
    with TestClient(apps[0]) as a, TestClient(apps[1]) as b:
        yield first, a, b
    first.close()
    second.close()


def logged(store: Store, message_id: str, parts: int) -> list[str]:
    """A submitted message of ``parts`` parts; its part ids (the smallest is its sid)."""
    ids = [f"{message_id.upper()}{n:02d}" for n in range(parts)]
    store.record_message(NewMessage(message_id, HANDSET, OURS, "x" * 153 * parts))
    assert store.transition_message(message_id, "planned", "submitting")
    assert store.transition_message(
        message_id, "submitting", "submitted", sid=ids[0], status="queued", segments=parts
    )
    return ids


def post(client: TestClient, path: str, data: dict[str, str]) -> None:
    answer = client.post(path, data=data)
    assert answer.status_code == 204, answer.text


def test_receipts_split_across_two_instances_fold_into_one_status(two_instances: Any) -> None:
    store, a, b = two_instances
    parts = logged(store, "m3", 3)
    post(a, "/vonage/dlr", receipt(parts[0], "delivered", "m3"))
    post(b, "/vonage/dlr", receipt(parts[2], "delivered", "m3"))
    assert store.get_message("m3").status == "partially_delivered"  # part 2 not in yet
    post(a, "/vonage/dlr", receipt(parts[1], "accepted", "m3"))  # in the network: not yet
    assert store.get_message("m3").status == "partially_delivered"
    post(b, "/vonage/dlr", receipt(parts[1], "delivered", "m3"))
    message = store.get_message("m3")
    assert (message.status, message.state) == ("delivered", "final")
    post(a, "/vonage/dlr", receipt(parts[1], "accepted", "m3"))  # a late retry: never backwards
    assert store.get_message("m3").status == "delivered"

    # One failed part fails the message at once, whatever the instance and the other parts.
    bad = logged(store, "m4", 3)
    post(b, "/vonage/dlr", receipt(bad[1], "delivered", "m4"))
    post(a, "/vonage/dlr", receipt(bad[0], "failed", "m4", err="6"))
    message = store.get_message("m4")
    assert (message.status, message.error_code) == ("undelivered", 200006)
    post(b, "/vonage/dlr", receipt(bad[2], "delivered", "m4"))
    assert store.get_message("m4").status == "undelivered"


def test_concurrent_receipts_on_both_instances_never_miss_the_last_part(two_instances: Any) -> None:
    # Every part of a message reaches a different instance at the same moment: the instance that
    # commits last must see every part, else no receipt would ever say "delivered".
    store, a, b = two_instances
    messages = {f"c{n}": logged(store, f"c{n}", 2) for n in range(12)}
    jobs = [
        (client, receipt(part, "delivered", mid))
        for mid, parts in messages.items()
        for client, part in zip((a, b), parts, strict=True)
    ]
    with ThreadPoolExecutor(max_workers=4) as pool:
        list(pool.map(lambda job: post(job[0], "/vonage/dlr", job[1]), jobs))
    assert {store.get_message(mid).status for mid in messages} == {"delivered"}


def test_long_inbound_split_across_instances_is_assembled_once(two_instances: Any) -> None:
    store, a, b = two_instances
    base = {"msisdn": HANDSET[1:], "to": OURS[1:], "type": "text", "concat": "true"}
    base |= {"concat-ref": "91", "concat-total": "2"}
    first = {**base, "messageId": "3A00000000000001", "concat-part": "1", "text": "y" * 150 + " "}
    second = {**base, "messageId": "3B00000000000002", "concat-part": "2", "text": "STOP"}
    post(a, "/vonage/inbound", signed(first))
    assert store.list_inbound(HANDSET) == []  # held in the store, not in instance a
    post(b, "/vonage/inbound", signed(second))
    [row] = store.list_inbound(HANDSET)
    assert (row.sid, row.body) == ("3A00000000000001", "y" * 150 + " STOP")
    assert len(store.consent_events(HANDSET, OURS)) == 1  # the STOP in part 2 was read
    post(a, "/vonage/inbound", signed(second))  # Vonage redelivers a part: nothing new
    assert len(store.list_inbound(HANDSET)) == 1


def test_concurrent_parts_are_claimed_by_exactly_one_caller(db_url: str) -> None:
    # The store's own guarantee, without the inbound SID's uniqueness behind it: of two
    # processes holding every part, exactly one gets the whole text.
    stores = [Store.open(db_url), Store.open(db_url)]
    try:

        def add(job: tuple[int, int]) -> tuple[str, str] | None:
            n, part = job
            return stores[part - 1].add_inbound_part(f"k{n}", part, 2, f"S{n}P{part}", str(part))

        with ThreadPoolExecutor(max_workers=4) as pool:
            results = list(pool.map(add, [(n, p) for n in range(15) for p in (1, 2)]))
        for again in range(15):  # and a redelivered part after that assembles nothing
            assert stores[again % 2].add_inbound_part(f"k{again}", 2, 2, "S", "2") is None
    finally:
        for s in stores:
            s.close()
    whole = [r for r in results if r is not None]
    assert sorted(whole) == sorted((f"S{n}P1", "12") for n in range(15))


def test_a_request_replayed_to_the_other_instance_is_refused(two_instances: Any) -> None:
    store, a, b = two_instances
    parts = logged(store, "r1", 2)
    once = receipt(parts[0], "delivered", "r1")
    post(a, "/vonage/dlr", once)
    answer = b.post("/vonage/dlr", data=once)  # the same signed request, to another process
    assert (answer.status_code, answer.text) == (403, "replayed request")


# -- two real webhook processes (uvicorn, the deployment's own app) over one database ----------


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def two_processes(db_url: str, tmp_path: Any) -> Iterator[tuple[Store, list[str]]]:
    import os
    import signal
    import subprocess
    import sys

    import httpx

    store = Store.open(db_url)  # migrated once, before either process starts
    env = {k: v for k, v in os.environ.items() if not k.startswith(("VONAGE_", "TWILIO_"))}
    env |= {
        "SMSKIT_HOME": str(tmp_path),
        "SMSKIT_DATABASE_URL": db_url,
        "SMSKIT_PUBLIC_URL": "https://hooks.example.org",
        "TWILIO_AUTH_TOKEN": "0" * 32,
        "VONAGE_SIGNATURE_SECRET": SECRET,
        "VONAGE_SIGNATURE_METHOD": "sha256",
    }
    ports = [_free_port(), _free_port()]
    app = [sys.executable, "-m", "uvicorn", "--factory", "smskit.webhooks.app:app_from_env"]
    log = (tmp_path / "webhooks.log").open("ab")
    processes = [
        subprocess.Popen(
            [*app, "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"],
            env=env,
            stdout=log,
            stderr=log,
            start_new_session=True,
        )
        for port in ports
    ]
    urls = [f"http://127.0.0.1:{port}" for port in ports]
    try:
        deadline = time.monotonic() + 60
        for url, process in zip(urls, processes, strict=True):
            while True:
                assert process.poll() is None, (tmp_path / "webhooks.log").read_text()
                assert time.monotonic() < deadline, "webhook process did not start"
                try:
                    if httpx.get(url + "/health", timeout=1.0).status_code == 200:
                        break
                except httpx.HTTPError:
                    time.sleep(0.1)
        yield store, urls
    finally:
        for process in processes:
            os.killpg(process.pid, signal.SIGTERM)
        for process in processes:
            process.wait(10)
        log.close()
        store.close()


def test_two_webhook_processes_fold_parts_and_assemble_inbound_once(two_processes: Any) -> None:
    import httpx

    store, (first, second) = two_processes
    messages = {f"p{n}": logged(store, f"p{n}", 2) for n in range(6)}
    jobs = [
        (url, receipt(part, "delivered", mid))
        for mid, parts in messages.items()
        for url, part in zip((first, second), parts, strict=True)
    ]

    def send(job: tuple[str, dict[str, str]]) -> int:
        return httpx.post(job[0] + "/vonage/dlr", data=job[1], timeout=10).status_code

    with ThreadPoolExecutor(max_workers=4) as pool:
        assert set(pool.map(send, jobs)) == {204}
    assert {store.get_message(mid).status for mid in messages} == {"delivered"}

    base = {"msisdn": HANDSET[1:], "to": OURS[1:], "type": "text", "concat": "true"}
    base |= {"concat-ref": "42", "concat-total": "2"}
    halves = [
        (first, {**base, "messageId": "4A00000000000001", "concat-part": "1", "text": "Hi "}),
        (second, {**base, "messageId": "4B00000000000002", "concat-part": "2", "text": "STOP"}),
    ]
    with ThreadPoolExecutor(max_workers=2) as pool:
        codes = pool.map(
            lambda h: httpx.post(h[0] + "/vonage/inbound", data=signed(h[1]), timeout=10),
            halves,
        )
        assert {c.status_code for c in codes} == {204}
    [row] = store.list_inbound(HANDSET)
    assert (row.sid, row.body) == ("4A00000000000001", "Hi STOP")
    replay = receipt(messages["p0"][0], "delivered", "p0")  # seen by one, refused by the other
    assert httpx.post(first + "/vonage/dlr", data=replay, timeout=10).status_code == 204
    assert httpx.post(second + "/vonage/dlr", data=replay, timeout=10).status_code == 403
