"""What staff see while typing a reply, and whether it may go now: consent, quiet hours, length.

A reply cannot go, and says why in plain words, when the contact opted out (47 CFR 64.1200(a)(12);
CTIA: honour at once; the one confirmation the rules allow, within five minutes, is the exception),
when a reply of theirs may revoke consent in other words (FCC 24-24: review it first), when it is
empty, over Twilio's 1,600 characters (error 21617) or holds half a character. At night where
they are (TCPA 08:00-21:00 their time, stricter local rules from ``data/quiet_hours.csv``) it can
be scheduled: "this will go at 08:00 their time". Segments, cost and the GSM-7 advice come from
:mod:`smskit.encoding`.

>>> check_text("Hi", "+14155550100").segments
1
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from smskit.campaign.templates import lone_surrogate
from smskit.compliance.quiet_hours import who_may_be_texted
from smskit.consent.events import ConsentAction, ConsentState, ConsentStatus
from smskit.consent.ledger import ConsentLedger
from smskit.conversations.ingest import consent_of
from smskit.conversations.model import ReplyCheck, ThreadSummary
from smskit.encoding import analyze
from smskit.encoding.advice import advise
from smskit.i18n.catalog import Text
from smskit.numbers.phone import parse_number
from smskit.senders.price_table import default_prices
from smskit.store.database import Store
from smskit.store.schema import thread_replies, threads

__all__ = [
    "CONFIRMATION_WINDOW",
    "MAX_REPLY_CHARS",
    "check_reply",
    "check_text",
    "confirmation_allowed",
    "country_of",
    "thread_scopes",
]

#: Twilio accepts bodies up to 1,600 characters (https://www.twilio.com/docs/api/errors/21617).
MAX_REPLY_CHARS = 1600
#: FCC 24-24 (47 CFR 64.1200(a)(12)): one confirmation, sent within five minutes of the opt-out.
CONFIRMATION_WINDOW = timedelta(minutes=5)


def country_of(phone: str) -> str:
    """The ISO country of a number (US when it cannot be read), for prices.

    >>> country_of("+6281234567890")
    'ID'
    """
    try:
        return parse_number(phone).region or "US"
    except ValueError:
        return "US"


def check_text(body: str, phone: str) -> ReplyCheck:
    """Encoding, segments, cost and the GSM-7 advice for ``body`` to ``phone`` (no consent yet).

    >>> c = check_text("Don’t worry", "+6281234567890")
    >>> c.encoding, c.segments, c.suggested_text
    ('UCS-2', 1, "Don't worry")
    """
    analysis = analyze(body)
    advice = advise(analysis) if analysis.encoding != "GSM-7" else None
    price = default_prices().price(country_of(phone))
    tip: Text | None = None
    suggested: str | None = None
    if advice is not None and advice.saving > 0:
        tip = Text(
            "Replacing {chars} with GSM-7 look-alikes saves {n} segment(s) per message.",
            chars=" ".join(r.character for r in advice.replacements if r.replacement),
            n=advice.saving,
        )
        suggested = advice.suggested_text
    elif advice is not None and advice.fully_gsm:
        suggested = advice.suggested_text
    elif advice is not None:
        tip = Text(
            "{chars} need UCS-2 (70 characters per segment); no GSM-7 look-alike exists.",
            chars=" ".join(analysis.non_gsm_characters),
        )
    return ReplyCheck(
        analysis.encoding,
        analysis.segment_count,
        len(body),
        price.price_per_segment * analysis.segment_count,
        price.currency,
        tip,
        suggested,
        None,
        None,
        None,
    )


def _opted_out_text(status: ConsentStatus) -> Text:
    last = next((e for e in reversed(status.events) if e.action is ConsentAction.OPT_OUT), None)
    said = last.evidence[:40] if last is not None else ""
    when = last.occurred_at.strftime("%Y-%m-%d %H:%M UTC") if last is not None else ""
    return Text(
        "Not sent: {phone} has opted out (they said \u201c{said}\u201d on {when}). An opted-out "
        "contact cannot be texted; only they can opt back in, by texting START.",
        phone=status.phone,
        said=said,
        when=when,
    )


def confirmation_allowed(
    store: Store, thread_id: int, status: ConsentStatus, now: datetime
) -> bool:
    """True when the one opt-out confirmation may still go: within five minutes, not sent yet.

    >>> from smskit.consent.events import fold
    >>> confirmation_allowed(None, 1, fold([], "+1", "x"), datetime.now(UTC))  # no opt-out
    False
    """
    last = next((e for e in reversed(status.events) if e.action is ConsentAction.OPT_OUT), None)
    if last is None or now - last.occurred_at > CONFIRMATION_WINDOW:
        return False
    with store.engine.connect() as connection:
        sent = connection.execute(
            sa.select(sa.func.count()).where(
                thread_replies.c.thread_id == thread_id,
                thread_replies.c.kind == "confirmation",
                thread_replies.c.created_at >= last.occurred_at,
            )
        ).scalar()
    return not sent


def check_reply(
    store: Store,
    ledger: ConsentLedger,
    thread: ThreadSummary,
    body: str,
    now: datetime | None = None,
    sender: str | None = None,
) -> ReplyCheck:
    """Everything staff see while typing: segments, cost, advice, and whether it may go now.

    Consent is read for ``sender``'s scope (default: the thread's number) and the campaign's.

    >>> from smskit.store.database import Store
    >>> from smskit.conversations.model import ThreadSummary
    >>> t = ThreadSummary(1, "+6281234567890", "", "+15005550006", None,
    ...                   datetime(2026, 1, 5, tzinfo=UTC), "", 0, True, "unknown", False, None,
    ...                   False, 0)
    >>> c = check_reply(Store.open("sqlite://"), ConsentLedger(Store.open("sqlite://")), t,
    ...                 "Buka jam 9", now=datetime(2026, 1, 5, 15, tzinfo=UTC))  # 22:00 Jakarta
    >>> c.blocked is None, c.local_time
    (True, '08:00 Tue 6 Jan')
    """
    now = now or datetime.now(UTC)
    check = check_text(body, thread.phone)
    blocked: Text | None = None
    if not body.strip():
        blocked = Text("Type a reply first.")
    elif len(body) > MAX_REPLY_CHARS:
        blocked = Text(
            "A reply holds at most {max} characters; this one has {n}.",
            max=MAX_REPLY_CHARS,
            n=len(body),
        )
    elif (found := lone_surrogate(body)) is not None:
        blocked = Text(
            "Character {pos} is half of a character ({code}); retype it.",
            pos=found[0],
            code=found[1],
        )
    status = consent_of(ledger, thread.phone, thread_scopes(store, thread, sender))
    confirmation = False
    if status.state is ConsentState.OPTED_OUT:
        blocked = _opted_out_text(status)
        confirmation = confirmation_allowed(store, thread.id, status, now)
    elif status.needs_review:
        blocked = Text(
            "Review first: their reply may be a request to stop (FCC 24-24). Apply it as an "
            "opt-out, or mark it as not a revocation with a reason; then you can answer."
        )
    send_at, local = _window(thread.phone, now)
    return ReplyCheck(
        check.encoding,
        check.segments,
        check.characters,
        check.cost,
        check.currency,
        check.advice,
        check.suggested_text,
        blocked,
        send_at,
        local,
        confirmation,
    )


def _window(phone: str, now: datetime) -> tuple[datetime | None, str | None]:
    """When the recipient's window next opens (None when it is open now) and that local time."""
    try:
        (window,) = who_may_be_texted([phone], at=now)
    except ValueError:
        return None, None
    if window.allowed_now or window.next_allowed_at is None:
        return None, None
    local = window.next_allowed_at.astimezone(ZoneInfo(window.time_zones[0]))
    return window.next_allowed_at, f"{local:%H:%M %a} {local.day} {local:%b}"


def thread_scopes(store: Store, thread: ThreadSummary, sender: str | None = None) -> list[str]:
    """The consent scopes a reply must respect: the sender (default: the thread's number), and
    the campaign's scope.

    >>> from smskit.store.database import Store
    >>> t = ThreadSummary(9, "+1", "", "+2", None, datetime.now(UTC), "", 0, False, "unknown",
    ...                   False, None, False, 0)
    >>> thread_scopes(Store.open("sqlite://"), t), thread_scopes(Store.open("sqlite://"), t, "+3")
    (['+2', '+2'], ['+3', '+2'])
    """
    with store.engine.connect() as connection:
        scope = connection.execute(
            sa.select(threads.c.scope).where(threads.c.id == thread.id)
        ).scalar()
    return [sender or thread.our_number, str(scope or thread.our_number)]
