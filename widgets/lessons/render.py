"""Pure renderers for the lessons: journey diagram (inline SVG), channel table, cost bars, charts.

Each function turns an smskit result into an HTML string in the current language; no widgets here,
so tests call them directly. Charts are matplotlib (Agg) drawn to inline SVG: no extra JavaScript.
"""

from __future__ import annotations

import functools
import html
import itertools
from decimal import Decimal

from smskit_widgets.common.formats import money, num
from smskit_widgets.common.html import figure_svg, header_cells, svg_pyplot
from smskit_widgets.common.i18n import LANGUAGE, Translator, render_text

from smskit.guide.channels import Channel, ChannelCost, SmsStat
from smskit.guide.journey import HOPS, JourneyState, describe

t = Translator("lessons")

STATUSES = ("queued", "sent", "delivered", "undelivered")
_HOP_X = {hop: 70 + 150 * i for i, hop in enumerate(HOPS)}
_OK, _WAIT, _BAD, _INK, _MUTED = "#1e7b34", "#b26a00", "#a4262c", "#1f2d3d", "#9aa5b1"


def hop_label(hop: str) -> str:
    """The name of one hop of the journey."""
    labels = {
        "sender": t("Sender's phone"),
        "sender_tower": t("Nearest tower"),
        "smsc": t("Operator's SMSC"),
        "recipient_tower": t("Recipient's tower"),
        "recipient": t("Recipient's phone"),
    }
    return labels[hop]


def status_label(status: str) -> str:
    """A delivery status in words, with the API value it stands for."""
    words = {
        "queued": t("queued"),
        "sent": t("sent"),
        "delivered": t("delivered"),
        "undelivered": t("undelivered"),
    }
    return words[status]


def _phone(x: int, on: bool) -> str:
    fill = "#ffffff" if on else "#d5d9de"
    screen = "#cfe8ff" if on else "#5f6b76"
    return (
        f'<rect x="{x - 16}" y="48" width="32" height="56" rx="6" fill="{fill}" '
        f'stroke="{_INK}" stroke-width="2"/>'
        f'<rect x="{x - 11}" y="56" width="22" height="36" fill="{screen}"/>'
        f'<circle cx="{x}" cy="98" r="2.5" fill="{_INK}"/>'
    )


def _tower(x: int) -> str:
    return (
        f'<path d="M{x} 52 L{x - 18} 104 M{x} 52 L{x + 18} 104 M{x - 12} 86 L{x + 12} 86" '
        f'stroke="{_INK}" stroke-width="2" fill="none"/>'
        f'<path d="M{x - 14} 46 Q{x} 34 {x + 14} 46" stroke="{_INK}" fill="none"/>'
        f'<circle cx="{x}" cy="52" r="4" fill="{_INK}"/>'
    )


def _smsc(x: int) -> str:
    rows = "".join(
        f'<rect x="{x - 28}" y="{50 + 18 * i}" width="56" height="15" rx="2" fill="#e8eef5" '
        f'stroke="{_INK}"/><circle cx="{x + 20}" cy="{57 + 18 * i}" r="2" fill="{_OK}"/>'
        for i in range(3)
    )
    return rows


def _envelope(x: int, colour: str) -> str:
    return (
        f'<g class="smskit-envelope"><rect x="{x - 14}" y="14" width="28" height="19" rx="2" '
        f'fill="#fff" stroke="{colour}" stroke-width="2.5"/>'
        f'<path d="M{x - 14} 15 L{x} 26 L{x + 14} 15" stroke="{colour}" stroke-width="2" '
        f'fill="none"/></g>'
    )


