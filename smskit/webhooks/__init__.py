"""The signed-callback app: Twilio status callbacks and inbound messages, into the store.

A Starlette app (``app``); signatures are checked with Twilio's own ``RequestValidator``, and every
field against Twilio's shapes (``fields``) before anything is stored.
"""

from __future__ import annotations

from smskit.webhooks.app import app_from_env, create_app

__all__ = [
    "app_from_env",
    "create_app",
]
