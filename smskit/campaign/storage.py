"""Storing a campaign: the plan, each message's state, its status history, progress and results.

A plan is stored once under an id derived from its fingerprint, so storing the same plan twice
is a no-op (:func:`save_plan`). Each sendable recipient becomes a row of the store's ``messages``
table in state ``planned``; every recipient (sendable or not) gets a ``campaign_recipients`` row
with its findings and earliest allowed send time. State changes go through compare-and-set updates
(``WHERE state = ...``), the basis of exactly-once sending (see :mod:`smskit.sending.runner`).

>>> from datetime import datetime, UTC
>>> from smskit.campaign.planner import Campaign, Recipient, Sender, plan
>>> from smskit.store.database import Store
>>> store = Store.open("sqlite://")
>>> camp = Campaign("Hi", "Hi {name|there}", Sender("short_code", "12345"), purpose="transactional")
>>> p = plan(camp,
...          [Recipient.of("a", "+14155550100")], now=datetime(2026, 3, 2, 18, tzinfo=UTC))
>>> cid = save_plan(store, p)
>>> save_plan(store, p) == cid, progress(store, cid).by_state
(True, (('planned', 1),))
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa

from smskit.campaign.planner import Campaign, CampaignPlan, Sender
from smskit.campaign.templates import lone_surrogate
from smskit.i18n.catalog import LocalizedError, Text
from smskit.providers import error_meaning
from smskit.store.database import Store
from smskit.store.schema import campaign_recipients, contacts, message_events, messages
from smskit.team.actor import current_actor_name

__all__ = [
    "DeliverySummary",
    "ErrorCount",
    "Progress",
    "ResultRow",
    "campaign_of",
    "delivery_summary",
    "progress",
    "record_events",
    "results",
    "save_plan",
    "status_timeline",
    "unreachable_numbers",
]

_CHUNK = 5000


def campaign_id_for(plan: CampaignPlan) -> str:
    """The stored id of a plan: stable, so the same plan is stored once.

    >>> from smskit.campaign.planner import Campaign, Sender, plan
    >>> campaign_id_for(plan(Campaign("x", "y", Sender("short_code", "1")), []))[:3]
    'cmp'
    """
    return "cmp_" + plan.fingerprint[:24]


def _spec(plan: CampaignPlan) -> dict[str, Any]:
    c, t = plan.campaign, plan.totals
    return {
        "name": c.name,
        "template": c.template,
        "sender": {
            "kind": c.sender.kind,
            "address": c.sender.address,
            "segments_per_second": c.sender.segments_per_second,
        },
        "send_at": c.send_at.isoformat() if c.send_at else None,
        "smart_encoding": c.smart_encoding,
        "default_region": c.default_region,
        "purpose": c.purpose,
        "scope": c.scope,
        "planned_at": plan.planned_at.isoformat(),
        "fingerprint": plan.fingerprint,
        "totals": {
            "recipients": t.recipients,
            "sendable": t.sendable,
            "blocked": t.blocked,
            "warned": t.warned,
            "segments": t.segments,
            "cost": str(t.cost),
            "currency": t.currency,
            # The preflight's findings by reason (warnings included, e.g. a template field that
            # matches no column), so whatever reads the stored plan can show them too.
            "by_reason": [
                {
                    "code": r.code,
                    "severity": str(r.severity),
                    "reason": r.reason.template,
                    "params": _jsonable(r.reason.params),
                    "text": str(r.reason),
                    "count": r.count,
                }
                for r in t.by_reason
            ],
        },
        "dry_runs": 0,
    }


def _unstorable(plan: CampaignPlan) -> LocalizedError | None:
    """Why the plan cannot be stored, checked before anything is written: a lone surrogate.

    UTF-8 (SQLite's text, PostgreSQL's) cannot encode one (Unicode chapter 3, D76). plan() never
    makes such a plan (the template is refused, such a row is blocked without a text); this
    guards plans built by hand.
    """
    c = plan.campaign
    for part, value in (
        ("name", c.name),
        ("template", c.template),
        ("sender", c.sender.address),
        ("scope", c.scope or ""),
    ):
        found = lone_surrogate(value)
        if found is not None:
            return LocalizedError(
                "Cannot save the plan: the campaign's {part} holds {code} at character {pos}, "
                "half of a character (a lone surrogate); nothing was saved",
                part=part,
                code=found[1],
                pos=found[0],
            )
    for n, m in enumerate(plan.messages, start=1):
        for value in (m.key, m.to, m.text or ""):
            found = lone_surrogate(value)
            if found is not None:
                return LocalizedError(
                    "Cannot save the plan: recipient {n} (row {row}) holds {code} at character "
                    "{pos}, half of a character (a lone surrogate); nothing was saved",
                    n=n,
                    row=m.row,
                    code=found[1],
                    pos=found[0],
                )
    return None


def save_plan(store: Store, plan: CampaignPlan, *, actor: str | None = None) -> str:
    """Store a plan (campaign, recipients, planned messages) once; return the campaign id.

    ``actor`` (default :func:`~smskit.team.current_actor_name`) is recorded as ``created_by``.

    All rows are written in one transaction, so a crash leaves either the whole plan or none; a
    plan holding text that cannot be stored (a lone surrogate) is refused before anything is
    written.

    >>> store, campaign_id = _example()
    >>> campaign_id.startswith("cmp_"), len(store.list_messages(campaign_id))
    (True, 1)
    """
    campaign_id = campaign_id_for(plan)
    if store.get_campaign(campaign_id) is not None:
        return campaign_id
    refused = _unstorable(plan)
    if refused is not None:
        raise refused
    now = datetime.now(UTC)
    c = plan.campaign
    sender_from = "" if c.sender.is_service else c.sender.address
    message_rows: list[dict[str, Any]] = []
    recipient_rows: list[dict[str, Any]] = []
    for seq, m in enumerate(plan.messages):
        message_id = f"{campaign_id}:{seq:07d}" if m.sendable else None
        recipient_rows.append(
            {
                "campaign_id": campaign_id,
                "seq": seq,
                "recipient_key": m.key,
                "row": m.row,
                "to_number": m.to,
                "country": m.country,
                "plan_status": m.status,
                "findings": [
                    [f.code, f.severity, f.reason.template, _jsonable(f.reason.params)]
                    for f in m.findings
                ],
                "message_id": message_id,
                "send_at": m.send_at,
            }
        )
        if message_id is not None:
            message_rows.append(
                {
                    "id": message_id,
                    "campaign_id": campaign_id,
                    "to_number": m.to,
                    "from_number": sender_from,
                    "body": m.text,
                    "state": "planned",
                    "segments": m.segments,
                    "price": m.cost,
                    "price_unit": plan.totals.currency,
                    "attempts": 0,
                    "created_at": now,
                    "updated_at": now,
                }
            )
    store.save_campaign(
        campaign_id,
        c.name,
        _spec(plan),
        status="planning",
        created_by=actor or current_actor_name(),
    )
    with store.engine.begin() as connection:
        # a crash during an earlier save left a partial plan: start it again from scratch
        connection.execute(messages.delete().where(messages.c.campaign_id == campaign_id))
        connection.execute(
            campaign_recipients.delete().where(campaign_recipients.c.campaign_id == campaign_id)
        )
        for rows, table in ((message_rows, messages), (recipient_rows, campaign_recipients)):
            for start in range(0, len(rows), _CHUNK):
                connection.execute(table.insert(), rows[start : start + _CHUNK])
    store.set_campaign_status(campaign_id, "planned")
    return campaign_id


def _jsonable(params: dict[str, Any]) -> dict[str, Any]:
    return {k: v if isinstance(v, int | float | str | bool) else str(v) for k, v in params.items()}


def campaign_of(store: Store, campaign_id: str) -> Campaign:
    """The :class:`Campaign` a stored plan was made from; a clear error if there is none.

    >>> from smskit.store.database import Store
    >>> campaign_of(Store.open("sqlite://"), "cmp_missing")
    Traceback (most recent call last):
    ...
    smskit.i18n.LocalizedError: No saved campaign 'cmp_missing'
    """
    record = store.get_campaign(campaign_id)
    if record is None:
        raise LocalizedError("No saved campaign '{id}'", id=campaign_id)
    spec: dict[str, Any] = dict(record.spec)
    s = spec["sender"]
    return Campaign(
        name=spec["name"],
        template=spec["template"],
        sender=Sender(s["kind"], s["address"], s.get("segments_per_second")),
        send_at=datetime.fromisoformat(spec["send_at"]) if spec.get("send_at") else None,
        smart_encoding=bool(spec.get("smart_encoding")),
        default_region=spec.get("default_region", "US"),
        purpose=spec.get("purpose", "marketing"),
        scope=spec.get("scope") or None,
    )


def record_events(
    connection: sa.Connection, rows: Iterable[tuple[str, str | None, str, int | None]], at: datetime
) -> None:
    """Append status-history rows ``(message_id, campaign_id, status, error_code)`` at ``at``.

    >>> store, campaign_id = _example()
    >>> with store.engine.begin() as connection:
    ...     record_events(connection, [("m1", campaign_id, "queued", None)], datetime.now(UTC))
    >>> [status for _, status, _ in status_timeline(store, campaign_id)]
    ['queued']
    """
    values = [
        {"message_id": m, "campaign_id": c, "status": s, "error_code": e, "at": at}
        for m, c, s, e in rows
    ]
    if values:
        connection.execute(message_events.insert(), values)


@dataclass(frozen=True, slots=True)
class Progress:
    """Live counts of one campaign: by exactly-once state and by provider status."""

    campaign_id: str
    campaign_status: str
    total: int
    by_state: tuple[tuple[str, int], ...]
    by_status: tuple[tuple[str, int], ...]

    def count(self, state: str) -> int:
        """Messages in ``state`` (planned, submitting, submitted or final).

        >>> Progress("c", "sending", 3, (("final", 2),), ()).count("final")
        2
        """
        return dict(self.by_state).get(state, 0)

    @property
    def handled(self) -> int:
        """Messages no longer waiting to be sent (submitted, final, skipped or canceled).

        >>> Progress("c", "sending", 4, (("planned", 1), ("final", 3)), ()).handled
        3
        """
        return self.count("submitted") + self.count("final")

    @property
    def fraction(self) -> float:
        """Share handled, 0..1 (1 for an empty campaign).

        >>> Progress("c", "finished", 0, (), ()).fraction
        1.0
        """
        return self.handled / self.total if self.total else 1.0


def progress(store: Store, campaign_id: str) -> Progress:
    """Counts by state and status for one campaign (cheap: two grouped queries).

    >>> progress(*_example()).by_state
    (('planned', 1),)
    """
    record = store.get_campaign(campaign_id)
    status = record.status if record else "unknown"
    where = messages.c.campaign_id == campaign_id
    with store.engine.connect() as connection:
        connection.execution_options(smskit_read=True)
        states = connection.execute(
            sa.select(messages.c.state, sa.func.count()).where(where).group_by(messages.c.state)
        ).all()
        statuses = connection.execute(
            sa.select(messages.c.status, sa.func.count()).where(where).group_by(messages.c.status)
        ).all()
    by_state = tuple(sorted((str(s), int(n)) for s, n in states))
    by_status = tuple(sorted((str(s or "planned"), int(n)) for s, n in statuses))
    return Progress(campaign_id, status, sum(n for _, n in by_state), by_state, by_status)


@dataclass(frozen=True, slots=True)
class ErrorCount:
    """One error code, how many messages got it, and its meaning in plain words."""

    code: int
    count: int
    meaning: Text


@dataclass(frozen=True, slots=True)
class DeliverySummary:
    """Delivery results by status and by error code."""

    by_status: tuple[tuple[str, int], ...]
    by_error: tuple[ErrorCount, ...]


def delivery_summary(store: Store, campaign_id: str) -> DeliverySummary:
    """Counts by status and by error code (each with its meaning, e.g. 30006 landline).

    >>> delivery_summary(*_example())
    DeliverySummary(by_status=(('planned', 1),), by_error=())
    """
    where = messages.c.campaign_id == campaign_id
    with store.engine.connect() as connection:
        connection.execution_options(smskit_read=True)
        statuses = connection.execute(
            sa.select(messages.c.status, sa.func.count()).where(where).group_by(messages.c.status)
        ).all()
        errors = connection.execute(
            sa.select(messages.c.error_code, sa.func.count())
            .where(where, messages.c.error_code.is_not(None))
            .group_by(messages.c.error_code)
        ).all()
    return DeliverySummary(
        tuple(sorted(((s or "planned"), int(n)) for s, n in statuses)),
        tuple(
            ErrorCount(int(code), int(n), Text(error_meaning(int(code)), status=None, code=code))
            for code, n in sorted(errors, key=lambda r: (-r[1], r[0]))
        ),
    )


@dataclass(frozen=True, slots=True)
class ResultRow:
    """One recipient's outcome, for the results table and its CSV export."""

    row: int
    key: str
    to: str
    plan_status: str
    state: str
    status: str
    error_code: int | None
    sid: str
    reason: str


