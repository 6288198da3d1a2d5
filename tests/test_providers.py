"""TwilioProvider through the real twilio client against the simulator: sends, retries, refusals."""

from __future__ import annotations

import itertools
import random
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest

from smskit import simulator as sim
from smskit.providers import (
    MessageRecord,
    Provider,
    ProviderError,
    SentMessage,
    error_meaning,
    later_status,
)
from smskit.providers.retry import Backoff, is_retryable, parse_retry_after
from smskit.providers.twilio import TwilioProvider, http_client, rewrite_url

FROM = "+15005550006"  # Twilio's valid test-credential sender, owned by the simulator


@pytest.fixture(scope="module")
def handle() -> Iterator[Any]:
    with sim.start(step_delay=0.0, rate_limits=False, seed=7) as running:
        yield running


@pytest.fixture(autouse=True)
def no_faults(handle: Any) -> Iterator[None]:
    yield
    handle.configure(fault_500=0.0, fault_503=0.0, fault_429=0.0, fault_drop=0.0)


class Sleeps:
    """Records each backoff delay instead of waiting; can run an action on the n-th sleep."""

    def __init__(self, action: Any = None) -> None:
        self.delays: list[float] = []
        self.action = action

    def __call__(self, seconds: float) -> None:
        self.delays.append(seconds)
        if self.action is not None:
            self.action(len(self.delays))


def provider_for(handle: Any, sleeps: Sleeps | None = None, attempts: int = 6) -> TwilioProvider:
    return TwilioProvider.for_simulator(
        handle,
        backoff=Backoff(base=0.001, cap=0.01, max_attempts=attempts),
        sleep=sleeps or Sleeps(),
        rng=random.Random(1),
    )


_recipients = itertools.count(1)


def unique_to() -> str:
    """A fresh recipient per test, so the simulator's shared state never mixes tests."""
    return f"+1415555{next(_recipients):04d}"


# -- one code path --


def test_uses_the_real_twilio_client_and_http_client(handle: Any) -> None:
    from twilio.http.http_client import TwilioHttpClient
    from twilio.rest import Client

    provider = provider_for(handle)
    assert isinstance(provider.client, Client)
    assert isinstance(provider.client.http_client, TwilioHttpClient)
    assert isinstance(provider, Provider)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (
            "https://api.twilio.com/2010-04-01/Accounts/AC1/Messages.json",
            "http://h:1/2010-04-01/Accounts/AC1/Messages.json",
        ),
        (
            "https://pricing.twilio.com/v1/Messaging/Countries/US",
            "http://h:1/v1/Messaging/Countries/US",
        ),
        ("https://api.dublin.ie1.twilio.com/x", "http://h:1/x"),
        ("https://example.com/twilio.com/x", "https://example.com/twilio.com/x"),
        ("https://eviltwilio.com/x", "https://eviltwilio.com/x"),
    ],
)
def test_only_twilio_hosts_are_rewritten(url: str, expected: str) -> None:
    assert rewrite_url(url, "http://h:1") == expected


def test_cloud_client_keeps_twilio_urls() -> None:
    assert http_client(None).base_url is None


# -- messages --


def test_send_returns_a_frozen_record_with_segments_from_the_body(handle: Any) -> None:
    to = unique_to()
    sent = provider_for(handle).send(to, "a" * 161, from_=FROM)  # 161 GSM-7 chars: 2 segments
    assert isinstance(sent, SentMessage)
    assert sent.sid.startswith("SM") and len(sent.sid) == 34
    assert (sent.to, sent.from_, sent.num_segments, sent.attempts) == (to, FROM, 2, 1)
    assert sent.status in {"queued", "accepted"}
    with pytest.raises(AttributeError):
        sent.status = "delivered"  # type: ignore[misc]


def test_fetch_follows_the_lifecycle_and_prices_per_segment(handle: Any) -> None:
    provider = provider_for(handle)
    sent = provider.send(unique_to(), "ж" * 71, from_=FROM)  # UCS-2, 71 > 70: 2 segments
    handle.wait_for(sent.sid)
    record = provider.fetch(sent.sid)
    assert record.status == "delivered"
    assert record.num_segments == 2
    assert record.price is not None and record.price < 0  # Twilio reports charges as negatives
    us = provider.messaging_prices("US").outbound_sms_price
    assert abs(record.price) == 2 * us
    assert record.date_sent is not None and record.date_sent.tzinfo is not None


