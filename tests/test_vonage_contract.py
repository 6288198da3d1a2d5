"""The simulator speaks Vonage: every answer is parsed by the real SDK's own models and matches the
shapes of the SDK's published example bodies (tests/fixtures/vonage, from its own tests).

Requests go through the real ``vonage`` SDK over real HTTP (VonageProvider's transport); the raw
bodies are read back from the SDK's ``http_client.last_response`` and compared key by key.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from vonage_account import GetCountryPricingRequest
from vonage_account.responses import Balance, GetPricingResponse
from vonage_http_client import Auth
from vonage_numbers import NumberParams, SearchAvailableNumbersFilter
from vonage_numbers.responses import AvailableNumber, NumbersStatus, OwnedNumber
from vonage_sms import SmsMessage
from vonage_sms.errors import SmsError
from vonage_sms.responses import SmsResponse

from smskit.providers import ProviderError
from smskit.providers.vonage import VonageProvider, VonageProviderError
from smskit.simulator import SimulatorHandle, start

FIXTURES = Path(__file__).parent / "fixtures" / "vonage"
FROM = "+15005550006"


def example(name: str) -> Any:
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


def same_shape(ours: Any, theirs: Any, where: str = "$") -> None:
    """Every key of the SDK's example is in ours with a value of the same JSON type."""
    if isinstance(theirs, dict):
        assert isinstance(ours, dict), where
        for key, value in theirs.items():
            if key in ("ranges", "voiceCallbackType", "voiceCallbackValue", "app_id"):
                continue  # optional fields of real accounts (number ranges, linked applications)
            assert key in ours, f"{where}.{key} missing"
            same_shape(ours[key], value, f"{where}.{key}")
    elif isinstance(theirs, list):
        assert isinstance(ours, list) and ours, where
        same_shape(ours[0], theirs[0], f"{where}[0]")
    else:
        assert type(ours) is type(theirs), f"{where}: {type(ours).__name__}"


@pytest.fixture(scope="module")
def sim() -> Iterator[SimulatorHandle]:
    with start(step_delay=0, rate_limits=False) as running:
        yield running


@pytest.fixture
def provider(sim: SimulatorHandle) -> VonageProvider:
    return VonageProvider.for_simulator(sim)


def last_body(provider: VonageProvider) -> Any:
    return provider.client.http_client.last_response.json()


def test_long_sms_answer_matches_the_sdk_example_and_model(provider: VonageProvider) -> None:
    message = SmsMessage(to="14155550123", from_="15005550006", text="x" * 200, client_ref="r1")
    parsed = provider.client.sms.send(message)
    body = last_body(provider)
    same_shape(body, example("send_long_sms.json"))
    assert isinstance(parsed, SmsResponse) and parsed.message_count == "2"
    assert {m.client_ref for m in parsed.messages} == {"r1"}
    assert len({m.message_id for m in parsed.messages}) == 2  # one id per part


def test_refusal_body_matches_the_sdk_example(provider: VonageProvider) -> None:
    with pytest.raises(SmsError, match="error code 7"):
        provider.client.sms.send(SmsMessage(to="15005550004", from_="15005550006", text="x"))
    same_shape(last_body(provider), example("send_sms_error.json"))


def test_account_and_pricing_match(provider: VonageProvider) -> None:
    balance = provider.client.account.get_balance()
    same_shape(last_body(provider), example("get_balance.json"))
    assert isinstance(balance, Balance) and balance.value > 0
    pricing = provider.client.account.get_country_pricing(
        GetCountryPricingRequest(country_code="GB")
    )
    same_shape(last_body(provider), example("get_country_pricing.json"))
    assert isinstance(pricing, GetPricingResponse) and pricing.networks


def test_numbers_match(provider: VonageProvider) -> None:
    search = SearchAvailableNumbersFilter(country="US", size=3)
    numbers, count, _next = provider.client.numbers.search_available_numbers(search)
    same_shape(last_body(provider), example("search_available_numbers_basic.json"))
    assert all(isinstance(n, AvailableNumber) for n in numbers) and count >= 3
    bought = provider.client.numbers.buy_number(
        NumberParams(country="US", msisdn=numbers[0].msisdn)
    )
    same_shape(last_body(provider), example("number.json"))
    assert isinstance(bought, NumbersStatus) and bought.error_code == "200"
    owned, _, _ = provider.client.numbers.list_owned_numbers()
    same_shape(last_body(provider), example("list_owned_numbers_basic.json"))
    assert numbers[0].msisdn in {n.msisdn for n in owned if isinstance(n, OwnedNumber)}
    # Buying it again: HTTP 420 with Vonage's error body, a clear error from smskit.
    with pytest.raises(ProviderError) as refused:
        provider.buy_number("+" + numbers[0].msisdn)
    assert refused.value.status == 420
    same_shape(provider.client.http_client.last_response.json(), example("no_number.json"))


@pytest.mark.parametrize(
    ("to", "code", "words"),
    [
        ("+15005550001", 100003, "not valid"),
        ("+15005550003", 100029, "demo account"),
        ("+15005550004", 100007, "barred"),
        ("+15005550009", 100006, "could not route"),
    ],
)
def test_magic_numbers_refuse_with_plain_words(
    provider: VonageProvider, to: str, code: int, words: str
) -> None:
    with pytest.raises(VonageProviderError) as refused:
        provider.send(to, "Hello", from_=FROM)
    assert refused.value.code == code and not refused.value.retryable
    assert words in str(refused.value)
    assert refused.value.meaning.render("id") != str(refused.value)  # Indonesian exists