def journey_svg(state: JourneyState) -> str:
    """The five hops as an inline SVG, the message envelope drawn where it is now."""
    parts = [
        f'<svg class="smskit-journey-svg" viewBox="0 0 740 150" width="100%" '
        f'style="max-width:760px" role="img" aria-label="{html.escape(t("How an SMS travels"))}">'
    ]
    for left, right in itertools.pairwise(HOPS):
        x1, x2 = _HOP_X[left] + 34, _HOP_X[right] - 34
        parts.append(
            f'<line x1="{x1}" y1="78" x2="{x2}" y2="78" stroke="{_MUTED}" stroke-width="2" '
            f'stroke-dasharray="5 4" marker-end="url(#arrow)"/>'
        )
    parts.append(
        '<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" '
        f'markerHeight="7" orient="auto"><path d="M0 0 L10 5 L0 10z" fill="{_MUTED}"/></marker>'
        "</defs>"
    )
    for hop in HOPS:
        x = _HOP_X[hop]
        if hop == "sender":
            parts.append(_phone(x, True))
        elif hop == "recipient":
            parts.append(_phone(x, state.recipient_phone_on))
            if not state.recipient_phone_on:
                parts.append(
                    f'<text x="{x}" y="79" text-anchor="middle" font-size="11" fill="#fff" '
                    f'font-weight="bold">{html.escape(t("OFF"))}</text>'
                )
        elif hop == "smsc":
            parts.append(_smsc(x))
        else:
            parts.append(_tower(x))
        weight = "bold" if hop == state.hop else "normal"
        parts.append(
            f'<text x="{x}" y="128" text-anchor="middle" font-size="12" font-weight="{weight}" '
            f'fill="{_INK}">{html.escape(hop_label(hop))}</text>'
        )
    colour = _BAD if state.gave_up else _WAIT if state.held_at_smsc else _OK
    parts.append(_envelope(_HOP_X[state.hop], colour))
    if state.held_at_smsc or state.gave_up:
        label = t("undelivered") if state.gave_up else t("stored")
        parts.append(
            f'<text class="smskit-smsc-badge" x="{_HOP_X["smsc"]}" y="146" text-anchor="middle" '
            f'font-size="11" fill="{colour}">{html.escape(label)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def status_strip(history: tuple[JourneyState, ...]) -> str:
    """The statuses a provider would report so far (no repeats), the current one highlighted."""
    seen: list[str] = []
    for state in history:
        if not seen or seen[-1] != state.status:
            seen.append(state.status)
    chips = []
    for index, status in enumerate(seen):
        current = index == len(seen) - 1
        colour = {"delivered": _OK, "undelivered": _BAD}.get(status, "#1f4e79")
        style = f"background:{colour};color:#fff" if current else f"border:1px solid {colour}"
        # Show the API value too when the label is translated: staff will meet it in reports.
        code = "" if status_label(status) == status else f" <code>{status}</code>"
        chips.append(
            f'<span class="smskit-status-chip smskit-status-{status}" '
            f'style="{style};border-radius:10px;padding:2px 10px;margin-right:4px">'
            f"{html.escape(status_label(status))}{code}</span>"
        )
    return f'<div class="smskit-status-strip">{" &rarr; ".join(chips)}</div>'


def journey_html(state: JourneyState, history: tuple[JourneyState, ...]) -> str:
    """Diagram, explanation of the current step, and the status trail."""
    explanation = html.escape(render_text(describe(state)))
    return (
        f'<div class="smskit-journey">{journey_svg(state)}'
        f'<p class="smskit-journey-step"><b>{html.escape(hop_label(state.hop))}</b>: '
        f"{explanation}</p>{status_strip(history)}</div>"
    )


def _money(value: Decimal | None) -> str:
    return "–" if value is None else money(value, "USD", rate=True)


def _yes_no(value: bool) -> str:
    return t("Yes") if value else t("No")


def _price_per_unit(price: Decimal, unit: str) -> str:
    if unit == "segment":
        return t("{price} per segment", price=_money(price))
    return t("{price} per message", price=_money(price))


def channels_table(channels: tuple[Channel, ...]) -> str:
    """SMS, MMS, RCS and iMessage side by side, one column each, with the sources underneath."""
    rows: list[tuple[str, list[str]]] = [
        (t("Launched"), [str(c.introduced) for c in channels]),
        (t("Who gets it"), [render_text(c.reach) for c in channels]),
        (t("Works on every phone"), [_yes_no(c.works_on_every_phone) for c in channels]),
        (
            t("Character limit"),
            [num(c.max_characters) if c.max_characters else t("No fixed limit") for c in channels],
        ),
        (t("Rich content"), [render_text(c.rich_content) for c in channels]),
        (t("Read receipts"), [_yes_no(c.read_receipts) for c in channels]),
        (t("Encryption"), [render_text(c.encryption) for c in channels]),
        (
            t("Cost per message (US list price)"),
            [
                _price_per_unit(c.cost_per_message.price_usd, c.cost_per_message.unit)
                if c.cost_per_message
                else t("No per-message price from Twilio here")
                for c in channels
            ],
        ),
    ]
    head = header_cells(c.name for c in channels)
    body = "".join(
        f"<tr><th scope='row'>{html.escape(label)}</th>"
        + "".join(f"<td>{html.escape(cell)}</td>" for cell in cells)
        + "</tr>"
        for label, cells in rows
    )
    sources = "".join(
        f"<li><b>{html.escape(c.name)}</b>: {html.escape(c.source)} ({c.as_of})</li>"
        for c in channels
    )
    prices = {c.cost_per_message.source for c in channels if c.cost_per_message}
    price_notes = "".join(f"<li>{html.escape(t('Prices'))}: {html.escape(p)}</li>" for p in prices)
    css = (
        ".smskit-channels th,.smskit-channels td{text-align:left;padding:4px 10px;"
        "border-bottom:1px solid #e3e8ee;vertical-align:top}"
    )
    return (
        f"<style>{css}</style>"
        '<table class="smskit-channels" style="border-collapse:collapse;width:100%">'
        f"<thead><tr><th></th>{head}</tr></thead><tbody>{body}</tbody></table>"
        f'<details class="smskit-sources"><summary>{html.escape(t("Sources"))}</summary>'
        f"<ul>{sources}{price_notes}</ul></details>"
    )


def cost_html(cost: ChannelCost) -> str:
    """SMS segments × price against one MMS, as two bars and a verdict."""
    top = max(cost.sms_cost, cost.mms_cost) or Decimal(1)
    bars = []
    for css, label, value, detail in (
        (
            "sms",
            "SMS",
            cost.sms_cost,
            t(
                "{segments} × {price}",
                segments=t.ngettext("{n} segment", "{n} segments", cost.sms_segments),
                price=_money(cost.sms_price.price_usd),
            ),
        ),
        ("mms", "MMS", cost.mms_cost, t("1 message")),
    ):
        width = max(2, int(100 * value / top))
        colour = _OK if cost.cheaper in (css, "same") else _MUTED
        bars.append(
            f'<div class="smskit-cost-{css}" style="margin:4px 0"><b>{label}</b> '
            f"{html.escape(_money(value))} <span style='color:#555'>({html.escape(detail)})</span>"
            f'<div style="background:{colour};height:12px;width:{width}%"></div></div>'
        )
    verdict = {
        "sms": t("SMS is cheaper for this text."),
        "mms": t("One MMS is cheaper than {n} SMS segments.", n=cost.sms_segments),
        "same": t("SMS and MMS cost the same for this text."),
    }[cost.cheaper]
    notes = [
        t(
            "{chars} characters, {encoding}. From {n} segments on, SMS costs more than one MMS.",
            chars=cost.characters,
            encoding=cost.encoding,
            n=cost.break_even_segments,
        )
    ]
    if not cost.fits_in_mms:
        notes.append(t("Over 1,600 characters: too long for one MMS (and Twilio rejects it)."))
    note_html = "".join(f"<li>{html.escape(n)}</li>" for n in notes)
    return (
        f'<div class="smskit-cost">{"".join(bars)}'
        f'<p class="smskit-cost-verdict"><b>{html.escape(verdict)}</b></p><ul>{note_html}</ul>'
        f'<p class="smskit-source" style="font-size:85%;color:#555">'
        f"{html.escape(t('Prices'))}: {html.escape(cost.sms_price.source)} "
        f"({cost.sms_price.as_of})</p></div>"
    )


@functools.cache
def _chart_svg(title: str, labels: tuple[str, ...], values: tuple[float, ...], unit: str) -> str:
    with svg_pyplot() as plt:
        fig, ax = plt.subplots(figsize=(4.6, 2.6), dpi=100)
        bars = ax.barh(labels[::-1], values[::-1], color="#2b6cb0")
        ax.bar_label(bars, labels=[f"{v:g}{unit}" for v in values[::-1]], padding=3, fontsize=9)
        ax.set_title(title, fontsize=11, loc="left")
        ax.spines[["top", "right"]].set_visible(False)
        ax.set_xlim(0, max(values) * 1.25)
        ax.tick_params(labelsize=9)
        fig.tight_layout()
        return figure_svg(fig)


def _figure(
    css: str, title: str, labels: list[str], values: list[float], unit: str, stats: list[SmsStat]
) -> str:
    years = sorted({s.year for s in stats})
    year_text = "–".join(str(y) for y in (years[0], years[-1])) if len(years) > 1 else str(years[0])
    caption = t(
        "The guide's figures ({years}). Source: {source}.", years=year_text, source=stats[0].source
    )
    svg = _chart_svg(title, tuple(labels), tuple(values), unit)
    return (
        f'<figure class="smskit-chart smskit-chart-{css}" style="margin:8px;flex:1 1 420px">'
        f"{svg}<figcaption style='font-size:85%;color:#555'>{html.escape(caption)}</figcaption>"
        "</figure>"
    )


def reach_charts(stats: tuple[SmsStat, ...]) -> str:
    """The guide's §3 figures as four small bar charts, each captioned with its source and year."""
    by = {(s.key, s.region, s.year): s for s in stats}
    users = [
        by[("users", "World", 2023)],
        by[("users_forecast", "World", 2025)],
        by[("users", "China", 2023)],
        by[("users", "India", 2023)],
    ]
    share = [by[("population_share", r, 2023)] for r in ("World", "North America")]
    volume = [by[("messages_sent", "United States", y)] for y in (2017, 2018)]
    engagement = [
        by[("open_rate", "SMS", 2023)],
        by[("click_through_rate", "SMS", 2023)],
        by[("click_through_rate", "Email", 2023)],
    ]
    figures = [
        _figure(
            "users",
            t("SMS users (billions)"),
            [t("World"), t("World, 2025 forecast"), t("China"), t("India")],
            [s.value / 1e9 for s in users],
            "",
            users,
        ),
        _figure(
            "share",
            t("People who use SMS (% of population)"),
            [t("World"), t("North America")],
            [s.value for s in share],
            "%",
            share,
        ),
        _figure(
            "volume",
            t("SMS sent in the US (trillions)"),
            [str(s.year) for s in volume],
            [s.value / 1e12 for s in volume],
            "",
            volume,
        ),
        _figure(
            "engagement",
            t("Engagement (%)"),
            [t("SMS open rate"), t("SMS click-through"), t("Email click-through")],
            [s.value for s in engagement],
            "%",
            engagement,
        ),
    ]
    return (
        f'<div class="smskit-charts" lang="{LANGUAGE.lang}" '
        f'style="display:flex;flex-wrap:wrap">{"".join(figures)}</div>'
    )