def test_list_filters_by_to_from_and_date_sent(handle: Any) -> None:
    provider = provider_for(handle)
    to = unique_to()
    sids = {provider.send(to, f"n{i}", from_=FROM).sid for i in range(3)}
    provider.send(unique_to(), "other", from_=FROM)
    for sid in sids:
        handle.wait_for(sid)
    listed = provider.list_messages(to=to, from_=FROM)
    assert {m.sid for m in listed} == sids
    assert all(isinstance(m, MessageRecord) for m in listed)
    future = datetime.now(UTC) + timedelta(days=2)
    assert provider.list_messages(to=to, sent_after=future) == ()


def test_list_follows_pages(handle: Any) -> None:
    provider = provider_for(handle)
    to = unique_to()
    for i in range(7):
        provider.send(to, f"page {i}", from_=FROM)
    records = provider.client.messages.list(to=to, page_size=3)  # 3 pages through the library
    assert len(records) == 7
    assert len(provider.list_messages(to=to, limit=5)) == 5


def test_send_needs_a_sender(handle: Any) -> None:
    with pytest.raises(ValueError, match="From number or a Messaging Service"):
        provider_for(handle).send(unique_to(), "hi")


# -- refusals are never retried --


@pytest.mark.parametrize(
    ("to", "code"),
    [
        ("+15005550001", 21211),
        ("+15005550002", 21612),
        ("+15005550003", 21408),
        ("+15005550004", 21610),
        ("+15005550009", 21614),
    ],
)
def test_refusals_are_final_with_their_code(handle: Any, to: str, code: int) -> None:
    sleeps = Sleeps()
    with pytest.raises(ProviderError) as caught:
        provider_for(handle, sleeps).send(to, "hi", from_=FROM)
    assert (caught.value.status, caught.value.code) == (400, code)
    assert not caught.value.retryable
    assert sleeps.delays == []  # not retried
    assert str(code) in str(caught.value)


def test_opted_out_recipient_gets_21610_without_retry(handle: Any) -> None:
    to = unique_to()
    handle.inject_inbound(to, FROM, "STOP")
    sleeps = Sleeps()
    with pytest.raises(ProviderError) as caught:
        provider_for(handle, sleeps).send(to, "promo", from_=FROM)
    assert caught.value.code == 21610 and sleeps.delays == []
    assert handle.messages(to=to, direction="outbound-api") == ()


def test_body_over_1600_characters_is_21617(handle: Any) -> None:
    with pytest.raises(ProviderError) as caught:
        provider_for(handle).send(unique_to(), "x" * 1601, from_=FROM)
    assert caught.value.code == 21617


# -- retries: 429 with Retry-After, 5xx, dropped connections --


def test_429_honours_retry_after_then_succeeds(handle: Any) -> None:
    handle.configure(fault_429=1.0, retry_after=2)
    sleeps = Sleeps(lambda n: handle.configure(fault_429=0.0))
    to = unique_to()
    sent = provider_for(handle, sleeps).send(to, "busy", from_=FROM)
    assert (
        sleeps.delays[0] >= 2.0
    )  # at least what Retry-After asked, though the backoff cap is 0.01
    assert sent.attempts == 2
    assert len(handle.messages(to=to)) == 1


@pytest.mark.parametrize("knob", ["fault_500", "fault_503"])
def test_5xx_is_retried_and_creates_exactly_one_message(handle: Any, knob: str) -> None:
    handle.configure(**{knob: 1.0})
    sleeps = Sleeps(lambda n: n == 2 and handle.configure(**{knob: 0.0}))
    to = unique_to()
    sent = provider_for(handle, sleeps).send(to, "retry me", from_=FROM)
    assert len(handle.messages(to=to)) == 1
    assert handle.messages(to=to)[0].sid == sent.sid


def test_dropped_connection_adopts_the_created_message(handle: Any) -> None:
    handle.configure(fault_drop=1.0)
    sleeps = Sleeps(lambda n: handle.configure(fault_drop=0.0))
    to = unique_to()
    sent = provider_for(handle, sleeps).send(to, "exactly once", from_=FROM)
    assert sent.recovered
    created = handle.messages(to=to)
    assert [m.sid for m in created] == [sent.sid]


def test_same_body_twice_is_two_messages_even_after_a_drop(handle: Any) -> None:
    provider = provider_for(handle, Sleeps(lambda n: handle.configure(fault_drop=0.0)))
    to = unique_to()
    first = provider.send(to, "same text", from_=FROM)
    handle.configure(fault_drop=1.0)
    second = provider.send(to, "same text", from_=FROM)  # the first must not be adopted
    assert second.sid != first.sid
    assert len(handle.messages(to=to)) == 2


