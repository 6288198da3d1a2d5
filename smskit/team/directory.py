"""Whose word counts for a person's roles: the JupyterHub API, asked by a service.

The worker runs as a Hub-managed service with its own API token (scopes ``read:users:groups``,
``read:users:name``, ``deploy/jupyterhub_config.py``), so it asks the Hub for the groups of the
person who confirmed a campaign; a staff kernel can neither answer in the Hub's place nor change
the Hub's groups. Single-user ``make run`` has no Hub: everyone (the one person) has every role.

>>> all_roles("me") == frozenset(Role)
True
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Mapping
from urllib.parse import quote

import httpx

from smskit.team.roles import Role, roles_from_groups

__all__ = ["HubDirectory", "all_roles", "roles_lookup_from_env"]


def all_roles(name: str) -> frozenset[Role]:
    """The single-user directory: every role.

    >>> sorted(all_roles("x"))[0]
    <Role.ANALYST: 'analyst'>
    """
    return frozenset(Role)


class HubDirectory:
    """Roles from the Hub's ``GET /users/{name}`` (groups), cached ``ttl`` seconds.

    An unknown user gives None (no roles: nothing of theirs is sent); a Hub that does not answer
    raises ConnectionError, so the worker waits instead of holding the campaign.
    """

    def __init__(self, api_url: str, token: str, *, ttl: float = 10.0, timeout: float = 5.0):
        self.api_url = api_url.rstrip("/")
        self._headers = {"Authorization": f"token {token}"}
        self._ttl, self._timeout = ttl, timeout
        self._cache: dict[str, tuple[float, frozenset[Role] | None]] = {}
        self._lock = threading.Lock()

    def __repr__(self) -> str:  # never the token
        return f"HubDirectory({self.api_url!r})"

    def __call__(self, name: str) -> frozenset[Role] | None:
        """The roles of ``name`` per the Hub (None if unknown or unreachable)."""
        now = time.monotonic()
        with self._lock:
            hit = self._cache.get(name)
        if hit is not None and now - hit[0] < self._ttl:
            return hit[1]
        roles: frozenset[Role] | None
        try:
            response = httpx.get(
                f"{self.api_url}/users/{quote(name, safe='')}",
                headers=self._headers,
                timeout=self._timeout,
            )
            if response.status_code != 200:
                roles = None
            else:
                roles = roles_from_groups(response.json().get("groups") or ())
        except (httpx.HTTPError, ValueError) as error:  # not cached: it may be back next pass
            raise ConnectionError(f"the Hub at {self.api_url} did not answer") from error
        with self._lock:
            self._cache[name] = (now, roles)
        return roles


def roles_lookup_from_env(
    environ: Mapping[str, str] | None = None,
) -> Callable[[str], frozenset[Role] | None]:
    """The Hub directory when running as a Hub service in a team, else :func:`all_roles`.

    >>> roles_lookup_from_env({}) is all_roles
    True
    """
    env = os.environ if environ is None else environ
    url, token = env.get("JUPYTERHUB_API_URL", ""), env.get("JUPYTERHUB_API_TOKEN", "")
    if env.get("SMSKIT_TEAM", "").strip().lower() in ("1", "true", "yes") and url and token:
        return HubDirectory(url, token)
    return all_roles
