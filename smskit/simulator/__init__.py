"""A local Twilio-compatible SMS API for practice, demos and tests: real HTTP, no account, no bill.

``start()`` runs one in a background thread and returns a :class:`SimulatorHandle` with its URL and
random test credentials; point the real ``twilio.rest.Client`` at it with an ``http_client`` that
rewrites ``https://*.twilio.com`` to ``handle.url`` (see ``smskit.providers``). ``shared()`` gives
every Voilà kernel of one ``SMSKIT_HOME`` the same simulator process. ``smskit simulator`` runs one
from the command line.

>>> with start(step_delay=0) as sim:
...     sim.messages()
()
"""

from __future__ import annotations

from smskit.simulator.config import SimulatorConfig
from smskit.simulator.server import SimulatorHandle, start
from smskit.simulator.shared import SharedSimulator, shared
from smskit.simulator.state import OwnedNumber, SimMessage

__all__ = [
    "OwnedNumber",
    "SharedSimulator",
    "SimMessage",
    "SimulatorConfig",
    "SimulatorHandle",
    "shared",
    "start",
]
