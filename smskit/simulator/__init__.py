"""A local Twilio-compatible SMS API for practice, demos and tests: real HTTP, no account, no bill.

``start()`` runs one in a background thread and returns a :class:`SimulatorHandle` with its URL and
random test credentials; point the real ``twilio.rest.Client`` at it with an ``http_client`` that
rewrites ``https://*.twilio.com`` to ``handle.url`` (see ``smskit.providers``). ``shared()`` gives
every Voilà kernel of one ``SMSKIT_HOME`` the same simulator process. ``smskit simulator`` runs one
from the command line.

Endpoints (routed by path, so every ``*.twilio.com`` host may point at the one server):

- ``/2010-04-01/Accounts/{Sid}.json`` (GET); ``.../Messages.json`` (POST create, GET list with To,
  From, DateSent, DateSent<, DateSent> and paging); ``.../Messages/{Sid}.json`` (GET, POST to cancel
  a scheduled message, DELETE); ``.../AvailablePhoneNumbers/{Country}/{Kind}.json`` (Local,
  TollFree, Mobile); ``.../IncomingPhoneNumbers.json`` (GET, POST to buy) and
  ``.../IncomingPhoneNumbers/{Sid}.json`` (GET, POST SmsUrl, DELETE).
- ``/v1/Messaging/Countries[/{Iso}]`` and ``/v1/PhoneNumbers/Countries/{Iso}`` (Pricing v1).
- ``/_simulator/health``, ``/_simulator/config`` (GET/POST JSON knobs), ``/_simulator/inbound``,
  ``/_simulator/numbers``: the simulator's own admin endpoints, same basic auth.

The knobs are the fields of :class:`SimulatorConfig` (lifecycle speed and outcomes, pacing, queue
size, API limits, faults, trial mode), set at ``start(**knobs)`` or later with ``configure()``.

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
