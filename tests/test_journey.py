"""smskit.guide.journey: the guide's §1 (phone → tower → SMSC → tower → phone, store and
forward)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from smskit.guide.journey import (
    HOPS,
    UNREACHABLE_ERROR,
    advance,
    describe,
    journey,
    set_recipient_phone,
    start_journey,
)
from smskit.i18n.catalog import LocalizedError


def test_the_guides_path_with_the_phone_on() -> None:
    states = journey()
    assert [s.hop for s in states] == list(HOPS)
    assert HOPS == ("sender", "sender_tower", "smsc", "recipient_tower", "recipient")
    assert [s.status for s in states] == ["queued", "queued", "sent", "sent", "delivered"]
    assert states[-1].finished and states[-1].error_code is None


def test_phone_off_the_smsc_stores_the_message_and_it_stays_sent() -> None:
    state = start_journey(recipient_phone_on=False)
    for _ in range(3):
        state = advance(state)
    assert (state.hop, state.status) == ("smsc", "sent")
    state = advance(state)
    assert state.held_at_smsc and state.hop == "smsc" and state.status == "sent"
    assert not state.finished


def test_delivered_once_the_phone_is_back() -> None:
    states = journey(recipient_phone_on=False, phone_back_after=2)
    assert [s.status for s in states][-1] == "delivered"
    assert sum(s.held_at_smsc for s in states) == 2
    assert "undelivered" not in [s.status for s in states]


def test_undelivered_with_30003_when_the_phone_stays_off() -> None:
    states = journey(recipient_phone_on=False, max_attempts=4)
    last = states[-1]
    assert (last.status, last.error_code, last.attempts) == ("undelivered", UNREACHABLE_ERROR, 4)
    assert UNREACHABLE_ERROR == 30003
    assert "delivered" not in [s.status for s in states]


def test_a_phone_switched_off_at_the_last_tower_sends_the_message_back_to_the_smsc() -> None:
    state = start_journey()
    for _ in range(3):
        state = advance(state)
    assert state.hop == "recipient_tower"
    state = advance(set_recipient_phone(state, False))
    assert (state.hop, state.held_at_smsc) == ("smsc", True)


def test_finished_journeys_do_not_move() -> None:
    done = journey()[-1]
    assert advance(done) == done


def test_the_smsc_must_try_at_least_once() -> None:
    with pytest.raises(LocalizedError, match="max_attempts=0"):
        start_journey(max_attempts=0)


def test_every_step_is_explained_in_both_languages() -> None:
    for state in (*journey(), *journey(recipient_phone_on=False)):
        text = describe(state)
        assert text.render("en") and text.render("id") != text.render("en")


events = st.lists(st.sampled_from(["advance", "off", "on"]), max_size=40)
ORDER = {"queued": 0, "sent": 1, "delivered": 2, "undelivered": 2}


@given(events)
def test_statuses_only_move_forward_and_delivery_needs_the_phone_on(moves: list[str]) -> None:
    state = start_journey()
    previous = state
    for move in moves:
        if move == "advance":
            state = advance(state)
            if state.status == "delivered" and previous.status != "delivered":
                assert state.recipient_phone_on
        else:
            state = set_recipient_phone(state, move == "on")
        assert state.status in ORDER
        assert ORDER[state.status] >= ORDER[previous.status]
        if previous.finished:
            assert state.status == previous.status
        previous = state
