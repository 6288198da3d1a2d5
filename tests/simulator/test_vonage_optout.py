"""What Vonage enforces about opt-outs, as the simulator plays it: nothing by default on a long
code, the carrier on US toll-free, Vonage itself with Opt-Out Assist (US/Canada)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from smskit.providers import is_opt_out_refusal
from smskit.providers.vonage import VonageProvider, VonageProviderError
from smskit.simulator import start

HANDSET = "+14155550100"
LONG_CODE = "+14155550177"
TOLL_FREE = "+18005550100"


@pytest.fixture
def sim() -> Iterator[Any]:
    with start(step_delay=0, rate_limits=False, numbers=()) as handle:
        handle.add_number(LONG_CODE, api="vonage")
        handle.add_number(TOLL_FREE, kind="toll_free", api="vonage")
        yield handle


def refused(provider: VonageProvider, sender: str) -> int | None:
    try:
        provider.send(HANDSET, "Sale today", from_=sender)
    except VonageProviderError as error:
        return error.code
    return None


def replies(sim: Any, sender: str) -> list[str]:
    return [m.body for m in sim.messages(from_=sender, direction="outbound-reply")]


def test_a_long_code_blocks_nothing_without_opt_out_assist(sim: Any) -> None:
    provider = VonageProvider.for_simulator(sim)
    sim.inject_inbound(HANDSET, LONG_CODE, "STOP")
    assert refused(provider, LONG_CODE) is None  # only smskit's consent ledger stops this
    assert replies(sim, LONG_CODE) == []


def test_opt_out_assist_blocks_answers_and_lifts(sim: Any) -> None:
    sim.configure(vonage_opt_out_assist=True)
    provider = VonageProvider.for_simulator(sim)
    sim.inject_inbound(HANDSET, LONG_CODE, "STOP")
    code = refused(provider, LONG_CODE)
    assert code == 100007 and is_opt_out_refusal(code)
    assert replies(sim, LONG_CODE)[0].startswith("You have successfully been unsubscribed")
    sim.inject_inbound(HANDSET, LONG_CODE, "START")
    assert refused(provider, LONG_CODE) is None


def test_us_toll_free_stop_is_blocked_by_the_carrier(sim: Any) -> None:
    provider = VonageProvider.for_simulator(sim)
    sim.inject_inbound(HANDSET, TOLL_FREE, "STOP")
    assert refused(provider, TOLL_FREE) == 100007
    assert replies(sim, TOLL_FREE)[0].startswith("NETWORK MSG")
    assert refused(provider, LONG_CODE) is None  # the block is per number
