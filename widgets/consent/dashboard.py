"""The Consent & Compliance explainer, for trainers: opt-in methods, double opt-in as a
conversation, a keyword tester across languages, quiet hours around the world, a compliance
preflight for one planned message; and the consent inspector on the real records.

Everything is decided by smskit (``smskit.consent.ledger``, ``smskit.consent.keywords``,
``smskit.compliance.quiet_hours``). The inspector at the top reads the real store, the same ledger
the Campaign Sender, the webhook app and the worker write; the practice section below keeps its
own in-memory ledger, labelled as such, so that practice never touches the real consent log.
"""

from __future__ import annotations

import html
from datetime import UTC, datetime, timedelta

import ipywidgets as W
import traitlets
from smskit_widgets.common.feedback import ActionFeedback, reports_to
from smskit_widgets.common.html import heading
from smskit_widgets.common.i18n import LANGUAGE, Translator, on_language_change
from smskit_widgets.common.layout import DashboardHeader, Lesson
from smskit_widgets.common.status import StatusLine, shows_errors
from smskit_widgets.common.timezone import ZonePicker, on_zone_change, shown
from smskit_widgets.consent import render
from smskit_widgets.consent.inspector import ConsentInspector

from smskit.compliance.preflight import PlannedMessage, Preflight, Purpose, preflight_for
from smskit.compliance.quiet_hours import who_may_be_texted
from smskit.consent.auto_replies import Program
from smskit.consent.events import ConsentSource, ConsentStatus
from smskit.consent.keywords import KeywordMatch, classify_reply, default_keywords
from smskit.consent.ledger import ConsentLedger, InboundResult, RevocationPolicy
from smskit.store.database import Store

t = Translator("consent")

DEMO_PHONE = "+14155550100"
DEMO_SCOPE = "Acme"
SAMPLE_BODY = "Acme: 20% off all week with code SPRING. Reply STOP to opt out."
DEMO_PROGRAM = Program("Acme", "Up to 4 msgs/month", "acme.example/help")
# Recipients around the world (fictional or documentation-range numbers), label -> number.
WORLD = {
    "New York": "+12125550123",
    "Miami (FL)": "+13055550100",
    "Los Angeles": "+12135550100",
    "London": "+447400123456",
    "Paris": "+33612345678",
    "Berlin": "+4915123456789",
    "Dubai": "+971501234567",
    "Mumbai": "+919876543210",
    "Jakarta": "+6281234567890",
    "Sydney": "+61412345678",
    "São Paulo": "+5511987654321",
    "Mexico City": "+525512345678",
}


