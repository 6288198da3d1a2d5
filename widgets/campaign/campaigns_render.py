"""Pure result -> HTML functions for the Campaigns view of the Campaign Sender (no widgets).

The table of every campaign (:func:`campaigns_html`), the head of the campaign selected below it
(:func:`campaign_head_html`), and the notes the page shows about the sending worker. Elements carry
stable ``smskit-campaigns-*`` classes and ``data-status`` attributes (the status as stored, with a
never-confirmed plan shown as ``draft``) for the browser tests.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from smskit_widgets.campaign.campaigns_team import held_label, who_header, who_html, who_text
from smskit_widgets.campaign.render import _money, _stamp, e
from smskit_widgets.common.formats import num
from smskit_widgets.common.html import CELL_STYLE
from smskit_widgets.common.i18n import Translator, render_text

from smskit.campaign.overview import CampaignLine, display_status
from smskit.sending.control import RUNNABLE, allowed_actions

t = Translator("campaign")
_COLOURS = {
    "draft": "#5f6368",
    "queued": "#1f77b4",
    "sending": "#17becf",
    "waiting": "#9467bd",
    "paused": "#8a5a00",
    "finished": "#1e7b34",
    "canceled": "#7f7f7f",
    "failed": "#a4262c",
}
_WARN = "#8a5a00"


def campaign_status_label(status: str) -> str:
    """A campaign's status in plain words, in the current language (``planned`` is a draft)."""
    labels = {
        "draft": t("draft (never sent)"),
        "planning": t("being saved"),
        "queued": t("queued for sending"),
        "sending": t("sending"),
        "waiting": t("waiting for its send time"),
        "paused": t("paused"),
        "finished": t("finished"),
        "canceled": t("canceled"),
        "failed": t("stopped by an error"),
        "held": held_label(),
    }
    shown = display_status(status)
    return labels.get(shown, shown)


def actions_for(status: str, held: int = 0) -> frozenset[str]:
    """The buttons that apply to a campaign in ``status``: pause, resume, cancel, delete.

    smskit decides (:func:`smskit.sending.control.allowed_actions`); a draft is confirmed with
    Send in step 5, never from the Campaigns view. ``held``: messages Twilio still holds.
    """
    return allowed_actions(status, held=held) - {"confirm"}


def _next_send(line: CampaignLine, now: datetime) -> str:
    if line.status not in RUNNABLE or line.next_send_at is None:
        return "–"
    return t("now") if line.next_send_at <= now else _stamp(line.next_send_at)


def campaigns_html(
    lines: Sequence[CampaignLine], selected: str = "", now: datetime | None = None
) -> str:
    """Every campaign on one row: status, sent of total, delivered, failed, opted out, cost, next
    send time; the ``selected`` one in bold."""
    if not lines:
        empty = t("No campaigns yet. Make one under New campaign.")
        return f"<div class='smskit-campaigns-empty'>{e(empty)}</div>"
    now = now or datetime.now(UTC)
    head = [
        t("Campaign"),
        t("Status"),
        t("Sent"),
        t("Delivered"),
        t("Failed"),
        t("Opted out"),
        t("Cost so far"),
        t("Next send"),
        who_header(),
    ]
    th = "".join(f"<th style='{CELL_STYLE}'>{e(h)}</th>" for h in head)
    rows = []
    for line in lines:
        status = e(line.status)
        colour = _COLOURS.get(line.status, "#1f4e79")
        weight = "font-weight:bold;" if line.id == selected else ""
        cells = [
            ("name", e(line.name)),
            (
                "status",
                f"<span style='color:{colour}'>{e(campaign_status_label(line.status))}</span>",
            ),
            ("sent", f"{num(line.handed_over)} / {num(line.total)}"),
            ("delivered", num(line.delivered)),
            ("failed", num(line.failed)),
            ("opted-out", num(line.opted_out)),
            ("cost", e(_money(line.cost, line.currency or "USD"))),
            ("next", e(_next_send(line, now))),
            ("who", e(who_text(line))),
        ]
        tds = "".join(
            f"<td class='smskit-campaigns-{name}' style='{CELL_STYLE}'"
            + (f" data-status='{status}'" if name == "status" else "")
            + f">{value}</td>"
            for name, value in cells
        )
        rows.append(
            f"<tr class='smskit-campaigns-row' data-campaign='{e(line.id)}' "
            f"data-status='{status}' style='{weight}'>{tds}</tr>"
        )
    return (
        "<div style='overflow-x:auto;max-width:100%'>"
        "<table class='smskit-campaigns-table' style='font-size:13px;border-collapse:collapse'>"
        f"<tr>{th}</tr>{''.join(rows)}</table></div>"
    )


