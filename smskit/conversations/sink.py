"""The webhook sink of a deployment with an Inbox: consent decided, the reply stored in its thread.

:class:`InboxSink` does what :class:`smskit.sending.tracking.LedgerSink` does (the consent ledger
decides what the reply means, the reply is stored once per SID, the auto-reply is handed out once)
and, in the same transaction as storing the reply, folds it into its thread
(:func:`smskit.conversations.ingest.fold_inbound`), so the open Inbox shows it on its next look
(the dashboard looks every second). The consent event is written before the reply, as in
LedgerSink: a crash in between is repaired by Twilio's retry, and an opt-out is never lost.

>>> from smskit.store.database import Store
>>> from smskit.sending.tracking import InboundMessage
>>> from smskit.conversations.threads import list_threads
>>> store = Store.open("sqlite://")
>>> sink = InboxSink(store)
>>> reply = InboundMessage("SM" + "3" * 32, "+14155550100", "+15005550006", "BERHENTI")
>>> sink.record_inbound(reply), sink.record_inbound(reply)
(True, False)
>>> [(t.consent_state, t.needs_reply) for t in list_threads(store, "opted_out")]
[('opted_out', False)]
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime

import sqlalchemy as sa

from smskit.conversations.ingest import fold_inbound
from smskit.sending.tracking import InboundMessage, LedgerSink
from smskit.store.schema import inbound_messages

__all__ = ["InboxSink"]

log = logging.getLogger("smskit.conversations")


class InboxSink(LedgerSink):
    """:class:`LedgerSink` plus the Inbox's threads."""

    def record_inbound(self, message: InboundMessage) -> bool:
        """Decide consent, then store the reply and fold it into its thread, once per SID."""
        with self.store.engine.connect() as connection:
            known = connection.execute(
                sa.select(inbound_messages.c.id).where(inbound_messages.c.sid == message.sid)
            ).first()
        if known is not None:
            return False
        reply = status = None
        try:
            # Twilio's OptOutType says what its (Advanced) Opt-Out did (facts B1): the ledger
            # follows it over its own matching.
            result = self.ledger.handle_inbound(
                message.from_,
                self._scope(message),
                message.body,
                message.at,
                opt_out_type=message.opt_out_type,
            )
            reply, status = result.reply, result.status
        except ValueError as error:  # e.g. a sender that is not a phone number
            log.warning("inbound %s not applied to consent: %s", message.sid, type(error).__name__)
        new = fold_inbound(
            self.store,
            self.ledger,
            message.from_,
            message.to,
            message.body,
            message.at or datetime.now(UTC),
            sid=message.sid,
            opt_out_type=message.opt_out_type,
            status=status,
        )
        if new and reply:
            with self._lock:
                self._replies[message.sid] = reply
        return bool(new)
