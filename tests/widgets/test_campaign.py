"""Campaign Sender headlessly: upload, map, compose, preflight, send in the background, results.

Runs against a local simulator through the real twilio client. The rendering helpers are tested
as pure functions.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from smskit_widgets.campaign import render as R
from smskit_widgets.campaign.dashboard import CampaignSender
from smskit_widgets.common.i18n import LANGUAGE

from smskit.campaign.compose import compose_preview
from smskit.campaign.planner import Campaign, Recipient, Sender, plan
from smskit.campaign.results import OptOut
from smskit.campaign.storage import Progress
from smskit.providers.twilio import TwilioProvider
from smskit.senders.price_table import PriceTable, default_prices
from smskit.simulator import start
from smskit.store.database import Store

NOON_NY = datetime(2026, 1, 5, 17, 0, tzinfo=UTC)


@pytest.fixture
def sim() -> Iterator[object]:
    with start(step_delay=0.02, rate_limits=False) as handle:
        yield handle


@pytest.fixture
def dashboard(sim: object, tmp_path: Path) -> CampaignSender:
    store = Store.open(f"sqlite:///{tmp_path / 'smskit.db'}")
    return CampaignSender(store=store, provider=TwilioProvider.for_simulator(sim))


def _upload(w: CampaignSender, path: Path) -> None:
    content = path.read_bytes()
    w.upload.value = (
        {
            "name": path.name,
            "type": "text/csv",
            "size": len(content),
            "content": memoryview(content),
            "last_modified": datetime(2026, 1, 1, tzinfo=UTC),
        },
    )


def test_whole_flow_sends_each_eligible_contact_once(
    dashboard: CampaignSender, sim: object, fixtures: Path
) -> None:
    w = dashboard
    _upload(w, fixtures / "campaign_contacts.csv")
    assert (w.phone_column.value, w.consent_column.value) == ("Mobile", "SMS consent")
    w.import_button.click()
    # 6 rows: one invalid ("12"), one duplicate of Ana: 4 recipients
    assert len(w.audience) == 4
    assert "12" in w.import_report.value
    w.template.value = "Hi {name}, the {city|nearest} store has your order."
    assert "Hi Ana, the Springfield store has your order." in w.preview_html.value
    assert w.preview.by_encoding == (("GSM-7", 4),)
    w.purpose.value = "transactional"  # order updates: no quiet hours, consent "no" still blocks
    w.preflight_button.click()
    assert "smskit-status-error" not in w.status.value, w.status.value
    assert w.plan.totals.sendable == 3 and w.plan.totals.blocked == 1
    assert "Send 3 messages, about 3 segments, estimated $0.02?" in w.confirm.value
    assert "Dry run" in w.dry_run_html.value and not sim.messages()
    w.send_button.click()
    deadline = time.monotonic() + 60
    while not w.results_html.value and time.monotonic() < deadline:
        time.sleep(0.1)  # the send runs in a background thread: this callback returned at once
    assert w.progress_bar.value == 100
    assert sorted(m.to for m in sim.messages()) == ["+14152010001", "+14152010002", "+14152010003"]
    assert "smskit-campaign-results-table" in w.results_html.value
    assert "data:text/csv;base64," in w.csv_link.value
    assert "<svg" in w.chart.value


def test_errors_show_in_plain_words(dashboard: CampaignSender) -> None:
    dashboard.import_button.click()
    assert "Upload a CSV or XLSX file first" in dashboard.status.value
    dashboard.preflight_button.click()
    assert "Load an audience first" in dashboard.status.value
    dashboard.template.value = "Hi {name"
    assert "never closed" in dashboard.status.value
    assert "Traceback" not in dashboard.status.value


def test_a_file_without_consent_or_phone_column_is_mapped_not_crashed(
    dashboard: CampaignSender, tmp_path: Path
) -> None:
    no_consent = tmp_path / "no_consent.csv"
    no_consent.write_text("phone,first_name\n+14155550100,Ana\n", encoding="utf-8")
    _upload(dashboard, no_consent)
    assert "smskit-status-error" not in dashboard.status.value, dashboard.status.value
    assert dashboard.consent_column.value == "__none__"
    assert dashboard.phone_column.value == "phone"
    dashboard.import_button.click()
    assert len(dashboard.audience) == 1

    no_phone = tmp_path / "no_phone.csv"
    no_phone.write_text("name;city\nAna;Lisboa\n", encoding="utf-8")
    _upload(dashboard, no_phone)
    assert "choose the phone column" in dashboard.status.value
    assert "TraitError" not in dashboard.status.value


def test_language_switch_relabels(dashboard: CampaignSender) -> None:
    try:
        LANGUAGE.lang = "id"
        assert dashboard.send_button.description == "Kirim"
        assert "Audiens" in dashboard._titles[0].value
    finally:
        LANGUAGE.lang = "en"
    assert dashboard.send_button.description == "Send"


def _plan() -> object:
    people = [Recipient.of("a", "+14152010001", name="Ana"), Recipient.of("b", "12", name="Bo")]
    camp = Campaign("T", "Hi {name}", Sender("short_code", "12345"), purpose="transactional")
    return plan(camp, people, now=NOON_NY)


def test_confirm_text_states_the_numbers() -> None:
    totals = _plan().totals  # type: ignore[attr-defined]
    assert R.confirm_text(totals) == "Send 1 messages, about 1 segments, estimated $0.01?"


def test_preflight_lists_blocked_recipients_by_reason() -> None:
    out = R.preflight_html(_plan())  # type: ignore[arg-type]
    assert "smskit-campaign-reason-invalid_number" in out and "<details" in out
    assert "+14152010001" not in out.split("Cost by country")[0]  # sendable ones are not listed
    assert "$0.01" in out


def test_preview_shows_distribution_and_back_to_gsm7_advice() -> None:
    people = [Recipient.of("a", "+1", name="Zoë")]
    out = R.preview_html(compose_preview("Hi {name}, “great” news " + "x" * 60, people))
    assert "UCS-2: 1" in out and "smskit-campaign-advice" in out and "“" in out


def test_progress_and_opt_outs_render() -> None:
    p = Progress("c", "sending", 4, (("final", 2), ("planned", 2)), (("delivered", 2),))
    assert "2 of 4 handled (50%)" in R.progress_html(p)
    out = R.opt_outs_html([OptOut("+14152010001", NOON_NY, "reply")])
    assert "replied STOP" in out and "+14152010001" in out
    assert "No opt-outs" in R.opt_outs_html([])


def test_chart_is_inline_svg() -> None:
    events = [(NOON_NY, "m1", "queued"), (NOON_NY.replace(minute=1), "m1", "delivered")]
    assert R.status_chart_svg(events).count("<svg") == 1


def test_money_formatting() -> None:
    assert R._money(Decimal("151.06")) == "$151.06"


def test_preflight_costs_come_from_the_price_table_given(
    sim: object, tmp_path: Path, fixtures: Path
) -> None:
    store = Store.open(f"sqlite:///{tmp_path / 'smskit.db'}")
    us = PriceTable.from_csv_text("country,price_per_segment,currency\nUS,0.1000,USD\n")
    w = CampaignSender(
        store=store, provider=TwilioProvider.for_simulator(sim), prices=default_prices().merged(us)
    )
    _upload(w, fixtures / "campaign_contacts.csv")
    w.import_button.click()
    w.template.value = "Hi {name}, the {city|nearest} store has your order."
    w.purpose.value = "transactional"
    w.preflight_button.click()
    assert "smskit-status-error" not in w.status.value, w.status.value
    assert [(c.country, c.cost) for c in w.plan.totals.by_country] == [("US", Decimal("0.3000"))]
    assert "estimated $0.30?" in w.confirm.value  # 3 messages x 1 segment x $0.10


def test_cancel_cancels_scheduled_messages_and_says_how_many(
    dashboard: CampaignSender, sim: object, fixtures: Path
) -> None:
    from datetime import timedelta

    w = dashboard
    _upload(w, fixtures / "campaign_contacts.csv")
    w.import_button.click()
    w.template.value = "Hi {name}, your order ships tomorrow."
    w.purpose.value = "transactional"
    w.sender_kind.value = "messaging_service"
    w.sender_address.value = "MG" + "d" * 32
    later = datetime.now(UTC) + timedelta(hours=3)
    w.send_at.value = later.strftime("%Y-%m-%d %H:%M")  # Twilio holds them (SendAt)
    w.preflight_button.click()
    assert "smskit-status-error" not in w.status.value, w.status.value
    w.send_button.click()
    deadline = time.monotonic() + 60
    while len(sim.messages(status="scheduled")) < 3 and time.monotonic() < deadline:
        time.sleep(0.1)
    assert len(sim.messages(status="scheduled")) == 3
    w.cancel_button.click()
    while "scheduled messages canceled" not in w.status.value and time.monotonic() < deadline:
        time.sleep(0.1)
    assert "Campaign canceled. 3 scheduled messages canceled." in w.status.value
    assert {m.status for m in sim.messages()} == {"canceled"}
