"""The consent ledger: record consent events in the store, answer inbound keywords, export proof.

The ledger never stores a state: it appends :class:`ConsentEvent` values to the store's append-only
``consent_events`` table and folds them (:func:`smskit.consent.events.fold`) whenever asked.

- Double opt-in: :meth:`ConsentLedger.request_confirmation` records the request (pending); a YES
  reply confirms it (CTIA: opt-in confirmation for recurring programmes).
- Opt-outs are honoured immediately, whether by keyword or recorded from email, phone or a form.
- A reply that may revoke consent in other words (FCC 24-24) is applied or queued for review,
  according to :class:`RevocationPolicy`.
- Auto-replies (:mod:`smskit.consent.auto_replies`) carry the CTIA disclosures: brand, frequency,
  "Msg&Data Rates May Apply", HELP and STOP; without programme details, Twilio's default texts.
- :func:`smskit.consent.audit.write_audit_csv` exports the log as CSV (formula-injection safe).

>>> auto_reply(ReplyKind.HELP)
'Reply STOP to unsubscribe. Msg&Data Rates May Apply.'
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum

from smskit.consent.auto_replies import DEFAULT_PROGRAM, Program, ReplyKind, auto_reply
from smskit.consent.events import (
    ConsentAction,
    ConsentEvent,
    ConsentSource,
    ConsentState,
    ConsentStatus,
    fold,
    transition_error,
)
from smskit.consent.keywords import KeywordKind, KeywordMatch, KeywordSet, classify_reply
from smskit.i18n.catalog import LocalizedError
from smskit.numbers.phone import parse_number
from smskit.store.database import Store
from smskit.store.records import ConsentRecord, NewConsentEvent

# US toll-free: STOP is handled by the carrier, and only START or UNSTOP undo it (Twilio support
# 360058144374; business-sms-facts B1).
TOLL_FREE_UNBLOCK = frozenset({"START", "UNSTOP"})


# The ``OptOutType`` parameter of Twilio's inbound webhook (Advanced Opt-Out).
_TWILIO_OPT_OUT_TYPES = {
    "STOP": KeywordKind.OPT_OUT,
    "START": KeywordKind.OPT_IN,
    "HELP": KeywordKind.HELP,
}
# The store keeps an event's kind in 32 characters: "keyword:" and at most 24 more.
_MAX_KEYWORD = 24


class RevocationPolicy(StrEnum):
    """What to do with a reply that revokes consent in other words (FCC 24-24)."""

    APPLY = "apply"  # record the opt-out at once
    REVIEW = "review"  # flag it; a person decides within 10 business days


def to_new_event(event: ConsentEvent) -> NewConsentEvent:
    """The store's record for an event about to be appended.

    >>> e = ConsentEvent("+14155550100", "Acme", ConsentAction.OPT_OUT, ConsentSource.KEYWORD,
    ...                  datetime(2026, 1, 5, tzinfo=UTC), "STOP", kind="keyword:STOP")
    >>> to_new_event(e).kind
    'keyword:STOP'
    """
    return NewConsentEvent(
        event.phone,
        event.scope,
        event.action.value,
        event.source.value,
        event.occurred_at,
        kind=event.kind or event.action.value,
        evidence=event.evidence,
        actor=event.actor,
    )


def from_record(record: ConsentRecord) -> ConsentEvent:
    """A stored row as a :class:`ConsentEvent`; an unknown action or source names the row.

    >>> from smskit.store.records import ConsentRecord
    >>> t = datetime(2026, 1, 5, tzinfo=UTC)
    >>> from_record(ConsentRecord(7, "+1", "Acme", "", "opt_in", "ivr", "", "", t, t)).source.value
    'ivr'
    """
    try:
        action, source = ConsentAction(record.action), ConsentSource(record.source)
    except ValueError:
        raise LocalizedError(
            "Consent event {id}: unknown action {action!r} or source {source!r}",
            id=record.id,
            action=record.action,
            source=record.source,
        ) from None
    return ConsentEvent(
        record.phone_e164,
        record.scope,
        action,
        source,
        record.occurred_at,
        record.evidence,
        record.actor,
        record.kind,
        record.id,
    )


@dataclass(frozen=True, slots=True)
class InboundResult:
    """What happened to one inbound message: its classification, the event, the reply to send."""

    match: KeywordMatch
    status: ConsentStatus
    event: ConsentEvent | None
    reply: str | None
    reply_language: str


def canonical_phone(phone: str) -> str:
    """The E.164 form the ledger keys on; raises :class:`smskit.numbers.phone.InvalidNumber`.

    >>> canonical_phone("+1 (415) 555-0100")
    '+14155550100'
    """
    return parse_number(phone).e164


def _now(at: datetime | None) -> datetime:
    return datetime.now(UTC) if at is None else at


class ConsentLedger:
    """Consent per (phone, scope) on top of the store's append-only consent events.

    >>> from smskit.store.database import Store
    >>> ledger = ConsentLedger(Store.open("sqlite://"), program=Program("Acme"))
    >>> ledger.handle_inbound("+14155550100", "Acme", "stop").status.state.value
    'opted_out'
    """

    def __init__(
        self,
        store: Store,
        *,
        revocation_policy: RevocationPolicy = RevocationPolicy.REVIEW,
        keywords: KeywordSet | None = None,
        market: str | None = None,
        program: Program = DEFAULT_PROGRAM,
        toll_free: bool = False,
    ) -> None:
        self.store = store
        self.revocation_policy = revocation_policy
        self.keywords = keywords
        self.market = market
        self.program = program
        self.toll_free = toll_free

    def status(self, phone: str, scope: str) -> ConsentStatus:
        """The current status, folded from the log (never read from a stored state).

        >>> from smskit.store.database import Store
        >>> ConsentLedger(Store.open("sqlite://")).status("+14155550100", "Acme").state.value
        'unknown'
        """
        e164 = canonical_phone(phone)
        return fold(self._events(e164, scope), e164, scope)

    def _events(self, e164: str, scope: str | None) -> list[ConsentEvent]:
        return [from_record(r) for r in self.store.consent_events(e164, scope)]

    def record(self, event: ConsentEvent) -> ConsentStatus:
        """Append one event after checking the transition table; refuses a disallowed one.

        >>> from smskit.store.database import Store
        >>> ledger = ConsentLedger(Store.open("sqlite://"))
        >>> e = ConsentEvent("+14155550100", "Acme", ConsentAction.OPT_IN, ConsentSource.WEB_FORM,
        ...                  datetime(2026, 1, 5, tzinfo=UTC), "form #12 checkbox", "web")
        >>> ledger.record(e).state.value
        'opted_in'
        """
        e164 = canonical_phone(event.phone)
        if e164 != event.phone:
            event = dataclasses.replace(event, phone=e164)
        return self._append(event, self._events(e164, event.scope))

    def _append(self, event: ConsentEvent, existing: list[ConsentEvent]) -> ConsentStatus:
        """Append ``event`` (canonical phone) to ``existing``, the log it was decided on."""
        if not event.scope.strip():
            raise LocalizedError("A consent event needs a scope (a sender number or brand)")
        e164 = event.phone
        trial = fold([*existing, event], e164, event.scope)
        step = next(s for s in trial.steps if s.event is event)
        if not step.applied:
            raise transition_error(step.before, event.action)
        stored = from_record(self.store.append_consent_event(to_new_event(event)))
        return fold([*existing, stored], e164, event.scope)

    def request_confirmation(
        self,
        phone: str,
        scope: str,
        source: ConsentSource,
        evidence: str,
        actor: str = "",
        at: datetime | None = None,
        language: str = "en",
    ) -> tuple[ConsentStatus, str]:
        """Start a double opt-in: record the request (pending) and return the text to send.

        >>> from smskit.store.database import Store
        >>> status, text = ConsentLedger(Store.open("sqlite://"), program=Program("Acme")
        ...     ).request_confirmation("+14155550100", "Acme", ConsentSource.WEB_FORM, "form")
        >>> status.state.value, text[:26]
        ('pending', 'Acme: Reply YES to confirm')
        """
        event = ConsentEvent(phone, scope, ConsentAction.REQUEST, source, _now(at), evidence, actor)
        status = self.record(event)
        return status, auto_reply(ReplyKind.CONFIRM, language, self.program)

    def record_opt_out(
        self,
        phone: str,
        scope: str,
        source: ConsentSource,
        evidence: str,
        actor: str = "",
        at: datetime | None = None,
    ) -> ConsentStatus:
        """Record an opt-out that came another way (email, phone, web form): honoured at once.

        >>> from smskit.store.database import Store
        >>> ConsentLedger(Store.open("sqlite://")).record_opt_out("+14155550100", "Acme",
        ...     ConsentSource.EMAIL, "email of 5 Jan: 'no more texts'").state.value
        'opted_out'
        """
        event = ConsentEvent(phone, scope, ConsentAction.OPT_OUT, source, _now(at), evidence, actor)
        return self.record(event)

    def dismiss_review(
        self, phone: str, scope: str, evidence: str, actor: str, at: datetime | None = None
    ) -> ConsentStatus:
        """Close a possible-revocation review as "not a revocation"; the reason is the evidence.

        >>> from smskit.store.database import Store
        >>> ledger = ConsentLedger(Store.open("sqlite://"))
        >>> ledger.handle_inbound("+14155550100", "Acme", "stop it please").status.needs_review
        True
        >>> ledger.dismiss_review("+14155550100", "Acme", "asked about a bill", "ana").needs_review
        False
        """
        event = ConsentEvent(
            phone,
            scope,
            ConsentAction.DISMISS_REVIEW,
            ConsentSource.MANUAL,
            _now(at),
            evidence,
            actor,
        )
        return self.record(event)

    def handle_inbound(
        self,
        phone: str,
        scope: str,
        text: str,
        at: datetime | None = None,
        *,
        opt_out_type: str | None = None,
    ) -> InboundResult:
        """Classify an inbound message, record what it means and say which auto-reply to send.

        Only a change of state earns a confirmation: a second STOP gets no second reply
        (FCC 24-24 allows one confirmation; Spoke#2184 asks not to send more). When Twilio's
        webhook says what it did (``OptOutType`` STOP, START or HELP), that wins over our own
        matching, because Twilio has already blocked or unblocked the number (mautic#11333),
        custom Advanced Opt-Out keywords included (facts B1); the event's evidence says so.

        >>> from smskit.store.database import Store
        >>> ledger = ConsentLedger(Store.open("sqlite://"))
        >>> ledger.handle_inbound("+14155550100", "Acme", "HELP").reply
        'Reply STOP to unsubscribe. Msg&Data Rates May Apply.'
        >>> result = ledger.handle_inbound("+14155550100", "Acme", "REMOVE", opt_out_type="STOP")
        >>> result.status.state.value, result.event.evidence
        ('opted_out', 'REMOVE (Twilio OptOutType=STOP)')
        """
        when = _now(at)
        e164 = canonical_phone(phone)
        match = classify_reply(text, self.keywords, self.market)
        twilio_type = (opt_out_type or "").strip().upper()
        twilio_kind = _TWILIO_OPT_OUT_TYPES.get(twilio_type)
        evidence = text
        if twilio_kind is not None:
            evidence = f"{text} (Twilio OptOutType={twilio_type})"
        if twilio_kind is not None and twilio_kind is not match.kind:
            keyword = match.normalized.upper()
            if not keyword or len(keyword) > _MAX_KEYWORD:
                keyword = twilio_type  # the event's kind ("keyword:...") is 32 characters at most
            match = dataclasses.replace(
                match, kind=twilio_kind, keyword=keyword, possible_revocation=False
            )
        language = match.languages[0] if match.languages else "en"
        # One read of the log serves the decision and the append (the webhook app's hot path).
        existing = self._events(e164, scope)
        before = fold(existing, e164, scope)
        action: ConsentAction | None = None
        source = ConsentSource.KEYWORD
        reply_kind: ReplyKind | None = None
        if match.kind is KeywordKind.OPT_OUT:
            action, reply_kind = ConsentAction.OPT_OUT, ReplyKind.OPT_OUT
        elif (
            match.kind is KeywordKind.OPT_IN
            and self.toll_free
            and before.state is ConsentState.OPTED_OUT
            and match.keyword not in TOLL_FREE_UNBLOCK
        ):
            pass  # a carrier-level toll-free block lifts only with START or UNSTOP, not YES
        elif match.kind is KeywordKind.OPT_IN:
            # Twilio's opt-in text says "re-subscribed": right after an opt-out, not for a first
            # confirmation, which gets CTIA's opt-in confirmation instead.
            first = before.state in (ConsentState.UNKNOWN, ConsentState.PENDING)
            action = ConsentAction.OPT_IN
            reply_kind = ReplyKind.SUBSCRIBED if first else ReplyKind.OPT_IN
        elif match.kind is KeywordKind.HELP:
            reply_kind = ReplyKind.HELP
        elif match.possible_revocation and before.state is not ConsentState.OPTED_OUT:
            source = ConsentSource.SMS_REPLY
            if self.revocation_policy is RevocationPolicy.APPLY:
                action, reply_kind = ConsentAction.OPT_OUT, ReplyKind.OPT_OUT
            else:
                action = ConsentAction.FLAG_REVOCATION
        event = None
        status = before
        if action is not None:
            detail = (
                f"keyword:{match.keyword}"
                if match.keyword
                else f"revocation:{match.revocation_phrase}"
            )
            event = ConsentEvent(e164, scope, action, source, when, evidence, "inbound sms", detail)
            status = self._append(event, existing)
            if reply_kind is not ReplyKind.HELP and status.state is before.state:
                reply_kind = None  # nothing changed: no second confirmation
        reply = auto_reply(reply_kind, language, self.program) if reply_kind else None
        return InboundResult(match, status, event, reply, language)

    def audit(self, phone: str | None = None, scope: str | None = None) -> list[ConsentStatus]:
        """Folded statuses for every (phone, scope) in the log, or for one phone or scope.

        >>> from smskit.store.database import Store
        >>> ConsentLedger(Store.open("sqlite://")).audit()
        []
        """
        records = (
            self.store.consent_events(canonical_phone(phone), scope)
            if phone
            else self.store.iter_consent_events(scope)
        )
        events = [from_record(r) for r in records]
        groups: dict[tuple[str, str], list[ConsentEvent]] = {}
        for event in events:
            groups.setdefault((event.phone, event.scope), []).append(event)
        return [fold(group, *key) for key, group in sorted(groups.items())]
