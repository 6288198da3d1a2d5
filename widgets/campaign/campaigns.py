"""The Campaigns view of the Campaign Sender: every campaign, its progress, results and controls.

Sending happens in the worker process (``smskit worker``), never in this page: the buttons only
write what staff want into the store (:mod:`smskit.sending.control`), and :meth:`reload` reads the
campaigns back (:func:`smskit.campaign.overview.campaign_lines`). The dashboard calls
:meth:`reload` every few seconds from its background ticker, and the Refresh button calls it at
once. Results, the chart and opt-outs of the selected campaign are re-drawn when its progress
changed (at most every few seconds while it changes), since a large campaign's results are costly.
"""

from __future__ import annotations

import threading
import time
from typing import Any

import ipywidgets as W
import traitlets
from smskit_widgets.campaign import campaigns_render as CR
from smskit_widgets.campaign import campaigns_team as CT
from smskit_widgets.campaign import render as R
from smskit_widgets.common.i18n import Translator, on_language_change
from smskit_widgets.common.status import StatusLine, shows_errors
from smskit_widgets.consent.inspector import ConsentInspector

from smskit.campaign.overview import campaign_lines
from smskit.campaign.results import campaign_opt_outs, results_csv, timeline
from smskit.campaign.storage import campaign_of, delivery_summary, progress, results
from smskit.consent.ledger import ConsentLedger
from smskit.sending import control
from smskit.store.database import Store
from smskit.team import Action, approval_summary, current_actor

t = Translator("campaign")
_REDRAW_EVERY = 5.0  # seconds between re-drawing the results of a campaign that keeps changing


def apply_control(store: Store, action: str, campaign_id: str) -> str:
    """Pause, resume, cancel or delete (a draft) one campaign through the store; what to tell the
    person. A ValueError, shown in plain words, when the action does not apply to it now; the
    server's refusal (a team member's role, four eyes) in plain words too."""
    try:
        return _apply_control(store, action, campaign_id)
    except Exception as error:
        refused = CT.refused(error)
        if refused is None:
            raise
        raise refused from None


def _apply_control(store: Store, action: str, campaign_id: str) -> str:
    if action in ("confirm", "approve"):
        return CT.apply_team_action(store, action, campaign_id)
    closed: int | None = None
    if action == "cancel":
        closed = control.cancel(store, campaign_id)
        done = closed is not None
    elif action == "delete":
        done = control.delete_draft(store, campaign_id)
    elif action in ("pause", "resume"):
        done = getattr(control, action)(store, campaign_id)
    else:
        raise ValueError(action)
    if not done:
        record = store.get_campaign(campaign_id)
        now = CR.campaign_status_label(record.status) if record else t("deleted")
        raise ValueError(t("That does not apply to this campaign now: it is {status}.", status=now))
    if action == "pause":
        return t("Paused. Messages already on their way finish; no more are sent.")
    if action == "resume":
        return t("Queued again: the sending worker sends the rest.")
    if action == "delete":
        return t("Draft deleted.")
    return t(
        "Campaign canceled: {n} messages not sent yet will not be sent. Messages Twilio holds "
        "for later are canceled there by the sending worker.",
        n=closed or 0,
    )


def _tag(css: str, widget: Any) -> Any:
    widget.add_class(f"smskit-campaigns-{css}")
    return widget


def _auto() -> W.Layout:
    return W.Layout(width="auto")  # one per widget: hiding one must not hide its neighbours


def _show(widget: W.Widget, visible: bool) -> None:
    widget.layout.display = None if visible else "none"


