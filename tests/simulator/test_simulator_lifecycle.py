"""Lifecycle, signed status callbacks, outcomes, scheduling, segment-based pacing (facts B2, B3)."""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from twilio.base.exceptions import TwilioRestException
from twilio.request_validator import RequestValidator
from twilio.rest import Client

from smskit import analyze
from smskit.simulator import SimulatorHandle

FROM = "+15005550006"
TO = "+14155550100"
MG = "MG" + "a" * 32


def _statuses(hits: list, sid: str) -> list[str]:
    return [h.params["MessageStatus"] for h in hits if h.params.get("MessageSid") == sid]


def test_delivered_callbacks_are_signed_and_skip_the_starting_status(
    sim: SimulatorHandle, client: Client, receiver: object
) -> None:
    url = receiver.url("/status?campaign=7")  # the query string is part of what is signed
    sid = client.messages.create(to=TO, from_=FROM, body="hi", status_callback=url).sid
    hits = receiver.wait_for(lambda hs: "delivered" in _statuses(hs, sid))
    # queued is the starting status: no callback for it (Twilio docs, facts B2)
    assert _statuses(hits, sid) == ["sending", "sent", "delivered"]
    validator = RequestValidator(sim.auth_token)
    for hit in hits:
        assert hit.url == url
        assert validator.validate(hit.url, hit.params, hit.signature)
        assert not RequestValidator("0" * 32).validate(hit.url, hit.params, hit.signature)
        assert hit.params["AccountSid"] == sim.account_sid
        assert (
            hit.params["SmsSid"] == sid and hit.params["SmsStatus"] == hit.params["MessageStatus"]
        )
        assert (hit.params["From"], hit.params["To"]) == (FROM, TO)
        assert "ErrorCode" not in hit.params


def test_undelivered_carries_a_delivery_error_code(
    sim: SimulatorHandle, client: Client, receiver: object
) -> None:
    sim.configure(outcomes={"undelivered": 1})
    sid = client.messages.create(to=TO, from_=FROM, body="hi", status_callback=receiver.url()).sid
    hits = receiver.wait_for(lambda hs: "undelivered" in _statuses(hs, sid))
    assert _statuses(hits, sid) == ["sending", "sent", "undelivered"]
    code = int(hits[-1].params["ErrorCode"])
    assert 30003 <= code <= 30008
    fetched = client.messages(sid).fetch()
    assert (fetched.status, fetched.error_code) == ("undelivered", code)
    assert fetched.error_message and fetched.price is not None  # it was sent, so it is billed


def test_failed_never_reaches_sent_and_is_not_billed(
    sim: SimulatorHandle, client: Client, receiver: object
) -> None:
    sim.configure(outcomes={"failed": 1}, error_codes=[30007])
    sid = client.messages.create(to=TO, from_=FROM, body="hi", status_callback=receiver.url()).sid
    hits = receiver.wait_for(lambda hs: "failed" in _statuses(hs, sid))
    assert _statuses(hits, sid) == ["sending", "failed"]
    assert hits[-1].params["ErrorCode"] == "30007"
    fetched = client.messages(sid).fetch()
    assert (fetched.error_code, fetched.price, fetched.date_sent) == (30007, None, None)


def test_outcome_rates_are_respected(sim: SimulatorHandle, client: Client) -> None:
    sim.configure(outcomes={"delivered": 0.7, "undelivered": 0.2, "failed": 0.1}, seed=3)
    sids = [client.messages.create(to=TO, from_=FROM, body=str(i)).sid for i in range(300)]
    finals = [sim.wait_for(sid).status for sid in sids]
    assert 0.6 < finals.count("delivered") / 300 < 0.8
    assert 0.12 < finals.count("undelivered") / 300 < 0.28
    assert 0.04 < finals.count("failed") / 300 < 0.17


def test_step_delay_slows_the_lifecycle(sim: SimulatorHandle, client: Client) -> None:
    sim.configure(step_delay=0.3)
    sid = client.messages.create(to=TO, from_=FROM, body="hi").sid
    time.sleep(0.1)
    assert client.messages(sid).fetch().status == "sending"
    assert sim.wait_for(sid, timeout=5).status == "delivered"


def test_messaging_service_starts_accepted_and_gets_a_sender(
    sim: SimulatorHandle, client: Client, receiver: object
) -> None:
    created = client.messages.create(
        to=TO, messaging_service_sid=MG, body="hi", status_callback=receiver.url()
    )
    assert created.status == "accepted"
    assert created.from_ is None and created.num_segments == "0"  # Twilio OpenAPI description
    hits = receiver.wait_for(lambda hs: "delivered" in _statuses(hs, created.sid))
    assert _statuses(hits, created.sid) == ["queued", "sending", "sent", "delivered"]
    done = client.messages(created.sid).fetch()
    assert done.from_ == FROM and done.messaging_service_sid == MG and done.num_segments == "1"


