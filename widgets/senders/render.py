"""Pure renderers for the Sender Comparison: table, recommendation, charts, alphanumeric support.

Each function turns an smskit result into an HTML string in the current language; no widgets here,
so tests call them directly. Charts are matplotlib (Agg) drawn to inline SVG: no extra JavaScript.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from datetime import timedelta
from decimal import Decimal
from typing import Any

from smskit_widgets.common.formats import country as country_name
from smskit_widgets.common.formats import money as _money
from smskit_widgets.common.formats import num
from smskit_widgets.common.html import figure_svg, header_cells, svg_pyplot
from smskit_widgets.common.i18n import LANGUAGE, Translator, render_text

from smskit.senders.catalogue import Reason, SenderType, UseCase
from smskit.senders.comparison import SenderSummary, TypeComparison
from smskit.senders.countries import AlphaSupport, Country, Tristate
from smskit.senders.pricing import BreakEven
from smskit.senders.recommender import Option, Recommendation
from smskit.senders.relax import WayForward

t = Translator("senders")

COLOURS = {
    SenderType.ALPHANUMERIC: "#2b6cb0",
    SenderType.SHORT_CODE: "#b7791f",
    SenderType.LONG_CODE: "#2f855a",
    SenderType.TOLL_FREE: "#9b2c2c",
}
_MUTED = "#718096"


def type_name(kind: SenderType) -> str:
    """A sender type's name in the current language."""
    return {
        SenderType.ALPHANUMERIC: t("Alphanumeric sender ID"),
        SenderType.SHORT_CODE: t("Short code"),
        SenderType.LONG_CODE: t("Long code"),
        SenderType.TOLL_FREE: t("Toll-free number"),
    }[kind]


def use_case_name(case: UseCase) -> str:
    """A use case in words."""
    return {
        UseCase.OTP: t("One-time passwords (OTP/2FA)"),
        UseCase.ALERTS: t("Alerts"),
        UseCase.NOTIFICATIONS: t("Notifications"),
        UseCase.MARKETING: t("Marketing broadcasts"),
        UseCase.CUSTOMER_CARE: t("Customer care"),
        UseCase.CONVERSATIONAL: t("Conversations"),
    }[case]


def money(amount: Decimal, currency: str, *, rate: bool = False) -> str:
    """An amount with its currency in the current language (Babel/CLDR); rates keep 5 decimals."""
    return _money(amount, currency, rate=rate)


def duration(value: timedelta) -> str:
    """A duration in days, hours and minutes (seconds under a minute)."""
    seconds = int(value.total_seconds())
    days, rest = divmod(seconds, 86_400)
    hours, rest = divmod(rest, 3_600)
    minutes, secs = divmod(rest, 60)
    if days:
        return t("{d} d {h} h", d=days, h=hours)
    if hours:
        return t("{h} h {m} min", h=hours, m=minutes)
    if minutes:
        return t("{m} min {s} s", m=minutes, s=secs)
    return t("{s} s", s=secs)


def _yes_no(value: bool) -> str:
    return t("yes") if value else t("no")


