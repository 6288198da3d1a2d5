"""Which of our numbers a reply may come from: one the contact has texted, or the campaign's.

The issue asks for a reply "from a sender that the contact has texted before, or the campaign's
sender". A contact who texted two of our numbers has two threads (one per number); each thread may
answer from either, and from the sender of the campaign it answers (a messaging service or a
number of a pool). The thread's own number comes first: it is the default, and the one the contact
expects (CTIA Messaging Principles: a consistent sender). Consent is checked for the chosen
sender's scope (:func:`smskit.conversations.checks.thread_scopes`).

>>> from datetime import UTC, datetime
>>> from smskit.store.database import Store
>>> from smskit.conversations.model import ThreadSummary
>>> t = ThreadSummary(1, "+14155550100", "", "+15005550006", None, datetime.now(UTC), "", 0,
...                   True, "unknown", False, None, False, 0)
>>> reply_senders(Store.open("sqlite://"), t)
('+15005550006',)
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from smskit.conversations.model import ThreadSummary
from smskit.i18n.catalog import Text
from smskit.store.database import Store
from smskit.store.schema import campaigns, threads

__all__ = ["campaign_sender", "reply_senders", "sender_refusal", "sender_spec"]


def campaign_sender(spec: Any) -> str | None:
    """The sender address a stored campaign spec names, if any.

    >>> campaign_sender({"sender": {"address": "+15005550007"}}), campaign_sender({})
    ('+15005550007', None)
    """
    if not isinstance(spec, dict):
        return None
    sender = spec.get("sender")
    address = sender.get("address") if isinstance(sender, dict) else None
    return str(address)[:64] if address else None


def reply_senders(store: Store, thread: ThreadSummary) -> tuple[str, ...]:
    """Our senders a reply in ``thread`` may use: the thread's number first, then every other
    number the contact has texted (their threads), then the campaign's sender.

    >>> from datetime import UTC, datetime
    >>> from smskit.store.database import Store
    >>> from smskit.sending.tracking import InboundMessage
    >>> from smskit.conversations.ingest import ingest
    >>> from smskit.conversations.threads import list_threads
    >>> store = Store.open("sqlite://")
    >>> for n, ours in enumerate(["+15005550006", "+15005550007"]):
    ...     _ = store.record_inbound(InboundMessage(f"SM{n:032d}", "+14155550100", ours, "Hi"))
    >>> ingest(store)
    2
    >>> [reply_senders(store, t) for t in list_threads(store) if t.our_number == "+15005550007"]
    [('+15005550007', '+15005550006')]
    """
    with store.engine.connect() as connection:
        connection.execution_options(smskit_read=True)
        texted = connection.execute(
            sa.select(threads.c.our_number)
            .where(threads.c.phone_e164 == thread.phone)
            .order_by(threads.c.last_message_at.desc(), threads.c.id.desc())
            .limit(20)
        ).scalars()
        found = [thread.our_number, *texted]
        if thread.campaign_id:
            spec = connection.execute(
                sa.select(campaigns.c.spec).where(campaigns.c.id == thread.campaign_id)
            ).scalar()
            address = campaign_sender(spec)
            if address:
                found.append(address)
    return tuple(dict.fromkeys(s for s in found if s))


def sender_refusal(store: Store, thread: ThreadSummary, sender: str) -> Text | None:
    """Why a reply may not come from ``sender`` (None when it may), in plain words.

    >>> from datetime import UTC, datetime
    >>> from smskit.store.database import Store
    >>> t = ThreadSummary(1, "+14155550100", "", "+15005550006", None, datetime.now(UTC), "", 0,
    ...                   True, "unknown", False, None, False, 0)
    >>> sender_refusal(Store.open("sqlite://"), t, "+15005550006") is None
    True
    >>> str(sender_refusal(Store.open("sqlite://"), t, "+15005550999"))[:30]
    'Not sent: +15005550999 is not '
    """
    if sender == thread.our_number or sender in reply_senders(store, thread):
        return None
    return Text(
        "Not sent: {sender} is not a number this contact has texted, nor the campaign's "
        "sender. Choose one from the list.",
        sender=sender,
    )


def sender_spec(store: Store, thread: ThreadSummary, sender: str) -> dict[str, Any]:
    """The reply's sender as a campaign sender: the campaign's own when it used this address.

    >>> from datetime import UTC, datetime
    >>> from smskit.store.database import Store
    >>> t = ThreadSummary(1, "+14155550100", "", "+15005550006", None, datetime.now(UTC), "", 0,
    ...                   True, "unknown", False, None, False, 0)
    >>> sender_spec(Store.open("sqlite://"), t, "22395")["kind"]
    'short_code'
    """
    if thread.campaign_id:
        record = store.get_campaign(thread.campaign_id)
        spec = dict(record.spec.get("sender") or {}) if record else {}  # type: ignore[call-overload]
        if spec.get("address") == sender:
            return spec
    kind = "short_code" if sender.isdigit() and len(sender) <= 6 else "long_code"
    return {"kind": kind, "address": sender, "segments_per_second": None}
