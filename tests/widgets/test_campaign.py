"""Campaign Sender headlessly: upload, map, compose, preflight, confirm; a worker sends; watch.

The dashboard never sends a campaign: Send confirms it in the store, and a sending worker
(:class:`smskit.sending.worker.Worker`, run here in-process, pass by pass) sends it through the
real twilio client to a local simulator. The dashboard's ticker is off (``poll_seconds=0``) in
most tests, which call ``poll()`` instead, so every step is deterministic; one test runs the ticker
thread itself. The rendering helpers are tested as pure functions.
"""

from __future__ import annotations

import base64
import re
import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from smskit_widgets.campaign import campaigns_render as CR
from smskit_widgets.campaign import render as R
from smskit_widgets.campaign.dashboard import CampaignSender
from smskit_widgets.common.i18n import LANGUAGE
from smskit_widgets.common.timezone import USER_ZONE

from smskit.campaign.compose import compose_preview
from smskit.campaign.overview import CampaignLine, campaign_lines
from smskit.campaign.planner import Campaign, Recipient, Sender, plan
from smskit.campaign.results import OptOut
from smskit.campaign.storage import Progress, save_plan
from smskit.providers.twilio import TwilioProvider
from smskit.senders.price_table import PriceTable, default_prices
from smskit.sending import control
from smskit.sending.worker import Worker
from smskit.simulator import start
from smskit.store.database import Store

NOON_NY = datetime(2026, 1, 5, 17, 0, tzinfo=UTC)
NUMBERS = ["+14152010001", "+14152010002", "+14152010003"]  # the 3 sendable rows of the fixture


@pytest.fixture
def sim() -> Iterator[object]:
    with start(step_delay=0, rate_limits=False) as handle:
        yield handle


@pytest.fixture
def provider(sim: object) -> TwilioProvider:
    return TwilioProvider.for_simulator(sim)


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return Store.open(f"sqlite:///{tmp_path / 'smskit.db'}")


@pytest.fixture
def opened(store: Store, provider: TwilioProvider) -> Iterator[Callable[..., CampaignSender]]:
    """``opened()`` opens a Campaign Sender on the test store (closed, ticker and all, after)."""
    made: list[CampaignSender] = []

    def _open(**kwargs: object) -> CampaignSender:
        w = CampaignSender(store=store, provider=provider, **{"poll_seconds": 0, **kwargs})
        made.append(w)
        return w

    yield _open
    for w in made:
        w.close()


@pytest.fixture
def dashboard(opened: Callable[..., CampaignSender]) -> CampaignSender:
    return opened()


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


def _preflight(w: CampaignSender, fixtures: Path, template: str = "") -> None:
    """Steps 1 to 4 on the fixture: 4 recipients, 3 sendable (one said no to SMS)."""
    _upload(w, fixtures / "campaign_contacts.csv")
    w.import_button.click()
    w.template.value = template or "Hi {name}, the {city|nearest} store has your order."
    w.purpose.value = "transactional"  # order updates: no quiet hours, consent "no" still blocks
    w.preflight_button.click()
    assert "smskit-status-error" not in _said(w), _said(w)


def _work(store: Store, provider: TwilioProvider, until: Callable[[], bool]) -> Worker:
    """Run worker passes (as ``smskit worker`` does, about once a second) until ``until()``."""
    worker = Worker(store, provider, rate=1000.0)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        worker.run_once()
        if until():
            return worker
        time.sleep(0.05)
    raise AssertionError("the worker did not get there in 60 s")


def _status(store: Store, campaign_id: str) -> str:
    record = store.get_campaign(campaign_id)
    return record.status if record else "deleted"


