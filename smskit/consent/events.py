"""Consent as an event log: the events, the explicit transition table, and the pure fold.

The state of a contact's consent for one scope (a sender number or a brand) is never stored: it is
derived by folding that scope's append-only events, so the log itself is the legal proof.

States follow the lifecycle the CTIA Messaging Principles & Best Practices describe (opt-in, an
opt-in confirmation for recurring programmes, opt-out honoured at once, consumer-initiated
re-opt-in): unknown -> pending (double opt-in asked) -> opted_in -> opted_out -> re_opted_in.

>>> t = datetime(2026, 1, 5, 12, tzinfo=UTC)
>>> p = "+14155550100"
>>> events = [ConsentEvent(p, "Acme", ConsentAction.REQUEST, ConsentSource.WEB_FORM, t),
...           ConsentEvent(p, "Acme", ConsentAction.OPT_IN, ConsentSource.KEYWORD, t)]
>>> fold(events).state
<ConsentState.OPTED_IN: 'opted_in'>
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum

from smskit.i18n.catalog import LocalizedError

# FCC 24-24 (47 CFR 64.1200(a)(10)): honour a revocation within 10 business days.
REVOCATION_BUSINESS_DAYS = 10


class ConsentState(StrEnum):
    """Where a contact stands for one sender or brand."""

    UNKNOWN = "unknown"
    PENDING = "pending"
    OPTED_IN = "opted_in"
    OPTED_OUT = "opted_out"
    RE_OPTED_IN = "re_opted_in"


class ConsentAction(StrEnum):
    """What an event does."""

    REQUEST = "request"  # double opt-in confirmation request sent
    OPT_IN = "opt_in"  # consent given or confirmed (YES, START, a signed form)
    OPT_OUT = "opt_out"  # revoked by keyword or any other reasonable means
    FLAG_REVOCATION = "flag_revocation"  # a reply that may be a revocation, queued for review
    DISMISS_REVIEW = "dismiss_review"  # staff decided the flagged reply was not a revocation


class ConsentSource(StrEnum):
    """How an event reached us (the evidence's channel)."""

    KEYWORD = "keyword"
    SMS_REPLY = "sms_reply"  # free text that is not a keyword ("please stop texting me")
    WEB_FORM = "web_form"
    IVR = "ivr"
    POINT_OF_SALE = "point_of_sale"
    IMPORT = "import"
    MANUAL = "manual"
    EMAIL = "email"
    PHONE = "phone"
    CARRIER = "carrier"  # the carrier or Twilio reported an opt-out (error 21610)


S, A = ConsentState, ConsentAction
# The whole transition table. A pair that is absent is not allowed: the fold records the event but
# leaves the state alone, and the ledger refuses to append it.
TRANSITIONS: Mapping[tuple[ConsentState, ConsentAction], ConsentState] = {
    (S.UNKNOWN, A.REQUEST): S.PENDING,
    (S.UNKNOWN, A.OPT_IN): S.OPTED_IN,  # single opt-in with its own evidence (form, POS, IVR)
    (S.UNKNOWN, A.OPT_OUT): S.OPTED_OUT,  # a do-not-contact request before any consent
    (S.PENDING, A.REQUEST): S.PENDING,  # asked again
    (S.PENDING, A.OPT_IN): S.OPTED_IN,  # YES confirms the double opt-in
    (S.PENDING, A.OPT_OUT): S.OPTED_OUT,
    (S.OPTED_IN, A.OPT_IN): S.OPTED_IN,
    (S.OPTED_IN, A.REQUEST): S.OPTED_IN,  # already confirmed: nothing changes
    (S.OPTED_IN, A.OPT_OUT): S.OPTED_OUT,  # honoured immediately (CTIA; Twilio error 21610)
    # After an opt-out only the consumer can resume messages (START/UNSTOP or a new consent):
    # a confirmation request would itself be a message to an opted-out number, so REQUEST is absent.
    (S.OPTED_OUT, A.OPT_IN): S.RE_OPTED_IN,
    (S.OPTED_OUT, A.OPT_OUT): S.OPTED_OUT,
    (S.RE_OPTED_IN, A.OPT_IN): S.RE_OPTED_IN,
    (S.RE_OPTED_IN, A.REQUEST): S.RE_OPTED_IN,
    (S.RE_OPTED_IN, A.OPT_OUT): S.OPTED_OUT,
}
# Review flags do not change the state; they are allowed wherever a revocation could matter.
REVIEW_ACTIONS = frozenset({A.FLAG_REVOCATION, A.DISMISS_REVIEW})
SENDABLE = frozenset({S.OPTED_IN, S.RE_OPTED_IN})


@dataclass(frozen=True, slots=True)
class ConsentEvent:
    """One immutable fact in the consent log of a (phone, scope) pair."""

    phone: str
    scope: str
    action: ConsentAction
    source: ConsentSource
    occurred_at: datetime
    evidence: str = ""
    actor: str = ""
    kind: str = ""  # detail, e.g. "keyword:STOP" or "revocation:stop texting"
    id: int | None = None  # the store's sequence number once appended

    def __post_init__(self) -> None:
        if self.occurred_at.tzinfo is None:
            raise LocalizedError(
                "Consent event time {time} has no time zone", time=self.occurred_at
            )


@dataclass(frozen=True, slots=True)
class ConsentStep:
    """One event as folded: the state before and after, and whether the table allowed it."""

    event: ConsentEvent
    before: ConsentState
    after: ConsentState
    applied: bool


@dataclass(frozen=True, slots=True)
class ConsentStatus:
    """The consent of one phone for one scope, derived from its events."""

    phone: str
    scope: str
    state: ConsentState
    since: datetime | None
    needs_review: bool
    review_due: date | None
    steps: tuple[ConsentStep, ...]

    @property
    def can_send(self) -> bool:
        """Opted in (or re-opted in) and no possible revocation waiting for review.

        >>> fold([], "+14155550100", "Acme").can_send
        False
        """
        return self.state in SENDABLE and not self.needs_review

    @property
    def events(self) -> tuple[ConsentEvent, ...]:
        """The events in folding (time) order.

        >>> fold([], "+14155550100", "Acme").events
        ()
        """
        return tuple(step.event for step in self.steps)


def next_state(state: ConsentState, action: ConsentAction) -> ConsentState | None:
    """The state after ``action``, or None when the transition table does not allow it.

    >>> next_state(ConsentState.OPTED_OUT, ConsentAction.REQUEST) is None
    True
    >>> next_state(ConsentState.OPTED_OUT, ConsentAction.OPT_IN)
    <ConsentState.RE_OPTED_IN: 're_opted_in'>
    """
    if action in REVIEW_ACTIONS:
        return state
    return TRANSITIONS.get((state, action))


def business_days_after(start: date, days: int) -> date:
    """The date ``days`` business days (Mon-Fri; public holidays not modelled) after ``start``.

    >>> business_days_after(date(2026, 1, 2), 10)  # a Friday
    datetime.date(2026, 1, 16)
    """
    current = start
    remaining = days
    while remaining > 0:
        current += timedelta(days=1)
        if current.weekday() < 5:
            remaining -= 1
    return current


def fold(
    events: Iterable[ConsentEvent], phone: str | None = None, scope: str | None = None
) -> ConsentStatus:
    """Derive the consent status from events: pure and deterministic (time order, then log order).

    >>> t = datetime(2026, 1, 5, 12, tzinfo=UTC)
    >>> fold([ConsentEvent("+1", "Acme", ConsentAction.OPT_OUT, ConsentSource.EMAIL, t)]).state
    <ConsentState.OPTED_OUT: 'opted_out'>
    """
    ordered = sorted(events, key=lambda e: e.occurred_at)  # stable: ties keep log order
    if ordered:
        phone = phone if phone is not None else ordered[0].phone
        scope = scope if scope is not None else ordered[0].scope
        for event in ordered:
            if (event.phone, event.scope) != (phone, scope):
                raise LocalizedError(
                    "Event for {phone} / {scope} mixed into the log of {expected}",
                    phone=event.phone,
                    scope=event.scope,
                    expected=f"{phone} / {scope}",
                )
    state, since = ConsentState.UNKNOWN, None
    flagged_at: datetime | None = None
    steps = []
    for event in ordered:
        after = next_state(state, event.action)
        applied = after is not None
        if after is None:
            after = state
        if applied and after is not state:
            since = event.occurred_at
        if event.action is A.FLAG_REVOCATION and after is not S.OPTED_OUT and applied:
            flagged_at = flagged_at or event.occurred_at
        elif applied and event.action in (A.OPT_OUT, A.OPT_IN, A.DISMISS_REVIEW):
            flagged_at = None  # the review is resolved one way or the other
        steps.append(ConsentStep(event, state, after, applied))
        state = after
    due = (
        business_days_after(flagged_at.astimezone(UTC).date(), REVOCATION_BUSINESS_DAYS)
        if flagged_at
        else None
    )
    return ConsentStatus(
        phone or "", scope or "", state, since, flagged_at is not None, due, tuple(steps)
    )


def transition_error(state: ConsentState, action: ConsentAction) -> LocalizedError:
    """The error staff see when an event is not allowed in the current state.

    >>> str(transition_error(ConsentState.OPTED_OUT, ConsentAction.REQUEST))[:46]
    'Cannot record request while the contact is opt'
    """
    if state is S.OPTED_OUT:
        return LocalizedError(
            "Cannot record {action} while the contact is opted out: only the contact can resume "
            "messages (START, UNSTOP or new consent)",
            action=action.value,
        )
    return LocalizedError(
        "Cannot record {action} while the contact is {state}",
        action=action.value,
        state=state.value,
    )
