"""The webhook sink of a deployment with an Inbox: consent and message log, then the thread.

:class:`InboxSink` is :class:`smskit.sending.tracking.LedgerSink` (consent decided, the reply
stored once per SID) that also folds each new reply into its thread at once, so the open Inbox
shows it on its next look (the dashboard looks every second).

>>> from smskit.store.database import Store
>>> from smskit.sending.tracking import InboundMessage
>>> from smskit.conversations.threads import list_threads
>>> store = Store.open("sqlite://")
>>> InboxSink(store).record_inbound(
...     InboundMessage("SM" + "3" * 32, "+14155550100", "+15005550006", "BERHENTI"))
True
>>> [(t.consent_state, t.needs_reply) for t in list_threads(store, "opted_out")]
[('opted_out', False)]
"""

from __future__ import annotations

import sqlalchemy as sa

from smskit.conversations.threads import ingest
from smskit.sending.tracking import InboundMessage, LedgerSink
from smskit.store.schema import inbound_messages

__all__ = ["InboxSink"]


class InboxSink(LedgerSink):
    """:class:`LedgerSink` plus the Inbox's threads."""

    def record_inbound(self, message: InboundMessage) -> bool:
        """Record consent and the message (once per SID), then fold it into its thread."""
        new = super().record_inbound(message)
        if new:
            with self.store.engine.connect() as connection:
                row_id = connection.execute(
                    sa.select(inbound_messages.c.id).where(inbound_messages.c.sid == message.sid)
                ).scalar()
            if row_id is not None:
                ingest(self.store, self.ledger, only=int(row_id))
        return new
