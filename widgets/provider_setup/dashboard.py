"""Provider Setup: a five-step wizard from "which provider?" to a delivered test message.

1. Built-in simulator (Twilio's or Vonage's API), your Twilio account or your Vonage account.
2. Credentials: a masked field, a format check and a connection test.
3. Your numbers.
4. Search and buy a number (on a real account only after a confirmation showing the monthly price).
5. Send a test message and watch its status change live.

The simulator and Twilio run through :class:`smskit.providers.twilio.TwilioProvider`, a Vonage
account and "Vonage (simulator)" through :class:`smskit.providers.vonage.VonageProvider` (the real
``vonage`` SDK, over HTTP to the simulator for the latter); the simulator is
``smskit.simulator.shared()`` unless another handle is passed in.
"""

from __future__ import annotations

import html
import threading
from typing import Any

import ipywidgets as W
import traitlets
from smskit_widgets.common.feedback import (
    CHECKING,
    LOADING,
    SEARCHING,
    ActionFeedback,
    reports_to,
)
from smskit_widgets.common.i18n import Translator, on_language_change
from smskit_widgets.common.layout import DashboardHeader, Lesson
from smskit_widgets.common.status import StatusLine
from smskit_widgets.provider_setup import render as R
from smskit_widgets.provider_setup import vonage_texts as V
from smskit_widgets.provider_setup.send_step import SendStep

from smskit.deployment import (
    connect,
    connect_simulator,
    connect_vonage,
    connect_vonage_simulator,
)
from smskit.providers import AvailableNumber, monthly_price
from smskit.providers.credentials import check_format, load
from smskit.providers.vonage_credentials import check_vonage_format, load_vonage, vonage_from_env

t = Translator("provider_setup")
SIMULATOR, TWILIO, VONAGE = "simulator", "twilio", "vonage"
VONAGE_SIMULATOR = "vonage_simulator"  # the simulator through Vonage's APIs and the vonage SDK
SIMULATED = (SIMULATOR, VONAGE_SIMULATOR)


def _relabel(choice: W.widgets.widget_selection._Selection, labels: list[str]) -> None:
    """New labels for the same values, keeping the current choice (ipywidgets resets it)."""
    value = choice.value
    values = [v for _label, v in choice.options]
    choice.options = list(zip(labels, values, strict=True))
    choice.value = value


def _section(cls: str, *children: W.Widget) -> W.VBox:
    box = W.VBox(list(children), layout=W.Layout(margin="6px 0", padding="4px 0"))
    box.add_class("smskit-provider-step-box")
    box.add_class(cls)
    return box


