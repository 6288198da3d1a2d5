"""Steps 5 and 6 of the Campaign Sender: send in the background, watch, pause, cancel, results.

A mixin of :class:`smskit_widgets.campaign.dashboard.CampaignSender` (kept apart because the
dashboard is long):
the send runs in a thread of its own, not in the button's callback, so the page stays responsive;
a second thread refreshes the progress and tracks deliveries by polling until they are final.
"""

from __future__ import annotations

import threading
import time
from typing import Any

import ipywidgets as W
from smskit_widgets.campaign import render as R
from smskit_widgets.common.i18n import Translator
from smskit_widgets.common.status import plain_error, shows_errors

from smskit.campaign.results import campaign_opt_outs, results_csv, timeline
from smskit.campaign.storage import delivery_summary, progress, results
from smskit.sending.runner import CampaignRunner
from smskit.sending.support import send_test, track

t = Translator("campaign")


class SendAndResults:
    """Handlers of the send and results steps (mixed into the dashboard, which owns the widgets)."""

    store: Any
    ledger: Any
    provider: Any
    campaign_id: str
    progress: Any
    report: Any
    status: Any
    _runner: CampaignRunner | None
    _thread: threading.Thread | None

    # -- 5 Confirm and send --------------------------------------------------------------------

    @shows_errors
    def _on_test_button_click(self, _button: W.Button) -> None:
        if not self.campaign_id:
            raise ValueError(t("Run the preflight first (step 4)"))
        sent = send_test(
            self.provider, self.store, self.campaign_id, self.test_number.value.strip()
        )
        self.status.show(t("Test sent to {to} ({status}).", to=sent.to, status=sent.status), "ok")

    @shows_errors
    def _on_send_button_click(self, _button: W.Button) -> None:
        if not self.campaign_id:
            raise ValueError(t("Run the preflight first (step 4)"))
        if self._thread is not None and self._thread.is_alive():
            return
        self._runner = CampaignRunner(
            self.store, self.provider, self.campaign_id, ledger=self.ledger
        )
        self.report = None
        self.send_button.disabled = True
        self.pause_button.disabled = self.cancel_button.disabled = False
        self._thread = threading.Thread(target=self._run, name="smskit-campaign", daemon=True)
        self._thread.start()
        threading.Thread(target=self._watch, name="smskit-campaign-watch", daemon=True).start()
        self.status.show(t("Sending..."))

    def _run(self) -> None:
        """The background send (not in the widget callback, so the page stays responsive)."""
        runner = self._runner
        assert runner is not None
        try:
            self.report = runner.run(dry=False)
        except Exception as error:  # shown in plain words, never as a traceback
            self.status.show(plain_error(error), "error")

    def _watch(self) -> None:
        """Refresh the progress while the send runs, then track deliveries for a while."""
        deadline = None
        while True:
            alive = self._thread is not None and self._thread.is_alive()
            try:
                if not alive or int(time.monotonic()) % 2 == 0:
                    track(self.store, self.provider, self.campaign_id, self.ledger)
                self.progress = progress(self.store, self.campaign_id)
            except Exception:  # a failed poll is retried on the next tick
                pass
            if not alive:
                deadline = deadline or time.monotonic() + 20
                finals = self.progress is not None and self.progress.count("submitted") == 0
                if finals or time.monotonic() > deadline:
                    break
            time.sleep(0.5)
        self._after_run()

    def _on_progress_change(self, _change: dict[str, Any]) -> None:
        if self.progress is not None:
            self.progress_bar.value = round(self.progress.fraction * 100)
            self.progress_html.value = R.progress_html(self.progress, self.report)

    @shows_errors
    def _after_run(self) -> None:
        self.pause_button.disabled = self.cancel_button.disabled = True
        self.send_button.disabled = False
        self.progress = progress(self.store, self.campaign_id)
        self._show_results()
        report = self.report
        if report is not None and report.status == "canceled":
            self.status.show(
                t("Campaign canceled. {n} scheduled messages canceled.", n=report.unscheduled),
                "ok",
            )
            return
        self.status.show(t("The send has ended. See the results below."), "ok")

    @shows_errors
    def _on_pause_button_click(self, _button: W.Button) -> None:
        if self._runner is None:
            return
        if self._runner.paused:
            self._runner.resume()
        else:
            self._runner.pause()
        self._relabel_pause()

    @shows_errors
    def _on_cancel_button_click(self, _button: W.Button) -> None:
        if self._runner is not None:
            self._runner.cancel()
            self.status.show(t("Canceling: messages not yet sent will not be sent."))
            if self._thread is None or not self._thread.is_alive():
                # The run has ended but Twilio may still hold messages (SendAt): the runner
                # cancels those, in the background like a send.
                self._thread = threading.Thread(target=self._run, name="smskit-cancel", daemon=True)
                self._thread.start()

    # -- 6 Results -----------------------------------------------------------------------------

    @shows_errors
    def _on_refresh_button_click(self, _button: W.Button) -> None:
        if self.campaign_id:
            track(self.store, self.provider, self.campaign_id, self.ledger)
            self._show_results()

    def _show_results(self) -> None:
        rows = results(self.store, self.campaign_id)
        self.summary_html.value = R.summary_html(delivery_summary(self.store, self.campaign_id))
        self.chart.value = R.status_chart_svg(timeline(self.store, self.campaign_id))
        self.opt_outs.value = R.opt_outs_html(campaign_opt_outs(self.store, self.campaign_id))
        self.csv_link.value = R.csv_link_html(results_csv(rows), f"{self.campaign_id}.csv")
        self.results_html.value = R.results_html(rows)
