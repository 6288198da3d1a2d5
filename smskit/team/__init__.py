"""A team on one deployment: who the current actor is, their roles, what each role may do, and
four-eyes approval of large campaigns.

Owns :mod:`~smskit.team.roles` (roles mapped from JupyterHub group names, permissions per action),
:mod:`~smskit.team.actor` (the current actor: ``JUPYTERHUB_USER`` or the OS user),
:mod:`~smskit.team.approvals` (the size/cost threshold, approving, the worker's refusal) and
:mod:`~smskit.team.directory` (whose word counts for a person's roles: the Hub, or the database).
The JupyterHub side (configuration, spawner hooks) lives in ``deploy/``. Imports store and i18n.
"""

from __future__ import annotations

from smskit.team.actor import Actor, current_actor, current_actor_name
from smskit.team.approvals import ApprovalPolicy, ApprovalSummary, approval_summary, needs_approval
from smskit.team.roles import Action, PermissionDenied, Role, allowed, roles_from_groups

__all__ = [
    "Action",
    "Actor",
    "ApprovalPolicy",
    "ApprovalSummary",
    "PermissionDenied",
    "Role",
    "allowed",
    "approval_summary",
    "current_actor",
    "current_actor_name",
    "needs_approval",
    "roles_from_groups",
]
