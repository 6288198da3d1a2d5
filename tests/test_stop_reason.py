"""Why a campaign stopped reaches the people who look at it, in their language (migration 0010).

A worker whose account the provider refuses (Twilio 20003, wrong credentials) fails the campaign;
the reason is stored with the status, shown in the Campaigns view and by ``smskit campaigns``,
and cleared by "Send the rest". Real twilio client over HTTP to the simulator; SQLite and
PostgreSQL.
"""

from __future__ import annotations

import argparse
import io
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from smskit.campaign.overview import campaign_lines
from smskit.campaign.planner import Campaign, Recipient, Sender, plan
from smskit.campaign.storage import save_plan
from smskit.providers import ProviderError
from smskit.providers.twilio import TwilioProvider
from smskit.sending import control
from smskit.sending.runner import CampaignRunner
from smskit.simulator import SimulatorHandle, start
from smskit.store.database import Store


@pytest.fixture
def sim() -> Iterator[SimulatorHandle]:
    with start(step_delay=0, rate_limits=False) as handle:
        yield handle


def test_a_refused_account_fails_the_campaign_with_its_reason(
    db_url: str, sim: SimulatorHandle
) -> None:
    from smskit_widgets.campaign.campaigns_render import campaign_head_html
    from smskit_widgets.common.i18n import LANGUAGE

    from smskit.cli.campaigns import configure_campaigns, run_campaigns

    store = Store.open(db_url)
    camp = Campaign(
        "Receipts",
        "Your receipt is ready",
        Sender("long_code", "+15005550006"),
        purpose="transactional",
    )
    people = [Recipient.of(f"c{i}", f"+1415201{i:04d}", i) for i in range(3)]
    campaign_id = save_plan(store, plan(camp, people, now=datetime.now(UTC)))
    control.confirm(store, campaign_id)
    secret = "f" * 32  # not the simulator's token: every request is refused with 20003
    provider = TwilioProvider.for_url(sim.url, sim.account_sid, secret)
    with pytest.raises(ProviderError):
        CampaignRunner(store, provider, campaign_id, rate=None).run(dry=False)

    (line,) = [line for line in campaign_lines(store) if line.id == campaign_id]
    assert line.status == "failed"
    assert line.stop_reason is not None and "20003" in str(line.stop_reason)
    assert secret not in repr(store.get_campaign(campaign_id))
    LANGUAGE.lang = "id"
    try:
        head = campaign_head_html(line)
    finally:
        LANGUAGE.lang = "en"
    assert "smskit-campaigns-reason" in head and "Sebabnya:" in head and "20003" in head
    out = io.StringIO()
    parser = argparse.ArgumentParser()
    configure_campaigns(parser)
    run_campaigns(parser.parse_args(["--database", db_url]), out)
    assert "why:" in out.getvalue() and "20003" in out.getvalue()

    # "Send the rest" queues it again, and the old reason goes.
    control.resume(store, campaign_id)
    (line,) = [line for line in campaign_lines(store) if line.id == campaign_id]
    assert (line.status, line.stop_reason) == ("queued", None)
