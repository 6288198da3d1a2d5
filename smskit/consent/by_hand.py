"""Consent changes made by a person (an operator), each with their name and a reason.

Twilio's STOP handling and the webhook app record what recipients say; this module is for what
staff record by hand: an opt-out that came by email or phone, or closing a possible-revocation
review as "not a revocation". The person must hold the operator role (:mod:`smskit.team`), must
give a reason (it becomes the event's evidence, shown in the audit CSV), and is recorded as the
event's ``actor``. In a team on PostgreSQL the database stamps the actor from the person's own
login, whatever the caller passes (smskit/store/team_guard.py).

>>> from smskit.store.database import Store
>>> from smskit.team import Actor, Role
>>> ledger = ConsentLedger(Store.open("sqlite://"))
>>> olu = Actor("olu", frozenset({Role.OPERATOR}), True)
>>> opt_out_by_hand(ledger, "+14155550100", "Acme", "phoned on 5 Jan: no more texts", olu).actor
'olu'
"""

from __future__ import annotations

from smskit.consent.events import ConsentEvent, ConsentSource
from smskit.consent.ledger import ConsentLedger
from smskit.i18n.catalog import N_
from smskit.team import Action, Actor, PermissionDenied, current_actor

__all__ = ["dismiss_review_by_hand", "opt_out_by_hand"]


def _checked(reason: str, actor: Actor | None) -> tuple[str, Actor]:
    actor = actor or current_actor()
    actor.require(Action.CHANGE_CONSENT)
    reason = " ".join(reason.split())
    if len(reason) < 3:
        raise PermissionDenied(N_("A consent change by hand needs a reason (who asked, and how)"))
    return reason, actor


def opt_out_by_hand(
    ledger: ConsentLedger,
    phone: str,
    scope: str,
    reason: str,
    actor: Actor | None = None,
    source: ConsentSource = ConsentSource.MANUAL,
) -> ConsentEvent:
    """Record an opt-out a person took down (email, phone call...); return the stored event.

    >>> from smskit.store.database import Store
    >>> from smskit.team import Actor, Role
    >>> vic = Actor("vic", frozenset({Role.VIEWER}), True)
    >>> opt_out_by_hand(ConsentLedger(Store.open("sqlite://")), "+14155550100", "A", "x", vic)
    Traceback (most recent call last):
    ...
    smskit.team.roles.PermissionDenied: vic may not change consent: that needs the operator role
    """
    reason, actor = _checked(reason, actor)
    status = ledger.record_opt_out(phone, scope, source, reason, actor=actor.name)
    return status.steps[-1].event


def dismiss_review_by_hand(
    ledger: ConsentLedger, phone: str, scope: str, reason: str, actor: Actor | None = None
) -> ConsentEvent:
    """Close a possible-revocation review as not a revocation, with the reason.

    >>> from smskit.store.database import Store
    >>> from smskit.team import Actor, Role
    >>> ledger = ConsentLedger(Store.open("sqlite://"))
    >>> _ = ledger.handle_inbound("+14155550100", "Acme", "stop it please")
    >>> olu = Actor("olu", frozenset({Role.OPERATOR}), True)
    >>> dismiss_review_by_hand(ledger, "+14155550100", "Acme", "asked about a bill", olu).evidence
    'asked about a bill'
    """
    reason, actor = _checked(reason, actor)
    status = ledger.dismiss_review(phone, scope, reason, actor.name)
    return status.steps[-1].event
