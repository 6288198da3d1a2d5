"""Sender Comparison: the four sender types side by side, a self-explaining recommender, charts.

``SenderComparison()`` is the whole dashboard. Prices are the reference table's unless the user
loads a price CSV or fetches prices through a provider (by default the built-in simulator, which
serves Twilio's Pricing v1 Messaging Countries).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import ipywidgets as W
import traitlets
from smskit_widgets.common.feedback import LOADING, ActionFeedback, reports_to
from smskit_widgets.common.formats import country
from smskit_widgets.common.html import heading
from smskit_widgets.common.i18n import LANGUAGE, Translator, on_language_change
from smskit_widgets.common.layout import DashboardHeader, Lesson
from smskit_widgets.common.status import StatusLine
from smskit_widgets.senders import render

from smskit.senders.catalogue import UseCase
from smskit.senders.comparison import TypeComparison, alpha_support_table, compare
from smskit.senders.countries import countries
from smskit.senders.price_table import PriceTable, default_prices
from smskit.senders.recommender import Needs, Recommendation, recommend
from smskit.senders.relax import ways_forward

t = Translator("senders")


def _wide(width: str = "auto") -> dict[str, Any]:
    """Room for long labels (and their Indonesian translations) beside the input."""
    return {"style": {"description_width": "initial"}, "layout": W.Layout(width=width)}


def _section(css: str, *children: W.Widget) -> W.VBox:
    box = W.VBox(list(children), layout=W.Layout(margin="10px 0"))
    box.add_class(css)
    return box


class SenderComparison(W.VBox):
    """The Sender Comparison dashboard."""

    comparison = traitlets.Instance(
        TypeComparison, allow_none=True, help="The side-by-side comparison for the chosen country"
    )
    recommendation = traitlets.Instance(
        Recommendation, allow_none=True, help="The recommender's answer to the questionnaire"
    )
    prices = traitlets.Instance(PriceTable, help="Prices in use (reference, a user's file or API)")

    def __init__(self, provider: Any = None, **kwargs: Any) -> None:
        self._provider = provider
        self._drawn: tuple[int, str] | None = None
        self.header = DashboardHeader("Sender Comparison", t)
        self.lesson = Lesson("senders")
        # The comparison table and its filters (country names in the page's language, from CLDR).
        self.country = W.Dropdown(options=self._country_options(), value="US", **_wide("320px"))
        self.use_case = W.Dropdown(options=[("-", "")], value="", **_wide("360px"))
        self.volume = W.BoundedIntText(
            value=10_000, min=0, max=100_000_000, step=1000, **_wide("260px")
        )
        self.price_set = W.ToggleButtons(
            options=[("", "published"), ("", "guide_2023")],
            value="published",
            style={"button_width": "auto"},
        )
        self.table_title = W.HTML()
        self.table = W.HTML()
        # Price overrides.
        self.upload = W.FileUpload(accept=".csv", multiple=False)
        self.fetch_prices = W.Button(icon="cloud-download", layout=W.Layout(width="auto"))
        self.prices_note = W.HTML()
        # The questionnaire and its answer.
        self.questions_title = W.HTML()
        self.q_use_case = W.Dropdown(
            options=[("", u.value) for u in UseCase], value="otp", **_wide()
        )
        self.q_replies = W.Checkbox(value=False, indent=False)
        # The questionnaire starts on the table's country, and follows it until the user types.
        self.q_countries = W.Text(value=self.country.value, **_wide())
        self.q_volume = W.BoundedIntText(value=10_000, min=0, max=100_000_000, step=1000, **_wide())
        self.q_peak = W.BoundedFloatText(value=0, min=0, max=100_000, **_wide())
        self.q_budget = W.BoundedFloatText(value=0, min=0, max=10_000_000, **_wide())
        self.q_weeks = W.BoundedIntText(value=4, min=0, max=104, **_wide())
        self.q_broadcast = W.BoundedIntText(value=0, min=0, max=100_000_000, step=1000, **_wide())
        self.q_deadline = W.BoundedIntText(value=0, min=0, max=100_000, **_wide())
        self.q_trust = W.BoundedIntText(value=0, min=0, max=100, **_wide())
        self.answer = W.HTML()
        # Charts.
        self.charts_title = W.HTML()
        self.cost_chart = W.HTML()
        self.speed_chart = W.HTML()
        self.alpha_title = W.HTML()
        self.alpha_table = W.HTML()
        self.status = StatusLine()
        # Feedback beside each action: the filters, the price buttons, the questionnaire.
        self.table_feedback = ActionFeedback("table")
        self.prices_feedback = ActionFeedback("prices")
        self.q_feedback = ActionFeedback("questions")
        for widget, css in (
            (self.country, "smskit-country"),
            (self.use_case, "smskit-use-case-filter"),
            (self.volume, "smskit-volume"),
            (self.price_set, "smskit-price-set"),
            (self.upload, "smskit-price-upload"),
            (self.fetch_prices, "smskit-fetch-prices"),
            (self.q_use_case, "smskit-q-use-case"),
            (self.q_replies, "smskit-q-replies"),
            (self.q_countries, "smskit-q-countries"),
            (self.q_volume, "smskit-q-volume"),
            (self.q_peak, "smskit-q-peak"),
            (self.q_budget, "smskit-q-budget"),
            (self.q_weeks, "smskit-q-weeks"),
            (self.q_broadcast, "smskit-q-broadcast"),
            (self.q_deadline, "smskit-q-deadline"),
            (self.q_trust, "smskit-q-trust"),
            (self.answer, "smskit-answer"),
        ):
            widget.add_class(css)
        self._questions = (
            self.q_use_case,
            self.q_replies,
            self.q_countries,
            self.q_volume,
            self.q_peak,
            self.q_budget,
            self.q_weeks,
            self.q_trust,
            self.q_broadcast,
            self.q_deadline,
        )
        # Two columns where they fit (1366 px), one below ~800 px; each question fills its cell,
        # so a long (Indonesian) label never squeezes its input or runs into the next column.
        questions = W.GridBox(
            list(self._questions),
            layout=W.Layout(
                grid_template_columns="repeat(auto-fit, minmax(min(380px, 100%), 1fr))",
                grid_gap="4px 24px",
            ),
        )
        super().__init__(
            [
                self.header,
                self.lesson,
                _section(
                    "smskit-senders-compare",
                    self.table_title,
                    W.HBox([self.country, self.use_case, self.volume]),
                    self.table_feedback,
                    self.price_set,
                    W.HBox([self.upload, self.fetch_prices, self.prices_feedback]),
                    self.prices_note,
                    self.table,
                ),
                _section(
                    "smskit-senders-recommender",
                    self.questions_title,
                    questions,
                    self.q_feedback,
                    self.answer,
                ),
                _section(
                    "smskit-senders-charts", self.charts_title, self.cost_chart, self.speed_chart
                ),
                _section("smskit-senders-alpha", self.alpha_title, self.alpha_table),
                self.status,
            ],
            **kwargs,
        )
        self.add_class("smskit-sender-comparison")
        self.prices = default_prices()
        for widget in (self.country, self.use_case, self.volume, self.price_set):
            widget.observe(self._on_filter_change, names="value")
        for widget in self._questions:
            widget.observe(self._on_question_change, names="value")
        self.upload.observe(self._on_upload_change, names="value")
        self.fetch_prices.on_click(self._on_fetch_prices_click)
        self.observe(lambda _c: self._refresh(), names=["comparison", "recommendation"])
        self.observe(self._on_prices_change, names="prices")
        self.country.observe(self._on_country_change, names="value")
        self._on_filter_change(None)
        self._on_question_change(None)
        on_language_change(self._refresh)

    # --- handlers: widget values -> one smskit call -> a trait ---------------------------------

    @staticmethod
    def _country_options() -> list[tuple[str, str]]:
        # One name per country, CLDR's in the current language: never "Turkey" and "Türkiye".
        named = [(f"{country(c.code, c.name)} ({c.code})", c.code) for c in countries()]
        return sorted(named, key=lambda option: option[0].casefold())

    def _on_country_change(self, change: dict[str, Any]) -> None:
        if self.q_countries.value.strip().upper() == str(change["old"] or ""):
            self.q_countries.value = change["new"]

    @reports_to("table_feedback", clears=("table",))
    def _on_filter_change(self, _change: dict[str, Any] | None) -> None:
        self._drawn = None
        case = UseCase(self.use_case.value) if self.use_case.value else None
        self.comparison = compare(
            self.country.value,
            int(self.volume.value),
            case,
            price_set=self.price_set.value,
            prices=self.prices,
        )

    @reports_to("q_feedback", clears=("answer",))
    def _on_question_change(self, _change: dict[str, Any] | None) -> None:
        self.recommendation = None
        places = tuple(c for c in self.q_countries.value.replace(";", ",").split(",") if c.strip())
        needs = Needs(
            UseCase(self.q_use_case.value),
            bool(self.q_replies.value),
            int(self.q_volume.value),
            places,
            int(self.q_weeks.value),
            peak_mps=Decimal(str(self.q_peak.value)) if self.q_peak.value else None,
            monthly_budget=Decimal(str(self.q_budget.value)) if self.q_budget.value else None,
            broadcast_size=int(self.q_broadcast.value) or None,
            deadline_minutes=int(self.q_deadline.value) or None,
            trust_score=int(self.q_trust.value) or None,
        )
        self.recommendation = recommend(needs, prices=self.prices)

    @reports_to("prices_feedback", busy=LOADING)
    def _on_upload_change(self, change: dict[str, Any]) -> None:
        files = change["new"]
        if not files:
            return
        item = files[0]
        text = bytes(item["content"]).decode("utf-8-sig")
        self.prices = default_prices().merged(PriceTable.from_csv_text(text, item["name"]))

    @reports_to("prices_feedback", busy=LOADING)
    def _on_fetch_prices_click(self, _button: W.Button) -> None:
        if self._provider is None:  # the account set up (Twilio or Vonage), else the simulator
            from smskit.deployment import default_provider

            self._provider = default_provider()
        fetched = PriceTable.from_provider(self._provider, [self.country.value])
        self.prices = self.prices.merged(fetched)

    def _on_prices_change(self, _change: dict[str, Any]) -> None:
        self._on_filter_change(None)
        self._on_question_change(None)

    # --- rendering -----------------------------------------------------------------------------

    def _refresh(self) -> None:
        for widget, label in (
            (self.country, t("Country")),
            (self.use_case, t("Use case")),
            (self.volume, t("Messages per month")),
            (self.q_use_case, t("What are the messages for?")),
            (self.q_replies, t("Customers need to reply")),
            (self.q_countries, t("Destination countries (ISO codes, e.g. GB, FR)")),
            (self.q_volume, t("Messages per month")),
            (self.q_peak, t("Peak speed needed (segments per second, 0 = don't know)")),
            (self.q_budget, t("Monthly budget (0 = no limit)")),
            (self.q_weeks, t("Weeks until launch")),
            (self.q_broadcast, t("Largest broadcast (messages, 0 = none)")),
            (self.q_deadline, t("It must go out within (minutes, 0 = no deadline)")),
            (self.q_trust, t("US 10DLC Trust Score (0 = not registered)")),
        ):
            widget.description = label
        if self.country.options != tuple(self._country_options()):
            self.country.options = self._country_options()  # keeps the value: same codes
        self.use_case.options = [(t("All use cases"), "")] + [
            (render.use_case_name(u), u.value) for u in UseCase
        ]
        self.q_use_case.options = [(render.use_case_name(u), u.value) for u in UseCase]
        self.price_set.options = [
            (t("Current list prices"), "published"),
            (t("Guide figures (2023)"), "guide_2023"),
        ]
        self.fetch_prices.description = t("Fetch prices from the provider")
        self.upload.description = t("Load my prices (CSV)")
        origin = render.price_origin(self.prices.origin)
        self.prices_note.value = f"<small>{t('Prices in use: {origin}', origin=origin)}</small>"
        self.table_title.value = heading(t("The four sender types side by side"))
        self.questions_title.value = heading(t("Which sender should I use?"))
        self.charts_title.value = heading(t("Cost and speed"))
        self.alpha_title.value = heading(t("Alphanumeric sender IDs by country"))
        key = (id(self.comparison), LANGUAGE.lang)
        if self.comparison is not None and key != self._drawn:
            # Charts take a moment to draw: only when the comparison or the language changed.
            self._drawn = key
            case = UseCase(self.use_case.value) if self.use_case.value else None
            self.table.value = render.comparison_table(self.comparison.summaries, case)
            self.cost_chart.value = render.cost_chart_svg(self.comparison)
            self.speed_chart.value = render.speed_chart_svg(self.comparison.summaries)
            self.alpha_table.value = render.alpha_table(alpha_support_table())
        if self.recommendation is not None:
            self.answer.value = render.recommendation_html(
                self.recommendation, ways_forward(self.recommendation, prices=self.prices)
            )
