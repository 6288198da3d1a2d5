"""The shared simulator process speaks Vonage too: its state file carries the Vonage credentials."""

from __future__ import annotations

from pathlib import Path

import smskit.simulator
from smskit.providers.vonage import VonageProvider


def test_shared_simulator_serves_vonage_with_masked_credentials(tmp_path: Path) -> None:
    shared = smskit.simulator.shared(home=tmp_path)
    try:
        assert shared.vonage_api_key and shared.vonage_api_secret not in repr(shared)
        provider = VonageProvider.for_simulator(shared)
        sent = provider.send("+14155550123", "through the shared one", from_="+15005550006")
        assert sent.sid in {m.sid for m in shared.messages()}  # same store as Twilio's API
        assert provider.balance() < 10
    finally:
        shared.stop()