class CampaignsView(W.VBox):
    """A table of every campaign; the one selected below it with progress, results and buttons."""

    lines = traitlets.List(help="campaign_lines(store): every campaign, newest first")
    selected = traitlets.Unicode("", help="Id of the campaign shown below the table ('' for none)")
    progress = traitlets.Any(None, allow_none=True, help="smskit Progress of the selected campaign")

    def __init__(
        self,
        store: Store,
        status: StatusLine,
        ledger: ConsentLedger | None = None,
        **kwargs: Any,
    ) -> None:
        self.store = store
        self.status = status  # the dashboard's status line: one place for messages and errors
        self._lock = threading.RLock()  # the ticker thread and button clicks both reload
        self._filling = False
        self._drawn: tuple[str, Any] | None = None  # (campaign id, progress) last drawn
        self._drawn_at = 0.0
        self._cache: dict[str, Any] = {}
        self.title = W.HTML()
        self.refresh_button = _tag(
            "refresh-button", W.Button(icon="refresh", layout=W.Layout(width="auto"))
        )
        self.selector = _tag(
            "selector",
            W.Dropdown(
                options=[],
                layout=W.Layout(width="460px", max_width="100%"),
                style={"description_width": "auto"},
            ),
        )
        self.table = _tag("table-box", W.HTML())
        self.head = _tag("detail-head-box", W.HTML())
        self.pause_button = _tag("pause-button", W.Button(icon="pause", layout=_auto()))
        self.resume_button = _tag(
            "resume-button", W.Button(icon="play", button_style="primary", layout=_auto())
        )
        self.cancel_button = _tag("cancel-button", W.Button(icon="stop", layout=_auto()))
        self.delete_button = _tag(
            "delete-button", W.Button(icon="trash", button_style="danger", layout=_auto())
        )
        self.send_button = _tag(
            "send-button", W.Button(icon="paper-plane", button_style="primary", layout=_auto())
        )
        self.approve_button = _tag(
            "approve-button", W.Button(icon="check", button_style="success", layout=_auto())
        )
        self.approval = _tag("approval-box", W.HTML())
        self.progress_bar = _tag(
            "progress-bar",
            W.IntProgress(
                value=0, min=0, max=100, layout=W.Layout(width="100%", max_width="640px")
            ),
        )
        self.progress_html = _tag("progress", W.HTML())
        self.summary_html = W.HTML()
        self.chart = W.HTML(layout=W.Layout(max_width="100%", overflow="auto"))
        self.opt_outs = W.HTML()
        self.csv_link = W.HTML()
        self.results_html = W.HTML(layout=W.Layout(max_width="100%", overflow="auto"))
        self.results_title = W.HTML()
        self.inspector = ConsentInspector(ledger=ledger or ConsentLedger(store))
        self.detail = _tag(
            "detail",
            W.VBox(
                [
                    self.head,
                    self.approval,
                    W.HBox(
                        [
                            self.approve_button,
                            self.send_button,
                            self.pause_button,
                            self.resume_button,
                            self.cancel_button,
                            self.delete_button,
                        ],
                        layout=W.Layout(flex_flow="row wrap"),
                    ),
                    self.progress_bar,
                    self.progress_html,
                    self.results_title,
                    self.summary_html,
                    self.chart,
                    self.opt_outs,
                    self.csv_link,
                    self.results_html,
                    self.inspector,
                ]
            ),
        )
        super().__init__(
            [
                self.title,
                W.HBox(
                    [self.refresh_button, self.selector],
                    layout=W.Layout(flex_flow="row wrap", align_items="center"),
                ),
                self.table,
                self.detail,
            ],
            layout=W.Layout(max_width="100%"),
            **kwargs,
        )
        self.add_class("smskit-campaigns")
        self.refresh_button.on_click(self._on_refresh_button_click)
        self.selector.observe(self._on_selector_change, names="value")
        self.pause_button.on_click(self._on_pause_button_click)
        self.resume_button.on_click(self._on_resume_button_click)
        self.cancel_button.on_click(self._on_cancel_button_click)
        self.delete_button.on_click(self._on_delete_button_click)
        self.send_button.on_click(self._on_send_button_click)
        self.approve_button.on_click(self._on_approve_button_click)
        _show(self.detail, False)
        self._refresh()
        on_language_change(self._refresh)

    # -- reading the store ---------------------------------------------------------------------

    def reload(self, *, force: bool = False, detail: bool = True) -> None:
        """Read every campaign and the selected one's progress; re-draw what changed.

        ``force`` re-draws the selected campaign's results even if its progress did not change;
        ``detail=False`` reads the table only (the page opening on another tab).
        """
        with self._lock:
            self.lines = campaign_lines(self.store)
            self._fill_selector()
            if detail:
                self._show_selected(force=force)
            else:
                self._render_table()

    def _fill_selector(self) -> None:
        options = [(CR.campaign_option(line), line.id) for line in self.lines]
        ids = [line.id for line in self.lines]
        wanted = self.selected if self.selected in ids else self._default(ids)
        self._filling = True  # set together below: no observer re-draws half-way
        try:
            if list(self.selector.options) != options:
                self.selector.options = options
            if self.selector.value != wanted:
                self.selector.value = wanted
            self.selected = wanted or ""
        finally:
            self._filling = False

    def _default(self, ids: list[str]) -> str | None:
        """The campaign shown when none is chosen: the newest one in hand, else the newest."""
        for line in self.lines:
            if line.status in (*control.RUNNABLE, "paused", "failed"):
                return str(line.id)
        return ids[0] if ids else None

    def _line(self) -> Any:
        return next((line for line in self.lines if line.id == self.selected), None)

    def _show_selected(self, *, force: bool = False) -> None:
        line = self._line()
        self._render_table()
        _show(self.detail, line is not None)
        if line is None:
            self.progress = None
            return
        self.progress = progress(self.store, line.id)
        actions = CR.actions_for(line.status, held=line.held)
        for name in ("pause", "resume", "cancel", "delete"):
            _show(getattr(self, f"{name}_button"), name in actions)
        # Four eyes: what will go out, and Approve while no one has; Send for a draft or a held one.
        # (Offered to whom the role allows; the server refuses anyone else anyway.)
        summary = approval_summary(self.store, line.id)
        actor = current_actor()
        self.approval.value = CT.approval_html(summary)
        _show(
            self.approve_button,
            summary.needed
            and not summary.approved_by
            and line.status in CT.APPROVABLE_SHOWN
            and actor.may(Action.APPROVE),
        )
        _show(self.send_button, line.status in CT.SENDABLE and actor.may(Action.SEND))
        self.head.value = CR.campaign_head_html(line)
        self.progress_bar.value = round(self.progress.fraction * 100)
        self.progress_html.value = R.progress_html(self.progress)
        for widget in (self.progress_bar, self.progress_html):
            _show(widget, line.status != "draft")  # a draft has no progress, only its plan
        changed = self._drawn != (line.id, self.progress)
        new = self._drawn is None or self._drawn[0] != line.id
        calm = time.monotonic() - self._drawn_at >= _REDRAW_EVERY
        if force or new or (changed and (calm or line.done)):
            self._draw_results(line.id)
            if new:
                self.inspector.scope.value = campaign_of(self.store, line.id).consent_scope

    def _draw_results(self, campaign_id: str) -> None:
        rows = results(self.store, campaign_id)
        self._cache = {
            "id": campaign_id,
            "rows": rows,
            "summary": delivery_summary(self.store, campaign_id),
            "timeline": timeline(self.store, campaign_id),
            "opt_outs": campaign_opt_outs(self.store, campaign_id),
        }
        self._drawn = (campaign_id, self.progress)
        self._drawn_at = time.monotonic()
        self._render_results()

    # -- rendering -----------------------------------------------------------------------------

    def _render_table(self) -> None:
        self.table.value = CR.campaigns_html(self.lines, self.selected)

    def _render_results(self) -> None:
        c = self._cache
        if not c:
            return
        self.summary_html.value = R.summary_html(c["summary"])
        self.chart.value = R.status_chart_svg(c["timeline"])
        self.opt_outs.value = R.opt_outs_html(c["opt_outs"])
        self.csv_link.value = R.csv_link_html(results_csv(c["rows"]), f"{c['id']}.csv")
        self.results_html.value = R.results_html(c["rows"])

    # -- handlers ------------------------------------------------------------------------------

    @shows_errors
    def _on_refresh_button_click(self, _button: W.Button) -> None:
        self.reload(force=True)

    @shows_errors
    def _on_selector_change(self, change: dict[str, Any]) -> None:
        if self._filling:
            return
        with self._lock:
            self.selected = change["new"] or ""

    @traitlets.observe("selected")
    def _on_selected_change(self, change: dict[str, Any]) -> None:
        if self._filling:
            return
        ids = [line.id for line in self.lines]
        if change["new"] and change["new"] not in ids:
            self.reload()  # a campaign made since the last reload (e.g. just confirmed)
            return
        if self.selector.value != (change["new"] or None) and change["new"] in ids:
            self.selector.value = change["new"]
        self._show_selected_safely()

    @shows_errors
    def _show_selected_safely(self) -> None:
        with self._lock:
            self._show_selected()

    def _act(self, action: str) -> None:
        """Apply one control to the selected campaign, say what happened, and reload."""
        if not self.selected:
            raise ValueError(t("Choose a campaign first"))
        try:
            self.status.show(apply_control(self.store, action, self.selected), "ok")
        finally:
            if action == "delete":
                self.selected = ""
            self.reload(force=True)

    @shows_errors
    def _on_pause_button_click(self, _button: W.Button) -> None:
        self._act("pause")

    @shows_errors
    def _on_resume_button_click(self, _button: W.Button) -> None:
        self._act("resume")

    @shows_errors
    def _on_cancel_button_click(self, _button: W.Button) -> None:
        self._act("cancel")

    @shows_errors
    def _on_delete_button_click(self, _button: W.Button) -> None:
        self._act("delete")

    @shows_errors
    def _on_send_button_click(self, _button: W.Button) -> None:
        self._act("confirm")

    @shows_errors
    def _on_approve_button_click(self, _button: W.Button) -> None:
        self._act("approve")

    # -- labels --------------------------------------------------------------------------------

    def _refresh(self) -> None:
        self.title.value = f"<h3 class='smskit-campaigns-title'>{R.e(t('Every campaign'))}</h3>"
        self.refresh_button.description = t("Refresh")
        self.selector.description = t("Show campaign")
        self.pause_button.description = t("Pause")
        self.resume_button.description = t("Send the rest")
        self.cancel_button.description = t("Cancel")
        self.delete_button.description = t("Delete draft")
        self.send_button.description, self.approve_button.description = CT.button_labels()
        self.results_title.value = f"<h4 style='margin:8px 0 4px'>{R.e(t('Results'))}</h4>"
        with self._lock:
            self._render_table()
            line = self._line()
            if line is not None and self.progress is not None:
                self.head.value = CR.campaign_head_html(line)
                self.progress_html.value = R.progress_html(self.progress)
            self._render_results()
