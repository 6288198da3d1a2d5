"""Who is acting: the JupyterHub user in a team deployment, else the person at this computer.

JupyterHub's spawner sets ``JUPYTERHUB_USER`` in every single-user server (and so in each Voilà
kernel); ``make run`` has no Hub, so the OS user is recorded and every role is theirs ("one person,
no sign-in"). In a team the Hub's spawn hook also sets ``SMSKIT_TEAM_ROLES`` from the user's
groups (``deploy/jupyterhub_config.py``). That variable lives in the user's own process, so it
only decides what the dashboards offer; the server side decides what happens (the database's
per-user roles and the worker, ``deploy/README.md``).

>>> a = current_actor({"JUPYTERHUB_USER": "ana", "SMSKIT_TEAM_ROLES": "analyst"})
>>> a.name, a.team, sorted(r.value for r in a.roles)
('ana', True, ['analyst', 'viewer'])
>>> current_actor({"JUPYTERHUB_USER": "ana"}).roles  # a team member without smskit groups
frozenset()
"""

from __future__ import annotations

import getpass
import os
from collections.abc import Mapping
from dataclasses import dataclass

from smskit.team.roles import Action, Role, allowed, expand, require

__all__ = ["Actor", "current_actor", "current_actor_name"]


@dataclass(frozen=True, slots=True)
class Actor:
    """A person as the dashboards see them: name, roles, and whether a Hub signed them in."""

    name: str
    roles: frozenset[Role]
    team: bool

    def may(self, action: Action) -> bool:
        """May this person do ``action``?

        >>> Actor("me", frozenset(Role), False).may(Action.SEND)
        True
        """
        return allowed(self.roles, action)

    def require(self, action: Action) -> None:
        """Raise :class:`~smskit.team.roles.PermissionDenied` unless allowed.

        >>> Actor("vi", frozenset({Role.VIEWER}), True).require(Action.LEARN)
        """
        require(self.name, self.roles, action)


def current_actor_name(environ: Mapping[str, str] | None = None) -> str:
    """``JUPYTERHUB_USER`` if set, else the OS user: what the store records as the actor.

    Other features (the Inbox's ``actor`` argument) call this instead of ``getpass.getuser()``.

    >>> current_actor_name({"JUPYTERHUB_USER": "ana"})
    'ana'
    >>> current_actor_name({}) == getpass.getuser()
    True
    """
    env = os.environ if environ is None else environ
    hub_user = env.get("JUPYTERHUB_USER", "").strip()
    if hub_user:
        return hub_user
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no passwd entry (some containers): still say something true
        return f"uid-{os.getuid()}"


def current_actor(environ: Mapping[str, str] | None = None) -> Actor:
    """The current actor: a Hub user with the roles the Hub gave them, or the single user with all.

    >>> current_actor({}).may(Action.APPROVE)
    True
    """
    env = os.environ if environ is None else environ
    name = current_actor_name(env)
    if not env.get("JUPYTERHUB_USER", "").strip():
        return Actor(name, frozenset(Role), team=False)
    known = {role.value for role in Role}
    words = env.get("SMSKIT_TEAM_ROLES", "").replace(",", " ").split()
    return Actor(name, expand(Role(w) for w in words if w in known), team=True)