def test_gives_up_after_max_attempts_with_the_last_code(handle: Any) -> None:
    handle.configure(fault_500=1.0)
    sleeps = Sleeps()
    to = unique_to()
    with pytest.raises(ProviderError) as caught:
        provider_for(handle, sleeps, attempts=3).send(to, "doomed", from_=FROM)
    assert caught.value.status == 500 and caught.value.code is not None
    assert len(sleeps.delays) == 3  # a wait before each check for a created message
    handle.configure(fault_500=0.0)
    assert handle.messages(to=to) == ()


def test_reads_are_retried_too(handle: Any) -> None:
    handle.configure(fault_503=1.0)
    sleeps = Sleeps(lambda n: handle.configure(fault_503=0.0))
    assert provider_for(handle, sleeps).my_numbers()
    assert len(sleeps.delays) == 1


# -- numbers and prices --


def test_search_and_buy_a_number(handle: Any) -> None:
    provider = provider_for(handle)
    found = provider.search_numbers("US", area_code="212", number_type="local", limit=5)
    assert found and all(n.phone_number.startswith("+1212") for n in found)
    bought = provider.buy_number(found[0].phone_number)
    assert bought.sid.startswith("PN")
    assert bought.phone_number in {n.phone_number for n in provider.my_numbers()}
    again = provider.search_numbers("US", area_code="212", limit=50)
    assert bought.phone_number not in {n.phone_number for n in again}


def test_search_rejects_bad_input_before_any_request(handle: Any) -> None:
    provider = provider_for(handle)
    with pytest.raises(ValueError, match="number type"):
        provider.search_numbers("US", number_type="satellite")
    with pytest.raises(ValueError, match="Area code"):
        provider.search_numbers("US", area_code="41a")


def test_messaging_prices_are_decimals_per_segment(handle: Any) -> None:
    price = provider_for(handle).messaging_prices("us")
    assert price.country == "US" and price.currency == "USD"
    assert isinstance(price.outbound_sms_price, Decimal) and price.outbound_sms_price > 0
    assert dict(price.outbound_by_number_type)  # per number type, highest over carriers


# -- pure pieces --


def test_backoff_is_exponential_capped_and_jittered() -> None:
    backoff = Backoff(base=0.5, factor=2, cap=4)
    assert [backoff.ceiling(n) for n in range(1, 6)] == [0.5, 1.0, 2.0, 4, 4]
    rng = random.Random(3)
    delays = [backoff.delay(3, rng=rng) for _ in range(200)]
    assert all(0 <= d <= 2.0 for d in delays)
    assert len({round(d, 6) for d in delays}) > 100  # jitter spreads retries


def test_retry_after_is_a_floor() -> None:
    assert Backoff(base=0.001).delay(1, retry_after=3.0) == 3.0
    assert parse_retry_after("120") == 120.0
    assert parse_retry_after("") is None


@pytest.mark.parametrize(
    ("status", "retry"),
    [(None, True), (429, True), (500, True), (503, True), (400, False), (401, False), (404, False)],
)
def test_retryable_statuses(status: int | None, retry: bool) -> None:
    assert is_retryable(status) is retry
    assert ProviderError(status=status).retryable is retry


def test_status_never_regresses() -> None:
    assert later_status("delivered", "sent") == "delivered"
    assert later_status("sent", "undelivered") == "undelivered"
    assert later_status("queued", "sending") == "sending"
    assert later_status("failed", "delivered") == "failed"


def test_every_refusal_has_a_plain_meaning() -> None:
    for code in (20003, 21211, 21408, 21608, 21610, 21612, 21614, 21617, 30001, 30003, 30007):
        assert str(code) in error_meaning(code)
    assert "trial" in error_meaning(21608).lower()


def test_price_table_can_be_refreshed_from_the_provider(handle: Any) -> None:
    from smskit.senders.price_table import PriceTable

    provider = provider_for(handle)
    table = PriceTable.from_provider(provider, ["US", "GB"])
    assert table.price("US").price_per_segment == provider.messaging_prices("US").outbound_sms_price
    assert table.price("GB").currency == "USD"


# -- scheduling, validity period and trial accounts -----------------------------------------------

SERVICE = "MG" + "0123456789abcdef" * 2


