"""Per-part state of long messages, shared by every webhook process through the store.

Vonage's SMS API sends a long message as several messages, each with its own delivery receipt,
and delivers a long inbound message as several webhooks
(https://developer.vonage.com/en/messaging/sms/guides/concatenation-and-encoding). A team runs
several webhook processes that restart; a receipt for part 2 may reach another process than part
1's. Services share state only through the store, so the parts live here (migration 0009).

Both methods write in one transaction and read in the next: of two processes writing sibling
parts at once, the one that commits last reads every part (READ COMMITTED on PostgreSQL;
SQLite's ``BEGIN IMMEDIATE`` serialises writers), so the whole message is never missed.

>>> from smskit.store.database import Store
>>> store = Store.open("sqlite://")
>>> store.record_part_status("m1", "0A1", "delivered")
('delivered',)
>>> store.record_part_status("m1", "0A2", "sent"), store.record_part_status("m1", "0A1", "sent")
(('delivered', 'sent'), ('delivered', 'sent'))
>>> store.add_inbound_part("+1|+2|r", 2, 2, "P2", " world"), store.add_inbound_part(
...     "+1|+2|r", 1, 2, "P1", "Hello")
(None, ('P1', 'Hello world'))
>>> store.add_inbound_part("+1|+2|r", 1, 2, "P1", "Hello")  # a redelivered part: once only
>>> store.first_nonce("n-1", max_age=600), store.first_nonce("n-1", max_age=600)
(True, False)
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from smskit.providers import later_status
from smskit.store.connection import StoreBase
from smskit.store.schema import inbound_parts, message_parts, webhook_nonces

__all__ = ["INBOUND_PARTS_KEPT", "PartsLog"]

#: How long the parts of an incomplete inbound message wait for the rest. Vonage delivers the
#: parts of one message together; a day covers webhook retries after an outage.
INBOUND_PARTS_KEPT = timedelta(days=1)


class PartsLog(StoreBase):
    """Store methods for the parts of long messages (mixed into :class:`Store`)."""

    def record_part_status(
        self, message_key: str, part_id: str, status: str, error_code: int | None = None
    ) -> tuple[str, ...]:
        """Record one part's receipt (never moving it backwards); every known part's status,
        in part id order, read after the write committed.
        """
        now = datetime.now(UTC)
        key = (message_parts.c.message_key == message_key) & (message_parts.c.part_id == part_id)
        with self._writing() as connection:
            inserted = connection.execute(
                self._insert(message_parts)
                .values(
                    message_key=message_key,
                    part_id=part_id,
                    status=status,
                    error_code=error_code,
                    updated_at=now,
                )
                .on_conflict_do_nothing(
                    index_elements=[message_parts.c.message_key, message_parts.c.part_id]
                )
                .returning(message_parts.c.part_id)
            ).scalar()
            if inserted is None:  # a later receipt for a known part: forward only
                row = connection.execute(
                    sa.select(message_parts.c.status).where(key).with_for_update()
                ).one()
                moved = later_status(row.status, status)
                if moved != row.status:
                    changes = {"status": moved, "updated_at": now}
                    if error_code is not None:
                        changes["error_code"] = error_code
                    connection.execute(message_parts.update().where(key).values(changes))
        with self._reading() as connection:
            rows = connection.execute(
                sa.select(message_parts.c.status)
                .where(message_parts.c.message_key == message_key)
                .order_by(message_parts.c.part_id)
            )
            return tuple(r.status for r in rows)

    def first_nonce(self, nonce: str, *, max_age: float) -> bool:
        """True the first time ``nonce`` is seen by any process in ``max_age`` seconds; older
        nonces are forgotten (their requests are refused for their timestamp anyway)."""
        now = datetime.now(UTC)
        with self._writing() as connection:
            connection.execute(
                webhook_nonces.delete().where(
                    webhook_nonces.c.seen_at < now - timedelta(seconds=max_age)
                )
            )
            inserted = connection.execute(
                self._insert(webhook_nonces)
                .values(nonce=nonce, seen_at=now)
                .on_conflict_do_nothing(index_elements=[webhook_nonces.c.nonce])
                .returning(webhook_nonces.c.nonce)
            ).scalar()
        return inserted is not None

    def add_inbound_part(
        self, concat_key: str, part: int, total: int, sid: str, body: str
    ) -> tuple[str, str] | None:
        """Keep one part of a long inbound message; once all ``total`` are in, the first part's
        id and the whole text, to exactly one caller (None to every other and for a part
        already assembled).
        """
        now = datetime.now(UTC)
        of_key = inbound_parts.c.concat_key == concat_key
        with self._writing() as connection:
            connection.execute(
                inbound_parts.delete().where(inbound_parts.c.received_at < now - INBOUND_PARTS_KEPT)
            )
            connection.execute(
                self._insert(inbound_parts)
                .values(
                    concat_key=concat_key,
                    part=part,
                    total=total,
                    sid=sid,
                    body=body,
                    assembled=False,
                    received_at=now,
                )
                .on_conflict_do_nothing(
                    index_elements=[inbound_parts.c.concat_key, inbound_parts.c.part]
                )
            )
        with self._writing() as connection:
            rows = connection.execute(
                sa.select(inbound_parts.c.part, inbound_parts.c.sid, inbound_parts.c.body)
                .where(of_key & ~inbound_parts.c.assembled)
                .order_by(inbound_parts.c.part)
            ).all()
            if len(rows) < total:
                return None
            # Claim them: of two processes that both saw every part, only one updates any row
            # (PostgreSQL re-checks ``NOT assembled`` after the other commits).
            claimed = connection.execute(
                inbound_parts.update()
                .where(of_key & ~inbound_parts.c.assembled)
                .values(assembled=True)
            ).rowcount
            if not claimed:
                return None
        return rows[0].sid, "".join(r.body for r in rows)
