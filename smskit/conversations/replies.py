"""Answering a thread: checked live, then sent through the campaign runner, exactly once.

A reply is refused, in plain words, before anything is written when:

- the contact opted out (47 CFR 64.1200(a)(12); CTIA: honour at once). The only message the rules
  allow after an opt-out is one confirmation, within five minutes (FCC 24-24): :func:`send_reply`
  with ``kind="confirmation"`` sends exactly that text, once per opt-out;
- a reply of theirs may revoke consent in other words (FCC 24-24): staff review it first (apply it,
  or mark it as not a revocation with a reason);
- it is night where they are (TCPA 08:00-21:00 their time, stricter local rules from
  ``data/quiet_hours.csv``), unless staff choose to schedule it: "this will go at 08:00 their time".

Otherwise one transaction moves the thread's ``version`` on by compare-and-set (the version its
author saw), stores the reply under its idempotency key and writes a one-message campaign. Two
people answering at once: one version move wins, the other is told someone answered; the same
reply sent twice (a double click, two tabs) is found by its key. The message then goes through
:class:`smskit.sending.runner.CampaignRunner`, the campaigns' own exactly-once path: claimed by
compare-and-set, consent read again just before the API call, reconciled after a crash. A
scheduled reply waits in the store for its window; the sending worker sends it then.

>>> new_key() != new_key()
True
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa

from smskit.consent.auto_replies import ReplyKind, auto_reply
from smskit.consent.events import ConsentAction, ConsentState, ConsentStatus
from smskit.consent.keywords import classify_reply
from smskit.consent.ledger import ConsentLedger
from smskit.conversations.checks import (
    check_reply,
    check_text,
    confirmation_allowed,
    country_of,
    thread_scopes,
)
from smskit.conversations.ingest import consent_of
from smskit.conversations.model import ReplyCheck, ReplyOutcome, ReplyResult, ThreadSummary
from smskit.conversations.reads import read_statement
from smskit.conversations.reply_senders import sender_refusal, sender_spec
from smskit.i18n.catalog import LocalizedError, Text
from smskit.providers import Provider, ProviderError
from smskit.sending.runner import CampaignRunner
from smskit.sending.support import RunReport
from smskit.store.database import Store
from smskit.store.schema import campaign_recipients, campaigns, messages, thread_replies, threads

__all__ = ["new_key", "send_reply"]

_KEY = re.compile(r"[A-Za-z0-9_-]{1,48}")


def new_key() -> str:
    """A fresh idempotency key for one reply (the dashboard makes one per draft).

    >>> len(new_key())
    24
    """
    return secrets.token_hex(12)


@dataclass(frozen=True, slots=True)
class _Stored:
    campaign_id: str
    message_id: str
    version: int


def _store_reply(
    store: Store,
    thread: ThreadSummary,
    body: str,
    *,
    key: str,
    kind: str,
    actor: str,
    seen_version: int,
    send_at: datetime | None,
    check: ReplyCheck,
    scope: str,
    from_address: str,
) -> _Stored | ReplyResult:
    now = datetime.now(UTC)
    campaign_id = f"rep_{key}"
    message_id = f"{campaign_id}:0000000"
    sender = sender_spec(store, thread, from_address)
    spec = {
        "kind": "reply",
        "thread_id": thread.id,
        "name": f"Reply to {thread.phone}",
        "template": body,
        "sender": sender,
        "send_at": send_at.isoformat() if send_at else None,
        "purpose": "transactional",  # an answer to the contact's own message, not marketing
        "scope": scope,
        "planned_at": now.isoformat(),
        "fingerprint": key,
        "totals": {
            "recipients": 1,
            "sendable": 1,
            "blocked": 0,
            "warned": 0,
            "segments": check.segments,
            "cost": str(check.cost),
            "currency": check.currency,
            "by_reason": [],
        },
        "dry_runs": 1,
        "actor": actor,
    }
    t = threads.c
    with store.engine.begin() as connection:
        done = connection.execute(
            sa.select(thread_replies.c.message_id).where(thread_replies.c.key == key)
        ).first()
        if done is not None:
            return ReplyResult(
                ReplyOutcome.ALREADY,
                Text("This reply was already made; it was not sent again."),
                done.message_id,
            )
        moved = connection.execute(
            threads.update()
            .where(t.id == thread.id, t.version == seen_version)
            .values(
                version=t.version + 1,
                needs_reply=False,
                preview=body[:160],
                last_message_at=now,
                updated_at=now,
            )
            .returning(t.version, t.inbound_count)
        ).first()
        if moved is None:
            return _conflict(connection, thread.id)
        # Whoever answers has read what they answered (their own read mark; others keep theirs).
        connection.execute(
            read_statement(store),
            {
                "thread_id": thread.id,
                "actor": actor[:128],
                "read_count": int(moved.inbound_count),
                "read_at": now,
            },
        )
        connection.execute(
            campaigns.insert().values(
                id=campaign_id,
                kind="reply",
                name=spec["name"],
                spec=spec,
                status="queued",
                created_at=now,
                updated_at=now,
            )
        )
        from_number = "" if str(sender.get("address", "")).startswith("MG") else from_address
        connection.execute(
            messages.insert().values(
                id=message_id,
                campaign_id=campaign_id,
                to_number=thread.phone,
                from_number=from_number,
                body=body,
                state="planned",
                segments=check.segments,
                price=check.cost,
                price_unit=check.currency,
                attempts=0,
                created_at=now,
                updated_at=now,
            )
        )
        connection.execute(
            campaign_recipients.insert().values(
                campaign_id=campaign_id,
                seq=0,
                recipient_key=thread.phone,
                row=1,
                to_number=thread.phone,
                country=country_of(thread.phone),
                plan_status="eligible",
                findings=[],
                message_id=message_id,
                send_at=send_at,
            )
        )
        connection.execute(
            thread_replies.insert().values(
                key=key,
                thread_id=thread.id,
                campaign_id=campaign_id,
                message_id=message_id,
                kind=kind,
                actor=actor[:128],
                body=body,
                send_at=send_at,
                created_at=now,
            )
        )
    return _Stored(campaign_id, message_id, int(moved.version))


def _conflict(connection: sa.Connection, thread_id: int) -> ReplyResult:
    last = connection.execute(
        sa.select(thread_replies.c.actor, thread_replies.c.created_at)
        .where(thread_replies.c.thread_id == thread_id)
        .order_by(thread_replies.c.created_at.desc())
        .limit(1)
    ).first()
    who = last.actor if last is not None else "someone"
    return ReplyResult(
        ReplyOutcome.CONFLICT,
        Text(
            "Not sent: {who} answered this conversation a moment ago. Read their answer, "
            "then reply again if something is still missing.",
            who=who,
        ),
    )


class _OneContact:
    """The consent ledger as the runner asks it, for one contact over the thread's scopes.

    The runner reads every opted-out number of its scope in bulk when it starts; for a one-message
    campaign that is this contact only, not the whole scope's log.
    """

    def __init__(self, ledger: ConsentLedger, phone: str, scopes: list[str]) -> None:
        self.ledger, self.phone, self.scopes = ledger, phone, scopes

    def status(self, phone: str, scope: str) -> ConsentStatus:
        return consent_of(self.ledger, phone, [*self.scopes, scope])

    def audit(self, phone: str | None = None, scope: str | None = None) -> list[ConsentStatus]:
        return [self.status(self.phone, scope or self.scopes[0])]

    def __getattr__(self, name: str) -> Any:
        return getattr(self.ledger, name)


def send_reply(
    store: Store,
    ledger: ConsentLedger,
    provider: Provider | None,
    thread: ThreadSummary,
    body: str,
    *,
    actor: str,
    key: str | None = None,
    seen_version: int | None = None,
    schedule: bool = False,
    kind: str = "reply",
    now: datetime | None = None,
    sender: str | None = None,
) -> ReplyResult:
    """Answer ``thread`` with ``body``: refused, conflicting, sent, scheduled or queued.

    ``seen_version`` is the thread version its author saw (default: the summary's); ``key`` makes
    the reply idempotent; ``schedule`` accepts quiet hours ("goes at 08:00 their time"). Without a
    ``provider`` the reply is queued for the sending worker. ``sender`` is one of
    :func:`~smskit.conversations.reply_senders.reply_senders` (default: the thread's number);
    consent is checked for its scope.

    >>> from smskit.store.database import Store
    >>> from smskit.conversations.model import ThreadSummary
    >>> t = ThreadSummary(1, "+14155550100", "", "+15005550006", None,
    ...                   datetime(2026, 1, 5, tzinfo=UTC), "", 0, True, "unknown", False, None,
    ...                   False, 0)
    >>> store = Store.open("sqlite://")
    >>> send_reply(store, ConsentLedger(store), None, t, "", actor="ana").outcome.value
    'refused'
    """
    now = now or datetime.now(UTC)
    if key is not None and not _KEY.fullmatch(key):
        raise LocalizedError("A reply key is 1-48 letters, digits, '-' or '_'")
    key = key or new_key()
    sender = sender or thread.our_number
    if (refusal := sender_refusal(store, thread, sender)) is not None:
        return ReplyResult(ReplyOutcome.REFUSED, refusal)
    scopes = thread_scopes(store, thread, sender)
    if kind == "confirmation":
        status = consent_of(ledger, thread.phone, scopes)
        if status.state is not ConsentState.OPTED_OUT or not confirmation_allowed(
            store, thread.id, status, now
        ):
            return ReplyResult(
                ReplyOutcome.REFUSED,
                Text(
                    "Not sent: the one opt-out confirmation the rules allow goes within five "
                    "minutes of the opt-out, once."
                ),
            )
        said = next(
            (e.evidence for e in reversed(status.events) if e.action is ConsentAction.OPT_OUT), ""
        )
        languages = classify_reply(said).languages
        body = body or auto_reply(ReplyKind.OPT_OUT, languages[0] if languages else "en")
        check = check_text(body, thread.phone)
        send_at = None
    else:
        check = check_reply(store, ledger, thread, body, now, sender)
        if check.blocked is not None:
            return ReplyResult(ReplyOutcome.REFUSED, check.blocked)
        send_at = check.send_at
        if send_at is not None and not schedule:
            return ReplyResult(
                ReplyOutcome.REFUSED,
                Text(
                    "Not sent: it is night where they are. This will go at {time} their time "
                    "if you schedule it.",
                    time=check.local_time,
                ),
                send_at=send_at,
            )
    stored = _store_reply(
        store,
        thread,
        body,
        key=key,
        kind=kind,
        actor=actor,
        seen_version=thread.version if seen_version is None else seen_version,
        send_at=send_at,
        check=check,
        scope=scopes[1],
        from_address=sender,
    )
    if isinstance(stored, ReplyResult):
        return stored
    if send_at is not None:
        return ReplyResult(
            ReplyOutcome.SCHEDULED,
            Text("Scheduled: this will go at {time} their time.", time=check.local_time),
            stored.message_id,
            send_at=send_at,
            version=stored.version,
        )
    if provider is None:
        return ReplyResult(
            ReplyOutcome.QUEUED,
            Text("Queued: the sending worker will send it."),
            stored.message_id,
            version=stored.version,
        )
    return _run(store, ledger, provider, thread, stored, scopes, kind)


def _run(
    store: Store,
    ledger: ConsentLedger,
    provider: Provider,
    thread: ThreadSummary,
    stored: _Stored,
    scopes: list[str],
    kind: str,
) -> ReplyResult:
    runner = CampaignRunner(
        store,
        provider,
        stored.campaign_id,
        # The one confirmation goes to an opted-out contact by definition: no consent check,
        # and no ledger that would list them as opted out; every other reply gets both.
        ledger=None if kind == "confirmation" else _OneContact(ledger, thread.phone, scopes),
        rate=None,
        poll_seconds=3600.0,
        check_consent=kind != "confirmation",
    )
    try:
        report = runner.run(dry=False, wait_for_windows=False)
    except ProviderError as error:
        return ReplyResult(
            ReplyOutcome.FAILED,
            error.text,
            stored.message_id,
            version=stored.version,
        )
    assert isinstance(report, RunReport)
    message = store.get_message(stored.message_id)
    sid = message.sid if message is not None else None
    if report.sent or report.found or report.recovered:
        return ReplyResult(
            ReplyOutcome.SENT,
            Text("Sent to {phone}.", phone=thread.phone),
            stored.message_id,
            sid,
            version=stored.version,
        )
    if report.opted_out:
        return ReplyResult(
            ReplyOutcome.REFUSED,
            Text("Not sent: {phone} opted out just now.", phone=thread.phone),
            stored.message_id,
            version=stored.version,
        )
    code = message.error_code if message is not None else None
    return ReplyResult(
        ReplyOutcome.FAILED,
        Text("Not sent: the provider refused it (error {code}).", code=code or "?"),
        stored.message_id,
        sid,
        version=stored.version,
    )