def test_scheduled_message_waits_and_can_be_canceled(
    sim: SimulatorHandle, client: Client, make_client: Callable[..., Client]
) -> None:
    send_at = datetime.now(UTC) + timedelta(minutes=10)
    kwargs = {"schedule_type": "fixed", "send_at": send_at, "messaging_service_sid": MG}
    scheduled = client.messages.create(to=TO, body="later", **kwargs)
    assert scheduled.status == "scheduled"
    canceled = client.messages(scheduled.sid).update(status="canceled")
    assert canceled.status == "canceled"
    sim.configure(schedule_delay=0.05)  # time acceleration: release scheduled messages now
    released = client.messages.create(to=TO, body="later", **kwargs)
    assert sim.wait_for(released.sid).status == "delivered"
    assert sim.message(scheduled.sid).status == "canceled"
    # Once it has left `scheduled` it cannot be canceled: Twilio 30409, HTTP 400.
    with pytest.raises(TwilioRestException) as refused:
        client.messages(released.sid).update(status="canceled")
    assert (refused.value.status, refused.value.code) == (400, 30409)


@pytest.mark.parametrize(
    ("extra", "code"),
    [
        ({"ScheduleType": "fixed", "MessagingServiceSid": MG}, 35111),  # SendAt missing
        ({"ScheduleType": "sometime", "MessagingServiceSid": MG, "SendAt": "x"}, 35126),
        ({"ScheduleType": "fixed", "SendAt": "2099-01-01T00:00:00Z", "From": FROM}, 35118),
    ],
)
def test_schedule_refusals(sim: SimulatorHandle, extra: dict[str, str], code: int) -> None:
    response = httpx.post(
        f"{sim.url}/2010-04-01/Accounts/{sim.account_sid}/Messages.json",
        data={"To": TO, "Body": "x", **extra},
        auth=(sim.account_sid, sim.auth_token),
    )
    assert (response.status_code, response.json()["code"]) == (400, code)


@pytest.mark.parametrize("ahead", [timedelta(seconds=120), timedelta(days=36)])
def test_send_at_window_is_5_minutes_to_35_days(client: Client, ahead: timedelta) -> None:
    with pytest.raises(TwilioRestException) as raised:
        client.messages.create(
            to=TO, body="x", messaging_service_sid=MG, schedule_type="fixed",
            send_at=datetime.now(UTC) + ahead,
        )  # fmt: skip
    assert raised.value.code == 35115


# --- pacing: segments per second per sender (facts B3) ------------------------------------------


def _sending_times(sim: SimulatorHandle, sids: list[str]) -> list[float]:
    """When each message started sending, by the simulator's own clock.

    With a long step delay the messages stay in "sending", so ``date_updated`` is that moment;
    this avoids timing webhook deliveries on a busy machine.
    """
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        messages = [sim.message(sid) for sid in sids]
        if all(m.status == "sending" for m in messages):
            return [m.date_updated.timestamp() for m in messages]
        time.sleep(0.02)
    raise AssertionError([sim.message(sid).status for sid in sids])


def test_long_code_paces_by_segments_not_messages(sim: SimulatorHandle, client: Client) -> None:
    # 10 segments/s (accelerated from 1, the real long-code rate); 3-segment messages leave 0.3 s
    # apart, as a 3-segment message on a 1 MPS long code leaves every 3 s (Twilio FAQ, facts B3).
    sim.configure(rate_limits=True, rates={"long_code": 10}, step_delay=30)
    body = "x" * 400
    assert analyze(body).segment_count == 3
    sids = [client.messages.create(to=TO, from_=FROM, body=body).sid for _ in range(4)]
    times = _sending_times(sim, sids)
    gaps = [b - a for a, b in itertools.pairwise(times)]
    assert all(0.25 < gap < 0.45 for gap in gaps), gaps


def test_each_sender_has_its_own_queue_and_rate(sim: SimulatorHandle, client: Client) -> None:
    sim.add_number("+18005550100")  # toll-free: 3 MPS by default, long code 1 MPS
    sim.configure(rate_limits=True, step_delay=30)
    long_sids = [client.messages.create(to=TO, from_=FROM, body="a").sid for _ in range(2)]
    free_sids = [
        client.messages.create(to=TO, from_="+18005550100", body="b").sid for _ in range(3)
    ]
    long_times = _sending_times(sim, long_sids)
    free_times = _sending_times(sim, free_sids)
    assert 0.9 < long_times[1] - long_times[0] < 1.2  # 1 segment at 1 MPS
    assert 0.28 < free_times[1] - free_times[0] < 0.45  # 1 segment at 3 MPS
    assert free_times[2] < long_times[1]  # the toll-free queue did not wait for the long code


