"""Pure result -> HTML functions for the Campaign Sender dashboard (unit-tested without widgets).

Every element carries a stable ``smskit-campaign-*`` class for the browser test. The chart is
matplotlib (Agg) drawn to inline SVG.
"""

from __future__ import annotations

import base64
import html
import io
from collections.abc import Sequence
from datetime import datetime

from smskit_widgets.common.formats import country, num
from smskit_widgets.common.formats import money as _format_money
from smskit_widgets.common.i18n import LANGUAGE, Translator, render_text
from smskit_widgets.common.timezone import shown

from smskit.campaign.compose import ComposePreview
from smskit.campaign.model import CampaignPlan, PlanTotals
from smskit.campaign.results import OptOut, status_counts_over_time
from smskit.campaign.storage import DeliverySummary, Progress, ResultRow
from smskit.contacts.importer import ImportReport
from smskit.senders.recommender import Recommendation
from smskit.sending.support import DryRun, RunReport

t = Translator("campaign")
e = html.escape
_OK, _BAD, _WARN, _INFO = "#1e7b34", "#a4262c", "#8a5a00", "#1f4e79"
_STATUS_COLOURS = {
    "delivered": "#1e7b34",
    "sent": "#4c9a2a",
    "queued": "#1f77b4",
    "accepted": "#1f77b4",
    "scheduled": "#9467bd",
    "sending": "#17becf",
    "undelivered": "#d62728",
    "failed": "#a4262c",
    "opted_out": "#8a5a00",
    "canceled": "#7f7f7f",
}


def status_label(status: str) -> str:
    """A message or campaign status in plain words, in the current language."""
    labels = {
        "planned": t("waiting"),
        "submitting": t("sending"),
        "submitted": t("handed to Twilio"),
        "final": t("done"),
        "queued": t("queued"),
        "accepted": t("accepted"),
        "scheduled": t("scheduled"),
        "sending": t("sending"),
        "sent": t("sent"),
        "delivered": t("delivered"),
        "partially_delivered": t("partially delivered"),
        "undelivered": t("undelivered"),
        "failed": t("failed"),
        "receiving": t("receiving"),
        "received": t("received"),
        "read": t("read"),
        "opted_out": t("opted out"),
        "canceled": t("canceled"),
        "finished": t("finished"),
        "waiting": t("waiting for quiet hours to end"),
        "paused": t("paused"),
        "eligible": t("eligible"),
        "warned": t("warned"),
        "blocked": t("blocked"),
        "not sent": t("not sent"),
    }
    return labels.get(status, status)


def _money(amount: object, currency: str = "USD") -> str:
    return _format_money(amount, currency or "USD")


def sender_kind_name(kind: str) -> str:
    """A sender kind in words (never ``long_code`` or ``messaging_service``)."""
    names = {
        "long_code": t("Long code (ordinary phone number)"),
        "toll_free": t("Toll-free number"),
        "short_code": t("Short code"),
        "alphanumeric": t("Alphanumeric sender ID (brand name)"),
        "messaging_service": t("Twilio Messaging Service (a pool of numbers)"),
    }
    return names.get(kind, kind.replace("_", " "))


def reasons_line(row: ResultRow) -> str:
    """A recipient's reasons in the current language, on one line."""
    if not row.reasons:
        return " ".join(row.reason.split())
    return "; ".join(" ".join(render_text(text).split()) for text in row.reasons)


def _duration(seconds: float) -> str:
    if seconds < 90:
        return t.ngettext("{n} second", "{n} seconds", round(seconds))
    if seconds < 5400:
        return t.ngettext("{n} minute", "{n} minutes", round(seconds / 60))
    return t.ngettext("{n} hour", "{n} hours", round(seconds / 3600, 1))


