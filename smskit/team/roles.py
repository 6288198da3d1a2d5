"""Roles and what each may do, mapped from JupyterHub group names.

Four roles, as business-texting consoles divide the work (Twilio Console's user roles, Spoke's
texter/supervolunteer/admin, RapidPro's viewer/editor/administrator):

- **viewer** (a trainee): lessons, encoding, senders and the practice modes;
- **analyst**: contacts, plans, preflights and drafts;
- **operator**: send, pause, resume, cancel, and consent changes by hand (each with a reason);
- **approver**: the second pair of eyes on a campaign above the approval threshold.

An operator may do what an analyst may; an analyst what a viewer may. An approver may view and
approve, nothing else: four eyes means the approver is not the one who sends. A person's roles
come from their JupyterHub groups (``smskit-operator`` ...; the names are configurable with
``SMSKIT_GROUP_<ROLE>``). These checks let the dashboards say "not allowed" early; the decision
that counts is taken where a kernel cannot forge it (the database's roles and the worker, see
``deploy/README.md``).

>>> sorted(r.value for r in roles_from_groups(["smskit-operator", "staff"]))
['analyst', 'operator', 'viewer']
>>> allowed(roles_from_groups(["smskit-analyst"]), Action.SEND)
False
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from enum import StrEnum

from smskit.i18n.catalog import N_, LocalizedError

__all__ = [
    "DEFAULT_GROUPS",
    "Action",
    "PermissionDenied",
    "Role",
    "allowed",
    "expand",
    "group_names",
    "refusal_reason",
    "require",
    "roles_from_groups",
]


class Role(StrEnum):
    """What a person is to smskit."""

    VIEWER = "viewer"
    ANALYST = "analyst"
    OPERATOR = "operator"
    APPROVER = "approver"


class Action(StrEnum):
    """Everything that changes state or money, and the teaching parts."""

    LEARN = "learn"  # lessons, encoding, senders, practice modes
    VIEW_CAMPAIGNS = "view_campaigns"
    EDIT_CONTACTS = "edit_contacts"
    PLAN = "plan"  # plans, preflights, drafts (and deleting one's drafts)
    SEND = "send"  # confirm "send", resume
    PAUSE = "pause"
    CANCEL = "cancel"
    CHANGE_CONSENT = "change_consent"  # by hand, with a reason
    APPROVE = "approve"


#: Roles that include others (an operator is also an analyst and a viewer).
_INCLUDES: Mapping[Role, frozenset[Role]] = {
    Role.VIEWER: frozenset({Role.VIEWER}),
    Role.ANALYST: frozenset({Role.VIEWER, Role.ANALYST}),
    Role.OPERATOR: frozenset({Role.VIEWER, Role.ANALYST, Role.OPERATOR}),
    Role.APPROVER: frozenset({Role.VIEWER, Role.APPROVER}),
}

#: Which role grants each action.
PERMISSIONS: Mapping[Action, Role] = {
    Action.LEARN: Role.VIEWER,
    Action.VIEW_CAMPAIGNS: Role.VIEWER,
    Action.EDIT_CONTACTS: Role.ANALYST,
    Action.PLAN: Role.ANALYST,
    Action.SEND: Role.OPERATOR,
    Action.PAUSE: Role.OPERATOR,
    Action.CANCEL: Role.OPERATOR,
    Action.CHANGE_CONSENT: Role.OPERATOR,
    Action.APPROVE: Role.APPROVER,
}

DEFAULT_GROUPS: Mapping[Role, str] = {role: f"smskit-{role.value}" for role in Role}


def group_names(environ: Mapping[str, str] | None = None) -> dict[Role, str]:
    """The JupyterHub group name of each role (``SMSKIT_GROUP_OPERATOR=ops`` renames one).

    >>> group_names({"SMSKIT_GROUP_OPERATOR": "ops"})[Role.OPERATOR]
    'ops'
    """
    env = os.environ if environ is None else environ
    return {
        role: env.get(f"SMSKIT_GROUP_{role.name}", "").strip() or default
        for role, default in DEFAULT_GROUPS.items()
    }


def roles_from_groups(
    groups: Iterable[str], names: Mapping[Role, str] | None = None
) -> frozenset[Role]:
    """The roles (with those they include) that a person's JupyterHub groups give them.

    >>> roles_from_groups(["smskit-approver"]) == {Role.VIEWER, Role.APPROVER}
    True
    >>> roles_from_groups(["nobody"])
    frozenset()
    """
    by_group = {group: role for role, group in (names or group_names()).items()}
    return expand(by_group[g] for g in groups if g in by_group)


def expand(roles: Iterable[Role]) -> frozenset[Role]:
    """The roles with those they include.

    >>> sorted(expand([Role.ANALYST]))
    [<Role.ANALYST: 'analyst'>, <Role.VIEWER: 'viewer'>]
    """
    held: set[Role] = set()
    for role in roles:
        held |= _INCLUDES[Role(role)]
    return frozenset(held)


def allowed(roles: Iterable[Role], action: Action) -> bool:
    """May someone with ``roles`` do ``action``?

    >>> allowed([Role.OPERATOR], Action.SEND), allowed([Role.APPROVER], Action.SEND)
    (True, False)
    """
    return PERMISSIONS[action] in expand(roles)


class PermissionDenied(LocalizedError):
    """A person tried what their role does not allow (or four-eyes forbids)."""


def require(actor: str, roles: Iterable[Role], action: Action) -> None:
    """Raise :class:`PermissionDenied` naming the person, the action and the role it needs.

    >>> require("ana", [Role.ANALYST], Action.SEND)
    Traceback (most recent call last):
    ...
    smskit.team.roles.PermissionDenied: ana may not send: that needs the operator role
    """
    if not allowed(roles, action):
        raise PermissionDenied(
            N_("{actor} may not {action}: that needs the {role} role"),
            actor=actor,
            action=action.value.replace("_", " "),
            role=PERMISSIONS[action].value,
        )


def refusal_reason(error: BaseException) -> str | None:
    """The database's refusal of a person's change in one line (SQLSTATE 42501, a grant or a
    guard trigger, smskit/store/team_guard.py), or None for any other error.

    >>> class Orig(Exception):
    ...     sqlstate = "42501"
    >>> class Wrapped(Exception):
    ...     orig = Orig("smskit: vic may not send: that needs the operator role\\nCONTEXT: ...")
    >>> refusal_reason(Wrapped())
    'vic may not send: that needs the operator role'
    >>> refusal_reason(ValueError("x")) is None
    True
    """
    orig = getattr(error, "orig", None)
    if getattr(orig, "sqlstate", None) != "42501":
        return None
    first = (str(orig).strip().splitlines() or [""])[0]
    return first.removeprefix("smskit: ")
