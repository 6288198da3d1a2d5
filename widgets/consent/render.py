"""Pure result -> HTML functions for the Consent & Compliance dashboard (tested without widgets).

Stable CSS classes for browser tests: ``smskit-consent-state`` (and
``smskit-consent-state-<state>``), ``smskit-conversation``, ``smskit-bubble-in`` /
``smskit-bubble-out``, ``smskit-keyword-result``,
``smskit-consent-timeline``, ``smskit-quiet-table``, ``smskit-quiet-chart``, ``smskit-findings``.
Charts are matplotlib (Agg) drawn to inline SVG.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from datetime import datetime, timedelta

from smskit_widgets.common.html import CELL_STYLE, figure_svg, header_cells, svg_pyplot
from smskit_widgets.common.i18n import LANGUAGE, Translator, render_text
from smskit_widgets.common.timezone import shown

from smskit.compliance.preflight import Preflight
from smskit.compliance.quiet_hours import RecipientWindows
from smskit.consent.events import ConsentState, ConsentStatus
from smskit.consent.keywords import KeywordKind, KeywordMatch, KeywordSet
from smskit.i18n.formatting import day_name

t = Translator("consent")

STATE_COLOURS = {
    ConsentState.UNKNOWN: "#6b6b6b",
    ConsentState.PENDING: "#a86b00",
    ConsentState.OPTED_IN: "#1e7b34",
    ConsentState.OPTED_OUT: "#a4262c",
    ConsentState.RE_OPTED_IN: "#1f6f8b",
}


def state_label(state: ConsentState) -> str:
    """The state's name in the current language."""
    return {
        ConsentState.UNKNOWN: t("Unknown"),
        ConsentState.PENDING: t("Pending (double opt-in asked)"),
        ConsentState.OPTED_IN: t("Opted in"),
        ConsentState.OPTED_OUT: t("Opted out"),
        ConsentState.RE_OPTED_IN: t("Re-opted in"),
    }[state]


def kind_label(kind: KeywordKind) -> str:
    """A keyword kind in the current language."""
    return {
        KeywordKind.OPT_OUT: t("Opt-out"),
        KeywordKind.OPT_IN: t("Opt-in"),
        KeywordKind.HELP: t("Help"),
        KeywordKind.NONE: t("Not a keyword"),
    }[kind]


def state_badge(state: ConsentState) -> str:
    """A coloured badge with the state (its raw value is in a data attribute for tests)."""
    colour = STATE_COLOURS[state]
    return (
        f'<span class="smskit-consent-state smskit-consent-state-{state.value}" '
        f'data-state="{state.value}" style="background:{colour};color:#fff;padding:2px 10px;'
        f'border-radius:10px;font-weight:600">{html.escape(state_label(state))}</span>'
    )


def status_html(status: ConsentStatus) -> str:
    """The state badge plus what it means for sending and any review that is due."""
    can = t("Marketing may be sent") if status.can_send else t("Marketing may not be sent")
    parts = [
        f"<div class='smskit-consent-status'>{state_badge(status.state)} "
        f"<span style='margin-left:8px'>{html.escape(can)}</span>"
    ]
    if status.needs_review:
        parts.append(
            "<div class='smskit-consent-review' style='color:#a86b00'>"
            + html.escape(
                t("A reply may revoke consent: review it by {due}", due=str(status.review_due))
            )
            + "</div>"
        )
    parts.append("</div>")
    return "".join(parts)


def conversation_html(turns: Sequence[tuple[str, str]]) -> str:
    """Chat bubbles: ``("in", text)`` from the contact, ``("out", text)`` from the business,
    ``("note", text)`` for what the ledger recorded."""
    rows = []
    for who, text in turns:
        safe = html.escape(text)
        if who == "in":
            rows.append(
                "<div class='smskit-bubble-in' style='text-align:right'><span style='display:"
                f"inline-block;background:#dcf8c6;padding:6px 10px;border-radius:12px;margin:3px;"
                f"max-width:70%'>{safe}</span></div>"
            )
        elif who == "out":
            rows.append(
                f"<div class='smskit-bubble-out'><span style='display:inline-block;background:"
                f"#eef1f5;padding:6px 10px;border-radius:12px;margin:3px;max-width:70%'>{safe}"
                f"</span></div>"
            )
        else:
            rows.append(
                f"<div class='smskit-bubble-note' style='text-align:center;color:#666;"
                f"font-size:85%'>{safe}</div>"
            )
    empty = html.escape(t("No messages yet: sign up with the web form or type a reply."))
    body = "".join(rows) or f"<div style='color:#666'>{empty}</div>"
    return (
        "<div class='smskit-conversation' style='border:1px solid #ddd;border-radius:8px;"
        f"padding:8px;max-width:620px'>{body}</div>"
    )


