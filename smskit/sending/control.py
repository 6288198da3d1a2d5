"""Campaign controls that go through the store: confirm, pause, resume, cancel, delete a draft.

Dashboards and the command line never send: they write what they want into the campaign's status,
and every worker reads it (:mod:`smskit.sending.worker`). The statuses::

    planned (a draft: a saved preflight) --confirm--> queued --a worker--> sending
    sending --> waiting (the rest wait for their window) --> sending ... --> finished
    queued / sending / waiting --pause--> paused --resume--> queued
    anything but finished --cancel--> canceled (planned messages closed as canceled at once)
    sending --> failed (an account-level refusal, e.g. Twilio 20003) --resume--> queued

Every change is a compare-and-set, so a pause is never lost under a worker's own update. Each is
done by an :class:`~smskit.team.Actor` (default: the current one, who in single-user ``make run``
may do everything) whose role must allow it; confirm and resume also need an approver's approval
above the team's threshold (:mod:`smskit.team.approvals`), and the store records who sent or
canceled. A campaign the worker refused to send (no approval, or confirmed by a non-operator) is
``held`` until someone allowed confirms it again.

>>> from smskit.campaign.storage import _example
>>> store, campaign_id = _example()
>>> confirm(store, campaign_id), pause(store, campaign_id), resume(store, campaign_id)
(True, True, True)
>>> store.get_campaign(campaign_id).status
'queued'
"""

from __future__ import annotations

import sqlalchemy as sa

from smskit.sending.ledger import MessageLedger
from smskit.store.database import Store
from smskit.store.schema import campaign_recipients, campaigns, message_events, messages
from smskit.team.actor import Actor, current_actor
from smskit.team.approvals import ApprovalPolicy, check_send
from smskit.team.roles import Action

__all__ = [
    "CONFIRMABLE",
    "RUNNABLE",
    "allowed_actions",
    "cancel",
    "confirm",
    "delete_draft",
    "pause",
    "resume",
]

#: Statuses a worker sends for.
RUNNABLE = ("queued", "sending", "waiting")
#: Statuses "confirm and send" starts from.
CONFIRMABLE = ("planned", "paused", "failed", "held")
_CANCELABLE = ("planned", "queued", "sending", "waiting", "paused", "failed", "held")


def allowed_actions(status: str, *, held: int = 0) -> frozenset[str]:
    """What a person may do to a campaign in ``status``; ``held``: messages Twilio still holds
    (SendAt), which a finished campaign may still cancel. A draft may be shown as ``draft``.

    >>> sorted(allowed_actions("draft")), sorted(allowed_actions("sending"))
    (['confirm', 'delete'], ['cancel', 'pause'])
    >>> sorted(allowed_actions("finished")), sorted(allowed_actions("finished", held=3))
    ([], ['cancel'])
    """
    status = "planned" if status == "draft" else status
    actions: set[str] = set()
    if status in CONFIRMABLE:
        actions.add("confirm" if status == "planned" else "resume")
    if status == "planned":
        actions.add("delete")
    if status in RUNNABLE:
        actions.add("pause")
    if status in _CANCELABLE[1:] or (status == "finished" and held > 0):
        actions.add("cancel")  # a draft is deleted instead: it never sent anything
    return frozenset(actions)


def confirm(
    store: Store,
    campaign_id: str,
    actor: Actor | None = None,
    policy: ApprovalPolicy | None = None,
) -> bool:
    """Hand a planned (or paused) campaign to the workers; False if it is not in such a state.

    Raises :class:`~smskit.team.PermissionDenied` if ``actor`` may not send it (not an operator,
    or an approval is needed and missing, or they approved it themselves).

    >>> from smskit.campaign.storage import _example
    >>> store, campaign_id = _example()
    >>> confirm(store, campaign_id), confirm(store, campaign_id)
    (True, False)
    """
    actor = actor or current_actor()
    check_send(store, campaign_id, actor, policy)
    return store.transition_campaign(
        campaign_id, "queued", only_from=CONFIRMABLE, by=("sent", actor.name)
    )


def pause(store: Store, campaign_id: str, actor: Actor | None = None) -> bool:
    """Stop claiming new messages; those in flight finish. False if it was not running.

    >>> from smskit.campaign.storage import _example
    >>> pause(*_example())  # a draft is not running
    False
    """
    (actor or current_actor()).require(Action.PAUSE)
    return store.transition_campaign(campaign_id, "paused", only_from=RUNNABLE)


def resume(
    store: Store,
    campaign_id: str,
    actor: Actor | None = None,
    policy: ApprovalPolicy | None = None,
) -> bool:
    """Queue a paused (or failed) campaign again: "send the rest".

    >>> from smskit.campaign.storage import _example
    >>> resume(*_example())
    False
    """
    actor = actor or current_actor()
    check_send(store, campaign_id, actor, policy)
    return store.transition_campaign(
        campaign_id, "queued", only_from=("paused", "failed", "held"), by=("sent", actor.name)
    )


def cancel(store: Store, campaign_id: str, actor: Actor | None = None) -> int | None:
    """Cancel for good: every message not yet handed over is closed as ``canceled``.

    Returns how many were closed, or None if the campaign could not be canceled (finished with
    nothing held, or unknown). Messages Twilio holds with SendAt are canceled there by the next
    worker pass, also when every message had been handed over (a "finished" campaign).

    >>> from smskit.campaign.storage import _example
    >>> store, campaign_id = _example()
    >>> cancel(store, campaign_id), cancel(store, campaign_id)
    (1, None)
    """
    actor = actor or current_actor()
    actor.require(Action.CANCEL)
    ledger = MessageLedger(store, campaign_id)
    cancelable = (*_CANCELABLE, "finished") if ledger.scheduled() else _CANCELABLE
    if not store.transition_campaign(
        campaign_id, "canceled", only_from=cancelable, by=("canceled", actor.name)
    ):
        return None
    return ledger.finish_planned("canceled")


def delete_draft(store: Store, campaign_id: str, actor: Actor | None = None) -> bool:
    """Delete a draft (a preflight never confirmed) with its planned messages; never a campaign
    that has sent anything.

    >>> from smskit.campaign.storage import _example
    >>> store, campaign_id = _example()
    >>> delete_draft(store, campaign_id), store.get_campaign(campaign_id)
    (True, None)
    """
    (actor or current_actor()).require(Action.PLAN)
    mine = messages.c.campaign_id == campaign_id
    with store.engine.begin() as connection:
        draft = connection.execute(
            sa.select(campaigns.c.id)
            .where(campaigns.c.id == campaign_id, campaigns.c.status == "planned")
            .with_for_update()
        ).first()
        touched = connection.execute(
            sa.select(messages.c.id).where(mine, messages.c.state != "planned").limit(1)
        ).first()
        if draft is None or touched is not None:
            return False
        connection.execute(
            message_events.delete().where(message_events.c.campaign_id == campaign_id)
        )
        connection.execute(
            campaign_recipients.delete().where(campaign_recipients.c.campaign_id == campaign_id)
        )
        connection.execute(messages.delete().where(mine))
        connection.execute(campaigns.delete().where(campaigns.c.id == campaign_id))
    return True
