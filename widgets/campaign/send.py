"""Step 5 of the Campaign Sender: confirm, then watch; pause, send the rest, cancel.

A mixin of :class:`smskit_widgets.campaign.dashboard.CampaignSender` (kept apart because the
dashboard is long). *Send* confirms the campaign in the store (:func:`smskit.sending.control.
confirm`); the sending worker (``smskit worker``) sends it whether or not this page stays open.
One background ticker per dashboard (a daemon thread, stopped by :meth:`close`) reads the store:
the progress of the campaign confirmed here about once a second until it is done (and its delivery
reports for a few minutes more), and every third tick whether a worker is alive and, while the
Campaigns tab is shown, the Campaigns table. A failed read is shown in the status line and tried
again on the next tick; the page never shows a traceback.
"""

from __future__ import annotations

import contextlib
import threading
import time
from typing import Any

import ipywidgets as W
from smskit_widgets.campaign import campaigns_render as CR
from smskit_widgets.campaign import render as R
from smskit_widgets.campaign.campaigns import apply_control
from smskit_widgets.common.feedback import SENDING, WORKING, reports_to
from smskit_widgets.common.i18n import Translator, render_text
from smskit_widgets.common.status import UserError, shows_errors

from smskit.campaign.overview import display_status
from smskit.campaign.storage import progress
from smskit.sending import control
from smskit.sending.support import send_test
from smskit.sending.worker import live_workers

t = Translator("campaign")
_FOLLOW_DELIVERIES = 300.0  # seconds of following delivery reports once a campaign is done
_DONE = ("finished", "canceled")
_CAMPAIGNS_TAB = 1


