"""The webhook sink of a deployment with an Inbox: consent decided, the reply stored in its thread.

:class:`InboxSink` does what :class:`smskit.sending.tracking.LedgerSink` does (the reply is stored
once per SID, the consent ledger decides what it means, the auto-reply is handed out once) and, in
the same transaction, folds the reply into its thread
(:func:`smskit.conversations.ingest.fold_inbound`), so the open Inbox shows it on its next look
(the dashboard looks every second). One transaction means one connection and one commit per reply.

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

from smskit.consent.ledger import InboundResult
from smskit.conversations.ingest import fold_inbound
from smskit.sending.tracking import InboundMessage, LedgerSink

__all__ = ["InboxSink"]

log = logging.getLogger("smskit.conversations")


class InboxSink(LedgerSink):
    """:class:`LedgerSink` plus the Inbox's threads."""

    def _stored(self, message: InboundMessage, row_id: int, result: InboundResult | None) -> None:
        """Fold the reply into its thread, in the transaction that stored it.

        A fault here must never cost the opt-out beside it, so the fold runs in a savepoint: if it
        fails, the reply and its consent event still commit, and :func:`ingest` folds the reply
        on the Inbox's next look.
        """
        try:
            with self.store.transaction() as connection, connection.begin_nested():
                fold_inbound(
                    self.store,
                    self.ledger,
                    message.from_,
                    message.to,
                    message.body,
                    message.at or datetime.now(UTC),
                    row_id=row_id,
                    status=result.status if result is not None else None,
                )
        except Exception:  # whatever went wrong, the consent decision above must still commit
            log.exception("inbound %s stored but not folded into its thread", message.sid)
