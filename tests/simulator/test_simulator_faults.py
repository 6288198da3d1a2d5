"""Injected faults for reliability tests: 500/503, 429 with Retry-After, slow answers, drops."""

from __future__ import annotations

import time

import httpx
import pytest
import requests
from twilio.base.exceptions import TwilioRestException
from twilio.rest import Client

from smskit.simulator import SimulatorHandle

FROM, TO = "+15005550006", "+14155550100"


@pytest.mark.parametrize(
    ("knob", "status", "code"),
    [("fault_500", 500, 20500), ("fault_503", 503, 20503), ("fault_429", 429, 20429)],
)
def test_error_faults(
    sim: SimulatorHandle, client: Client, knob: str, status: int, code: int
) -> None:
    sim.configure(**{knob: 1.0})
    with pytest.raises(TwilioRestException) as raised:
        client.messages.create(to=TO, from_=FROM, body="x")
    assert (raised.value.status, raised.value.code) == (status, code)
    assert sim.messages() == ()  # an error answer means nothing was created


def test_injected_429_has_retry_after(sim: SimulatorHandle) -> None:
    sim.configure(fault_429=1.0, retry_after=3)
    response = httpx.get(
        f"{sim.url}/2010-04-01/Accounts/{sim.account_sid}/Messages.json",
        auth=(sim.account_sid, sim.auth_token),
    )
    assert response.status_code == 429 and response.headers["Retry-After"] == "3"
    body = response.json()
    assert set(body) >= {"code", "message", "more_info", "status"} and body["code"] == 20429


def test_fault_shares_are_roughly_honoured(sim: SimulatorHandle) -> None:
    sim.configure(fault_500=0.1, fault_503=0.1, fault_429=0.05, seed=11)
    url = f"{sim.url}/2010-04-01/Accounts/{sim.account_sid}/Messages.json"
    with httpx.Client(auth=(sim.account_sid, sim.auth_token)) as http:
        codes = [http.get(url).status_code for _ in range(400)]
    assert 20 <= codes.count(500) <= 60
    assert 20 <= codes.count(503) <= 60
    assert 5 <= codes.count(429) <= 40
    assert codes.count(200) == 400 - codes.count(500) - codes.count(503) - codes.count(429)


def test_dropped_connection_after_the_message_was_created(
    sim: SimulatorHandle, client: Client
) -> None:
    sim.configure(fault_drop=1.0)
    with pytest.raises(requests.exceptions.ConnectionError):
        client.messages.create(to=TO, from_=FROM, body="did it go?")
    (created,) = sim.messages()  # the send happened although the client got no answer
    assert created.body == "did it go?"
    sim.configure(fault_drop=0.0)
    assert [m.sid for m in client.messages.list(to=TO)] == [created.sid]  # findable for dedupe


def test_drop_never_hides_a_refusal(sim: SimulatorHandle, client: Client) -> None:
    sim.configure(fault_drop=1.0)
    with pytest.raises(TwilioRestException) as raised:
        client.messages.create(to="+15005550001", from_=FROM, body="x")
    assert raised.value.code == 21211


def test_slow_responses(sim: SimulatorHandle, client: Client) -> None:
    sim.configure(fault_slow=1.0, slow_seconds=0.4)
    start = time.monotonic()
    client.messages.create(to=TO, from_=FROM, body="x")
    assert time.monotonic() - start >= 0.4


def test_concurrency_limit(sim: SimulatorHandle) -> None:
    sim.configure(fault_slow=1.0, slow_seconds=0.5, api_concurrency=2)
    url = f"{sim.url}/2010-04-01/Accounts/{sim.account_sid}/Messages.json"
    auth = (sim.account_sid, sim.auth_token)
    import concurrent.futures

    with concurrent.futures.ThreadPoolExecutor(5) as pool:
        codes = list(pool.map(lambda _: httpx.get(url, auth=auth).status_code, range(5)))
    assert codes.count(429) >= 2 and codes.count(200) >= 1


def test_admin_endpoint_sets_knobs(sim: SimulatorHandle) -> None:
    auth = (sim.account_sid, sim.auth_token)
    response = httpx.post(f"{sim.url}/_simulator/config", json={"fault_500": 0.25}, auth=auth)
    assert response.status_code == 200 and response.json()["fault_500"] == 0.25
    assert sim.config.fault_500 == 0.25
    bad = httpx.post(f"{sim.url}/_simulator/config", json={"fault_5OO": 1}, auth=auth)
    assert bad.status_code == 400 and "fault_5OO" in bad.json()["message"]
    out_of_range = httpx.post(f"{sim.url}/_simulator/config", json={"fault_503": 2}, auth=auth)
    assert out_of_range.status_code == 400 and "fault_503" in out_of_range.json()["message"]


def test_admin_endpoints_are_not_faulted(sim: SimulatorHandle) -> None:
    sim.configure(fault_500=1.0)
    response = httpx.get(f"{sim.url}/_simulator/health", auth=(sim.account_sid, sim.auth_token))
    assert response.status_code == 200