def results(store: Store, campaign_id: str) -> tuple[ResultRow, ...]:
    """Every recipient with its plan status and delivery outcome, in audience order.

    >>> [(r.plan_status, r.state) for r in results(*_example())]
    [('eligible', 'planned'), ('blocked', 'not sent')]
    """
    r, m = campaign_recipients, messages
    query = (
        sa.select(
            r.c.row,
            r.c.recipient_key,
            r.c.to_number,
            r.c.plan_status,
            r.c.findings,
            m.c.state,
            m.c.status,
            m.c.error_code,
            m.c.sid,
        )
        .select_from(r.outerjoin(m, m.c.id == r.c.message_id))
        .where(r.c.campaign_id == campaign_id)
        .order_by(r.c.seq)
    )
    with store.engine.connect() as connection:
        connection.execution_options(smskit_read=True)
        rows = connection.execute(query).all()
    out = []
    for row in rows:
        findings = row.findings or []
        reason = "; ".join(str(Text(f[2], **f[3])) for f in findings)
        out.append(
            ResultRow(
                row.row,
                row.recipient_key,
                row.to_number,
                row.plan_status,
                row.state or "not sent",
                row.status or "",
                row.error_code,
                row.sid or "",
                reason,
            )
        )
    return tuple(out)


def status_timeline(store: Store, campaign_id: str) -> Sequence[tuple[datetime, str, int | None]]:
    """Every status change of the campaign's messages, in time order (for the chart).

    >>> status_timeline(*_example())
    []
    """
    e = message_events
    with store.engine.connect() as connection:
        connection.execution_options(smskit_read=True)
        rows = connection.execute(
            sa.select(e.c.at, e.c.status, e.c.error_code)
            .where(e.c.campaign_id == campaign_id)
            .order_by(e.c.at, e.c.id)
        ).all()
    return [(row.at, row.status, row.error_code) for row in rows]


def unreachable_numbers(store: Store) -> dict[str, str]:
    """Contacts an earlier campaign marked invalid or landline: number -> mark (plan() skips them).

    >>> unreachable_numbers(Store.open("sqlite://"))
    {}
    """
    query = sa.select(contacts.c.phone_e164, contacts.c.status).where(
        contacts.c.status.in_(("invalid", "landline"))
    )
    with store.engine.connect() as connection:
        connection.execution_options(smskit_read=True)
        return {row.phone_e164: row.status for row in connection.execute(query)}


def _example() -> tuple[Store, str]:
    """A stored two-recipient plan in a fresh in-memory store (for the examples above)."""
    from smskit.campaign.planner import Recipient, plan

    store = Store.open("sqlite://")
    sender = Sender("long_code", "+15005550006")  # Twilio's test From number
    camp = Campaign("Example", "Hi {name}", sender, purpose="transactional")
    people = [Recipient.of("a", "+14155550100", name="Ana"), Recipient.of("b", "12", name="Bo")]
    return store, save_plan(store, plan(camp, people, now=datetime(2026, 3, 2, 18, tzinfo=UTC)))