def keyword_result_html(match: KeywordMatch, keywords: KeywordSet) -> str:
    """How a reply is classified, and the keyword table across languages with the hit marked."""
    if match.kind is not KeywordKind.NONE:
        verdict = t(
            "{kind} keyword ({languages})",
            kind=kind_label(match.kind),
            languages=", ".join(match.languages),
        )
    elif match.possible_revocation:
        verdict = t(
            "Not a keyword, but a possible revocation ('{phrase}'): review it or apply it",
            phrase=match.revocation_phrase or "",
        )
    else:
        verdict = t("Not a keyword: no change to consent")
    header = header_cells(
        (kind_label(k) for k in (KeywordKind.OPT_OUT, KeywordKind.OPT_IN, KeywordKind.HELP)),
        CELL_STYLE,
    )
    rows = []
    for language in keywords.languages():
        cells = []
        for kind in (KeywordKind.OPT_OUT, KeywordKind.OPT_IN, KeywordKind.HELP):
            words = [k.word for k in keywords.keywords if k.language == language and k.kind is kind]
            cells.append(
                "<td style='padding:2px 8px'>"
                + " ".join(
                    f"<b class='smskit-keyword-hit'>{html.escape(w)}</b>"
                    if w == match.keyword
                    else html.escape(w)
                    for w in words
                )
                + "</td>"
            )
        rows.append(f"<tr><td style='padding:2px 8px'><b>{language}</b></td>{''.join(cells)}</tr>")
    return (
        f"<div class='smskit-keyword-result' data-kind='{match.kind.value}'>"
        f"<p><b>{html.escape(verdict)}</b></p>"
        f"<table class='smskit-keyword-table'><tr><th></th>{header}</tr>{''.join(rows)}</table>"
        "</div>"
    )


def action_name(action: str) -> str:
    """A consent event in words (never the audit code ``opt_in``)."""
    names = {
        "request": t("Confirmation requested"),
        "opt_in": t("Opted in"),
        "opt_out": t("Opted out"),
        "flag_revocation": t("Reply flagged as a possible opt-out"),
        "dismiss_review": t("Flag dismissed by staff"),
    }
    return names.get(str(action), str(action).replace("_", " "))


def source_name(source: str) -> str:
    """How a consent event reached us, in words (never ``web_form``)."""
    names = {
        "keyword": t("Keyword reply"),
        "sms_reply": t("Text reply"),
        "web_form": t("Web form"),
        "ivr": t("Phone menu (IVR)"),
        "point_of_sale": t("In the shop"),
        "import": t("Imported list"),
        "manual": t("Entered by staff"),
        "email": t("Email"),
        "phone": t("Phone call"),
        "carrier": t("Carrier or Twilio report"),
    }
    return names.get(str(source), str(source).replace("_", " "))


