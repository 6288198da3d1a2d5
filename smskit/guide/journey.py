"""How an SMS travels (guide §1): phone, tower, the operator's SMS Center, tower, phone.

A store-and-forward state machine. The SMS Center (SMSC) stores a message it cannot deliver,
because the recipient's phone is off or out of coverage, and retries until the phone is back or its
validity period runs out (3GPP TS 23.040 §9.2.3.12, TP-Validity-Period; how long and how often is
the operator's choice). Each hop maps to a status a provider reports (Twilio's Message resource):

- ``queued``: not yet accepted by the operator;
- ``sent``: the operator's SMSC has it, including while it is held for a phone that is off;
- ``delivered``: the recipient's phone acknowledged it;
- ``undelivered``: the SMSC gave up (Twilio error 30003, "Unreachable destination handset").

>>> [s.status for s in journey()]
['queued', 'queued', 'sent', 'sent', 'delivered']
>>> [(s.hop, s.status) for s in journey(recipient_phone_on=False, phone_back_after=1)][2:]
[('smsc', 'sent'), ('smsc', 'sent'), ('recipient_tower', 'sent'), ('recipient', 'delivered')]
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Literal

from smskit.i18n.catalog import LocalizedError, Text

__all__ = [
    "HOPS",
    "UNREACHABLE_ERROR",
    "JourneyState",
    "advance",
    "describe",
    "journey",
    "set_recipient_phone",
    "start_journey",
]

Hop = Literal["sender", "sender_tower", "smsc", "recipient_tower", "recipient"]
Status = Literal["queued", "sent", "delivered", "undelivered"]
HOPS: tuple[Hop, ...] = ("sender", "sender_tower", "smsc", "recipient_tower", "recipient")
# Twilio's code when the carrier could not reach the handset (off, roaming, no signal).
UNREACHABLE_ERROR = 30003
_STATUS_AT_HOP: dict[Hop, Status] = {
    "sender": "queued",
    "sender_tower": "queued",
    "smsc": "sent",
    "recipient_tower": "sent",
    "recipient": "delivered",
}


@dataclass(frozen=True, slots=True)
class JourneyState:
    """Where the message is, whether the recipient's phone is on, and the provider's status."""

    hop: Hop
    recipient_phone_on: bool = True
    held_at_smsc: bool = False
    attempts: int = 0
    max_attempts: int = 3
    gave_up: bool = False

    @property
    def status(self) -> Status:
        """The delivery status a provider would report at this point."""
        return "undelivered" if self.gave_up else _STATUS_AT_HOP[self.hop]

    @property
    def finished(self) -> bool:
        """True once the message is delivered or the SMSC has given up."""
        return self.gave_up or self.hop == "recipient"

    @property
    def error_code(self) -> int | None:
        """Twilio's error code for an undelivered message, else None."""
        return UNREACHABLE_ERROR if self.gave_up else None


def start_journey(*, recipient_phone_on: bool = True, max_attempts: int = 3) -> JourneyState:
    """A message just written on the sender's phone.

    >>> start_journey().status
    'queued'
    """
    if max_attempts < 1:
        raise LocalizedError("The SMSC must try at least once (max_attempts={n})", n=max_attempts)
    return JourneyState("sender", recipient_phone_on=recipient_phone_on, max_attempts=max_attempts)


def set_recipient_phone(state: JourneyState, on: bool) -> JourneyState:
    """Turn the recipient's phone on or off; a held message waits for the next delivery attempt.

    >>> set_recipient_phone(start_journey(), False).recipient_phone_on
    False
    """
    return replace(state, recipient_phone_on=on)


def advance(state: JourneyState) -> JourneyState:
    """Move the message one hop; at the SMSC a phone that is off means store, retry, then give up.

    >>> advance(start_journey()).hop
    'sender_tower'
    >>> held = advance(advance(advance(start_journey(recipient_phone_on=False))))
    >>> held.hop, held.held_at_smsc, held.status
    ('smsc', True, 'sent')
    """
    if state.finished:
        return state
    index = HOPS.index(state.hop)
    if state.hop in ("smsc", "recipient_tower") and not state.recipient_phone_on:
        # Store and forward: the delivery attempt fails; the SMSC keeps the message, retries later.
        attempts = state.attempts + 1
        return replace(
            state,
            hop="smsc",
            held_at_smsc=True,
            attempts=attempts,
            gave_up=attempts >= state.max_attempts,
        )
    return replace(state, hop=HOPS[index + 1], held_at_smsc=False)


def journey(
    *, recipient_phone_on: bool = True, phone_back_after: int | None = None, max_attempts: int = 3
) -> tuple[JourneyState, ...]:
    """Every state from sending to the end; the phone comes back after ``phone_back_after`` retries.

    >>> [s.status for s in journey(recipient_phone_on=False)][-1]
    'undelivered'
    """
    state = start_journey(recipient_phone_on=recipient_phone_on, max_attempts=max_attempts)
    states = [state]
    while not state.finished:
        if (
            phone_back_after is not None
            and not state.recipient_phone_on
            and state.attempts >= phone_back_after
        ):
            state = set_recipient_phone(state, True)
        state = advance(state)
        states.append(state)
    return tuple(states)


_DESCRIPTIONS: dict[Hop, Text] = {
    "sender": Text("The message is written and leaves the sender's phone."),
    "sender_tower": Text("The nearest cell tower passes it to the operator's network."),
    "smsc": Text("The operator's SMS Center (SMSC) accepts it and looks for the recipient."),
    "recipient_tower": Text("The SMSC sends it to the tower nearest the recipient."),
    "recipient": Text("The recipient's phone receives it and confirms delivery."),
}


def describe(state: JourneyState) -> Text:
    """A one-sentence explanation of ``state`` for learners.

    >>> str(describe(start_journey()))
    "The message is written and leaves the sender's phone."
    """
    if state.gave_up:
        return Text(
            "The phone stayed off: after {attempts} attempts the SMSC gives up (error {code}).",
            attempts=state.max_attempts,
            code=UNREACHABLE_ERROR,
        )
    if state.held_at_smsc:
        return Text(
            "The recipient's phone is off: the SMSC stores the message and retries "
            "(attempt {attempt} of {max})",
            attempt=state.attempts,
            max=state.max_attempts,
        )
    return _DESCRIPTIONS[state.hop]