def test_scheduled_send_needs_a_service_and_the_window(handle: Any) -> None:
    provider = provider_for(handle)
    when = datetime.now(UTC) + timedelta(minutes=10)
    sent = provider.send(unique_to(), "Later", messaging_service_sid=SERVICE, send_at=when)
    assert sent.status == "scheduled" and sent.messaging_service_sid == SERVICE
    with pytest.raises(ProviderError) as no_service:
        provider.send(unique_to(), "Later", from_=FROM, send_at=when)
    assert no_service.value.code == 35118 and "Messaging Service" in str(no_service.value)
    with pytest.raises(ProviderError) as too_soon:
        provider.send(unique_to(), "Now-ish", messaging_service_sid=SERVICE,
                      send_at=datetime.now(UTC) + timedelta(minutes=1))  # fmt: skip
    assert too_soon.value.code == 35115


def test_validity_period_reaches_twilio(handle: Any) -> None:
    sent = provider_for(handle).send(unique_to(), "Soon", from_=FROM, validity_period=600)
    assert handle.message(sent.sid).validity_period == 600


def test_trial_account_limits(handle: Any) -> None:
    from smskit.providers.credentials import check_connection

    verified = unique_to()
    handle.configure(trial=True, verified_numbers=[verified])
    try:
        provider = provider_for(handle)
        assert check_connection(provider).kind == "trial"
        with pytest.raises(ProviderError) as caught:
            provider.send(unique_to(), "Hi", from_=FROM)
        assert caught.value.code == 21608 and "verified" in str(caught.value)
        sent = provider.send(verified, "Hi", from_=FROM)
        assert sent.body.startswith("Sent from your Twilio trial account")
    finally:
        handle.configure(trial=False)


def test_monthly_price_of_a_number_for_the_purchase_confirmation(handle: Any) -> None:
    from smskit.providers import monthly_price

    provider = provider_for(handle)
    local = provider.search_numbers("US", number_type="local", limit=1)[0]
    toll_free = provider.search_numbers("US", number_type="toll_free", limit=1)[0]
    local_price, toll_free_price = (
        monthly_price(provider, local),
        monthly_price(provider, toll_free),
    )
    assert local_price is not None and toll_free_price is not None
    assert local_price.currency == "USD" and local_price.monthly_price > 0
    assert toll_free_price.monthly_price > local_price.monthly_price  # toll-free rents for more


# -- canceling a scheduled message (POST Messages/{Sid}.json Status=canceled) ----------------------


def _held(provider: TwilioProvider) -> Any:
    when = datetime.now(UTC) + timedelta(hours=1)
    return provider.send(unique_to(), "Held", messaging_service_sid=SERVICE, send_at=when)


def test_cancel_stops_a_scheduled_message(handle: Any) -> None:
    provider = provider_for(handle)
    held = _held(provider)
    canceled = provider.cancel(held.sid)
    assert (canceled.sid, canceled.status) == (held.sid, "canceled")
    assert handle.message(held.sid).status == "canceled"
    assert provider.fetch(held.sid).status == "canceled"


def test_cancel_is_retried_on_429_and_5xx_and_cancels_once(handle: Any) -> None:
    held = _held(provider_for(handle))
    handle.configure(fault_503=1.0)
    sleeps = Sleeps(lambda n: n == 2 and handle.configure(fault_503=0.0))
    assert provider_for(handle, sleeps).cancel(held.sid).status == "canceled"
    assert len(sleeps.delays) == 2
    handle.configure(fault_429=1.0, retry_after=1)
    again = Sleeps(lambda n: handle.configure(fault_429=0.0))
    # canceling again is harmless: the message is already canceled, not an error
    assert provider_for(handle, again).cancel(held.sid).status == "canceled"
    assert again.delays[0] >= 1.0


def test_a_message_no_longer_scheduled_cannot_be_canceled_30409(handle: Any) -> None:
    provider = provider_for(handle)
    sent = provider.send(unique_to(), "Now", from_=FROM)
    sleeps = Sleeps()
    with pytest.raises(ProviderError) as caught:
        provider_for(handle, sleeps).cancel(sent.sid)
    assert caught.value.code == 30409 and not caught.value.retryable
    assert "30409" in str(caught.value) and "scheduled" in str(caught.value)
    assert sleeps.delays == []  # a refusal is not retried
    assert handle.message(sent.sid).status != "canceled"


def test_cancel_of_an_unknown_sid_is_20404(handle: Any) -> None:
    with pytest.raises(ProviderError) as caught:
        provider_for(handle).cancel("SM" + "f" * 32)
    assert (caught.value.status, caught.value.code) == (404, 20404)