def test_short_code_and_alphanumeric_classes(sim: SimulatorHandle, client: Client) -> None:
    sim.add_number("12345")
    sim.configure(rate_limits=True)
    start = time.monotonic()
    sids = [client.messages.create(to=TO, from_="12345", body="x").sid for _ in range(20)]
    for sid in sids:
        sim.wait_for(sid)
    assert time.monotonic() - start < 1.5  # 100 MPS: 20 segments in 0.2 s


def test_queue_overflow_fails_with_30001(
    sim: SimulatorHandle, client: Client, receiver: object
) -> None:
    # The queue holds queue_seconds of traffic at the sender's rate (1 segment/s here).
    sim.configure(rate_limits=True, queue_seconds=2)
    cb = receiver.url()
    sids = [
        client.messages.create(to=TO, from_=FROM, body="x", status_callback=cb).sid
        for _ in range(3)
    ]
    assert client.messages(sids[2]).fetch().status in {"queued", "failed"}  # 201 first, then fails
    assert sim.wait_for(sids[2], timeout=3).error_code == 30001
    hits = receiver.wait_for(lambda hs: "failed" in _statuses(hs, sids[2]))
    assert _statuses(hits, sids[2]) == ["failed"]
    assert sim.message(sids[0]).error_code is None


def test_validity_period_expires_queued_messages(sim: SimulatorHandle, client: Client) -> None:
    sim.configure(rate_limits=True)
    sids = [
        client.messages.create(to=TO, from_=FROM, body="x", validity_period=1).sid for _ in range(3)
    ]
    assert sim.wait_for(sids[0]).status == "delivered"
    last = sim.wait_for(sids[2], timeout=5)  # would leave after 2 s: past its 1 s validity
    assert (last.status, last.error_code) == ("failed", 30036)


def test_no_rate_limits_sends_at_once(sim: SimulatorHandle, client: Client) -> None:
    start = time.monotonic()
    sids = [client.messages.create(to=TO, from_=FROM, body="x" * 300).sid for _ in range(10)]
    for sid in sids:
        sim.wait_for(sid)
    assert time.monotonic() - start < 3


def test_api_rate_limit_is_429_20429_with_retry_after(sim: SimulatorHandle) -> None:
    sim.configure(api_rate=5, retry_after=2)
    url = f"{sim.url}/2010-04-01/Accounts/{sim.account_sid}/Messages.json"
    with httpx.Client(auth=(sim.account_sid, sim.auth_token)) as http:
        responses = [http.get(url) for _ in range(12)]
    limited = [r for r in responses if r.status_code == 429]
    assert 4 <= len(limited) <= 8
    assert all(r.json()["code"] == 20429 and r.headers["Retry-After"] == "2" for r in limited)
    assert responses[0].status_code == 200


def test_twilio_client_sees_429_as_20429(sim: SimulatorHandle, client: Client) -> None:
    sim.configure(api_rate=1)
    client.messages.create(to=TO, from_=FROM, body="first")
    with pytest.raises(TwilioRestException) as raised:
        client.messages.create(to=TO, from_=FROM, body="second, too soon")
    assert (raised.value.status, raised.value.code) == (429, 20429)


def test_messaging_service_smart_encodes_by_default(sim: SimulatorHandle, client: Client) -> None:
    body = "“Quote” " * 20  # 2 UCS-2 segments as is, 1 GSM-7 segment after Smart Encoding
    on = client.messages.create(to=TO, messaging_service_sid=MG, body=body).sid
    off = client.messages.create(
        to=TO, messaging_service_sid=MG, body=body, smart_encoded=False
    ).sid
    assert sim.wait_for(on).num_segments == analyze(body, smart_encoding=True).segment_count
    assert sim.wait_for(off).num_segments == analyze(body).segment_count


def test_unreachable_webhook_is_logged_without_credentials(
    sim: SimulatorHandle, client: Client, caplog: pytest.LogCaptureFixture
) -> None:
    url = "http://user:s3cret@127.0.0.1:9/status?token=abc123"  # port 9: nothing listens
    sid = client.messages.create(to=TO, from_=FROM, body="hi", status_callback=url).sid
    assert sim.wait_for(sid).status == "delivered"  # the lifecycle goes on regardless
    text = caplog.text
    assert "127.0.0.1/status" in text
    assert "s3cret" not in text and "abc123" not in text and sim.auth_token not in text


def test_a_sender_can_have_its_own_rate(sim: SimulatorHandle, client: Client) -> None:
    # e.g. a 10DLC number whose trust tier allows more than the long-code default (facts B3)
    sim.configure(rate_limits=True, sender_rates={FROM: 20}, step_delay=30)
    sids = [client.messages.create(to=TO, from_=FROM, body="x").sid for _ in range(3)]
    times = _sending_times(sim, sids)
    assert 0.03 < times[2] - times[0] < 0.2  # 2 segments at 20/s: 0.1 s, not 2 s
    with pytest.raises(ValueError, match="sender_rates"):
        sim.configure(sender_rates={FROM: 0})
