"""What the Start page lists (dashboards, guide sections) and pure renderers for it.

A dashboard whose notebook is not in ``notebooks/`` yet gets a card without a link, so every link on
the page works.
"""

from __future__ import annotations

import html
from dataclasses import dataclass

from smskit_widgets.common.i18n import Translator, link_with_language

from smskit.deployment import Deployment
from smskit.i18n.catalog import N_

t = Translator("start")


@dataclass(frozen=True, slots=True)
class DashboardCard:
    """One dashboard: its notebook, title, who it is for and the question it answers."""

    notebook: str
    title: str
    audience: tuple[str, ...]
    question: str


@dataclass(frozen=True, slots=True)
class GuideSection:
    """One of the eight sections of the business SMS guide and the dashboards that cover it."""

    number: int
    title: str
    notebooks: tuple[str, ...]


AUDIENCES = {"trainer": N_("Trainers"), "analyst": N_("Analysts"), "staff": N_("Staff")}

DASHBOARDS: tuple[DashboardCard, ...] = (
    DashboardCard(
        "lessons.ipynb",
        N_("Lessons: how SMS works"),
        ("trainer", "staff"),
        N_(
            "How does a text travel, how do SMS, MMS, RCS and iMessage compare, "
            "and why does SMS still matter?"
        ),
    ),
    DashboardCard(
        "encoding.ipynb",
        N_("Encoding Visualizer"),
        ("trainer", "staff", "analyst"),
        N_("How many segments will this message cost, and which character made it expensive?"),
    ),
    DashboardCard(
        "senders.ipynb",
        N_("Sender Comparison"),
        ("analyst", "trainer"),
        N_(
            "Alphanumeric ID, short code, long code or toll-free: which fits my use case "
            "and country, and what does it cost?"
        ),
    ),
    DashboardCard(
        "provider_setup.ipynb",
        N_("Provider Setup"),
        ("staff",),
        N_("How do I connect the simulator or a Twilio account, get a number and send a test?"),
    ),
    DashboardCard(
        "consent.ipynb",
        N_("Consent & Compliance"),
        ("staff", "analyst"),
        N_("Who has opted in or out, and may I text this person now?"),
    ),
    DashboardCard(
        "campaign.ipynb",
        N_("Campaign"),
        ("analyst", "staff"),
        N_("What will this campaign cost, is it compliant, and how do I send it at a safe pace?"),
    ),
    DashboardCard(
        "inbox.ipynb",
        N_("Inbox"),
        ("staff", "trainer"),
        N_("Who replied to our campaigns, what do they ask, and may I answer them now?"),
    ),
)

GUIDE_SECTIONS: tuple[GuideSection, ...] = (
    GuideSection(1, N_("How SMS travels"), ("lessons.ipynb",)),
    GuideSection(2, N_("SMS, MMS, RCS and iMessage"), ("lessons.ipynb",)),
    GuideSection(3, N_("Why SMS still matters"), ("lessons.ipynb",)),
    GuideSection(4, N_("Sender types"), ("senders.ipynb",)),
    GuideSection(5, N_("Choosing a provider"), ("provider_setup.ipynb", "senders.ipynb")),
    GuideSection(6, N_("Twilio setup walkthrough"), ("provider_setup.ipynb",)),
    GuideSection(7, N_("Best practices: consent"), ("consent.ipynb",)),
    GuideSection(
        8,
        N_("Best practices: sending"),
        ("campaign.ipynb", "encoding.ipynb", "consent.ipynb", "inbox.ipynb"),
    ),
)


_TABLE_CSS = (
    ".smskit-guide-map th,.smskit-guide-map td{text-align:left;padding:3px 12px 3px 0;"
    "border-bottom:1px solid #e3e8ee;vertical-align:top}"
    ".smskit-card a,.smskit-guide-map a{color:#1f5fa8;text-decoration:none}"
)


def _title_of(notebook: str) -> str:
    return next((t(d.title) for d in DASHBOARDS if d.notebook == notebook), notebook)


