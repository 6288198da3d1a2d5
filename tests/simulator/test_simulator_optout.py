"""Inbound messages and Twilio's default opt-out handling (facts B1)."""

from __future__ import annotations

import httpx
import pytest
from twilio.base.exceptions import TwilioRestException
from twilio.request_validator import RequestValidator
from twilio.rest import Client

from smskit.simulator import SimulatorHandle

OUR = "+15005550006"
HANDSET = "+14155550123"
# Twilio's default replies (facts B1, quoting Twilio support article 223134027).
OPT_OUT_REPLY = (
    "You have successfully been unsubscribed. You will not receive any more messages from this "
    "number. Reply START to resubscribe."
)
OPT_IN_REPLY = (
    "You have successfully been re-subscribed to messages from this number. Reply HELP for help. "
    "Reply STOP to unsubscribe. Msg&Data Rates May Apply."
)
HELP_REPLY = "Reply STOP to unsubscribe. Msg&Data Rates May Apply."


def _send(client: Client, to: str = HANDSET, from_: str = OUR) -> object:
    return client.messages.create(to=to, from_=from_, body="offer")


def _replies(sim: SimulatorHandle) -> list[str]:
    return [m.body for m in sim.messages(direction="outbound-reply")]


@pytest.mark.parametrize(
    "keyword",
    [
        "STOP",
        "STOPALL",
        "UNSUBSCRIBE",
        "CANCEL",
        "END",
        "QUIT",
        "REVOKE",
        "OPTOUT",
        "stop",
        " Stop ",
    ],
)
def test_opt_out_keywords_block_further_sends_with_21610(
    sim: SimulatorHandle, client: Client, keyword: str
) -> None:
    _send(client)
    sim.inject_inbound(HANDSET, OUR, keyword)
    with pytest.raises(TwilioRestException) as raised:
        _send(client)
    assert (raised.value.status, raised.value.code) == (400, 21610)
    assert _replies(sim) == [OPT_OUT_REPLY]


@pytest.mark.parametrize("text", ["STOP PLEASE", "please stop", "stopp"])
def test_only_a_whole_keyword_counts(sim: SimulatorHandle, client: Client, text: str) -> None:
    sim.inject_inbound(HANDSET, OUR, text)
    assert _send(client).status == "queued"
    assert _replies(sim) == []


def test_opt_out_is_per_sender(sim: SimulatorHandle, client: Client) -> None:
    sim.add_number("+18005550100")
    sim.inject_inbound(HANDSET, OUR, "STOP")
    assert sim.is_opted_out(OUR, HANDSET)
    assert _send(client, from_="+18005550100").status == "queued"  # another number: not blocked
    assert _send(client, to="+14155550124").status == "queued"  # another recipient: not blocked


def test_opt_out_covers_the_messaging_service_that_sent(
    sim: SimulatorHandle, client: Client
) -> None:
    service = "MG" + "b" * 32
    sid = client.messages.create(to=HANDSET, messaging_service_sid=service, body="promo").sid
    sim.wait_for(sid)
    sim.inject_inbound(HANDSET, OUR, "STOP")
    with pytest.raises(TwilioRestException) as raised:
        client.messages.create(to=HANDSET, messaging_service_sid=service, body="again")
    assert raised.value.code == 21610


@pytest.mark.parametrize("keyword", ["START", "YES", "UNSTOP"])
def test_opt_in_keywords_resubscribe(sim: SimulatorHandle, client: Client, keyword: str) -> None:
    sim.inject_inbound(HANDSET, OUR, "STOP")
    sim.inject_inbound(HANDSET, OUR, keyword)
    assert _send(client).status == "queued"
    assert _replies(sim) == [OPT_OUT_REPLY, OPT_IN_REPLY]


@pytest.mark.parametrize("keyword", ["HELP", "info"])
def test_help_keywords_get_the_help_reply_and_do_not_block(
    sim: SimulatorHandle, client: Client, keyword: str
) -> None:
    sim.inject_inbound(HANDSET, OUR, keyword)
    assert _send(client).status == "queued"
    assert _replies(sim) == [HELP_REPLY]


def test_auto_reply_goes_from_our_number_to_the_handset(sim: SimulatorHandle) -> None:
    sim.inject_inbound(HANDSET, OUR, "STOP")
    (reply,) = sim.messages(direction="outbound-reply")
    assert (reply.from_, reply.to) == (OUR, HANDSET)
    assert sim.wait_for(reply.sid).status == "delivered"  # not blocked by the opt-out it confirms


