"""Phone numbers, Pricing v1 and the Account resource through the real twilio client."""

from __future__ import annotations

import httpx
import pytest
from twilio.base.exceptions import TwilioException, TwilioRestException
from twilio.rest import Client

from smskit.senders.price_table import default_prices
from smskit.simulator import SimulatorHandle


def test_search_local_numbers_by_area_code(client: Client) -> None:
    found = client.available_phone_numbers("US").local.list(area_code="212", limit=5)
    assert len(found) == 5
    assert all(n.phone_number.startswith("+1212") for n in found)
    assert found[0].iso_country == "US" and found[0].capabilities["sms"] is True
    assert found[0].friendly_name == "(212) 555-0100"


def test_search_contains_with_wildcards_and_letters(client: Client) -> None:
    found = client.available_phone_numbers("US").local.list(contains="555*199", limit=10)
    assert {n.phone_number for n in found} == {
        "+14155550199", "+12125550199", "+13125550199", "+12065550199",
    }  # fmt: skip


def test_search_toll_free_and_mobile(client: Client) -> None:
    toll_free = client.available_phone_numbers("US").toll_free.list(limit=3)
    assert all(n.phone_number[2:5] in {"800", "888"} for n in toll_free)
    mobile = client.available_phone_numbers("GB").mobile.list(limit=2)
    assert all(n.phone_number.startswith("+447700900") for n in mobile)
    assert client.available_phone_numbers("US").mobile.list(limit=2) == []


def test_unknown_country_is_404(client: Client) -> None:
    with pytest.raises(TwilioException, match="20404"):  # a non-200 page: TwilioException
        client.available_phone_numbers("ZZ").local.list(limit=1)


def test_buy_list_update_and_release(client: Client, sim: SimulatorHandle) -> None:
    bought = client.incoming_phone_numbers.create(phone_number="+12125550100")
    assert bought.sid.startswith("PN") and bought.phone_number == "+12125550100"
    numbers = {n.phone_number for n in client.incoming_phone_numbers.list()}
    assert numbers == {"+15005550006", "+12125550100"}
    assert "+12125550100" not in {
        n.phone_number for n in client.available_phone_numbers("US").local.list(area_code="212")
    }
    with pytest.raises(TwilioRestException) as raised:
        client.incoming_phone_numbers.create(phone_number="+12125550100")
    assert raised.value.code == 21422
    updated = client.incoming_phone_numbers(bought.sid).update(sms_url="https://example.com/in")
    assert updated.sms_url == "https://example.com/in"
    # a bought number can send at once
    assert (
        client.messages.create(to="+14155550100", from_="+12125550100", body="x").status == "queued"
    )
    assert client.incoming_phone_numbers(bought.sid).delete() is True
    assert len(client.incoming_phone_numbers.list(phone_number="+12125550100")) == 0


def test_buy_by_area_code(client: Client) -> None:
    bought = client.incoming_phone_numbers.create(area_code="312")
    assert bought.phone_number.startswith("+1312")
    with pytest.raises(TwilioRestException) as raised:
        client.incoming_phone_numbers.create(area_code="999")
    assert raised.value.code == 21452


def test_buying_a_number_not_for_sale_is_refused(client: Client) -> None:
    with pytest.raises(TwilioRestException) as raised:
        client.incoming_phone_numbers.create(phone_number="+14155551234")
    assert raised.value.code == 21421


def test_messaging_prices_are_smskits(client: Client) -> None:
    table = default_prices()
    us = client.pricing.v1.messaging.countries("US").fetch()
    assert us.iso_country == "US" and us.price_unit == "USD"
    prices = {p["number_type"]: p["current_price"] for p in us.outbound_sms_prices[0]["prices"]}
    assert prices["local"] == str(table.price("US").price_per_segment)
    gb = client.pricing.v1.messaging.countries("GB").fetch()
    assert gb.outbound_sms_prices[0]["prices"][0]["current_price"] == str(
        table.price("GB").price_per_segment
    )


def test_pricing_country_list_pages_through_meta(client: Client) -> None:
    listed = client.pricing.v1.messaging.countries.list(page_size=7)
    assert {c.iso_country for c in listed} == {p.country for p in default_prices().prices}


def test_unknown_pricing_country_is_404(client: Client) -> None:
    with pytest.raises(TwilioRestException) as raised:
        client.pricing.v1.messaging.countries("ZZ").fetch()
    assert raised.value.status == 404


def test_number_rental_prices(client: Client) -> None:
    us = client.pricing.v1.phone_numbers.countries("US").fetch()
    prices = {p["number_type"]: p["current_price"] for p in us.phone_number_prices}
    assert prices["local"] == "1.15" and prices["toll free"] == "2.15"  # facts B6


def test_account_fetch_and_trial_mode(sim: SimulatorHandle, client: Client) -> None:
    account = client.api.v2010.account.fetch()
    assert (account.sid, account.type, account.status) == (sim.account_sid, "Full", "active")
    assert account.auth_token is None  # the simulator never echoes a secret
    sim.configure(trial=True, verified_numbers=["+14155550100"])
    assert client.api.v2010.account.fetch().type == "Trial"
    with pytest.raises(TwilioRestException) as raised:
        client.messages.create(to="+14155550111", from_="+15005550006", body="hi")
    assert raised.value.code == 21608
    sent = client.messages.create(to="+14155550100", from_="+15005550006", body="hi")
    assert sent.body == "Sent from your Twilio trial account - hi"


def test_unknown_route_is_a_twilio_404(sim: SimulatorHandle) -> None:
    response = httpx.get(
        f"{sim.url}/2010-04-01/Nothing.json", auth=(sim.account_sid, sim.auth_token)
    )
    assert response.status_code == 404
    assert set(response.json()) == {"code", "message", "more_info", "status"}