def _link(notebook: str, available: frozenset[str], text: str) -> str:
    if notebook not in available:
        soon = html.escape(t("coming soon"))
        return f'<span class="smskit-missing">{html.escape(text)} ({soon})</span>'
    href = html.escape(link_with_language(f"./{notebook}"))
    return (
        f'<a class="smskit-dashboard-link" data-notebook="{html.escape(notebook)}" '
        f'href="{href}">{html.escape(text)}</a>'
    )


def cards_html(available: frozenset[str], cards: tuple[DashboardCard, ...] = DASHBOARDS) -> str:
    """One card per dashboard: title (a link when its notebook exists), audience and question."""
    items = []
    for card in cards:
        audience = ", ".join(t(AUDIENCES[a]) for a in card.audience)
        items.append(
            f'<div class="smskit-card" data-notebook="{html.escape(card.notebook)}" '
            'style="border:1px solid #c8d1dc;border-radius:8px;padding:10px 14px;margin:6px;'
            'flex:1 1 300px;max-width:440px">'
            f"<h3 style='margin:2px 0 6px'>{_link(card.notebook, available, t(card.title))}</h3>"
            f"<p style='margin:4px 0'>{html.escape(t(card.question))}</p>"
            f"<p style='margin:4px 0;color:#555'><b>{html.escape(t('For'))}:</b> "
            f"{html.escape(audience)}</p></div>"
        )
    return f'<div class="smskit-cards" style="display:flex;flex-wrap:wrap">{"".join(items)}</div>'


def guide_map_html(
    available: frozenset[str], sections: tuple[GuideSection, ...] = GUIDE_SECTIONS
) -> str:
    """The eight sections of the guide, each with links to the dashboards that cover it."""
    rows = "".join(
        f"<tr><td>{s.number}</td><td>{html.escape(t(s.title))}</td><td>"
        + ", ".join(_link(n, available, _title_of(n)) for n in s.notebooks)
        + "</td></tr>"
        for s in sections
    )
    guide = t("Guide: Bisnis SMS: Panduan Utama (respond.io, July 2023).")
    return (
        f"<h3>{html.escape(t('The guide, section by section'))}</h3>"
        f"<style>{_TABLE_CSS}</style>"
        '<table class="smskit-guide-map" style="border-collapse:collapse">'
        f"<thead><tr><th>§</th><th>{html.escape(t('Section of the guide'))}</th>"
        f"<th>{html.escape(t('Covered by'))}</th></tr></thead><tbody>{rows}</tbody></table>"
        f"<p style='font-size:85%;color:#555'>{html.escape(guide)}</p>"
    )


def environment_html(deployment: Deployment) -> str:
    """Simulator or real account, and where the data lives; nothing secret is shown."""
    if deployment.mode == "simulator":
        mode = t("Built-in simulator: nothing is really sent and nothing is billed.")
        css = "simulator"
    elif deployment.mode == "vonage":
        from smskit_widgets.provider_setup.vonage_texts import running_on_vonage

        mode, css = running_on_vonage(deployment.account or ""), "vonage"
    else:
        mode = t(
            "Real Twilio account {account}: messages are really sent and billed.",
            account=deployment.account or "",
        )
        css = "twilio"
    engine = deployment.database_engine if deployment.database_engine != "other" else t("Other")
    return (
        f'<div class="smskit-environment smskit-mode-{css}" '
        'style="background:#f4f7fb;border-radius:8px;padding:8px 14px;margin:6px">'
        f"<p style='margin:4px 0'><b>{html.escape(t('Running on'))}:</b> {html.escape(mode)}</p>"
        f"<p style='margin:4px 0'><b>{html.escape(t('Data folder'))} (SMSKIT_HOME):</b> "
        f"<code>{html.escape(str(deployment.home))}</code></p>"
        f"<p style='margin:4px 0'><b>{html.escape(t('Database'))}:</b> {html.escape(engine)} "
        f"<code class='smskit-database-url'>{html.escape(deployment.database_url)}</code></p>"
        "</div>"
    )
