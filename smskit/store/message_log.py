"""The sending half of the store: campaigns, outbound messages (by id and SID), inbound messages.

Every write is idempotent, because Twilio retries webhooks and a campaign may resume after a crash:
a message id is the caller's idempotency key, a status report never moves a message backwards
(``smskit.providers.later_status``), and an inbound message is stored once per SID.
:class:`MessageLog` is mixed into :class:`smskit.store.database.Store`; the Store satisfies
``smskit.webhooks.app.MessageSink``.

>>> from smskit.store.database import Store
>>> store = Store.open("sqlite://")
>>> store.record_message(NewMessage("m1", "+14155550100", "+15005550006", "Hi")).state
'planned'
>>> store.transition_message("m1", "planned", "submitting")
True
>>> store.transition_message("m1", "planned", "submitting")  # someone else already claimed it
False
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa

from smskit.i18n.catalog import LocalizedError, Text
from smskit.providers import is_final_status, later_status
from smskit.store.connection import StoreBase, _now
from smskit.store.records import (
    CampaignRecord,
    InboundLike,
    InboundRecord,
    LoggedMessage,
    NewMessage,
    StatusLike,
)
from smskit.store.schema import MESSAGE_STATES, campaigns, inbound_messages, messages

__all__ = ["MessageLog"]

_UNSET: Any = object()


class MessageLog(StoreBase):
    """Campaign, outbound and inbound message methods of the store."""

    def save_campaign(
        self,
        campaign_id: str,
        name: str,
        spec: Mapping[str, object],
        status: str = "draft",
        *,
        created_by: str | None = None,
    ) -> CampaignRecord:
        """Create a campaign, or update its name, spec and status if the id exists.

        ``created_by`` (who planned it) is written when the row is created, never changed after.

        >>> from smskit.store.database import Store
        >>> store = Store.open("sqlite://")
        >>> store.save_campaign("c1", "Spring sale", {"body": "Hi"}, created_by="ana").status
        'draft'
        >>> store.save_campaign("c1", "Spring sale", {}, created_by="bo").created_by
        'ana'
        """
        now = _now()
        statement = self._insert(campaigns).values(
            id=campaign_id,
            name=name,
            spec=dict(spec),
            status=status,
            created_at=now,
            updated_at=now,
            created_by=created_by,
        )
        statement = statement.on_conflict_do_update(
            index_elements=[campaigns.c.id],
            set_={"name": name, "spec": dict(spec), "status": status, "updated_at": now},
        )
        with self._writing() as connection:
            connection.execute(statement)
        found = self.get_campaign(campaign_id)
        assert found is not None
        return found

    def get_campaign(self, campaign_id: str) -> CampaignRecord | None:
        """The campaign with this id, or None.

        >>> from smskit.store.database import Store
        >>> Store.open("sqlite://").get_campaign("nope") is None
        True
        """
        with self._reading() as connection:
            row = connection.execute(
                sa.select(campaigns).where(campaigns.c.id == campaign_id)
            ).one_or_none()
        return None if row is None else _campaign(row)

    def list_campaigns(self) -> list[CampaignRecord]:
        """All campaigns, newest first.

        >>> from smskit.store.database import Store
        >>> Store.open("sqlite://").list_campaigns()
        []
        """
        query = sa.select(campaigns).order_by(campaigns.c.created_at.desc(), campaigns.c.id)
        with self._reading() as connection:
            return [_campaign(row) for row in connection.execute(query)]

    def set_campaign_status(self, campaign_id: str, status: str) -> bool:
        """Change a campaign's status; True if the campaign exists.

        >>> from smskit.store.database import Store
        >>> Store.open("sqlite://").set_campaign_status("nope", "sending")
        False
        """
        with self._writing() as connection:
            result = connection.execute(
                campaigns.update()
                .where(campaigns.c.id == campaign_id)
                .values(status=status, updated_at=_now())
            )
        return bool(result.rowcount)

    def transition_campaign(
        self,
        campaign_id: str,
        status: str,
        *,
        only_from: Iterable[str],
        by: tuple[str, str] | None = None,
        reason: Text | None = None,
    ) -> bool:
        """Set the status only if it is now one of ``only_from`` (compare-and-set).

        Workers use it so that a pause or cancel written meanwhile by a dashboard is never
        overwritten by a worker's "sending" or "finished". ``by`` = ``(step, actor)`` records
        who did it in the same update: ``step`` is ``sent`` or ``canceled`` (``sent_by`` and
        ``sent_at``, ...). ``reason`` says why it failed or is held; every transition replaces
        it, so "Send the rest" clears the last one.

        >>> from smskit.store.database import Store
        >>> store = Store.open("sqlite://")
        >>> _ = store.save_campaign("c1", "Demo", {}, status="paused")
        >>> store.transition_campaign("c1", "sending", only_from=("queued", "waiting"))
        False
        >>> store.transition_campaign("c1", "queued", only_from=("paused",))
        True
        """
        with self._writing() as connection:
            result = connection.execute(
                campaigns.update()
                .where(campaigns.c.id == campaign_id, campaigns.c.status.in_(list(only_from)))
                .values(
                    status=status,
                    updated_at=_now(),
                    stop_reason=reason.to_json() if reason is not None else None,
                    **_stamp(by),
                )
            )
        return bool(result.rowcount)

    def approve_campaign(
        self, campaign_id: str, approver: str, *, only_from: Iterable[str]
    ) -> bool:
        """Record ``approver``'s approval (compare-and-set): only while the campaign is in
        ``only_from``, not yet approved, and neither planned nor sent by the same person.

        >>> from smskit.store.database import Store
        >>> store = Store.open("sqlite://")
        >>> _ = store.save_campaign("c1", "Demo", {}, status="planned", created_by="ana")
        >>> store.approve_campaign("c1", "ana", only_from=("planned",))  # four eyes, not two
        False
        >>> store.approve_campaign("c1", "ida", only_from=("planned",))
        True
        >>> store.get_campaign("c1").approved_by
        'ida'
        """
        c = campaigns.c
        with self._writing() as connection:
            result = connection.execute(
                campaigns.update()
                .where(
                    c.id == campaign_id,
                    c.status.in_(list(only_from)),
                    c.approved_by.is_(None),
                    sa.or_(c.created_by.is_(None), c.created_by != approver),
                    sa.or_(c.sent_by.is_(None), c.sent_by != approver),
                )
                .values(updated_at=_now(), **_stamp(("approved", approver)))
            )
        return bool(result.rowcount)

    def record_message(self, message: NewMessage) -> LoggedMessage:
        """Log a planned message once; a repeat with the same id returns the stored row unchanged.

        >>> from smskit.store.database import Store
        >>> store = Store.open("sqlite://")
        >>> first = store.record_message(NewMessage("m1", "+14155550100", "+15005550006", "Hi"))
        >>> store.record_message(NewMessage("m1", "+14155550100", "+15005550006", "Bye")).body
        'Hi'
        """
        self.record_messages([message])
        found = self.get_message(message.id)
        assert found is not None
        return found

    def record_messages(self, items: Iterable[NewMessage]) -> int:
        """Log many planned messages in one transaction; return how many were new.

        >>> from smskit.store.database import Store
        >>> Store.open("sqlite://").record_messages([NewMessage("a", "+1", "+2", "x")] * 2)
        1
        """
        rows: dict[str, dict[str, Any]] = {}
        now = datetime.now(UTC)
        for item in items:
            rows.setdefault(item.id, _new_row(item, now))
        if not rows:
            return 0
        inserted = 0
        ids = list(rows)
        with self._writing() as connection:
            for start in range(0, len(ids), 900):
                chunk = ids[start : start + 900]
                known = set(
                    connection.scalars(sa.select(messages.c.id).where(messages.c.id.in_(chunk)))
                )
                fresh = [rows[key] for key in chunk if key not in known]
                if fresh:
                    statement = self._insert(messages).on_conflict_do_nothing(
                        index_elements=[messages.c.id]
                    )
                    connection.execute(statement, fresh)
                    inserted += len(fresh)
        return inserted

    def transition_message(
        self,
        message_id: str,
        from_state: str,
        to_state: str,
        *,
        sid: str | None = _UNSET,
        status: str | None = _UNSET,
        error_code: int | None = _UNSET,
        segments: int | None = _UNSET,
        price: Decimal | None = _UNSET,
        price_unit: str | None = _UNSET,
        count_attempt: bool = False,
    ) -> bool:
        """Move a message from ``from_state`` to ``to_state`` only if it is still there (atomic
        compare-and-set, the basis of exactly-once sending); True if this call moved it.

        >>> from smskit.store.database import Store
        >>> Store.open("sqlite://").transition_message("missing", "planned", "submitting")
        False
        """
        for state in (from_state, to_state):
            if state not in MESSAGE_STATES:
                raise LocalizedError("Unknown message state '{state}'", state=state)
        changes: dict[str, Any] = {"state": to_state, "updated_at": datetime.now(UTC)}
        given = {
            "sid": sid,
            "status": status,
            "error_code": error_code,
            "segments": segments,
            "price": price,
            "price_unit": price_unit,
        }
        changes.update({key: value for key, value in given.items() if value is not _UNSET})
        if count_attempt:
            changes["attempts"] = messages.c.attempts + 1
        with self._writing() as connection:
            result = connection.execute(
                messages.update()
                .where(messages.c.id == message_id, messages.c.state == from_state)
                .values(changes)
            )
        return bool(result.rowcount)

    def apply_status(self, update: StatusLike) -> bool:
        """Apply a delivery status by SID, never backwards; True if the stored message changed.

        A final status (delivered, undelivered, failed, ...) moves the message to state ``final``.

        >>> from smskit.store.database import Store
        >>> from smskit.sending.tracking import StatusUpdate
        >>> Store.open("sqlite://").apply_status(StatusUpdate("SM" + "0" * 32, "delivered"))
        False
        """
        with self._writing() as connection:
            # FOR UPDATE: two webhook processes applying statuses of one message at once on
            # PostgreSQL would otherwise both read the old status, and the later commit could
            # move it backwards (SQLite's BEGIN IMMEDIATE already serialises writers).
            row = connection.execute(
                sa.select(messages.c.status, messages.c.state, messages.c.error_code)
                .where(messages.c.sid == update.sid)
                .with_for_update()
            ).one_or_none()
            if row is None:
                return False
            status = later_status(row.status, update.status)
            changes: dict[str, Any] = {}
            if status != row.status:
                changes["status"] = status
                if is_final_status(status):
                    changes["state"] = "final"
                if update.error_code is not None and update.error_code != row.error_code:
                    changes["error_code"] = update.error_code
            price = getattr(update, "price", None)
            if price is not None:
                changes["price"] = price
            if not changes:
                return False
            changes["updated_at"] = datetime.now(UTC)
            connection.execute(
                messages.update().where(messages.c.sid == update.sid).values(changes)
            )
        return True

    def get_message(self, message_id: str) -> LoggedMessage | None:
        """The logged message with this id, or None.

        >>> from smskit.store.database import Store
        >>> Store.open("sqlite://").get_message("nope") is None
        True
        """
        return self._one_message(messages.c.id == message_id)

    def get_message_by_sid(self, sid: str) -> LoggedMessage | None:
        """The logged message with this provider SID, or None.

        >>> from smskit.store.database import Store
        >>> Store.open("sqlite://").get_message_by_sid("SM" + "0" * 32) is None
        True
        """
        return self._one_message(messages.c.sid == sid)

    def _one_message(self, where: sa.ColumnElement[bool]) -> LoggedMessage | None:
        with self._reading() as connection:
            row = connection.execute(sa.select(messages).where(where)).one_or_none()
        return None if row is None else _message(row)

    def list_messages(
        self, campaign_id: str | None = None, state: str | None = None
    ) -> list[LoggedMessage]:
        """Logged messages (of one campaign and/or in one state), oldest first.

        >>> from smskit.store.database import Store
        >>> Store.open("sqlite://").list_messages(state="planned")
        []
        """
        return list(self.iter_messages(campaign_id, state))

    def iter_messages(
        self, campaign_id: str | None = None, state: str | None = None
    ) -> Iterator[LoggedMessage]:
        """Like :meth:`list_messages`, one row at a time.

        >>> from smskit.store.database import Store
        >>> list(Store.open("sqlite://").iter_messages())
        []
        """
        query = sa.select(messages).order_by(messages.c.created_at, messages.c.id)
        if campaign_id is not None:
            query = query.where(messages.c.campaign_id == campaign_id)
        if state is not None:
            query = query.where(messages.c.state == state)
        with self._reading() as connection:
            rows = [_message(row) for row in connection.execute(query)]
        yield from rows

    def message_totals(
        self, campaign_id: str, samples: int = 3
    ) -> tuple[int, int, Decimal, tuple[LoggedMessage, ...]]:
        """What a campaign's stored messages add up to: count, segments, cost, and the first
        ``samples`` messages, read from the rows the worker will send (not from the plan's
        summary), so an approver sees exactly what will go out.

        >>> from smskit.store.database import Store
        >>> n, segments, cost, samples = Store.open("sqlite://").message_totals("none")
        >>> n, segments, cost == 0, samples
        (0, 0, True, ())
        """
        m = messages.c
        where = m.campaign_id == campaign_id
        with self._reading() as connection:
            count, segments, cost = connection.execute(
                sa.select(
                    sa.func.count(),
                    sa.func.coalesce(sa.func.sum(m.segments), 0),
                    sa.func.coalesce(sa.func.sum(m.price), 0),
                ).where(where)
            ).one()
            rows = connection.execute(
                sa.select(messages).where(where).order_by(m.id).limit(samples)
            ).all()
        return int(count), int(segments), Decimal(str(cost)), tuple(_message(r) for r in rows)

    def record_inbound(self, message: InboundLike) -> int | None:
        """Store an inbound message once per SID: the new row's id, or None if it was known.

        >>> from smskit.store.database import Store
        >>> from smskit.sending.tracking import InboundMessage
        >>> store = Store.open("sqlite://")
        >>> reply = InboundMessage("SM" + "1" * 32, "+14155550100", "+15005550006", "STOP")
        >>> store.record_inbound(reply), store.record_inbound(reply)
        (1, None)
        """
        now = datetime.now(UTC)
        statement = (
            self._insert(inbound_messages)
            .values(
                sid=message.sid,
                from_number=message.from_,
                to_number=message.to,
                body=message.body,
                opt_out_type=message.opt_out_type,
                received_at=message.at or now,
                recorded_at=now,
            )
            .on_conflict_do_nothing(index_elements=[inbound_messages.c.sid])
            .returning(inbound_messages.c.id)
        )
        with self._writing() as connection:
            # RETURNING rather than rowcount: drivers disagree on rowcount after DO NOTHING.
            row_id = connection.execute(statement).scalar()
            return None if row_id is None else int(row_id)

    def list_inbound(self, from_number: str | None = None, limit: int = 100) -> list[InboundRecord]:
        """The latest inbound messages (from one number, or all), newest first.

        >>> from smskit.store.database import Store
        >>> Store.open("sqlite://").list_inbound()
        []
        """
        query = sa.select(inbound_messages).order_by(
            inbound_messages.c.received_at.desc(), inbound_messages.c.id.desc()
        )
        if from_number is not None:
            query = query.where(inbound_messages.c.from_number == from_number)
        with self._reading() as connection:
            rows = connection.execute(query.limit(limit))
            return [
                InboundRecord(
                    sid=row.sid,
                    from_number=row.from_number,
                    to_number=row.to_number,
                    body=row.body,
                    opt_out_type=row.opt_out_type,
                    received_at=row.received_at,
                    recorded_at=row.recorded_at,
                )
                for row in rows
            ]


def _stamp(by: tuple[str, str] | None) -> dict[str, Any]:
    """``("sent", "ana")`` -> ``{"sent_by": "ana", "sent_at": now}``."""
    if by is None:
        return {}
    step, actor = by
    if step not in ("approved", "sent", "canceled"):
        raise ValueError(f"unknown campaign step {step!r}")
    return {f"{step}_by": actor, f"{step}_at": _now()}


def _campaign(row: sa.Row[Any]) -> CampaignRecord:
    return CampaignRecord(
        id=row.id,
        name=row.name,
        spec=dict(row.spec or {}),
        status=row.status,
        created_at=row.created_at,
        updated_at=row.updated_at,
        created_by=row.created_by,
        approved_by=row.approved_by,
        sent_by=row.sent_by,
        canceled_by=row.canceled_by,
        approved_at=row.approved_at,
        sent_at=row.sent_at,
        canceled_at=row.canceled_at,
        kind=row.kind,
        stop_reason=Text.from_json(row.stop_reason),
    )


def _new_row(item: NewMessage, now: datetime) -> dict[str, Any]:
    return {
        "id": item.id,
        "campaign_id": item.campaign_id,
        "to_number": item.to_number,
        "from_number": item.from_number,
        "body": item.body,
        "state": "planned",
        "segments": item.segments,
        "attempts": 0,
        "created_at": now,
        "updated_at": now,
    }


def _message(row: sa.Row[Any]) -> LoggedMessage:
    return LoggedMessage(
        id=row.id,
        campaign_id=row.campaign_id,
        to_number=row.to_number,
        from_number=row.from_number,
        body=row.body,
        state=row.state,
        sid=row.sid,
        status=row.status,
        error_code=row.error_code,
        segments=row.segments,
        price=row.price,
        price_unit=row.price_unit,
        attempts=row.attempts,
        created_at=row.created_at,
        updated_at=row.updated_at,
    )
