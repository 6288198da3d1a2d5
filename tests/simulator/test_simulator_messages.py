"""Messages create / fetch / list through the REAL twilio client (issue 5 §2, facts B2/B4)."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import httpx
import pytest
from twilio.base.exceptions import TwilioRestException
from twilio.rest import Client

from smskit import analyze
from smskit.senders.price_table import default_prices
from smskit.simulator import SimulatorHandle

FROM = "+15005550006"  # Twilio's valid test-credential sender
TO = "+14155550100"
US_PRICE = default_prices().price("US").price_per_segment


def _create(client: Client, body: str = "hello", to: str = TO, **kwargs: object) -> object:
    return client.messages.create(to=to, from_=FROM, body=body, **kwargs)


def test_create_answers_queued_with_twilio_types(client: Client) -> None:
    message = _create(client)
    assert re.fullmatch(r"SM[0-9a-f]{32}", message.sid)
    assert message.status == "queued"  # no Messaging Service: queued (facts B2)
    assert message.direction == "outbound-api"
    assert message.num_segments == "1" and message.num_media == "0"  # strings, as Twilio's JSON
    assert message.error_code is None and message.price is None  # priced once sent
    assert message.api_version == "2010-04-01"
    assert message.uri == f"/2010-04-01/Accounts/{message.account_sid}/Messages/{message.sid}.json"
    assert isinstance(message.date_created, datetime)  # the client parsed an RFC 2822 date


def test_raw_json_has_rfc2822_dates_and_string_counts(sim: SimulatorHandle) -> None:
    response = httpx.post(
        f"{sim.url}/2010-04-01/Accounts/{sim.account_sid}/Messages.json",
        data={"To": TO, "From": FROM, "Body": "hi"},
        auth=(sim.account_sid, sim.auth_token),
    )
    assert response.status_code == 201
    body = response.json()
    assert re.fullmatch(r"\w{3}, \d{2} \w{3} \d{4} \d{2}:\d{2}:\d{2} \+0000", body["date_created"])
    assert body["num_segments"] == "1" and body["error_code"] is None
    assert set(body["subresource_uris"]) == {"media", "feedback"}


@pytest.mark.parametrize(
    "body", ["hello", "x" * 161, "€" * 80, "Hi 👋🏽 " * 12, "ç" * 71, "Merci “beaucoup”"]
)
def test_num_segments_and_price_follow_smskit_analyze(
    sim: SimulatorHandle, client: Client, body: str
) -> None:
    segments = analyze(body).segment_count
    sid = _create(client, body).sid
    sim.wait_for(sid)
    fetched = client.messages(sid).fetch()
    assert fetched.num_segments == str(segments)
    # price = segments x the country price, negative string with 5 decimals (e.g. "-0.00830")
    assert fetched.price == f"{-(US_PRICE * segments):.5f}"
    assert fetched.price_unit == "USD"


def test_smart_encoded_changes_the_segment_count(client: Client) -> None:
    body = "“Quote” " * 20  # UCS-2 as is; GSM-7 after Smart Encoding
    plain = _create(client, body)
    smart = _create(client, body, smart_encoded=True)
    assert plain.num_segments == str(analyze(body).segment_count)
    assert smart.num_segments == str(analyze(body, smart_encoding=True).segment_count)
    assert int(smart.num_segments) < int(plain.num_segments)


def test_fetch_unknown_message_is_404_20404(client: Client) -> None:
    with pytest.raises(TwilioRestException) as raised:
        client.messages("SM" + "0" * 32).fetch()
    assert (raised.value.status, raised.value.code) == (404, 20404)


def test_wrong_token_is_401_20003(sim: SimulatorHandle, make_client: Callable[..., Client]) -> None:
    bad = make_client(sim, password="0" * 32)
    with pytest.raises(TwilioRestException) as raised:
        _create(bad)
    assert (raised.value.status, raised.value.code) == (401, 20003)
    assert sim.messages() == ()


def test_api_key_and_secret_authenticate(
    sim: SimulatorHandle, make_client: Callable[..., Client]
) -> None:
    keyed = make_client(sim, sim.api_key_sid, sim.api_key_secret)
    assert keyed.messages.create(to=TO, from_=FROM, body="via API key").status == "queued"
    wrong = make_client(sim, sim.api_key_sid, "not-the-secret")
    with pytest.raises(TwilioRestException) as raised:
        wrong.messages.create(to=TO, from_=FROM, body="x")
    assert raised.value.code == 20003


def test_other_accounts_path_is_refused(sim: SimulatorHandle) -> None:
    other = "AC" + "1" * 32
    response = httpx.get(
        f"{sim.url}/2010-04-01/Accounts/{other}/Messages.json",
        auth=(sim.account_sid, sim.auth_token),
    )
    assert response.status_code == 401 and response.json()["code"] == 20003


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
def test_magic_to_numbers(client: Client, sim: SimulatorHandle, to: str, code: int) -> None:
    with pytest.raises(TwilioRestException) as raised:
        _create(client, to=to)
    assert (raised.value.status, raised.value.code) == (400, code)
    assert sim.messages() == ()  # refused sends leave no message


def test_body_limit_is_1600_characters(client: Client) -> None:
    assert _create(client, "a" * 1600).status == "queued"
    with pytest.raises(TwilioRestException) as raised:
        _create(client, "a" * 1601)
    assert raised.value.code == 21617


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"From": FROM, "Body": "x"}, 21604),
        ({"To": TO, "Body": "x"}, 21603),
        ({"To": TO, "From": FROM}, 21602),
        ({"To": "+1415", "From": FROM, "Body": "x"}, 21211),
        ({"To": TO, "From": "+14155550199", "Body": "x"}, 21606),  # not a number of the account
        ({"To": TO, "From": "ACME", "Body": "x"}, 21612),  # alphanumeric senders can't reach the US
        ({"To": TO, "From": FROM, "Body": "x", "ValidityPeriod": "36001"}, 21624),
    ],
)
def test_refusals(sim: SimulatorHandle, fields: dict[str, str], code: int) -> None:
    response = httpx.post(
        f"{sim.url}/2010-04-01/Accounts/{sim.account_sid}/Messages.json",
        data=fields,
        auth=(sim.account_sid, sim.auth_token),
    )
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == code and body["status"] == 400
    assert body["more_info"] == f"https://www.twilio.com/docs/errors/{code}"
    assert body["message"]


def test_alphanumeric_sender_reaches_a_country_that_supports_it(client: Client) -> None:
    message = client.messages.create(to="+442079460123", from_="ACME", body="hi")
    assert message.from_ == "ACME"


def test_list_filters_by_to_and_from(sim: SimulatorHandle, client: Client) -> None:
    sim.add_number("+18005550100")
    _create(client, to="+14155550101")
    _create(client, to="+14155550102")
    client.messages.create(to="+14155550101", from_="+18005550100", body="toll-free")
    assert len(client.messages.list(to="+14155550101")) == 2
    assert [m.body for m in client.messages.list(from_="+18005550100")] == ["toll-free"]
    assert len(client.messages.list(to="+14155550101", from_=FROM)) == 1


def test_list_is_newest_first(client: Client) -> None:
    sids = [_create(client, f"n{i}").sid for i in range(3)]
    assert [m.sid for m in client.messages.list()] == sids[::-1]


def test_date_sent_filters(sim: SimulatorHandle, client: Client) -> None:
    sid = _create(client).sid
    sent = sim.wait_for(sid).date_sent
    assert sent is not None
    today, tomorrow, yesterday = sent.date(), sent.date() + timedelta(1), sent.date() - timedelta(1)
    as_dt = lambda d: datetime(d.year, d.month, d.day, tzinfo=UTC)  # noqa: E731
    raw = lambda **q: httpx.get(  # noqa: E731
        f"{sim.url}/2010-04-01/Accounts/{sim.account_sid}/Messages.json",
        params=q,
        auth=(sim.account_sid, sim.auth_token),
    ).json()["messages"]
    assert len(raw(DateSent=today.isoformat())) == 1
    assert raw(DateSent=yesterday.isoformat()) == []
    assert len(raw(**{"DateSent<": today.isoformat()})) == 1  # DateSent<=day: on or before
    assert raw(**{"DateSent<": yesterday.isoformat()}) == []
    assert len(raw(**{"DateSent>": today.isoformat()})) == 1  # DateSent>=day: on or after
    assert raw(**{"DateSent>": tomorrow.isoformat()}) == []
    # The twilio client sends timestamps (date_sent_after -> DateSent>=YYYY-MM-DDTHH:MM:SSZ).
    assert len(client.messages.list(date_sent_after=as_dt(today))) == 1
    assert client.messages.list(date_sent_after=as_dt(tomorrow)) == []
    assert len(client.messages.list(date_sent_before=as_dt(tomorrow))) == 1


def test_unsent_messages_do_not_match_date_filters(sim: SimulatorHandle, client: Client) -> None:
    sim.configure(step_delay=5)  # stays queued / sending: no date_sent yet
    _create(client)
    assert client.messages.list(date_sent_after=datetime(2000, 1, 1, tzinfo=UTC)) == []
    assert len(client.messages.list()) == 1


def test_paging_with_the_real_client(client: Client) -> None:
    sids = [_create(client, f"n{i}").sid for i in range(7)]
    assert [m.sid for m in client.messages.list(page_size=3)] == sids[::-1]
    assert [m.sid for m in client.messages.stream(page_size=2, limit=5)] == sids[::-1][:5]
    first = client.messages.page(page_size=3)
    assert first._payload["page"] == 0 and first._payload["page_size"] == 3
    assert first.next_page_url.startswith("https://api.twilio.com/2010-04-01/")
    second = first.next_page()
    assert [m.sid for m in second] == sids[::-1][3:6]
    assert second._payload["previous_page_uri"] is not None


def test_page_token_keeps_paging_stable_while_messages_arrive(client: Client) -> None:
    sids = [_create(client, f"n{i}").sid for i in range(4)]
    first = client.messages.page(page_size=2)
    _create(client, "arrived between pages")
    second = first.next_page()
    assert [m.sid for m in second] == sids[::-1][2:4]  # no duplicate of page 1's last record


def test_list_shows_raw_paging_fields(sim: SimulatorHandle, client: Client) -> None:
    for i in range(3):
        _create(client, f"n{i}", to="+14155550109")
    page = httpx.get(
        f"{sim.url}/2010-04-01/Accounts/{sim.account_sid}/Messages.json",
        params={"To": "+14155550109", "PageSize": 2},
        auth=(sim.account_sid, sim.auth_token),
    ).json()
    assert set(page) == {
        "messages", "end", "first_page_uri", "next_page_uri", "page", "page_size",
        "previous_page_uri", "start", "uri",
    }  # fmt: skip
    assert (page["start"], page["end"], page["page"]) == (0, 1, 0)
    assert "To=%2B14155550109" in page["next_page_uri"] and "PageToken=PA" in page["next_page_uri"]


def test_delete_removes_a_message(client: Client, sim: SimulatorHandle) -> None:
    sid = _create(client).sid
    assert client.messages(sid).delete() is True
    assert sim.messages() == ()


def test_price_is_a_decimal_charge(sim: SimulatorHandle, client: Client) -> None:
    sid = _create(client, "x" * 200).sid
    done = sim.wait_for(sid)
    assert done.price == Decimal("2") * US_PRICE  # 200 GSM-7 characters: 2 segments


def test_short_codes_are_domestic_only(sim: SimulatorHandle, client: Client) -> None:
    sim.add_number("12345")  # a US short code
    assert client.messages.create(to=TO, from_="12345", body="x").status == "queued"
    with pytest.raises(TwilioRestException) as raised:
        client.messages.create(to="+442079460123", from_="12345", body="x")
    assert raised.value.code == 21612