def campaign_option(line: CampaignLine) -> str:
    """The label of a campaign in the selector: its name and the end of its id (names repeat)."""
    return f"{line.name} · {line.id[-6:]}"


def _status_note(status: str) -> str:
    notes = {
        "draft": t(
            "A draft: a preflight that was never confirmed. It is never sent; delete it, or run a "
            "new preflight under New campaign to send."
        ),
        "queued": t(
            "Sending continues on the server, not in this page: you may close it and come back."
        ),
        "paused": t("Paused: nothing more is sent until you press Send the rest."),
        "failed": t(
            "Sending stopped after an error from the provider. Fix the cause, then press Send the "
            "rest."
        ),
        "finished": t("Every message was handed over. Delivery reports may still come in."),
        "canceled": t("Canceled: messages not handed over yet were not sent."),
    }
    notes["sending"] = notes["waiting"] = notes["queued"]
    return notes.get(status, "")


def campaign_head_html(line: CampaignLine, now: datetime | None = None) -> str:
    """The selected campaign: name, status, when made, cost so far, next send time, and a note on
    what the status means for the person looking at it."""
    now = now or datetime.now(UTC)
    colour = _COLOURS.get(line.status, "#1f4e79")
    facts = [
        t("Made {time}", time=_stamp(line.created_at)),
        t("Cost so far: {cost}", cost=_money(line.cost, line.currency or "USD")),
    ]
    if line.status in RUNNABLE and line.next_send_at is not None:
        facts.append(t("Next send: {time}", time=_next_send(line, now)))
    note = _status_note(line.status)
    reason = ""
    if line.stop_reason is not None and line.status in ("failed", "held"):
        why = t("Why: {reason}", reason=render_text(line.stop_reason))
        reason = f"<p class='smskit-campaigns-reason' style='color:{_WARN}'>{e(why)}</p>"
    return (
        f"<div class='smskit-campaigns-detail-head' data-status='{e(line.status)}' "
        f"data-campaign='{e(line.id)}'><h4 style='margin:6px 0'>{e(line.name)} · "
        f"<span class='smskit-campaigns-detail-status' style='color:{colour}'>"
        f"{e(campaign_status_label(line.status))}</span></h4>"
        f"<div>{e(' · '.join(facts))}</div>"
        + who_html(line)
        + reason
        + (f"<p class='smskit-campaigns-note'>{e(note)}</p>" if note else "")
        + "</div>"
    )


def send_notice_html(status: str, campaign_id: str = "") -> str:
    """Step 5, once a campaign is confirmed: its status and what that means (the server sends it,
    the page may close)."""
    shown = display_status(status)
    head = t("Campaign status: {status}", status=campaign_status_label(shown))
    note = _status_note(shown)
    return (
        f"<div class='smskit-campaign-send-notice' data-status='{e(shown)}' "
        f"data-campaign='{e(campaign_id)}' "
        f"style='color:#1f4e79;padding:4px 0'><b>{e(head)}</b>. {e(note)}</div>"
    )


def worker_warning_html(live_workers: int) -> str:
    """A warning when no sending worker is running (confirmed campaigns then wait); else nothing."""
    if live_workers:
        return ""
    text = t(
        "No sending worker is running, so confirmed campaigns wait. Sending starts as soon as one "
        "runs: start it with the command {command} (smskit serve starts one for you)."
    )
    command = "<code>smskit worker</code>"
    return (
        f"<div class='smskit-campaign-no-worker' style='color:{_WARN};padding:4px 0'>"
        f"<b>⚠</b> {e(text).replace('{command}', command)}</div>"
    )