class ProviderSetup(SendStep, W.VBox):
    """The Provider Setup dashboard; ``provider`` is set once the connection test passes."""

    provider = traitlets.Any(None, allow_none=True, help="The connected TwilioProvider, or None")
    trial = traitlets.Bool(False, help="True when the connected account is a Twilio trial account")
    message = traitlets.Any(None, allow_none=True, help="Latest MessageRecord of the test message")

    def __init__(
        self,
        simulator: Any = None,
        *,
        twilio_base_url: str | None = None,
        vonage_base_url: str | None = None,
        poll_interval: float = 0.4,
        watch_timeout: float = 120.0,
    ) -> None:
        self._simulator = simulator
        self._twilio_base_url = twilio_base_url  # None: Twilio's cloud (tests point it elsewhere)
        self._vonage_base_url = vonage_base_url  # None: Vonage's cloud
        self.poll_interval = poll_interval
        self.watch_timeout = watch_timeout
        self.history: list[str] = []
        self.found: tuple[AvailableNumber, ...] = ()
        self._pending_purchase: str | None = None
        self._saved: Any = None  # Credentials found by smskit.providers.credentials.load()
        self._watcher: threading.Thread | None = None
        self._relabelling = False
        self._verdict: Any = None  # the last connection verdict, re-rendered in a new language

        self.header = DashboardHeader("Provider Setup", t)
        self.lesson = Lesson("provider_setup")
        self.comparison = Lesson("providers_compared")  # Twilio and Vonage, sourced
        self.status = StatusLine()
        self.titles = [W.HTML() for _ in range(5)]
        for number, title in enumerate(self.titles, start=1):
            title.add_class("smskit-provider-title")
            title.add_class(f"smskit-provider-title-{number}")

        # 1. choose
        self.mode = W.ToggleButtons(
            options=[("", SIMULATOR), ("", VONAGE_SIMULATOR), ("", TWILIO), ("", VONAGE)],
            value=SIMULATOR,
        )
        self.mode.add_class("smskit-provider-mode")
        # 2. credentials
        self.note = W.HTML()
        self.note.add_class("smskit-provider-note")
        self.account_sid = W.Text(placeholder="AC…")
        self.account_sid.add_class("smskit-provider-sid")
        self.auth_token = W.Password(placeholder="••••")
        self.auth_token.add_class("smskit-provider-token")
        self.save_to = W.Dropdown(options=[("", "none"), ("", "keyring"), ("", "file")])
        self.connect_button = W.Button(button_style="primary")
        self.connect_button.add_class("smskit-provider-connect")
        self.verdict = W.HTML()
        self.credential_fields = W.VBox([self.account_sid, self.auth_token, self.save_to])
        # 3. numbers
        self.numbers = W.HTML()
        self.refresh_button = W.Button()
        self.refresh_button.add_class("smskit-provider-refresh")
        # 4. search and buy
        self.country = W.Text(value="US")
        self.country.add_class("smskit-provider-country")
        self.area_code = W.Text(value="")
        self.area_code.add_class("smskit-provider-area-code")
        self.number_type = W.Dropdown(options=[("", "local"), ("", "mobile"), ("", "toll_free")])
        self.search_button = W.Button()
        self.search_button.add_class("smskit-provider-search")
        self.search_summary = W.HTML()
        self.results = W.Select(options=[], rows=6)
        self.results.add_class("smskit-provider-results")
        self.buy_button = W.Button(button_style="warning")
        self.buy_button.add_class("smskit-provider-buy")
        self.confirm = W.HTML()
        self.confirm_button = W.Button(button_style="danger")
        self.confirm_button.add_class("smskit-provider-confirm-buy")
        self.cancel_button = W.Button()
        self.confirm_box = W.VBox([self.confirm, W.HBox([self.confirm_button, self.cancel_button])])
        self.confirm_box.layout.display = "none"
        self.bought = W.HTML()
        # 5. test message
        self.to = W.Text(value="+14155550100")
        self.to.add_class("smskit-provider-to")
        self.from_number = W.Dropdown(options=[])
        self.from_number.add_class("smskit-provider-from")
        self.body = W.Textarea(value="Hello from smskit!")
        self.body.add_class("smskit-provider-body")
        self.send_button = W.Button(button_style="success")
        self.send_button.add_class("smskit-provider-send")
        self.timeline = W.HTML()
        self.trial_note = W.HTML()
        # Feedback beside each action: busy after 300 ms, failures in plain words, cleared on
        # the next try.
        self.connect_feedback = ActionFeedback("connect")
        self.numbers_feedback = ActionFeedback("numbers")
        self.search_feedback = ActionFeedback("search")
        self.send_feedback = ActionFeedback("send")

        self.connected_steps = W.VBox(
            [
                _section(
                    "smskit-provider-numbers-step",
                    self.titles[2],
                    self.numbers,
                    self.refresh_button,
                    self.numbers_feedback,
                ),
                _section(
                    "smskit-provider-buy-step",
                    self.titles[3],
                    W.HBox([self.country, self.area_code, self.number_type, self.search_button]),
                    self.search_feedback,
                    self.search_summary,
                    self.results,
                    self.buy_button,
                    self.confirm_box,
                    self.bought,
                ),
                _section(
                    "smskit-provider-send-step",
                    self.titles[4],
                    self.trial_note,
                    W.HBox([self.from_number, self.to]),
                    self.body,
                    self.send_button,
                    self.send_feedback,
                    self.timeline,
                ),
            ]
        )
        self.connected_steps.layout.display = "none"
        super().__init__(
            [
                self.header,
                self.lesson,
                self.comparison,
                _section("smskit-provider-mode-step", self.titles[0], self.mode),
                _section(
                    "smskit-provider-credentials-step",
                    self.titles[1],
                    self.note,
                    self.credential_fields,
                    self.connect_button,
                    self.connect_feedback,
                    self.verdict,
                ),
                self.connected_steps,
                self.status,
            ]
        )
        self.add_class("smskit-provider-setup")

        self.mode.observe(self._on_mode_value, names="value")
        self.connect_button.on_click(self._on_connect_button_click)
        self.refresh_button.on_click(self._on_refresh_button_click)
        self.search_button.on_click(self._on_search_button_click)
        self.buy_button.on_click(self._on_buy_button_click)
        self.confirm_button.on_click(self._on_confirm_button_click)
        self.cancel_button.on_click(self._on_cancel_button_click)
        self.send_button.on_click(self._on_send_button_click)
        self.observe(self._on_message_change, names="message")
        self._refresh()
        on_language_change(self._refresh)

    # -- rendering ---------------------------------------------------------------------------

    def _refresh(self) -> None:
        titles = (
            t("1. Where to send from"),
            t("2. Credentials"),
            t("3. Your numbers"),
            t("4. Search and buy a number"),
            t("5. Send a test message"),
        )
        for title, text in zip(self.titles, titles, strict=True):
            title.value = f"<h3 style='margin:6px 0'>{html.escape(text)}</h3>"
        # New labels make ipywidgets reset and restore the choice: not a new choice, so the
        # connection stays (switching the language after connecting used to drop it).
        self._relabelling = True
        try:
            _relabel(
                self.mode,
                [
                    t("Built-in simulator"),
                    V.simulator_label(),
                    t("My Twilio account"),
                    V.mode_label(),
                ],
            )
        finally:
            self._relabelling = False
        simulated = self.mode.value in SIMULATED
        vonage = self.mode.value == VONAGE
        self.note.value = html.escape(
            V.simulator_note()
            if self.mode.value == VONAGE_SIMULATOR
            else t("The built-in simulator needs no account and costs nothing: just connect.")
            if simulated
            else V.note()
            if vonage
            else t("Paste the Account SID and Auth Token from the Twilio Console (Account Info).")
        )
        self.credential_fields.layout.display = "none" if simulated else ""
        self.account_sid.description = V.key_label() if vonage else t("Account SID")
        self.auth_token.description = V.secret_label() if vonage else t("Auth Token")
        self.account_sid.placeholder = "abcd1234" if vonage else "AC…"
        self.save_to.description = t("Remember")
        _relabel(
            self.save_to,
            [t("Only for this session"), t("In the system keyring"), t("In a private file (0600)")],
        )
        self.connect_button.description = t("Connect") if simulated else t("Check and connect")
        self.refresh_button.description = t("Refresh")
        self.country.description = t("Country")
        self.area_code.description = t("Area code")
        self.number_type.description = t("Type")
        _relabel(self.number_type, [t("Local"), t("Mobile"), t("Toll-free")])
        self.search_button.description = t("Search")
        self.buy_button.description = t("Buy selected number")
        self.confirm_button.description = t("Yes, buy it")
        self.cancel_button.description = t("Cancel")
        self.to.description = t("To")
        self.from_number.description = t("From")
        self.body.description = t("Message")
        self.send_button.description = t("Send test message")
        self.trial_note.value = R.trial_note_html() if self.trial else ""
        if self._verdict is not None:
            self.verdict.value = R.verdict_html(self._verdict)
        self.timeline.value = R.timeline_html(self.history, self.message)

    # -- step 1 and 2 -----------------------------------------------------------------------

    def _on_mode_value(self, change: dict[str, Any]) -> None:
        if not self._relabelling:  # a relabel restores the same choice: keep the connection
            self._on_mode_change(change)

    @reports_to("connect_feedback", clears=("verdict",))
    def _on_mode_change(self, _change: dict[str, Any]) -> None:
        self._verdict = None
        self.provider = None
        self.connected_steps.layout.display = "none"
        self.status.clear()
        self._refresh()
        self._saved = None
        self.auth_token.value = ""  # a secret typed for one provider never carries to another
        if self.mode.value == VONAGE:
            in_env = vonage_from_env()
            self._saved = in_env or load_vonage()
            self.account_sid.value = self._saved.api_key if self._saved is not None else ""
            if self._saved is not None:
                found = V.found_in_environment if in_env else V.found_saved
                self.connect_feedback.show(found(self._saved.api_key))
        if self.mode.value == TWILIO:
            # Environment, keyring or private file: the token stays in smskit, never in a widget.
            self._saved = load()
            if self._saved is not None:
                self.account_sid.value = self._saved.account_sid
                found = t(
                    "Saved credentials found for {sid}: leave the Auth Token empty to use them.",
                    sid=self._saved.account_sid,
                )
                self.connect_feedback.show(found)

    # "Checking…" appears after 300 ms: with no network, a real account takes seconds to answer.
    @reports_to("connect_feedback", busy=CHECKING, clears=("verdict",))
    def _on_connect_button_click(self, _button: W.Button) -> None:
        self.status.clear()
        self._verdict = None
        if self.mode.value == SIMULATOR:
            connection = connect_simulator(self._simulator)
        elif self.mode.value == VONAGE_SIMULATOR:
            connection = connect_vonage_simulator(self._simulator)
        elif self.mode.value == VONAGE:
            saved = self._saved
            if saved and not self.auth_token.value and self.account_sid.value == saved.api_key:
                vonage_creds = saved
            else:
                vonage_creds = check_vonage_format(self.account_sid.value, self.auth_token.value)
            self.auth_token.value = ""  # the secret never stays in the widget state
            connection = connect_vonage(
                vonage_creds, base_url=self._vonage_base_url, remember=self._remember()
            )
        else:
            saved = self._saved
            if saved and not self.auth_token.value and self.account_sid.value == saved.account_sid:
                creds = saved
            else:
                creds = check_format(self.account_sid.value, self.auth_token.value)
            self.auth_token.value = ""  # keep the token out of the widget state (and the page)
            connection = connect(creds, base_url=self._twilio_base_url, remember=self._remember())
        verdict = self._verdict = connection.verdict
        self.verdict.value = R.verdict_html(verdict)
        if connection.saved_to is not None:
            self.connect_feedback.show(R.saved_note(connection.saved_to), "ok")
        if not verdict.ok:
            self.provider = None
            self.connected_steps.layout.display = "none"
            return
        self.trial = verdict.account is not None and verdict.account.is_trial
        self._refresh()
        self.provider = connection.provider
        self.connected_steps.layout.display = ""
        self._on_refresh_button_click(None)

    def _remember(self) -> str | None:
        """Where to save working credentials: None (this session only), keyring or file."""
        return None if self.save_to.value == "none" else self.save_to.value

    # -- step 3 ------------------------------------------------------------------------------

    @reports_to("numbers_feedback", busy=LOADING)
    def _on_refresh_button_click(self, _button: W.Button | None) -> None:
        owned = self.provider.my_numbers()
        self.numbers.value = R.numbers_html(owned)
        current = self.from_number.value
        senders = [n.phone_number for n in owned if n.sms]
        self.from_number.options = senders
        self.from_number.value = (
            current if current in senders else (senders[0] if senders else None)
        )

    # -- step 4 ------------------------------------------------------------------------------

    @reports_to("search_feedback", busy=SEARCHING, clears=("search_summary", "bought"))
    def _on_search_button_click(self, _button: W.Button) -> None:
        # A failed search (country "XX") must not leave the previous country's numbers listed.
        self.found = ()
        self.results.options = []
        self.found = tuple(
            self.provider.search_numbers(
                self.country.value,
                number_type=self.number_type.value,
                area_code=self.area_code.value.strip() or None,
            )
        )
        self.search_summary.value = R.search_summary_html(self.found)
        self.results.options = [(R.number_label(n), n.phone_number) for n in self.found]

    @reports_to("search_feedback", clears=("bought",))
    def _on_buy_button_click(self, _button: W.Button) -> None:
        if not self.results.value:
            self.search_feedback.show(t("Choose a number from the list first."), "error")
            return
        if self.mode.value in SIMULATED:  # the simulator costs nothing: no confirmation needed
            self._buy(self.results.value)
            return
        chosen = next(n for n in self.found if n.phone_number == self.results.value)
        self._pending_purchase = chosen.phone_number
        price = monthly_price(self.provider, chosen)
        vendor = "Vonage" if self.mode.value == VONAGE else "Twilio"
        self.confirm.value = R.confirmation_html(chosen.phone_number, price, vendor)
        self.confirm_box.layout.display = ""

    @reports_to("search_feedback", busy=LOADING)
    def _on_confirm_button_click(self, _button: W.Button) -> None:
        number, self._pending_purchase = self._pending_purchase, None
        self.confirm_box.layout.display = "none"
        if number:
            self._buy(number)

    def _on_cancel_button_click(self, _button: W.Button) -> None:
        self._pending_purchase = None
        self.confirm_box.layout.display = "none"

    def _buy(self, phone_number: str) -> None:
        bought = self.provider.buy_number(phone_number)
        self.bought.value = R.bought_html(bought)
        self._on_refresh_button_click(None)
        self.from_number.value = bought.phone_number
