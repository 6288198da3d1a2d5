"""Pure renderers for the Inbox dashboard: thread labels, the thread, consent, the reply check.

Each takes smskit values and the translator and returns text or HTML, so it is testable without a
browser. Everything a customer wrote is escaped.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from datetime import datetime

from smskit_widgets.common.i18n import render_text

from smskit.conversations.model import (
    FILTER_LABELS,
    Conversation,
    Filter,
    InboxCounts,
    ReplyCheck,
    ThreadSummary,
)

Translate = Callable[..., str]
e = html.escape

# Delivery statuses in plain words (Twilio's message statuses).
STATUS_WORDS = {
    "delivered": "delivered",
    "sent": "sent",
    "queued": "queued",
    "sending": "sending",
    "accepted": "accepted",
    "scheduled": "scheduled",
    "planned": "waiting to send",
    "submitting": "sending",
    "failed": "failed",
    "undelivered": "undelivered",
    "received": "received",
    "opted_out": "not sent: opted out",
    "canceled": "canceled",
}
CONSENT_WORDS = {
    "unknown": "no consent on record",
    "pending": "asked to confirm (double opt-in)",
    "opted_in": "opted in",
    "opted_out": "opted out",
    "re_opted_in": "opted in again",
}


def _when(at: datetime) -> str:
    return at.strftime("%d %b %H:%M UTC")


def filter_options(counts: InboxCounts, t: Translate) -> list[tuple[str, str]]:
    """The filter bar: each filter with its count."""
    sizes = {
        Filter.ALL: counts.open,
        Filter.NEEDS_REPLY: counts.needs_reply,
        Filter.REVIEW: counts.review,
        Filter.OPTED_OUT: counts.opted_out,
        Filter.MINE: counts.mine,
    }
    out = [(f"{t(FILTER_LABELS[f])} ({n})", f.value) for f, n in sizes.items()]
    if counts.unread:  # the first button also says how many messages you have not read yet
        label, value = out[0]
        out[0] = (f"{label} · {t('{n} unread', n=counts.unread)}", value)
    out += [(t(FILTER_LABELS[Filter.CAMPAIGN]), Filter.CAMPAIGN.value)]
    out += [(t(FILTER_LABELS[Filter.DONE]), Filter.DONE.value)]
    return out


def thread_label(thread: ThreadSummary, t: Translate) -> str:
    """One line of the thread list: unread dot and count, who, flags, the newest message."""
    who = f"{thread.name} {thread.phone}".strip()
    flags = []
    if thread.consent_state == "opted_out":
        flags.append(t("opted out"))
    if thread.needs_review:
        flags.append(t("review"))
    if thread.assigned_to:
        flags.append(f"@{thread.assigned_to}")
    unread = f"● ({thread.unread}) " if thread.unread else ""
    flag_text = f" [{', '.join(flags)}]" if flags else ""
    preview = thread.preview.replace("\n", " ")[:60]
    return f"{unread}{who}{flag_text} · {preview}"


def conversation_html(conversation: Conversation, t: Translate) -> str:
    """The messages, oldest first, each with its time and delivery status."""
    rows = []
    for item in conversation.items:
        inbound = item.direction == "inbound"
        side = "in" if inbound else "out"
        status = t(STATUS_WORDS.get(item.status, item.status))
        if item.send_at is not None and item.status in ("scheduled", "planned"):
            status = t("scheduled for {when}", when=_when(item.send_at))
        by = f" · {e(item.actor)}" if item.actor else ""
        colour = "#eef3f8" if inbound else "#e7f4ea"
        align = "flex-start" if inbound else "flex-end"
        rows.append(
            f'<div class="smskit-inbox-msg smskit-inbox-msg-{side}" '
            f'style="display:flex;justify-content:{align}">'
            f'<div style="background:{colour};border-radius:8px;padding:6px 10px;margin:3px 0;'
            f'max-width:70%"><div class="smskit-inbox-body">{e(item.body)}</div>'
            f'<div style="font-size:11px;color:#555">{_when(item.at)} · '
            f'<span class="smskit-inbox-msg-status">{e(status)}</span>{by}</div></div></div>'
        )
    if not rows:
        rows.append(f"<i>{e(t('No messages yet.'))}</i>")
    head = e(f"{conversation.thread.name} {conversation.thread.phone}".strip())
    return (
        f'<div class="smskit-inbox-thread"><h4 style="margin:4px 0">{head}</h4>'
        + "".join(rows)
        + "</div>"
    )


def consent_html(conversation: Conversation, t: Translate) -> str:
    """The contact's consent and its history, newest last."""
    c = conversation.consent
    state = t(CONSENT_WORDS.get(c.state, c.state))
    lines = [
        f'<b>{e(t("Consent"))}:</b> <span class="smskit-inbox-consent-state">{e(state)}</span>'
    ]
    if c.needs_review:
        lines.append(
            '<div class="smskit-inbox-review-note" style="color:#a4262c">'
            + e(
                t(
                    "A reply may be a request to stop: review it (decide by {due}).",
                    due=c.review_due or "",
                )
            )
            + "</div>"
        )
    history = "".join(
        f"<li>{_when(at)} · {e(action)} · {e(evidence[:60])} · {e(actor)}</li>"
        for at, _scope, action, evidence, actor in c.history[-8:]
    )
    if history:
        lines.append(f'<ul style="margin:2px 0;font-size:12px">{history}</ul>')
    return '<div class="smskit-inbox-consent">' + "".join(lines) + "</div>"


def check_html(check: ReplyCheck, t: Translate) -> str:
    """Segments, cost and encoding advice while typing; why it cannot go, or when it will."""
    parts = [
        t(
            "{chars} characters · {encoding} · {segments} segment(s) · {cost} {currency}",
            chars=check.characters,
            encoding=check.encoding,
            segments=check.segments,
            cost=f"{check.cost:.4f}",
            currency=check.currency,
        )
    ]
    if check.advice is not None:
        parts.append(f'<span class="smskit-inbox-advice">{e(render_text(check.advice))}</span>')
    if check.blocked is not None:
        parts.append(
            f'<b class="smskit-inbox-blocked" style="color:#a4262c">'
            f"{e(render_text(check.blocked))}</b>"
        )
    elif check.send_at is not None:
        parts.append(
            '<b class="smskit-inbox-quiet" style="color:#8a5a00">'
            + e(
                t(
                    "It is night where they are: this will go at {time} their time "
                    "(tick Schedule).",
                    time=check.local_time or "",
                )
            )
            + "</b>"
        )
    first = e(parts[0])
    return '<div class="smskit-inbox-check">' + "<br>".join([first, *parts[1:]]) + "</div>"
