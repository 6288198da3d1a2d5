"""Four-eyes approval: a campaign above a size or cost threshold needs a second person.

The threshold is the team's (``SMSKIT_APPROVAL_MIN_RECIPIENTS``, default 500 messages;
``SMSKIT_APPROVAL_MIN_COST``, default 25 in the plan's currency; either one reached means approval
is needed). It applies in a team deployment (``SMSKIT_TEAM=1``, set by ``deploy/``); single-user
``make run`` needs none. The approver is neither the person who planned the campaign nor the one
who sends it, and sees what the worker will send: counts, cost and sample messages read from the
stored messages (:func:`approval_summary`). The worker asks :func:`send_refusal` before each start,
so a campaign queued without approval, or by someone who is not an operator, is never sent.

>>> policy = ApprovalPolicy(min_recipients=100, min_cost=Decimal("10"), enabled=True)
>>> needs_approval(policy, 99, Decimal("9.99")), needs_approval(policy, 100, Decimal("0"))
(False, True)
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from smskit.i18n.catalog import N_, Text
from smskit.store.database import Store
from smskit.store.records import CampaignRecord
from smskit.team.actor import Actor
from smskit.team.roles import Action, PermissionDenied, Role

__all__ = [
    "APPROVABLE",
    "ApprovalPolicy",
    "ApprovalSummary",
    "approval_summary",
    "approve",
    "check_send",
    "needs_approval",
    "send_refusal",
]

#: A campaign may be approved while it is a draft or held by the worker.
APPROVABLE = ("planned", "paused", "failed", "held")


@dataclass(frozen=True, slots=True)
class ApprovalPolicy:
    """When a campaign needs a second person: at ``min_recipients`` messages or ``min_cost``."""

    min_recipients: int = 500
    min_cost: Decimal = Decimal("25")
    enabled: bool = False

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> ApprovalPolicy:
        """Read the team's threshold; a value that is not a number is refused by name.

        >>> ApprovalPolicy.from_env({"SMSKIT_TEAM": "1", "SMSKIT_APPROVAL_MIN_COST": "2.5"})
        ApprovalPolicy(min_recipients=500, min_cost=Decimal('2.5'), enabled=True)
        >>> ApprovalPolicy.from_env({"SMSKIT_APPROVAL_MIN_RECIPIENTS": "many"})
        Traceback (most recent call last):
        ...
        ValueError: SMSKIT_APPROVAL_MIN_RECIPIENTS='many' is not a whole number
        """
        env = os.environ if environ is None else environ
        raw_n = env.get("SMSKIT_APPROVAL_MIN_RECIPIENTS", "").strip() or "500"
        raw_c = env.get("SMSKIT_APPROVAL_MIN_COST", "").strip() or "25"
        try:
            n = int(raw_n)
        except ValueError:
            raise ValueError(
                f"SMSKIT_APPROVAL_MIN_RECIPIENTS={raw_n!r} is not a whole number"
            ) from None
        try:
            cost = Decimal(raw_c)
        except InvalidOperation:
            raise ValueError(f"SMSKIT_APPROVAL_MIN_COST={raw_c!r} is not a number") from None
        enabled = env.get("SMSKIT_TEAM", "").strip().lower() in ("1", "true", "yes")
        return cls(n, cost, enabled)


def needs_approval(policy: ApprovalPolicy, messages: int, cost: Decimal) -> bool:
    """Is a campaign of ``messages`` messages costing ``cost`` at or above the threshold?

    >>> needs_approval(ApprovalPolicy(enabled=False), 10**6, Decimal(10**6))
    False
    """
    return policy.enabled and (messages >= policy.min_recipients or cost >= policy.min_cost)


@dataclass(frozen=True, slots=True)
class ApprovalSummary:
    """What an approver sees: what will go out, and who planned, approved and sent it."""

    campaign_id: str
    name: str
    status: str
    messages: int
    blocked: int
    segments: int
    cost: Decimal
    currency: str
    samples: tuple[tuple[str, str], ...]  # (to, text) of the first few messages
    needed: bool
    created_by: str | None
    approved_by: str | None
    sent_by: str | None
    canceled_by: str | None


def approval_summary(
    store: Store, campaign_id: str, policy: ApprovalPolicy | None = None, samples: int = 3
) -> ApprovalSummary:
    """Counts, cost and sample messages of a stored campaign, from the rows the worker sends.

    >>> from smskit.campaign.storage import _example
    >>> s = approval_summary(*_example(), policy=ApprovalPolicy(1, Decimal(1), enabled=True))
    >>> s.messages, s.blocked, s.needed, s.samples[0][1]
    (1, 1, True, 'Hi Ana')
    """
    record = _record(store, campaign_id)
    policy = policy or ApprovalPolicy.from_env()
    count, segments, cost, rows = store.message_totals(campaign_id, samples)
    totals = record.spec.get("totals", {})
    blocked = int(totals.get("blocked", 0)) if isinstance(totals, dict) else 0
    currency = str(totals.get("currency", "")) if isinstance(totals, dict) else ""
    return ApprovalSummary(
        campaign_id,
        record.name,
        record.status,
        count,
        blocked,
        segments,
        cost,
        currency or (rows[0].price_unit or "" if rows else ""),
        tuple((m.to_number, m.body) for m in rows),
        needs_approval(policy, count, cost),
        record.created_by,
        record.approved_by,
        record.sent_by,
        record.canceled_by,
    )


def _record(store: Store, campaign_id: str) -> CampaignRecord:
    record = store.get_campaign(campaign_id)
    if record is None:
        raise PermissionDenied(N_("No saved campaign '{id}'"), id=campaign_id)
    return record


def approve(
    store: Store, campaign_id: str, actor: Actor, policy: ApprovalPolicy | None = None
) -> ApprovalSummary:
    """Record ``actor``'s approval; refused unless they are an approver, and not the person who
    planned (or sent) it.

    >>> from smskit.campaign.storage import _example
    >>> store, cid = _example()
    >>> approve(store, cid, Actor("ida", frozenset({Role.APPROVER}), True)).approved_by
    'ida'
    >>> approve(store, cid, Actor("bo", frozenset({Role.OPERATOR}), True))
    Traceback (most recent call last):
    ...
    smskit.team.roles.PermissionDenied: bo may not approve: that needs the approver role
    """
    actor.require(Action.APPROVE)
    record = _record(store, campaign_id)
    if actor.name in (record.created_by, record.sent_by):
        raise PermissionDenied(
            N_("{actor} planned or sent campaign '{id}': another person must approve it"),
            actor=actor.name,
            id=campaign_id,
        )
    if record.approved_by is None and not store.approve_campaign(
        campaign_id, actor.name, only_from=APPROVABLE
    ):
        raise PermissionDenied(
            N_("Campaign '{id}' cannot be approved now (it is {status})"),
            id=campaign_id,
            status=record.status,
        )
    return approval_summary(store, campaign_id, policy)


def check_send(
    store: Store, campaign_id: str, actor: Actor, policy: ApprovalPolicy | None = None
) -> None:
    """Raise :class:`PermissionDenied` unless ``actor`` may send this campaign now.

    >>> from smskit.campaign.storage import _example
    >>> store, cid = _example()
    >>> big = ApprovalPolicy(1, Decimal(1), enabled=True)
    >>> check_send(store, cid, Actor("bo", frozenset({Role.OPERATOR}), True), big)
    Traceback (most recent call last):
    ...
    smskit.team.roles.PermissionDenied: Campaign 'Example' needs an approver's approval ...
    """
    actor.require(Action.SEND)
    summary = approval_summary(store, campaign_id, policy)
    if summary.needed and summary.approved_by is None:
        raise PermissionDenied(
            N_(
                "Campaign '{name}' needs an approver's approval before it is sent "
                "({count} messages, cost {cost} {currency})"
            ),
            name=summary.name,
            count=summary.messages,
            cost=summary.cost,
            currency=summary.currency,
        )
    if summary.approved_by == actor.name:
        raise PermissionDenied(
            N_("{actor} approved campaign '{name}' and may not also send it"),
            actor=actor.name,
            name=summary.name,
        )


def send_refusal(
    store: Store,
    campaign_id: str,
    roles_of: Callable[[str], frozenset[Role] | None],
    policy: ApprovalPolicy | None = None,
) -> Text | None:
    """Why the worker must not send this campaign (None: it may), decided from the store and
    from ``roles_of`` (who says what roles a person has: the Hub, not the person's own kernel).

    >>> from smskit.campaign.storage import _example
    >>> store, cid = _example()
    >>> on = ApprovalPolicy(1, Decimal(1), enabled=True)
    >>> str(send_refusal(store, cid, lambda name: frozenset(Role), on))
    "Campaign 'Example' needs an approver's approval and has none"
    >>> send_refusal(store, cid, lambda name: None, ApprovalPolicy())  # single user
    """
    policy = policy or ApprovalPolicy.from_env()
    if not policy.enabled:
        return None
    summary = approval_summary(store, campaign_id, policy)
    if summary.needed and summary.approved_by is None:
        return Text(
            N_("Campaign '{name}' needs an approver's approval and has none"), name=summary.name
        )
    sender = summary.sent_by
    if not sender or Role.OPERATOR not in (roles_of(sender) or frozenset()):
        return Text(
            N_("Campaign '{name}' was confirmed by {who}, who is not an operator"),
            name=summary.name,
            who=sender or "nobody",
        )
    if summary.approved_by is not None:
        approver = roles_of(summary.approved_by) or frozenset()
        if Role.APPROVER not in approver or summary.approved_by in (sender, summary.created_by):
            return Text(
                N_("Campaign '{name}': its approval by {who} does not count (four eyes)"),
                name=summary.name,
                who=summary.approved_by,
            )
    return None