class SendAndWatch:
    """Send-step handlers and the ticker (mixed into the dashboard, which owns the widgets)."""

    store: Any
    provider: Any
    campaign_id: str
    progress: Any
    workers: list[Any]
    poll_seconds: float
    status: Any
    campaigns: Any
    tabs: Any
    _lock: threading.RLock
    _closed: threading.Event
    _ticker: threading.Thread | None
    _watching: str
    _ended_at: float | None
    _checked: bool
    _last_status: str

    # -- 5 Confirm and send --------------------------------------------------------------------

    @reports_to("send_feedback", busy=SENDING)
    def _on_test_button_click(self, _button: W.Button) -> None:
        if not self.campaign_id:
            raise UserError(t("Run the preflight first (step 4)"))
        sent = send_test(
            self.provider, self.store, self.campaign_id, self.test_number.value.strip()
        )
        self.send_feedback.show(
            t("Test sent to {to} ({status}).", to=sent.to, status=R.status_label(sent.status)), "ok"
        )

    @reports_to("send_feedback", busy=WORKING)
    def _on_send_button_click(self, _button: W.Button) -> None:
        if not self.campaign_id:
            raise UserError(t("Run the preflight first (step 4)"))
        with self._lock:
            if not control.confirm(self.store, self.campaign_id):
                record = self.store.get_campaign(self.campaign_id)
                now = CR.campaign_status_label(record.status) if record else t("deleted")
                raise UserError(t("This campaign cannot be sent now: it is {status}.", status=now))
            self.send_button.disabled = True
            self._watch(self.campaign_id)
        self._check_workers()
        if self.workers:
            said = t(
                "Confirmed. The sending worker on the server sends it: you may close this page, "
                "sending goes on."
            )
        else:
            said = t(
                "Confirmed. No sending worker is running yet: sending starts as soon as one runs."
            )
        self.send_feedback.show(said, "ok")
        self.campaigns.selected = self.campaign_id

    @reports_to("send_feedback")
    def _on_pause_button_click(self, _button: W.Button) -> None:
        self._control("pause")

    @reports_to("send_feedback")
    def _on_resume_button_click(self, _button: W.Button) -> None:
        self._control("resume")

    @reports_to("send_feedback")
    def _on_cancel_button_click(self, _button: W.Button) -> None:
        self._control("cancel")

    def _control(self, action: str) -> None:
        campaign_id = self._watching or self.campaign_id
        if not campaign_id:
            raise UserError(t("Run the preflight first (step 4)"))
        with self._lock:
            said = apply_control(self.store, action, campaign_id)
            if not self._watching:
                self._watch(campaign_id)
            else:
                self.progress = progress(self.store, campaign_id)
        self.send_feedback.show(said, "ok")

    @shows_errors
    def _on_results_button_click(self, _button: W.Button) -> None:
        self.campaigns.selected = self.campaign_id
        self.tabs.selected_index = _CAMPAIGNS_TAB

    @shows_errors
    def _on_tabs_change(self, change: dict[str, Any]) -> None:
        if change["new"] == _CAMPAIGNS_TAB:
            self.campaigns.reload()

    # -- watching ------------------------------------------------------------------------------

    def _watch(self, campaign_id: str) -> None:
        """Follow ``campaign_id``'s progress (the ticker reads it about once a second)."""
        self._watching = campaign_id
        self._ended_at = None
        self._last_status = ""
        self.progress = progress(self.store, campaign_id)
        self._check_ended(self.progress)

    def _stop_watching(self) -> None:
        self._watching = ""
        self._ended_at = None

    def _on_progress_change(self, _change: dict[str, Any]) -> None:
        p = self.progress
        if p is None:
            return
        status = display_status(p.campaign_status)
        self.progress_bar.value = round(p.fraction * 100)
        self.progress_html.value = R.progress_html(p)
        self.send_notice.value = CR.send_notice_html(status, p.campaign_id)
        actions = CR.actions_for(status, held=dict(p.by_status).get("scheduled", 0))
        self.pause_button.disabled = "pause" not in actions
        self.resume_button.disabled = "resume" not in actions
        self.cancel_button.disabled = "cancel" not in actions
        self.results_button.disabled = False
        if status != self._last_status:
            self._last_status = status
            if status == "failed":
                record = self.store.get_campaign(p.campaign_id)
                why = record.stop_reason if record is not None else None
                self.send_feedback.show(
                    t(
                        "Sending stopped after an error from the provider. Fix the cause, then "
                        "press Send the rest."
                    )
                    + (" " + t("Why: {reason}", reason=render_text(why)) if why else ""),
                    "error",
                )
            elif status == "finished":
                self.send_feedback.show(
                    t("The send has ended. See the results under Campaigns."), "ok"
                )

    def _check_ended(self, p: Any) -> None:
        """Stop following once the campaign is done and its delivery reports are in (or late)."""
        if display_status(p.campaign_status) not in _DONE:
            self._ended_at = None
            return
        if self._ended_at is None:
            self._ended_at = time.monotonic()
        in_flight = p.count("submitted") + p.count("submitting")
        if not in_flight or time.monotonic() - self._ended_at > _FOLLOW_DELIVERIES:
            self._stop_watching()

    def _check_workers(self) -> None:
        self.workers = live_workers(self.store)
        self._checked = True
        self.worker_warning.value = CR.worker_warning_html(len(self.workers))

    @shows_errors
    def poll(self, full: bool = True) -> None:
        """Read the store once, as the ticker does: the progress of the campaign confirmed here;
        with ``full``, also whether a worker is alive and, if its tab is shown, the Campaigns view.
        """
        with self._lock:
            if self._watching:
                p = progress(self.store, self._watching)
                if p != self.progress:
                    self.progress = p
                self._check_ended(p)
        if full:
            self._check_workers()
            if self.tabs.selected_index == _CAMPAIGNS_TAB:
                self.campaigns.reload()

    @shows_errors
    def _first_look(self) -> None:
        """On opening: is a worker alive, and is a campaign in hand? Then open on Campaigns."""
        self._check_workers()
        self.campaigns.reload(detail=False)  # the detail when its tab is shown
        busy = (*control.RUNNABLE, "paused", "failed")
        if any(line.status in busy for line in self.campaigns.lines):
            self.tabs.selected_index = _CAMPAIGNS_TAB

    def _open(self) -> None:
        self._first_look()
        if self.poll_seconds > 0:
            # The provider may be slow to answer (or a real account offline): never block the page.
            threading.Thread(target=self._load_senders_quietly, daemon=True).start()
            self._ticker = threading.Thread(
                target=self._tick_forever, name="smskit-campaign-ticker", daemon=True
            )
            self._ticker.start()

    def _load_senders_quietly(self) -> None:
        # Offline or not set up: the test number stays offered.
        with contextlib.suppress(Exception):
            self.load_senders()  # type: ignore[attr-defined]

    def _tick_forever(self) -> None:
        beat = 0
        while not self._closed.wait(max(self.poll_seconds, 0.1)):
            beat += 1
            self.poll(full=beat % 3 == 0)

    def close(self) -> None:
        """Stop the ticker, then close the widget."""
        self._closed.set()
        super().close()  # type: ignore[misc]