def comparison_table(rows: Sequence[SenderSummary], use_case: UseCase | None = None) -> str:
    """The four types side by side; columns a country cannot use or that don't suit are dimmed."""
    head = "".join(
        f'<th class="smskit-type-{r.sender_type.value}" style="color:{COLOURS[r.sender_type]}">'
        f"{html.escape(type_name(r.sender_type))}</th>"
        for r in rows
    )

    def cells(values: Sequence[str]) -> str:
        return "".join(
            f'<td style="vertical-align:top;padding:3px 6px;{"" if usable(r) else "opacity:.45"}">'
            f"{v}</td>"
            for r, v in zip(rows, values, strict=True)
        )

    def usable(r: SenderSummary) -> bool:
        return r.available and r.suited is not False

    def cost(r: SenderSummary, part: str) -> str:
        if r.cost is None:
            return html.escape(t("no price data"))
        c = r.cost
        if part == "one_time":
            return money(c.one_time, c.currency)
        if part == "monthly":
            return money(c.monthly_fixed, c.currency)
        if part == "segment":
            return money(c.price_per_segment + c.carrier_fee_per_segment, c.currency, rate=True)
        return f"<b>{money(c.total, c.currency)}</b>"

    lines = [
        (t("Available here"), [_yes_no(r.available) for r in rows]),
        (t("Format"), [html.escape(r.number_type.describe(LANGUAGE.lang)[0]) for r in rows]),
        (t("Two-way"), [_yes_no(r.number_type.two_way) for r in rows]),
        (t("Speed (segments per second)"), [num(r.mps) for r in rows]),
        (t("Time to launch"), [html.escape(_launch_time(r)) for r in rows]),
        (t("One-time fees"), [cost(r, "one_time") for r in rows]),
        (t("Monthly fees"), [cost(r, "monthly") for r in rows]),
        (t("Per segment (with carrier fees)"), [cost(r, "segment") for r in rows]),
        (t("12-month total"), [cost(r, "total") for r in rows]),
        (
            t("Use cases"),
            [
                html.escape(
                    ", ".join(use_case_name(u) for u in UseCase if u in r.number_type.use_cases)
                )
                for r in rows
            ],
        ),
        (t("Restrictions"), [html.escape(r.number_type.describe(LANGUAGE.lang)[1]) for r in rows]),
    ]
    if use_case is not None:
        lines.insert(
            1,
            (
                t("Suits {use_case}", use_case=use_case_name(use_case)),
                [_yes_no(bool(r.suited)) for r in rows],
            ),
        )
    body = "".join(
        f'<tr style="border-top:1px solid #e2e8f0"><th style="text-align:left">'
        f"{html.escape(label)}</th>{cells(v)}</tr>"
        for label, v in lines
    )
    return (
        '<table id="smskit-sender-table" class="smskit-sender-table" '
        'style="border-collapse:collapse;font-size:13px;width:100%">'
        f"<thead><tr><th></th>{head}</tr></thead><tbody>{body}</tbody></table>"
    )


def price_origin(origin: str) -> str:
    """Where the prices come from, in words: never a class name like "TwilioProvider"."""
    parts = []
    for part in origin.split(" + "):
        if part == "data/countries.csv":
            parts.append(t("the reference table"))
        elif part.endswith("Pricing API"):
            provider = part.removesuffix(" Pricing API").removesuffix("Provider") or "?"
            parts.append(t("{provider}'s current price list", provider=provider))
        else:
            parts.append(t("your file {name}", name=part))
    return t(" then ").join(parts)


def _launch_time(row: SenderSummary) -> str:
    if row.registration_first:
        # Indonesia, India...: the sender exists only once each carrier has registered it.
        return t("after registration with each carrier (weeks; no fixed time)")
    low, high = row.provision_weeks
    if high:
        return t("{low}-{high} weeks", low=low, high=high)
    return t("days")


def _reason_items(reasons: Sequence[Reason], kind: str, mark: str) -> str:
    return "".join(
        f'<li class="smskit-reason smskit-reason-{kind}" data-rule="{r.rule}">{mark} '
        f"{html.escape(render_text(r.message))} "
        f'<small class="smskit-source" style="color:{_MUTED}" title="{html.escape(r.source)}">'
        f"[{html.escape(t('source'))}]</small></li>"
        for r in reasons
    )


def _option(option: Option, rank: int) -> str:
    colour = COLOURS[option.sender_type]
    verdict = (
        t("recommended")
        if rank == 1 and option.eligible
        else (t("possible") if option.eligible else t("ruled out"))
    )
    cost = (
        t("about {amount} a month", amount=money(option.monthly_cost, option.currency))
        if option.monthly_cost is not None
        else t("no price data")
    )
    speed = t.ngettext("{n} segment per second", "{n} segments per second", option.mps)
    items = (
        _reason_items(option.reasons_for, "for", "✔")
        + _reason_items(option.cautions, "caution", "⚠")
        + _reason_items(option.disqualifiers, "against", "✘")
    )
    return (
        f'<div class="smskit-option smskit-option-{option.sender_type.value}" '
        f'data-eligible="{str(option.eligible).lower()}" '
        f'style="border-left:4px solid {colour};padding:4px 10px;margin:6px 0">'
        f"<b>{rank}. {html.escape(type_name(option.sender_type))}</b> — "
        f'<span class="smskit-verdict">{html.escape(verdict)}</span>'
        f" <small>({html.escape(speed)}, {html.escape(cost)})</small>"
        f'<ul style="margin:4px 0 0 0;padding-left:18px">{items}</ul></div>'
    )