class DoubleOptInDemo(W.VBox):
    """A simulated conversation: web-form sign-up, the YES confirmation, STOP, START, HELP."""

    consent = traitlets.Instance(ConsentStatus, help="The demo contact's current consent status")
    last = traitlets.Instance(InboundResult, allow_none=True, help="The last inbound result")

    def __init__(self, ledger: ConsentLedger, **kwargs: object) -> None:
        self.ledger = ledger
        self.turns: list[tuple[str, str]] = []
        self.title = W.HTML()
        self.policy = W.ToggleButtons(options=[("review", "review"), ("apply", "apply")])
        self.policy.add_class("smskit-revocation-policy")
        self.method = W.Dropdown(
            options=[], layout=W.Layout(width="auto"), style={"description_width": "initial"}
        )
        self.method.add_class("smskit-consent-method")
        self.sign_up = W.Button(icon="wpforms", layout=W.Layout(width="auto"))
        self.sign_up.add_class("smskit-consent-signup")
        self.reply = W.Text(placeholder="YES / STOP / HELP / START …")
        self.reply.add_class("smskit-consent-reply")
        self.send = W.Button(icon="paper-plane", button_style="primary")
        self.send.add_class("smskit-consent-send")
        self.state = W.HTML()
        self.state.add_class("smskit-consent-state-box")
        self.conversation = W.HTML()
        self.status = StatusLine()
        super().__init__(
            [
                self.title,
                self.policy,
                W.HBox([self.method, self.sign_up]),
                W.HBox([self.reply, self.send]),
                self.state,
                self.conversation,
                self.status,
            ],
            **kwargs,
        )
        self.add_class("smskit-double-opt-in")
        self.consent = ledger.status(DEMO_PHONE, DEMO_SCOPE)
        self.last = None
        self.sign_up.on_click(self._on_sign_up_click)
        self.send.on_click(self._on_send_click)
        self.policy.observe(self._on_policy_change, names="value")
        self.observe(lambda _change: self._refresh(), names=["consent", "last"])
        self._refresh()
        on_language_change(self._refresh)

    @shows_errors
    def _on_sign_up_click(self, _button: W.Button) -> None:
        self.status.clear()
        source = ConsentSource(self.method.value)
        evidence = t("Practice {method}: consent captured", method=self.method.label)
        # The confirmation script in the page's language ("Balas YA…" in Indonesian).
        status, text = self.ledger.request_confirmation(
            DEMO_PHONE, DEMO_SCOPE, source, evidence, "trainer", language=LANGUAGE.lang
        )
        self.turns.append(
            ("note", t("Signed up ({method}): consent pending", method=self.method.label))
        )
        self.turns.append(("out", text))
        self.consent = status

    @shows_errors
    def _on_send_click(self, _button: W.Button) -> None:
        self.status.clear()
        text = self.reply.value
        result = self.ledger.handle_inbound(DEMO_PHONE, DEMO_SCOPE, text)
        self.turns.append(("in", text))
        if result.match.possible_revocation and result.event is not None:
            self.turns.append(
                ("note", t("Possible revocation: {policy}", policy=self.policy.value))
            )
        if result.reply:
            self.turns.append(("out", result.reply))
        self.reply.value = ""
        self.last = result
        self.consent = result.status

    @shows_errors
    def _on_policy_change(self, change: dict) -> None:
        self.ledger.revocation_policy = RevocationPolicy(change["new"])

    def _refresh(self) -> None:
        self.title.value = heading(t("Double opt-in, as a conversation"))
        self.policy.description = t("Revocation in other words")
        policy = self.ledger.revocation_policy.value
        self.policy.options = [  # new options reset the value: put the ledger's policy back
            (t("Queue for review"), "review"),
            (t("Apply automatically"), "apply"),
        ]
        self.policy.value = policy
        current = self.method.value or ConsentSource.WEB_FORM.value
        self.method.options = [
            (t("Web form"), ConsentSource.WEB_FORM.value),
            (t("Automated phone system (IVR)"), ConsentSource.IVR.value),
            (t("Point of sale"), ConsentSource.POINT_OF_SALE.value),
        ]
        self.method.value = current
        self.method.description = t("Opt-in method")
        self.sign_up.description = t("Sign up and ask to confirm")
        self.reply.description = t("Reply")
        self.send.description = t("Send reply")
        self.state.value = render.status_html(self.consent)
        self.conversation.value = render.conversation_html(self.turns)


class KeywordTester(W.VBox):
    """Type a reply and see how it is classified, with every language's keywords."""

    match = traitlets.Instance(KeywordMatch, help="How the typed reply is classified")

    def __init__(self, **kwargs: object) -> None:
        self.title = W.HTML()
        self.reply = W.Text(value="STOP.", continuous_update=True)
        self.reply.add_class("smskit-keyword-input")
        self.result = W.HTML()
        self.status = StatusLine()
        super().__init__([self.title, self.reply, self.result, self.status], **kwargs)
        self.add_class("smskit-keyword-tester")
        self.match = classify_reply(self.reply.value)
        self.reply.observe(self._on_reply_change, names="value")
        self.observe(lambda _change: self._refresh(), names="match")
        self._refresh()
        on_language_change(self._refresh)

    @shows_errors
    def _on_reply_change(self, change: dict) -> None:
        self.match = classify_reply(change["new"])

    def _refresh(self) -> None:
        self.title.value = heading(t("Keyword tester"))
        self.reply.description = t("Inbound reply")
        self.result.value = render.keyword_result_html(self.match, default_keywords())