def _table(cls: str, head: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    th = "".join(f"<th style='text-align:left;padding:2px 8px'>{e(h)}</th>" for h in head)
    body = "".join(
        "<tr>" + "".join(f"<td style='padding:2px 8px'>{e(str(c))}</td>" for c in row) + "</tr>"
        for row in rows
    )
    return f"<table class='{cls}'><tr>{th}</tr>{body}</table>"


def import_report_html(report: ImportReport, recipients: int) -> str:
    """The import report: counts by outcome and the first issues, row by row."""
    labels = {
        "imported": t("imported"),
        "landline": t("landline (kept, flagged)"),
        "invalid": t("invalid number"),
        "duplicate": t("duplicate"),
        "conflict": t("conflicting consent"),
        "malformed": t("malformed row"),
        "blank": t("blank line"),
    }
    counts = _table(
        "smskit-campaign-import-counts",
        [t("Outcome"), t("Rows")],
        [(labels[name], n) for name, n in report.counts() if n],
    )
    issues = "".join(f"<li>{e(issue.render(LANGUAGE.lang))}</li>" for issue in report.issues[:20])
    # Rows kept but worth a look: text read in another encoding, other countries' numbers.
    warnings = "".join(
        f"<li class='smskit-campaign-import-warning'>{e(w.render(LANGUAGE.lang))}</li>"
        for w in report.warnings
    )
    more = report.issues_omitted + max(len(report.issues) - 20, 0)
    extra = f"<li>{e(t('... and {n} more', n=more))}</li>" if more else ""
    country = (
        t("Each number read in the country of column {column}.", column=report.region_column)
        if report.region_column
        else t("No country column: numbers without +country code are read in the default country.")
    )
    return (
        f"<div class='smskit-campaign-import'><b>{e(report.file_name)}</b>: "
        f"{e(t('{rows} rows, {n} recipients', rows=report.rows, n=recipients))}{counts}"
        f"<p class='smskit-campaign-import-country'>{e(country)}</p>"
        f"<ul class='smskit-campaign-import-issues'>{warnings}{issues}{extra}</ul></div>"
    )


def preview_html(preview: ComposePreview) -> str:
    """Sample texts, the segment and encoding distribution and the Back-to-GSM-7 advice."""
    samples = "".join(
        f"<div class='smskit-campaign-sample'><b>{e(s.key)}</b>: "
        + (
            f"<span>{e(s.text)}</span> <i>({e(s.encoding)}, "
            f"{e(t.ngettext('{n} segment', '{n} segments', s.segments))})</i>"
            if s.text is not None
            else f"<span style='color:{_BAD}'>{e(render_text(s.reason or ''))}</span>"
        )
        + "</div>"
        for s in preview.samples
    )
    encodings = ", ".join(f"{e(name)}: {n}" for name, n in preview.by_encoding)
    sizes = ", ".join(
        e(t.ngettext("{n} segment", "{n} segments", s)) + f": {n}" for s, n in preview.by_segments
    )
    lines = [
        t(
            "Across {n} recipients: {segments} segments in all.",
            n=preview.recipients,
            segments=preview.segments,
        ),
        t("Encoding: {list}", list=encodings or "-"),
        t("Segments per message: {list}", list=sizes or "-"),
        t(
            "Worst case: {n} segments; {multi} recipients cost 2 or more segments.",
            n=preview.worst_segments,
            multi=preview.multi_segment,
        ),
    ]
    if preview.missing:
        lines.append(
            t(
                "{n} recipients lack a value and have no fallback: they will not be sent.",
                n=preview.missing,
            )
        )
    if preview.unknown_fields:
        lines.append(t("No column for: {fields}", fields=", ".join(preview.unknown_fields)))
    advice = ""
    a = preview.advice
    if a is not None and a.replacements:
        swaps = ", ".join(
            f"{e(r.character)} → {e(r.replacement) if r.replacement is not None else '✗'}"
            for r in a.replacements
        )
        advice = (
            f"<div class='smskit-campaign-advice' style='color:{_WARN}'>"
            + e(
                t(
                    "Back to GSM-7: these replacements take the worst message from {now} to "
                    "{after} segments:",
                    now=a.segments_now,
                    after=a.segments_after,
                )
            )
            + f" <span class='smskit-campaign-swaps'>{swaps}</span></div>"
        )
    body = "".join(f"<li>{e(line)}</li>" for line in lines)
    return (
        f"<div class='smskit-campaign-preview'>{samples}"
        f"<ul class='smskit-campaign-distribution'>{body}</ul>{advice}</div>"
    )


def advice_html(recommendation: Recommendation) -> str:
    """The sender recommender's ranking, best first, with its reasons."""
    items = []
    for o in recommendation.options:
        colour = _OK if o.eligible else _BAD
        why = "; ".join(render_text(r.message) for r in (o.reasons_for + o.cautions)[:3])
        out = "; ".join(render_text(r.message) for r in o.disqualifiers[:2])
        items.append(
            f"<li><b style='color:{colour}'>{e(o.sender_type.value)}</b> "
            f"({e(t.ngettext('{n} segment per second', '{n} segments per second', o.mps))}): "
            f"{e(why)}" + (f" <i style='color:{_BAD}'>{e(out)}</i>" if out else "") + "</li>"
        )
    return f"<ul class='smskit-campaign-sender-advice'>{''.join(items)}</ul>"


def confirm_text(totals: PlanTotals) -> str:
    """The confirmation question, stating the numbers."""
    return t(
        "Send {messages} messages, about {segments} segments, estimated {cost}?",
        messages=num(totals.sendable),
        segments=num(totals.segments),
        cost=_money(totals.cost, totals.currency),
    )


def preflight_html(plan: CampaignPlan) -> str:
    """Blocked and warned recipients by reason (expandable), cost by country, duration, schedule."""
    totals = plan.totals
    keys = {m.key: m for m in plan.messages}
    reasons = []
    for r in totals.by_reason:
        colour = _BAD if r.severity == "block" else _WARN
        word = t("blocked") if r.severity == "block" else t("warned")
        listed = "".join(f"<li>{e(k)} ({e(keys[k].to)})</li>" for k in r.keys[:200]) + (
            f"<li>{e(t('... and {n} more', n=r.count - 200))}</li>" if r.count > 200 else ""
        )
        reasons.append(
            f"<details class='smskit-campaign-reason smskit-campaign-reason-{e(r.code)}'>"
            f"<summary><b style='color:{colour}'>{r.count}</b> {e(word)}: "
            f"{e(render_text(r.reason))}</summary><ul>{listed}</ul></details>"
        )
    countries = _table(
        "smskit-campaign-countries",
        [t("Country"), t("Messages"), t("Segments"), t("Cost")],
        [
            (
                f"{country(c.country)} ({c.country})" if c.country else "?",
                num(c.messages),
                num(c.segments),
                _money(c.cost, totals.currency),
            )
            for c in totals.by_country
        ],
    )
    when = []
    if totals.first_send_at is not None:
        when.append(t("First message: {time}", time=_stamp(totals.first_send_at)))
    if totals.last_window_at is not None and totals.last_window_at != totals.first_send_at:
        when.append(
            t(
                "Some recipients wait for their quiet hours to end; the last window opens {time}",
                time=_stamp(totals.last_window_at),
            )
        )
    when.append(
        t(
            "Sending time at the sender's pace: {duration}",
            duration=_duration(totals.duration_seconds),
        )
    )
    head = t(
        "{n} recipients: {ok} will be sent, {blocked} blocked, {warned} with warnings.",
        n=totals.recipients,
        ok=totals.sendable,
        blocked=totals.blocked,
        warned=totals.warned,
    )
    return (
        f"<div class='smskit-campaign-preflight'><p class='smskit-campaign-preflight-head'>"
        f"{e(head)}</p>{''.join(reasons)}<h4>{e(t('Cost by country'))}</h4>{countries}"
        f"<ul class='smskit-campaign-schedule'>{''.join(f'<li>{e(w)}</li>' for w in when)}</ul>"
        "</div>"
    )


def _stamp(moment: datetime) -> str:
    # The user's time zone, named: "Thu, Dec 3, 2026 09:00 (Western Indonesia Time, Asia/Jakarta)".
    return shown(moment)


def dry_run_html(dry: DryRun) -> str:
    """What a real run would do now."""
    text = t(
        "Dry run: {n} messages ({segments} segments) would go; {now} now, {later} later when "
        "their window opens; about {duration}.",
        n=dry.messages,
        segments=dry.segments,
        now=dry.due_now,
        later=dry.scheduled,
        duration=_duration(dry.seconds),
    )
    return f"<div class='smskit-campaign-dry-run' style='color:{_INFO}'>{e(text)}</div>"


def progress_html(progress: Progress, report: RunReport | None = None) -> str:
    """Live counts by status (and the run's ending, once it has one)."""
    chips = " ".join(
        f"<span class='smskit-campaign-count smskit-campaign-count-{e(s)}' "
        f"style='color:{_STATUS_COLOURS.get(s, _INFO)};margin-right:10px'>"
        f"<b>{e(status_label(s))}</b>: {n}</span>"
        for s, n in progress.by_status
    )
    head = t(
        "{done} of {total} handled ({percent}%)",
        done=progress.handled,
        total=progress.total,
        percent=round(progress.fraction * 100),
    )
    ending = ""
    if report is not None:
        ended = t("Run ended: {status}", status=status_label(report.status))
        ending = f"<div class='smskit-campaign-ending'>{e(ended)}</div>"
    return (
        f"<div class='smskit-campaign-progress'><div class='smskit-campaign-progress-head'>"
        f"{e(head)}</div>{chips}{ending}</div>"
    )


def summary_html(summary: DeliverySummary) -> str:
    """Delivery results by status and by error code, each code with its meaning."""
    statuses = ", ".join(f"{e(status_label(s))}: {n}" for s, n in summary.by_status)
    errors = "".join(
        f"<li><b>{x.code}</b> ({x.count}): {e(render_text(x.meaning))}</li>"
        for x in summary.by_error
    )
    return (
        f"<div class='smskit-campaign-summary'>{statuses}"
        f"<ul class='smskit-campaign-errors'>{errors}</ul></div>"
    )


def results_html(rows: Sequence[ResultRow], limit: int = 200) -> str:
    """The results table (first ``limit`` rows; the CSV has all)."""
    table = _table(
        "smskit-campaign-results-table",
        [t("Row"), t("Name"), t("Number"), t("Plan"), t("Status"), t("Error"), t("Reason")],
        [
            (
                r.row,
                # The phone once: the recipient key is the number unless the file had an id.
                r.name or ("" if r.key == r.to else r.key),
                r.to,
                status_label(r.plan_status),
                status_label(r.status or r.state),
                r.error_code or "",
                reasons_line(r),
            )
            for r in rows[:limit]
        ],
    )
    more = (
        "<p>"
        + e(t("Showing {n} of {total} rows; export the CSV for all.", n=limit, total=len(rows)))
        + "</p>"
        if len(rows) > limit
        else ""
    )
    return f"<div class='smskit-campaign-results'>{table}{more}</div>"


def csv_link_html(csv_text: str, name: str) -> str:
    """A download link carrying the CSV (a data: URI, so no file server is needed)."""
    payload = base64.b64encode(csv_text.encode("utf-8-sig")).decode("ascii")
    return (
        f"<a class='smskit-campaign-csv' download='{e(name)}' "
        f"href='data:text/csv;base64,{payload}'>{e(t('Download {name}', name=name))}</a>"
    )


def opt_outs_html(opt_outs: Sequence[OptOut]) -> str:
    """Who opted out while the campaign ran."""
    if not opt_outs:
        none = t("No opt-outs during this campaign.")
        return f"<div class='smskit-campaign-opt-outs'>{e(none)}</div>"
    how = {"reply": t("replied STOP"), "refused": t("refused by Twilio (21610)")}
    rows = [(o.phone, _stamp(o.at), how.get(o.how, o.how)) for o in opt_outs]
    head = [t("Number"), t("When"), t("How")]
    table = _table("smskit-campaign-opt-outs-table", head, rows)
    return f"<div class='smskit-campaign-opt-outs'>{table}</div>"


def status_chart_svg(events: Sequence[tuple[datetime, str, str]]) -> str:
    """Messages in each status over time, as an inline SVG line chart."""
    if not events:
        return f"<div class='smskit-campaign-chart'>{e(t('No status changes yet.'))}</div>"
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    times, series = status_counts_over_time(events)
    start = events[0][0]
    xs = [(x - start).total_seconds() for x in times]
    with matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": "smskit"}):
        fig, ax = plt.subplots(figsize=(8, 3))
        for status, counts in series.items():
            ax.plot(xs, counts, label=status_label(status), color=_STATUS_COLOURS.get(status))
        ax.set_xlabel(t("Seconds since the first message"))
        ax.set_ylabel(t("Messages"))
        ax.legend(loc="upper left", fontsize=8)
        ax.grid(alpha=0.3)
        fig.tight_layout()
        buffer = io.StringIO()
        fig.savefig(buffer, format="svg")
        plt.close(fig)
    svg = buffer.getvalue()
    return f"<div class='smskit-campaign-chart'>{svg[svg.find('<svg') :]}</div>"