def test_send_confirms_and_the_worker_sends_each_eligible_contact_once(
    dashboard: CampaignSender, store: Store, provider: TwilioProvider, sim: object, fixtures: Path
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
    w.purpose.value = "transactional"
    w.preflight_button.click()
    assert "smskit-status-error" not in _said(w), _said(w)
    assert w.plan.totals.sendable == 3 and w.plan.totals.blocked == 1
    assert "Send 3 messages, about 3 segments, estimated $0.02?" in w.confirm.value
    assert "Dry run" in w.dry_run_html.value and not sim.messages()
    assert _status(store, w.campaign_id) == "planned"  # a draft until confirmed

    w.send_button.click()
    # The page only confirmed: nothing is sent until a worker runs.
    assert _status(store, w.campaign_id) == "queued" and not sim.messages()
    assert (
        "Confirmed" in w.send_feedback.value and "smskit-status-error" not in w.send_feedback.value
    )
    assert "data-status='queued'" in w.send_notice.value
    assert "you may close it" in w.send_notice.value
    assert w.send_button.disabled and not w.pause_button.disabled and w.resume_button.disabled

    _work(store, provider, lambda: _status(store, w.campaign_id) == "finished")
    w.poll()
    assert w.progress_bar.value == 100
    assert "data-status='finished'" in w.send_notice.value
    assert "The send has ended" in w.send_feedback.value
    assert w.pause_button.disabled and w.cancel_button.disabled and w.send_button.disabled
    assert sorted(m.to for m in sim.messages()) == NUMBERS

    w.results_button.click()  # "See the results under Campaigns"
    assert w.tabs.selected_index == 1 and w.campaigns.selected == w.campaign_id
    table = w.campaigns.table.value
    assert "smskit-campaigns-table" in table
    assert f"data-campaign='{w.campaign_id}' data-status='finished'" in table
    assert "3 / 3" in table and "$0.02" in table
    assert "smskit-campaign-results-table" in w.campaigns.results_html.value
    results_table = w.campaigns.results_html.value
    # Names from the contact file; the phone once (no Recipient column repeating it).
    assert ">Ana<" in results_table and ">Dewi<" in results_table
    assert results_table.count("+14152010001") == 1
    assert "data:text/csv;base64," in w.campaigns.csv_link.value
    # Named after the campaign and its day, not cmp_<hash>.csv.
    link = w.campaigns.csv_link.value
    assert re.search(r"download='campaign-of-\d{4}-\d{2}-\d{2}\.csv'", link), link
    csv_text = base64.b64decode(link.split("base64,")[1].split("'")[0]).decode("utf-8-sig")
    dewi = next(line for line in csv_text.splitlines() if "+14152010004" in line)
    # Order updates ignore quiet hours, but at night where Dewi lives they are listed as a warning.
    night = r"(; Outside the allowed hours in the recipient's time zone \(America/Los_Angeles\))?"
    assert re.search(r",blocked,not sent,,,,The recipient opted out" + night + ",,Dewi$", dewi), (
        dewi
    )
    assert "<svg" in w.campaigns.chart.value
    assert "No opt-outs" in w.campaigns.opt_outs.value
    buttons = [w.campaigns.pause_button, w.campaigns.resume_button, w.campaigns.cancel_button]
    assert all(b.layout.display == "none" for b in [*buttons, w.campaigns.delete_button])


def test_the_ticker_follows_the_worker_without_any_click(
    opened: Callable[..., CampaignSender],
    store: Store,
    provider: TwilioProvider,
    sim: object,
    fixtures: Path,
) -> None:
    w = opened(poll_seconds=0.1)
    _preflight(w, fixtures)
    w.send_button.click()
    worker = Worker(store, provider, rate=1000.0, tick=0.1)
    running = threading.Thread(target=worker.run_forever, daemon=True)
    running.start()
    try:
        deadline = time.monotonic() + 60
        while "data-status='finished'" not in w.send_notice.value and time.monotonic() < deadline:
            time.sleep(0.1)  # the ticker thread reads the store: no poll() here
        assert w.progress_bar.value == 100
        assert "data-status='finished'" in w.send_notice.value
        while w.worker_warning.value and time.monotonic() < deadline:
            time.sleep(0.1)
        assert w.worker_warning.value == ""  # a worker is alive: no warning
    finally:
        worker.stop()
        running.join(30)
    assert sorted(m.to for m in sim.messages()) == NUMBERS
    ticker = w._ticker
    w.close()
    assert ticker is not None
    ticker.join(5)
    assert not ticker.is_alive()


def test_no_worker_is_a_clear_warning_until_one_runs(
    dashboard: CampaignSender, store: Store, provider: TwilioProvider
) -> None:
    assert "No sending worker is running" in dashboard.worker_warning.value
    assert "<code>smskit worker</code>" in dashboard.worker_warning.value
    Worker(store, provider).run_once()  # its heartbeat says it is alive
    dashboard.poll()
    assert dashboard.worker_warning.value == ""


def test_pause_send_the_rest_and_cancel_write_to_the_store(
    dashboard: CampaignSender, store: Store, provider: TwilioProvider, sim: object, fixtures: Path
) -> None:
    w = dashboard
    _preflight(w, fixtures)
    w.send_button.click()
    w.pause_button.click()
    assert _status(store, w.campaign_id) == "paused"
    assert "Paused" in w.send_feedback.value
    assert w.pause_button.disabled and not w.resume_button.disabled
    assert "data-status='paused'" in w.send_notice.value
    Worker(store, provider).run_once()
    assert not sim.messages()  # a paused campaign is not sent
    w.resume_button.click()
    assert _status(store, w.campaign_id) == "queued"
    assert "sends the rest" in w.send_feedback.value
    w.cancel_button.click()
    assert _status(store, w.campaign_id) == "canceled"
    assert "Campaign canceled: 3 messages not sent yet will not be sent." in w.send_feedback.value
    assert w.cancel_button.disabled and w.pause_button.disabled and w.resume_button.disabled
    Worker(store, provider).run_once()
    assert not sim.messages()
    w.poll()
    assert "data-status='canceled'" in w.send_notice.value
    assert dict(w.progress.by_status) == {"canceled": 3}
    w.cancel_button.click()  # twice: said plainly, no traceback
    assert "smskit-status-error" in w.send_feedback.value and "canceled" in w.send_feedback.value


def test_cancel_reaches_messages_twilio_holds_with_send_at(
    dashboard: CampaignSender, store: Store, provider: TwilioProvider, sim: object, fixtures: Path
) -> None:
    w = dashboard
    _upload(w, fixtures / "campaign_contacts.csv")
    w.import_button.click()
    w.template.value = "Hi {name}, your order ships tomorrow."
    w.purpose.value = "transactional"
    w.sender_kind.value = "messaging_service"
    w.sender_address.value = "MG" + "d" * 32
    later = datetime.now(UTC) + timedelta(hours=3)
    # The picker holds a wall-clock time in the user's zone; Twilio holds them (SendAt).
    w.send_at.value = later.astimezone(ZoneInfo(USER_ZONE.zone)).replace(tzinfo=None)
    w.preflight_button.click()
    assert "smskit-status-error" not in _said(w), _said(w)
    w.send_button.click()
    held = lambda: len(sim.messages(status="scheduled")) == 3  # noqa: E731
    _work(store, provider, lambda: held() and _status(store, w.campaign_id) == "finished")
    w.poll()
    assert not w.cancel_button.disabled  # Twilio still holds all 3: Cancel must still work
    w.cancel_button.click()
    assert "Campaign canceled: 0 messages not sent yet will not be sent." in w.send_feedback.value
    assert "canceled there by the sending worker" in w.send_feedback.value
    _work(store, provider, lambda: {m.status for m in sim.messages()} == {"canceled"})
    w.poll()
    assert dict(w.progress.by_status) == {"canceled": 3}


def test_campaigns_view_shows_drafts_that_are_never_sent_and_deletes_them(
    dashboard: CampaignSender, store: Store, provider: TwilioProvider, sim: object, fixtures: Path
) -> None:
    w = dashboard
    _preflight(w, fixtures)
    first = w.campaign_id
    _preflight(w, fixtures, "Hi {name}, your order is ready.")  # a new plan replaces its draft
    assert w.campaign_id != first and store.get_campaign(first) is None
    Worker(store, provider).run_once()
    assert not sim.messages()  # a draft is never sent
    w.tabs.selected_index = 1
    v = w.campaigns
    assert v.selected == w.campaign_id
    assert f"data-campaign='{w.campaign_id}' data-status='draft'" in v.table.value
    assert "draft (never sent)" in v.table.value and "0 / 3" in v.table.value
    assert "data-status='draft'" in v.head.value and "never sent" in v.head.value
    assert v.delete_button.layout.display is None
    assert all(b.layout.display == "none" for b in [v.pause_button, v.resume_button])
    v.delete_button.click()
    assert "Draft deleted." in w.status.value
    assert store.get_campaign(w.campaign_id) is None and campaign_lines(store) == []
    assert "No campaigns yet" in v.table.value and v.detail.layout.display == "none"


def _confirmed_elsewhere(store: Store) -> str:
    """A campaign confirmed outside this page (another tab, ``smskit campaigns confirm``)."""
    camp = Campaign(
        "Order updates", "Hi {name}", Sender("long_code", "+15005550006"), purpose="transactional"
    )
    people = [Recipient.of(f"c{i}", number, name=f"N{i}") for i, number in enumerate(NUMBERS)]
    campaign_id = save_plan(store, plan(camp, people, now=datetime.now(UTC)))
    assert control.confirm(store, campaign_id)
    return campaign_id


def test_a_page_opened_later_shows_the_campaign_in_hand_and_controls_it(
    dashboard: CampaignSender,
    opened: Callable[..., CampaignSender],
    store: Store,
    provider: TwilioProvider,
    sim: object,
) -> None:
    assert dashboard.tabs.selected_index == 0  # nothing in hand: opens on New campaign
    campaign_id = _confirmed_elsewhere(store)
    w = opened()
    v = w.campaigns
    assert w.tabs.selected_index == 1 and v.selected == campaign_id  # opens on Campaigns
    assert "data-status='queued'" in v.table.value and "queued for sending" in v.table.value
    assert "you may close it" in v.head.value
    assert v.pause_button.layout.display is None and v.cancel_button.layout.display is None
    assert v.resume_button.layout.display == "none" and v.delete_button.layout.display == "none"
    v.pause_button.click()
    assert _status(store, campaign_id) == "paused" and "data-status='paused'" in v.table.value
    assert v.resume_button.layout.display is None and v.pause_button.layout.display == "none"
    v.resume_button.click()  # "Send the rest"
    assert _status(store, campaign_id) == "queued"
    _work(store, provider, lambda: _status(store, campaign_id) == "finished")
    v.refresh_button.click()
    assert "data-status='finished'" in v.table.value and "3 / 3" in v.table.value
    assert sorted(m.to for m in sim.messages()) == NUMBERS
    assert "+14152010002" in v.results_html.value
    v.pause_button.click()  # hidden now; a stale click is refused in plain words
    assert "does not apply to this campaign now: it is finished" in w.status.value


def test_a_failed_read_is_shown_plainly_and_retried(
    dashboard: CampaignSender, fixtures: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from smskit_widgets.campaign import send

    _preflight(dashboard, fixtures)
    dashboard.send_button.click()

    def broken(*_args: object) -> None:
        raise RuntimeError("database is locked")

    monkeypatch.setattr(send, "progress", broken)
    dashboard.poll()
    assert "Something went wrong: RuntimeError" in _said(dashboard)
    assert "Traceback" not in _said(dashboard)
    monkeypatch.undo()
    dashboard.poll()  # the next tick reads again
    assert dashboard.progress.campaign_status == "queued"


def _said(w: CampaignSender) -> str:
    """Every message the page shows: the status line and the feedback beside each step."""
    parts = (w.status, w.audience_feedback, w.compose_feedback, w.preflight_feedback)
    return "".join(p.value for p in (*parts, w.send_feedback))


def test_errors_show_in_plain_words(dashboard: CampaignSender) -> None:
    # Each error beside the action that failed (step 5, 1, 4, 2), never at the top of the page.
    dashboard.send_button.click()
    assert "Run the preflight first" in dashboard.send_feedback.value
    dashboard.import_button.click()
    assert "Upload a CSV or XLSX file first" in dashboard.audience_feedback.value
    dashboard.preflight_button.click()
    assert "Load an audience first" in dashboard.preflight_feedback.value
    dashboard.template.value = "Hi {name"
    assert "never closed" in dashboard.compose_feedback.value
    assert dashboard.status.value == ""
    assert "Traceback" not in _said(dashboard)
    dashboard.template.value = "Hi {name}"
    assert dashboard.compose_feedback.value == ""  # the stale error is gone


def test_a_file_without_consent_or_phone_column_is_mapped_not_crashed(
    dashboard: CampaignSender, tmp_path: Path
) -> None:
    no_consent = tmp_path / "no_consent.csv"
    no_consent.write_text("phone,first_name\n+14155550100,Ana\n", encoding="utf-8")
    _upload(dashboard, no_consent)
    assert "smskit-status-error" not in _said(dashboard), _said(dashboard)
    assert dashboard.consent_column.value == "__none__"
    assert dashboard.phone_column.value == "phone"
    dashboard.import_button.click()
    assert len(dashboard.audience) == 1

    no_phone = tmp_path / "no_phone.csv"
    no_phone.write_text("name;city\nAna;Lisboa\n", encoding="utf-8")
    _upload(dashboard, no_phone)
    assert "choose the phone column" in dashboard.audience_feedback.value
    assert "TraitError" not in _said(dashboard)


def test_language_switch_relabels(dashboard: CampaignSender, store: Store, fixtures: Path) -> None:
    _preflight(dashboard, fixtures)
    dashboard.tabs.selected_index = 1
    try:
        LANGUAGE.lang = "id"
        assert dashboard.send_button.description == "Kirim"
        assert dashboard.resume_button.description == "Kirim sisanya"
        assert "Audiens" in dashboard._titles[0].value
        assert dashboard.tabs.titles == ("Kampanye baru", "Kampanye")
        assert "Biaya sejauh ini" in dashboard.campaigns.table.value
        assert "draf (tidak pernah dikirim)" in dashboard.campaigns.table.value
        assert "Tidak ada pekerja pengirim" in dashboard.worker_warning.value
    finally:
        LANGUAGE.lang = "en"
    assert dashboard.send_button.description == "Send"
    assert "Cost so far" in dashboard.campaigns.table.value


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
    opened: Callable[..., CampaignSender], fixtures: Path
) -> None:
    us = PriceTable.from_csv_text("country,price_per_segment,currency\nUS,0.1000,USD\n")
    w = opened(prices=default_prices().merged(us))
    _upload(w, fixtures / "campaign_contacts.csv")
    w.import_button.click()
    w.template.value = "Hi {name}, the {city|nearest} store has your order."
    w.purpose.value = "transactional"
    w.preflight_button.click()
    assert "smskit-status-error" not in w.status.value, w.status.value
    assert [(c.country, c.cost) for c in w.plan.totals.by_country] == [("US", Decimal("0.3000"))]
    assert "estimated $0.30?" in w.confirm.value  # 3 messages x 1 segment x $0.10


def _line(status: str, **changes: object) -> CampaignLine:
    values: dict[str, object] = {
        "id": f"cmp_{status}",
        "name": f"Spring <{status}>",
        "status": status,
        "created_at": NOON_NY,
        "total": 10,
        "waiting": 4,
        "handed_over": 6,
        "delivered": 5,
        "failed": 1,
        "opted_out": 0,
        "canceled": 0,
        "held": 0,
        "cost": Decimal("0.0474"),
        "currency": "USD",
        "next_send_at": NOON_NY + timedelta(hours=2),
    }
    values.update(changes)
    return CampaignLine(**values)  # type: ignore[arg-type]


def test_campaigns_table_states_each_campaign_plainly(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(USER_ZONE, "zone", "UTC")
    lines = [
        _line("sending", next_send_at=NOON_NY - timedelta(minutes=1)),
        _line("waiting"),
        _line("draft"),
        _line("finished", currency="EUR"),
    ]
    out = CR.campaigns_html(lines, selected="cmp_waiting", now=NOON_NY)
    assert out.count("class='smskit-campaigns-row'") == 4
    assert "data-campaign='cmp_draft' data-status='draft'" in out
    assert "Spring &lt;draft&gt;" in out  # names are escaped
    assert "<td class='smskit-campaigns-sent' style='text-align:left;padding:2px 8px'>6 / 10" in out
    assert "$0.05" in out and "€0.05" in out
    assert ">now<" in out  # a due message goes now
    # The next window of a waiting campaign, in the user's time zone, named.
    assert ">Mon, Jan 5, 2026 19:00 (UTC)<" in out
    assert out.count(">–<") == 2  # drafts and finished campaigns have no next send
    assert "font-weight:bold" in out.split("cmp_waiting")[1].split("</tr>")[0]
    assert "No campaigns yet" in CR.campaigns_html([])


def test_buttons_follow_the_status() -> None:
    assert CR.actions_for("planned") == CR.actions_for("draft") == {"delete"}
    assert CR.actions_for("sending") == CR.actions_for("waiting") == {"pause", "cancel"}
    assert CR.actions_for("paused") == CR.actions_for("failed") == {"resume", "cancel"}
    assert CR.actions_for("finished") == CR.actions_for("canceled") == frozenset()


def test_worker_warning_and_status_words() -> None:
    assert "smskit worker" in CR.worker_warning_html(0)
    assert CR.worker_warning_html(2) == ""
    assert CR.campaign_status_label("planned") == "draft (never sent)"
    assert "stopped by an error" in CR.campaign_head_html(_line("failed"))
    assert "Send the rest" in CR.campaign_head_html(_line("paused"))
    assert "data-status='waiting'" in CR.send_notice_html("waiting")


def test_an_import_is_saved_and_the_accounts_numbers_are_offered_as_senders(
    dashboard: CampaignSender, store: Store, provider: TwilioProvider, sim: object, fixtures: Path
) -> None:
    w = dashboard
    _upload(w, fixtures / "campaign_contacts.csv")
    w.import_button.click()
    loaded = len(w.audience)
    assert "contacts saved for later" in w.audience_feedback.value
    w.audience = []
    w.saved.click()  # the same people come back from the store
    assert len(w.audience) == loaded > 0
    # A number bought in Provider Setup is on the account: the Campaign Sender offers it.
    bought = sim.add_number("+14155550188")  # type: ignore[attr-defined]
    w.load_senders()
    assert bought.phone_number in w.sender_address.options
    assert w.sender_address.value == bought.phone_number
    # ... and so is its Messaging Service; choosing it makes the sender a Messaging Service.
    service = next(o for o in w.sender_address.options if o.startswith("MG"))
    w.sender_address.value = service
    assert w.sender_kind.value == "messaging_service"
    w.sender_address.value = bought.phone_number
    assert w.sender_kind.value == "long_code"


def test_saved_contacts_are_found_edited_and_exported(
    dashboard: CampaignSender, store: Store, fixtures: Path
) -> None:
    w = dashboard
    _upload(w, fixtures / "campaign_contacts.csv")
    w.import_button.click()
    panel = w.contacts
    phone = w.audience[0].phone
    panel.query.value = phone[-4:]
    panel.search.click()
    assert panel.chosen.value == phone and phone in panel.table.value
    panel.fields.value = "name: Ana Maria\ncity: Recife"
    panel.save.click()
    saved = store.get_contact(phone)
    assert saved is not None and dict(saved.fields) == {"name": "Ana Maria", "city": "Recife"}
    assert "consent history are unchanged" in panel.status.value
    panel.fields.value = "no colon here"
    panel.save.click()
    assert "Line 1" in panel.status.value and "Traceback" not in panel.status.value
    panel.export.click()
    assert (
        "contacts.csv" in panel.download.value and "data:text/csv;base64," in panel.download.value
    )


def test_a_country_column_is_found_and_offered(dashboard: CampaignSender, tmp_path: Path) -> None:
    w = dashboard
    path = tmp_path / "mixed.csv"
    path.write_text("name,phone,country\nAna,55 1234 5678,MX\nBo,(415) 555-0100,US\n")
    _upload(w, path)
    assert ("country", "country") in w.country_column.options
    w.region.value = "US"
    w.import_button.click()
    phones = {r.key: r.phone for r in w.audience}
    assert "+525512345678" in set(phones.values())  # Mexican, not a stranger's US number
    assert "column country" in w.import_report.value


def test_mixed_national_formats_are_flagged_in_the_import_report(
    dashboard: CampaignSender, fixtures: Path
) -> None:
    w = dashboard
    _upload(w, fixtures / "contacts_mixed_national.csv")
    w.region.value = "US"
    w.import_button.click()
    assert "smskit-campaign-import-warning" in w.import_report.value