class QuietHoursPlanner(W.VBox):
    """Pick recipients around the world and see who may be texted now (and over the next day)."""

    windows = traitlets.Tuple(help="RecipientWindows for each selected recipient, in order")

    def __init__(self, at: datetime | None = None, **kwargs: object) -> None:
        self.base = (at or datetime.now(UTC)).replace(second=0, microsecond=0)
        self.places = dict(WORLD)
        self.title = W.HTML()
        self.recipients = W.SelectMultiple(
            options=list(WORLD), value=list(WORLD)[:9], rows=8, layout=W.Layout(width="240px")
        )
        self.recipients.add_class("smskit-quiet-recipients")
        self.number = W.Text(placeholder="+6281234567890", layout=W.Layout(width="240px"))
        self.number.add_class("smskit-quiet-number")
        self.add = W.Button(icon="plus", layout=W.Layout(width="240px"))
        self.add.add_class("smskit-quiet-add")
        self.offset = W.IntSlider(
            value=0,
            min=0,
            max=47,
            continuous_update=False,
            style={"description_width": "initial"},
        )
        self.offset.add_class("smskit-quiet-offset")
        self.table = W.HTML()
        self.chart = W.HTML()
        self.status = StatusLine()
        # Right under the number field and its button: a bad number is said where it was typed.
        self.add_feedback = ActionFeedback("quiet-add")
        self.add_feedback.layout.width = "240px"
        self.zone = ZonePicker(layout=W.Layout(width="420px"))  # the times below are in it
        super().__init__(
            [
                self.title,
                self.zone,
                W.HBox(
                    [
                        W.VBox([self.recipients, self.number, self.add, self.add_feedback]),
                        W.VBox([self.offset, self.table]),
                    ]
                ),
                self.chart,
                self.status,
            ],
            **kwargs,
        )
        self.add_class("smskit-quiet-hours")
        self.recipients.observe(self._on_recipients_change, names="value")
        self.offset.observe(self._on_offset_change, names="value")
        self.add.on_click(self._on_add_click)
        self.observe(lambda _change: self._refresh(), names="windows")
        self._compute()
        on_language_change(self._refresh)
        on_zone_change(self._refresh)

    @property
    def at(self) -> datetime:
        """The moment being examined: now plus the slider's hours."""
        return self.base + timedelta(hours=self.offset.value)

    @shows_errors
    def _on_recipients_change(self, _change: dict) -> None:
        self._compute()

    @shows_errors
    def _on_offset_change(self, _change: dict) -> None:
        self._compute()

    @reports_to("add_feedback")
    def _on_add_click(self, _button: W.Button) -> None:
        self.status.clear()
        (found,) = who_may_be_texted([self.number.value], self.at)  # validates the number
        self.places[found.phone] = found.phone
        selected = [*self.recipients.value, found.phone]
        if found.phone not in self.recipients.options:
            self.recipients.options = [*self.recipients.options, found.phone]  # clears the value
        self.recipients.value = list(dict.fromkeys(selected))
        self.number.value = ""

    def _compute(self) -> None:
        numbers = [self.places[label] for label in self.recipients.value]
        self.windows = who_may_be_texted(numbers, self.at, hours=24)

    def _refresh(self) -> None:
        self.title.value = heading(t("Quiet hours around the world"))
        self.offset.description = t("Hours ahead")
        self.number.description = t("Number")
        self.add.description = t("Add recipient")
        rows = list(zip(self.recipients.value, self.windows, strict=True))
        self.table.value = render.quiet_table_html(rows)
        self.chart.value = render.quiet_chart_svg(rows, self.at, 24) if rows else ""