def _way_forward(way: WayForward) -> str:
    changes = t(" and ").join(render_text(c) for c in way.changes)
    option = way.option
    cost = (
        t("about {amount} a month", amount=money(option.monthly_cost, option.currency))
        if option.monthly_cost is not None
        else t("no price data")
    )
    gives = t(
        "{changes}: then {name} fits ({speed}, {cost}).",
        changes=changes,
        name=type_name(way.sender_type),
        speed=t.ngettext("{n} segment per second", "{n} segments per second", option.mps),
        cost=cost,
    )
    return (
        f'<li class="smskit-way-forward" data-type="{way.sender_type.value}" '
        f'data-relax="{" ".join(way.requirements)}">{html.escape(gives)}</li>'
    )


def recommendation_html(rec: Recommendation, ways: Sequence[WayForward] = ()) -> str:
    """The answer: which type and why, then why not each of the others.

    When nothing fits, ``ways`` (from :func:`smskit.senders.relax.ways_forward`) say which answer
    to relax and what that would give.
    """
    best = rec.best
    forward = ""
    if best is None:
        headline = t("No sender type fits every answer.")
        if ways:
            items = "".join(_way_forward(w) for w in ways)
            lead = html.escape(t("To find a sender, relax one answer:"))
            forward = (
                f'<div class="smskit-ways-forward"><p style="margin:2px 0">{lead}</p>'
                f'<ul style="margin:2px 0">{items}</ul></div>'
            )
        else:
            lead = t(
                "Only the countries' rules stand in the way: send to each country separately, "
                "or see what rules each type out below."
            )
            forward = f'<p class="smskit-ways-forward">{html.escape(lead)}</p>'
    else:
        headline = t("Recommended: {name}", name=type_name(best.sender_type))
    options = "".join(_option(o, i) for i, o in enumerate(rec.options, start=1))
    best_type = best.sender_type.value if best else "none"
    return (
        f'<div class="smskit-recommendation" data-best="{best_type}">'
        f'<h3 class="smskit-recommendation-headline" style="margin:6px 0">{html.escape(headline)}'
        f"</h3>{forward}{options}</div>"
    )


def _plain_log_labels(axis: Any) -> None:
    """Label a log axis's ticks 1,000 and 100.000 (the page's language), not 10³.

    Matplotlib writes log ticks as mathtext ("$\\mathdefault{10^{3}}$"): a formula to staff,
    and parsing it as TeX was half of each chart's drawing time, on the page's critical path.
    """
    from matplotlib.ticker import FuncFormatter

    axis.set_major_formatter(FuncFormatter(lambda value, _pos: num(value)))


def cost_chart_svg(comparison: TypeComparison) -> str:
    """12-month cost against monthly volume per costed type, with the break-even volumes marked."""
    costs = [r.cost for r in comparison.summaries if r.cost is not None]
    if not costs:
        return (
            f"<p class='smskit-cost-chart'>{html.escape(t('No price data for this country.'))}</p>"
        )
    top = max(
        [10 * comparison.monthly_volume, 1_000_000]
        + [3 * (p.monthly_volume or 0) for p in comparison.break_evens]
    )
    volumes = [int(100 * (top / 100) ** (i / 24)) for i in range(25)]
    with svg_pyplot() as plt:
        fig, ax = plt.subplots(figsize=(6.4, 3.4), dpi=100)
        by_type = {c.sender_type: c for c in costs}
        for cost in costs:
            totals = [float(cost.fixed + cost.per_message * v * cost.months) for v in volumes]
            ax.plot(
                volumes, totals, color=COLOURS[cost.sender_type], label=type_name(cost.sender_type)
            )
        for point in comparison.break_evens:
            assert point.monthly_volume is not None
            c = by_type[point.cheaper_above]
            y = float(c.fixed + c.per_message * point.monthly_volume * c.months)
            ax.plot([point.monthly_volume], [y], "o", color="black", markersize=5)
            ax.annotate(
                num(point.monthly_volume),
                (point.monthly_volume, y),
                fontsize=8,
                textcoords="offset points",
                xytext=(4, -10),
            )
        ax.axvline(comparison.monthly_volume, color=_MUTED, linestyle=":", linewidth=1)
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.minorticks_off()  # minor log-tick labels cost seconds to lay out and add little
        _plain_log_labels(ax.xaxis)
        _plain_log_labels(ax.yaxis)
        fig.subplots_adjust(left=0.13, right=0.98, bottom=0.15, top=0.9)
        ax.set_xlabel(t("Messages per month"))
        ax.set_ylabel(t("12-month cost ({currency})", currency=costs[0].currency))
        ax.set_title(
            t(
                "12-month cost by monthly volume ({country})",
                country=f"{country_name(comparison.country)}, {comparison.country}",
            ),
            fontsize=11,
            loc="left",
        )
        ax.legend(fontsize=8, frameon=False)
        ax.spines[["top", "right"]].set_visible(False)
        svg = figure_svg(fig)
    notes = "".join(f"<li>{html.escape(_break_even_text(p))}</li>" for p in comparison.break_evens)
    if not notes:
        never = t("The lines do not cross: the cheapest type stays cheapest.")
        notes = f"<li>{html.escape(never)}</li>"
    return f"<div class='smskit-cost-chart'>{svg}<ul class='smskit-break-evens'>{notes}</ul></div>"


