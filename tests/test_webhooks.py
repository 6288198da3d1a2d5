"""Webhooks: X-Twilio-Signature checked (403 if bad); duplicates harmless; no status regresses."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from starlette.testclient import TestClient
from twilio.request_validator import RequestValidator

from smskit.providers import MessageRecord
from smskit.webhooks import (
    EMPTY_TWIML,
    InboundMessage,
    MemoryLog,
    StatusUpdate,
    create_app,
    sync,
)

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