def test_inbound_reaches_the_webhook_signed_and_lists_as_received(
    sim: SimulatorHandle, client: Client, receiver: object
) -> None:
    number = sim.numbers()[0]
    client.incoming_phone_numbers(number.sid).update(sms_url=receiver.url("/inbound"))
    message = sim.inject_inbound(HANDSET, OUR, "Is the shop open?")
    (hit,) = receiver.wait_for(lambda hs: len(hs) == 1)
    assert RequestValidator(sim.auth_token).validate(hit.url, hit.params, hit.signature)
    assert hit.params["Body"] == "Is the shop open?"
    assert (hit.params["From"], hit.params["To"]) == (HANDSET, OUR)
    assert hit.params["MessageSid"] == message.sid and hit.params["SmsStatus"] == "received"
    assert "OptOutType" not in hit.params
    listed = client.messages.list(from_=HANDSET)
    assert [(m.sid, m.direction, m.status) for m in listed] == [
        (message.sid, "inbound", "received")
    ]


def test_webhook_gets_opt_out_type(sim: SimulatorHandle, receiver: object) -> None:
    sim.configure(inbound_url=receiver.url("/inbound"))  # a default for numbers without SmsUrl
    sim.inject_inbound(HANDSET, OUR, "stop")
    sim.inject_inbound(HANDSET, OUR, "start")
    sim.inject_inbound(HANDSET, OUR, "help")
    hits = receiver.wait_for(lambda hs: len(hs) == 3)
    assert [h.params["OptOutType"] for h in hits] == ["STOP", "START", "HELP"]


def test_inbound_over_http(sim: SimulatorHandle, client: Client) -> None:
    response = httpx.post(
        f"{sim.url}/_simulator/inbound",
        data={"From": HANDSET, "To": OUR, "Body": "STOP"},
        auth=(sim.account_sid, sim.auth_token),
    )
    assert response.status_code == 201
    assert response.json()["direction"] == "inbound" and response.json()["status"] == "received"
    with pytest.raises(TwilioRestException) as raised:
        _send(client)
    assert raised.value.code == 21610


def test_inbound_endpoint_needs_credentials(sim: SimulatorHandle) -> None:
    response = httpx.post(
        f"{sim.url}/_simulator/inbound", data={"From": HANDSET, "To": OUR, "Body": "hi"}
    )
    assert response.status_code == 401 and response.json()["code"] == 20003


def test_inbound_only_reaches_our_own_numbers(sim: SimulatorHandle) -> None:
    with pytest.raises(ValueError, match=r"\+14155550999"):
        sim.inject_inbound(HANDSET, "+14155550999", "hello")
    response = httpx.post(
        f"{sim.url}/_simulator/inbound",
        data={"From": HANDSET, "To": "+14155550999", "Body": "hi"},
        auth=(sim.account_sid, sim.auth_token),
    )
    assert response.status_code == 400 and "+14155550999" in response.json()["message"]


def test_deleting_a_message_in_flight_is_harmless(sim: SimulatorHandle, client: Client) -> None:
    sim.configure(step_delay=0.2)
    sid = _send(client).sid
    client.messages(sid).delete()
    assert _send(client).status == "queued"
    assert len(sim.messages()) == 1


TOLL_FREE = "+18005550100"
# Twilio support article 360058144374 (facts B1): the carrier's own STOP reply on toll-free numbers.
NETWORK_STOP_REPLY = (
    'NETWORK MSG: You replied with the word "stop" which blocks all texts sent from this number. '
    'Text back "unstop" to receive messages again.'
)


def test_toll_free_stop_is_the_carriers(sim: SimulatorHandle, client: Client) -> None:
    sim.add_number(TOLL_FREE, "toll_free")
    sim.inject_inbound(HANDSET, TOLL_FREE, "STOP")
    assert _replies(sim) == [NETWORK_STOP_REPLY]
    sim.inject_inbound(HANDSET, TOLL_FREE, "YES")  # does not lift a carrier-level block
    with pytest.raises(TwilioRestException) as raised:
        _send(client, from_=TOLL_FREE)
    assert raised.value.code == 21610
    sim.inject_inbound(HANDSET, TOLL_FREE, "UNSTOP")
    assert _send(client, from_=TOLL_FREE).status == "queued"


def test_twiml_message_in_the_webhook_answer_is_sent(
    sim: SimulatorHandle, client: Client, receiver: object
) -> None:
    receiver.answer = (
        b'<?xml version="1.0" encoding="UTF-8"?>'
        b"<Response><Message>We are open 9&#8211;5. Reply STOP to opt out.</Message></Response>"
    )
    sim.configure(inbound_url=receiver.url("/inbound"))
    sim.inject_inbound(HANDSET, OUR, "Are you open?")
    (reply,) = sim.messages(direction="outbound-reply")
    assert (reply.from_, reply.to, reply.body) == (
        OUR,
        HANDSET,
        "We are open 9–5. Reply STOP to opt out.",
    )
    assert sim.wait_for(reply.sid).status == "delivered"


def test_twiml_reply_to_an_opted_out_handset_is_blocked(
    sim: SimulatorHandle, receiver: object
) -> None:
    receiver.answer = b"<Response><Message>Sorry to see you go!</Message></Response>"
    sim.configure(inbound_url=receiver.url("/inbound"))
    sim.inject_inbound(HANDSET, OUR, "STOP")
    assert _replies(sim) == [OPT_OUT_REPLY]  # only Twilio's own confirmation goes out