def _break_even_text(point: BreakEven) -> str:
    return t(
        "Above {n} messages a month, {above} costs less than {below}.",
        n=num(point.monthly_volume or 0),
        above=type_name(point.cheaper_above),
        below=type_name(point.cheaper_below),
    )


def speed_chart_svg(rows: Sequence[SenderSummary]) -> str:
    """How long a 100,000-message broadcast takes at each type's default speed."""
    shown = list(rows)
    with svg_pyplot() as plt:
        fig, ax = plt.subplots(figsize=(6.4, 2.4), dpi=100)
        hours = [r.broadcast.seconds / 3600 for r in shown]
        # Types the country cannot use stay on the chart for comparison, greyed and starred.
        labels = [type_name(r.sender_type) + ("" if r.available else " *") for r in shown]
        bars = ax.barh(
            labels[::-1],
            hours[::-1],
            color=[COLOURS[r.sender_type] if r.available else "#cbd5e0" for r in shown][::-1],
        )
        ax.bar_label(
            bars,
            labels=[duration(r.broadcast.duration) for r in shown][::-1],
            padding=3,
            fontsize=8,
        )
        ax.set_xscale("log")
        ax.minorticks_off()
        _plain_log_labels(ax.xaxis)
        fig.subplots_adjust(left=0.31, right=0.97, bottom=0.2, top=0.86)
        ax.set_xlabel(t("Hours (log scale)"))
        size = num(shown[0].broadcast.messages) if shown else "0"
        ax.set_title(t("Time to send {n} messages", n=size), fontsize=11, loc="left")
        ax.spines[["top", "right"]].set_visible(False)
        ax.set_xlim(min(hours) / 3, max(hours) * 8)
        svg = figure_svg(fig)
    note = ""
    if not all(r.available for r in shown):
        missing = html.escape(t("not available in this country"))
        note = f"<p style='font-size:11px;color:{_MUTED}'>* {missing}</p>"
    return f"<div class='smskit-speed-chart'>{svg}{note}</div>"


def alpha_table(countries: Sequence[Country]) -> str:
    """Alphanumeric sender-ID support by country, coloured, with two-way and short codes."""
    colour = {
        AlphaSupport.SUPPORTED: "#c6f6d5",
        AlphaSupport.PRE_REGISTRATION: "#fefcbf",
        AlphaSupport.NOT_SUPPORTED: "#fed7d7",
    }
    label = {
        AlphaSupport.SUPPORTED: t("supported"),
        AlphaSupport.PRE_REGISTRATION: t("pre-registration required"),
        AlphaSupport.NOT_SUPPORTED: t("not supported"),
    }
    tri = {Tristate.YES: t("yes"), Tristate.NO: t("no"), Tristate.UNKNOWN: t("unknown")}
    rows = "".join(
        f'<tr data-country="{c.code}">'
        f"<td>{html.escape(c.display_name(LANGUAGE.lang))} ({c.code})</td>"
        f'<td style="background:{colour[c.alpha_support]}">{html.escape(label[c.alpha_support])}'
        f"{' (?)' if c.confidence.value != 'confirmed' else ''}</td>"
        f"<td>{html.escape(tri[c.two_way])}</td><td>{html.escape(tri[c.short_code])}</td>"
        f'<td title="{html.escape(c.source)}">{html.escape(c.rules_in(LANGUAGE.lang))}</td></tr>'
        for c in countries
    )
    head = header_cells(
        (t("Country"), t("Alphanumeric ID"), t("Two-way"), t("Short codes"), t("Notable rules"))
    )
    note = t("(?) = sources conflict or not confirmed; hover a rule for its source.")
    return (
        '<table class="smskit-alpha-table" style="border-collapse:collapse;font-size:12px">'
        f"<thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>"
        f"<p style='font-size:11px;color:{_MUTED}'>{html.escape(note)}</p>"
    )
