"""The Inbox dashboard headless: widget values in, smskit calls, rendered results out."""

from __future__ import annotations

from pathlib import Path

from smskit_widgets.common.i18n import LANGUAGE
from smskit_widgets.inbox import InboxDashboard

from smskit.conversations import InboxSink
from smskit.providers.twilio import TwilioProvider
from smskit.sending.tracking import InboundMessage
from smskit.simulator import start
from smskit.store.database import Store

SENDER = "+15005550006"


def test_staff_answer_from_the_dashboard_and_an_opted_out_contact_is_refused(
    tmp_path: Path,
) -> None:
    store = Store.open(f"sqlite:///{tmp_path / 'smskit.db'}")
    sink = InboxSink(store)
    sink.record_inbound(InboundMessage("SM" + "6" * 32, "+442071838750", SENDER, "Open today?"))
    sink.record_inbound(InboundMessage("SM" + "7" * 32, "+442071838751", SENDER, "BERHENTI"))
    with start(step_delay=0, rate_limits=False) as sim:
        board = InboxDashboard(
            store, TwilioProvider.for_simulator(sim), actor="ana", poll_seconds=0
        )
        labels = dict(board.filters.options)
        assert labels["All open (2) · 2 unread"] == "all" and labels["Opted out (1)"] == "opted_out"
        (question,) = [v for label, v in board.threads.options if "Open today?" in label]
        board.threads.value = question
        assert "Open today?" in board.thread_html.value
        board.reply.value = "Yes 🙂 until six"
        assert "UCS-2" in board.check_html.value and "1 segment" in board.check_html.value
        board.schedule.value = True  # at night in London it waits for 08:00 there instead
        board.send_button.click()
        assert "outcome-sent" in board.result_html.value or "outcome-scheduled" in (
            board.result_html.value
        )
        board.filters.value = "opted_out"
        ((_, stopped),) = board.threads.options
        board.threads.value = stopped
        board.reply.value = "Sorry to see you go"
        assert "has opted out" in board.check_html.value
        board.send_button.click()
        assert "outcome-refused" in board.result_html.value
        LANGUAGE.lang = "id"
        try:
            assert "telah berhenti berlangganan" in board.check_html.value
            assert board.send_button.description == "Kirim balasan"
        finally:
            LANGUAGE.lang = "en"
        board.close()
    assert [m.body for m in sim.messages() if m.direction == "outbound-api"] in (
        ["Yes 🙂 until six"],
        [],  # night in London: scheduled for the morning instead
    )
