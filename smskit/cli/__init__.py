"""The ``smskit`` command: one sub-command per tool (``smskit serve``, ``smskit send``, ...)."""

from __future__ import annotations

from smskit.cli.main import main

__all__ = ["main"]