class PreflightChecker(W.VBox):
    """Plan one message to one recipient and see every compliance finding and the next send time."""

    result = traitlets.Instance(Preflight, allow_none=True, help="The last preflight result")

    def __init__(self, ledger: ConsentLedger, at: datetime | None = None, **kwargs: object) -> None:
        self.ledger = ledger
        self.at = at
        self.title = W.HTML()
        self.body = W.Textarea(value=SAMPLE_BODY, layout=W.Layout(width="100%", height="70px"))
        self.body.add_class("smskit-preflight-body")
        self.to = W.Dropdown(options=[(f"Demo contact ({DEMO_PHONE})", DEMO_PHONE)])
        self.to.add_class("smskit-preflight-to")
        self.purpose = W.ToggleButtons(options=[])
        self.sender = W.Dropdown(options=[])
        self.first = W.Checkbox(value=True, indent=False)
        self.check = W.Button(icon="check", button_style="primary")
        self.check.add_class("smskit-preflight-check")
        self.findings = W.HTML()
        self.status = StatusLine()
        super().__init__(
            [
                self.title,
                self.body,
                W.HBox([self.to, self.sender]),
                W.HBox([self.purpose, self.first, self.check]),
                self.findings,
                self.status,
            ],
            **kwargs,
        )
        self.add_class("smskit-preflight")
        self.result = None
        self.check.on_click(self._on_check_click)
        self.observe(lambda _change: self._refresh(), names="result")
        self._refresh()
        on_language_change(self._refresh)

    @shows_errors
    def _on_check_click(self, _button: W.Button) -> None:
        self.status.clear()
        message = PlannedMessage(
            self.body.value,
            purpose=Purpose(self.purpose.value),
            sender_type=self.sender.value,
            sender_country="US",
            first_message=self.first.value,
        )
        self.result = preflight_for(self.ledger, message, self.to.value, DEMO_SCOPE, at=self.at)

    def _refresh(self) -> None:
        self.title.value = heading(t("Compliance preflight"))
        self.to.description = t("To")
        self.to.options = [(t("Demo contact ({phone})", phone=DEMO_PHONE), DEMO_PHONE)] + [
            (label, number) for label, number in WORLD.items()
        ]
        purpose = self.purpose.value or Purpose.MARKETING.value
        self.purpose.options = [
            (t("Marketing"), Purpose.MARKETING.value),
            (t("Transactional"), Purpose.TRANSACTIONAL.value),
        ]
        self.purpose.value = purpose
        sender = self.sender.value or "long_code"
        self.sender.options = [
            (t("US long code"), "long_code"),
            (t("US toll-free"), "toll_free"),
            (t("US short code"), "short_code"),
            (t("Alphanumeric ID"), "alphanumeric"),
        ]
        self.sender.value = sender
        self.sender.description = t("From")
        self.first.description = t("First message to this contact")
        self.check.description = t("Check")
        if self.result is None:
            self.findings.value = ""
            return
        when = self.result.next_allowed_at
        nxt = (
            t("Next allowed send time: {time}", time=shown(when))
            if when
            else t("Cannot be scheduled until the blocking findings are fixed")
        )
        self.findings.value = (
            render.findings_html(self.result)
            + f"<p class='smskit-preflight-next'>{html.escape(nxt)}</p>"
        )


class ConsentExplainer(W.VBox):
    """The whole fifth dashboard: a practice sandbox, and the real consent records."""

    def __init__(
        self, store: Store | None = None, practice: Store | None = None, **kwargs: object
    ) -> None:
        # The real records: the same store (and ledger) the Campaign Sender and the worker use.
        self.store = store or Store.open()
        # Practice never touches them: its own in-memory ledger, clearly labelled.
        self.practice_ledger = ConsentLedger(
            practice or Store.open("sqlite://"), program=DEMO_PROGRAM
        )
        self.ledger = self.practice_ledger
        self.header = DashboardHeader("Consent & Compliance", t)
        self.lesson = Lesson("consent")
        self.practice_title = W.HTML()
        self.practice_title.add_class("smskit-practice-title")
        self.demo = DoubleOptInDemo(self.practice_ledger)
        self.keywords = KeywordTester()
        self.quiet_hours = QuietHoursPlanner()
        self.preflight = PreflightChecker(self.practice_ledger)
        self.practice_inspector = ConsentInspector(
            scope=DEMO_SCOPE, phone=DEMO_PHONE, ledger=self.practice_ledger
        )
        self.practice = W.VBox(
            [
                self.practice_title,
                self.demo,
                self.keywords,
                self.quiet_hours,
                self.preflight,
                self.practice_inspector,
            ]
        )
        self.practice.add_class("smskit-practice")
        self.records_title = W.HTML()
        self.records_title.add_class("smskit-records-title")
        scopes = self.store.consent_scopes()
        self.inspector = ConsentInspector(
            scope=scopes[0] if scopes else "", ledger=ConsentLedger(self.store)
        )
        self.inspector.add_class("smskit-real-inspector")
        super().__init__(
            [self.header, self.lesson, self.records_title, self.inspector, self.practice],
            **kwargs,
        )
        self.add_class("smskit-consent-dashboard")
        # The practice inspector follows the practice conversation.
        self.demo.observe(self._on_demo_consent, names="consent")
        self._refresh()
        on_language_change(self._refresh)

    @shows_errors
    def _on_demo_consent(self, _change: dict) -> None:
        self.practice_inspector.inspect(DEMO_PHONE)

    def _refresh(self) -> None:
        self.records_title.value = heading(t("Your contacts' consent (the real records)"), 3) + (
            "<p>"
            + html.escape(
                t(
                    "Look up any number: every opt-in, opt-out and reply recorded by campaigns, "
                    "imports and webhooks, in order."
                )
            )
            + "</p>"
        )
        self.practice_title.value = heading(t("Practice mode"), 3) + (
            "<p class='smskit-practice-note'>"
            + html.escape(
                t("A sandbox for learning: nothing you do here touches your real contacts.")
            )
            + "</p>"
        )