def timeline_html(status: ConsentStatus) -> str:
    """The consent history, newest last: time, what happened, source, evidence, state change."""
    if not status.steps:
        return (
            "<div class='smskit-consent-timeline'>"
            + html.escape(t("No consent events for this number and scope."))
            + "</div>"
        )
    head = header_cells(
        (t("When"), t("Event"), t("Source"), t("Evidence"), t("Actor"), t("State")),
        CELL_STYLE,
    )
    rows = []
    for step in status.steps:
        e = step.event
        change = (
            f"{state_badge(step.before)} &rarr; {state_badge(step.after)}"
            if step.applied
            else html.escape(t("refused: not allowed in this state"))
        )
        rows.append(
            "<tr>"
            f"<td style='padding:2px 8px'>{html.escape(shown(e.occurred_at))}</td>"
            f"<td style='padding:2px 8px' data-action='{html.escape(e.action.value)}'>"
            f"{html.escape(action_name(e.action.value))}</td>"
            f"<td style='padding:2px 8px'>{html.escape(source_name(e.source.value))}</td>"
            f"<td style='padding:2px 8px'>{html.escape(e.evidence)}</td>"
            f"<td style='padding:2px 8px'>{html.escape(e.actor)}</td>"
            f"<td style='padding:2px 8px'>{change}</td></tr>"
        )
    return (
        f"<div class='smskit-consent-timeline'>{status_html(status)}"
        f"<table style='margin-top:6px'><tr>{head}</tr>{''.join(rows)}</table></div>"
    )


def findings_html(result: Preflight) -> str:
    """Preflight findings as a list: severity, reason (translated) and source."""
    if not result.findings:
        return (
            "<div class='smskit-findings'>" + html.escape(t("No findings: may be sent.")) + "</div>"
        )
    items = "".join(
        f"<li class='smskit-finding smskit-finding-{f.severity.value}'>"
        f"<b>{html.escape(t('Block') if f.severity.value == 'block' else t('Warning'))}</b>: "
        f"{html.escape(render_text(f.reason))} <small style='color:#666'>({html.escape(f.source)})"
        "</small></li>"
        for f in result.findings
    )
    return f"<ul class='smskit-findings'>{items}</ul>"


def quiet_table_html(rows: Sequence[tuple[str, RecipientWindows]]) -> str:
    """Who may be texted now: label, local time(s), allowed now, next allowed time (UTC)."""
    head = header_cells(
        (t("Recipient"), t("Local time"), t("May text now?"), t("Next allowed")), CELL_STYLE
    )
    body = []
    for label, r in rows:
        # Day names from CLDR ("Kam 21:00" in Indonesian), the recipient's own clock.
        clocks = sorted(
            {f"{day_name(lt.weekday(), LANGUAGE.lang)} {lt:%H:%M}" for lt in r.local_times}
        )
        verdict = t("Yes") if r.allowed_now else t("No")
        colour = "#1e7b34" if r.allowed_now else "#a4262c"
        nxt = html.escape(shown(r.next_allowed_at)) if r.next_allowed_at else "–"
        body.append(
            f"<tr class='smskit-quiet-row' data-allowed='{str(r.allowed_now).lower()}'>"
            f"<td style='padding:2px 8px'>{html.escape(label)}</td>"
            f"<td style='padding:2px 8px'>{html.escape(', '.join(clocks))}</td>"
            f"<td style='padding:2px 8px;color:{colour};font-weight:600'>{verdict}</td>"
            f"<td style='padding:2px 8px'>{nxt}</td></tr>"
        )
    return f"<table class='smskit-quiet-table'><tr>{head}</tr>{''.join(body)}</table>"


def quiet_chart_svg(rows: Sequence[tuple[str, RecipientWindows]], at: datetime, hours: int) -> str:
    """A timeline (UTC hours from ``at``): green bars where each recipient may be texted."""
    with svg_pyplot() as plt:
        fig, ax = plt.subplots(figsize=(9, 0.45 * max(len(rows), 1) + 1.2))
        for i, (_label, r) in enumerate(rows):
            spans = [
                ((w.start - at) / timedelta(hours=1), (w.end - w.start) / timedelta(hours=1))
                for w in r.windows
            ]
            ax.broken_barh(spans, (i - 0.35, 0.7), facecolors="#2e9d4f")
        ax.axvline(0, color="#a4262c", linewidth=2)
        ax.set_yticks(range(len(rows)), [label for label, _ in rows])
        ax.set_xlim(0, hours)
        ax.set_ylim(-0.6, max(len(rows), 1) - 0.4)
        ax.invert_yaxis()
        ax.set_xlabel(t("Hours from now (red line = now, {time})", time=shown(at)))
        ax.grid(axis="x", alpha=0.3)
        fig.tight_layout()
        svg = figure_svg(fig)
    return f"<div class='smskit-quiet-chart'>{svg}</div>"