def test_wrong_secret_is_401_or_status_4_and_never_logged(
    sim: SimulatorHandle, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    bad = VonageProvider.for_url(sim.url, sim.vonage_api_key, "Wrong0secret0xx")
    with pytest.raises(VonageProviderError) as on_rest:
        bad.account()
    assert on_rest.value.status == 401 and "key or secret is wrong" in str(on_rest.value)
    with pytest.raises(VonageProviderError) as on_send:
        bad.send("+14155550100", "x", from_=FROM)
    assert on_send.value.code == 100004
    good = VonageProvider.for_simulator(sim)
    good.send("+14155550100", "logged?", from_=FROM)
    assert sim.vonage_api_secret not in caplog.text  # the SDK's DEBUG lines print headers/forms
    assert "Wrong0secret0xx" not in caplog.text


def test_injected_faults_have_vonage_bodies(sim: SimulatorHandle) -> None:
    sim.configure(fault_503=1.0)
    try:
        answer = requests.get(
            f"{sim.url}/account/get-balance",
            auth=(sim.vonage_api_key, sim.vonage_api_secret),
            timeout=5,
        )
    finally:
        sim.configure(fault_503=0.0)
    assert answer.status_code == 503
    assert set(answer.json()) == {"type", "title", "detail", "instance"}


def test_signed_request_auth_is_checked_by_the_simulator(sim: SimulatorHandle) -> None:
    """A send signed with the signature secret instead of the API secret (SDK's sign_params)."""
    from vonage import HttpClientOptions, Vonage

    host = sim.url.split("://")[1]
    for secret, status in ((sim.vonage_signature_secret, "0"), ("x" * 32, "14")):
        auth = Auth(api_key=sim.vonage_api_key, signature_secret=secret, signature_method="sha256")
        client = Vonage(auth, HttpClientOptions(api_host=host, rest_host=host))
        params = {"to": "14155550100", "from": "15005550006", "text": "signed"}
        params["api_key"] = sim.vonage_api_key
        params["sig"] = auth.sign_params(params)
        answer = requests.post(f"{sim.url}/sms/json", data=params, timeout=5).json()
        assert answer["messages"][0]["status"] == status
        assert client.http_client.rest_host == host


def test_fields_over_vonage_limits_are_refused_before_any_request(
    provider: VonageProvider, sim: SimulatorHandle
) -> None:
    from smskit.i18n.catalog import LocalizedError

    before = len(sim.messages())
    with pytest.raises(LocalizedError, match="client-ref: at most 100"):
        provider.send("+14155550100", "x", from_=FROM, client_ref="r" * 101)
    with pytest.raises(LocalizedError, match="callback URL"):
        provider.send("+14155550100", "x", from_=FROM, status_callback="https://x/" + "a" * 100)
    with pytest.raises(LocalizedError, match="cannot schedule"):
        from datetime import UTC, datetime

        provider.send("+14155550100", "x", from_=FROM, send_at=datetime.now(UTC))
    assert len(sim.messages()) == before


# -- the Reports API: no SDK models, so Vonage's published example is the contract -------------


def nullable_shape(ours: Any, theirs: Any, where: str = "$") -> None:
    """As :func:`same_shape`, where the example's null means "a string, or null"."""
    if theirs is None:
        assert ours is None or isinstance(ours, str), where
    elif isinstance(theirs, dict):
        assert isinstance(ours, dict), where
        for key, value in theirs.items():
            assert key in ours, f"{where}.{key} missing"
            nullable_shape(ours[key], value, f"{where}.{key}")
    elif isinstance(theirs, list):
        assert isinstance(ours, list) and ours, where
        for item in ours:
            nullable_shape(item, theirs[0], f"{where}[]")
    else:
        assert type(ours) is type(theirs), f"{where}: {type(ours).__name__}"


def test_report_records_match_vonages_published_example(
    sim: SimulatorHandle, provider: VonageProvider
) -> None:
    from datetime import UTC, datetime, timedelta

    from smskit.providers.vonage_convert import group_records

    published = example("reports_records_sync_dates.json")
    since = datetime.now(UTC) - timedelta(minutes=5)
    sent = provider.send("+447700900123", "z" * 200, from_=FROM, client_ref="report-contract")
    for part in [m for m in sim.messages() if m.client_ref == "report-contract"]:
        sim.wait_for(part.sid)
    http = provider.client.http_client
    params = {"account_id": sim.vonage_api_key, "product": "SMS", "direction": "outbound"}
    params |= {"date_start": since.strftime("%Y-%m-%dT%H:%M:%SZ"), "status": "delivered"}
    body = http.get(http.api_host, "/v2/reports/records", params, "basic")
    nullable_shape(body, published)
    ours = [r for r in body["records"] if r["client_ref"] == "report-contract"]
    assert len(ours) == 2 and {r["error_code_description"] for r in ours} == {"Delivered"}
    assert all(r["country_name"] == "United Kingdom" for r in ours)
    assert body["status"] == "delivered" and body["items_count"] == len(body["records"])
    # A message id lookup names the ids it did not find, as Vonage's "by UUID" example does.
    missing = http.get(
        http.api_host,
        "/v2/reports/records",
        {**params, "id": f"{sent.sid},0FFFFFFFFFFFFFFF"} | {"date_start": None, "status": None},
        "basic",
    )
    assert missing["ids_not_found"] == "0FFFFFFFFFFFFFFF" and missing["items_count"] == 1
    # And smskit reads Vonage's own example: null client-ref, "+0000" dates, error code "0".
    [record] = group_records(published["records"])
    assert (record.sid, record.status, record.to) == (
        "12000000E506AC66",
        "delivered",
        "+447700123456",
    )
    assert record.date_updated == datetime(2020, 6, 4, 12, 21, 37, tzinfo=UTC)
    assert record.error_code is None and str(record.price) == "0.03330000"
