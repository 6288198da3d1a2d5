"""smskit: learn, plan and run business SMS.

The public API, one screen long. Pure logic: this package never imports ipywidgets, IPython or
(except lazily, in ``smskit.providers.twilio``) twilio.
"""

from __future__ import annotations

__all__: list[str] = []
