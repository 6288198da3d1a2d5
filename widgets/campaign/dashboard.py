"""Campaign Sender: upload a list, write the message, see who gets it and why not, then send.

Two tabs. *New campaign*: five steps for non-technical staff, 1 Audience, 2 Compose, 3 Sender,
4 Preflight, 5 Confirm and send. *Campaigns*: every campaign with its progress, results and
controls (:mod:`smskit_widgets.campaign.campaigns`). Every decision is made in ``smskit`` (plan,
compliance, pacing, exactly-once sending); this module turns widget values into arguments and
renders the answers.

The page never sends a campaign: *Send* confirms it in the store (:func:`smskit.sending.control.
confirm`) and the sending worker (``smskit worker``, started by ``smskit serve``) sends it, so a
closed tab or a restarted kernel never stops a send. A background ticker reads the progress from
the store about once a second, and the Campaigns table every few seconds. A test message to
yourself is still sent from the page, through the provider the worker uses
(:func:`smskit.deployment.default_provider`: a Twilio account if set up, else the simulator).
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from typing import Any

import ipywidgets as W
import traitlets
from smskit_widgets.campaign import campaigns_render as CR
from smskit_widgets.campaign import render as R
from smskit_widgets.campaign.campaigns import CampaignsView
from smskit_widgets.campaign.contacts import SavedContacts
from smskit_widgets.campaign.send import SendAndWatch
from smskit_widgets.common.i18n import Translator, on_language_change
from smskit_widgets.common.layout import DashboardHeader, Lesson
from smskit_widgets.common.status import StatusLine, shows_errors

from smskit.campaign.audience import (
    consent_rows,
    file_columns,
    recipients_from_import,
    recipients_from_store,
    save_upload,
)
from smskit.campaign.compose import compose_preview, sender_advice
from smskit.campaign.model import kind_for_address
from smskit.campaign.planner import SENDER_KINDS, Campaign, Sender, plan
from smskit.campaign.storage import save_plan, unreachable_numbers
from smskit.consent.history import import_consent
from smskit.consent.ledger import ConsentLedger
from smskit.contacts.importer import import_contacts
from smskit.contacts.saved import save_imported
from smskit.senders.price_table import PriceTable
from smskit.sending.control import delete_draft
from smskit.sending.support import dry_run
from smskit.store.database import Store

t = Translator("campaign")
NONE = "__none__"
TEST_SENDER = "+15005550006"  # Twilio's (and the simulator's) valid test From number
AUTO = "__auto__"  # the country column option "find it in the file"


def _tag(css: str, widget: Any) -> Any:
    """Give a child a stable ``smskit-campaign-<css>`` class for the browser tests."""
    widget.add_class(f"smskit-campaign-{css}")
    return widget


def _step(cls: str, title: W.HTML, *children: W.Widget) -> W.VBox:
    box = W.VBox([title, *children], layout=W.Layout(margin="8px 0", padding="4px 0"))
    box.add_class("smskit-campaign-step")
    box.add_class(cls)
    return box


class CampaignSender(SendAndWatch, W.VBox):
    """The Campaign Sender dashboard."""

    audience = traitlets.List(
        help="The recipients (smskit.campaign.planner.Recipient) of the campaign"
    )
    preview = traitlets.Any(None, allow_none=True, help="ComposePreview of the current template")
    plan = traitlets.Any(None, allow_none=True, help="The CampaignPlan from the last preflight")
    campaign_id = traitlets.Unicode("", help="Id of the stored plan being sent")
    progress = traitlets.Any(
        None, allow_none=True, help="Latest smskit Progress of the campaign sent from this page"
    )
    workers = traitlets.List(help="Sending workers alive now (smskit.sending.worker.WorkerInfo)")
    poll_seconds = traitlets.Float(
        1.0, help="Seconds between reads of the store by the background ticker (0: no ticker)"
    )

    def __init__(
        self,
        store: Store | None = None,
        provider: Any = None,
        prices: PriceTable | None = None,
        **kwargs: Any,
    ) -> None:
        self.store = store or Store.open()
        self.prices = prices  # e.g. a user's price CSV merged over the defaults; None: data/
        self.ledger = ConsentLedger(self.store)
        self._provider = provider
        self._path: Any = None
        self._imported: Any = None
        self._lock = threading.RLock()  # the ticker thread and button clicks
        self._closed = threading.Event()
        self._ticker: threading.Thread | None = None
        self._watching = ""  # the campaign confirmed here, while its progress is followed
        self._ended_at: float | None = None
        self._checked = False  # workers read at least once
        self._last_status = ""  # the watched campaign's status last announced
        self.header = DashboardHeader("Campaign Sender", t)
        self.lesson = Lesson("campaign")
        self.status = _tag("status", StatusLine())
        self.worker_warning = _tag("worker", W.HTML())
        titles = [W.HTML() for _ in range(5)]
        self._titles = titles
        wide = {
            "layout": W.Layout(width="420px", max_width="100%"),
            "style": {"description_width": "150px"},
        }
        full = W.Layout(width="640px", max_width="100%")
        # 1 Audience
        self.upload = _tag("upload", W.FileUpload(accept=".csv,.xlsx", multiple=False))
        self.saved = _tag("saved", W.Button(icon="address-book", layout=W.Layout(width="auto")))
        self.region = _tag("region", W.Text(value="US", **wide))
        self.phone_column = _tag("phone-column", W.Dropdown(options=[], **wide))
        self.consent_column = _tag("consent-column", W.Dropdown(options=[], **wide))
        # A country column beats the default country: "55 1234 5678" is Mexican in a row that says
        # MX, and would be a stranger's US number read with the default.
        self.country_column = _tag(
            "country-column", W.Dropdown(options=[(t("(find it in the file)"), AUTO)], **wide)
        )
        self.import_button = _tag(
            "import-button", W.Button(button_style="primary", layout=W.Layout(width="auto"))
        )
        self.import_report = W.HTML()
        self.contacts = SavedContacts(self.store)  # find, edit and export what imports saved
        self.contacts_box = W.Accordion(children=[self.contacts], selected_index=None)
        # 2 Compose
        self.template = _tag(
            "template", W.Textarea(layout=W.Layout(width="640px", max_width="100%", height="90px"))
        )
        self.smart_encoding = _tag("smart", W.Checkbox(value=False, indent=False))
        self.preview_html = W.HTML()
        # 3 Sender
        self.sender_kind = _tag(
            "sender-kind", W.Dropdown(options=list(SENDER_KINDS), value="long_code", **wide)
        )
        # Free text, with the account's own numbers (bought in Provider Setup) offered as options.
        self.sender_address = _tag(
            "sender-address",
            W.Combobox(value=TEST_SENDER, options=[TEST_SENDER], ensure_option=False, **wide),
        )
        self.purpose = _tag(
            "purpose", W.ToggleButtons(options=[("", "marketing"), ("", "transactional")])
        )
        self.send_at = _tag("send-at", W.Text(value="", placeholder="2026-12-01 09:00", **wide))
        self.advice = W.HTML()
        # 4 Preflight
        self.preflight_button = _tag(
            "preflight-button", W.Button(button_style="primary", layout=W.Layout(width="auto"))
        )
        self.preflight_html = W.HTML()
        # 5 Confirm and send: Send confirms in the store; the worker sends; this page watches.
        self.confirm = _tag("confirm", W.HTML())
        self.dry_run_html = W.HTML()
        self.test_number = _tag("test-number", W.Text(value="", placeholder="+14155550100", **wide))
        self.test_button = _tag(
            "test-button", W.Button(icon="paper-plane", layout=W.Layout(width="auto"))
        )
        self.send_button = _tag(
            "send-button",
            W.Button(
                button_style="danger", icon="send", disabled=True, layout=W.Layout(width="auto")
            ),
        )
        self.pause_button = _tag(
            "pause-button", W.Button(icon="pause", disabled=True, layout=W.Layout(width="auto"))
        )
        self.resume_button = _tag(
            "resume-button", W.Button(icon="play", disabled=True, layout=W.Layout(width="auto"))
        )
        self.cancel_button = _tag(
            "cancel-button", W.Button(icon="stop", disabled=True, layout=W.Layout(width="auto"))
        )
        self.progress_bar = _tag(
            "progress-bar", W.IntProgress(value=0, min=0, max=100, layout=full)
        )
        self.progress_html = W.HTML()
        self.send_notice = W.HTML()
        self.results_button = _tag(
            "results-button", W.Button(icon="table", disabled=True, layout=W.Layout(width="auto"))
        )
        # Campaigns: every campaign, its progress, results and controls
        self.campaigns = CampaignsView(self.store, self.status, ledger=self.ledger)
        self.inspector = self.campaigns.inspector  # why was a number blocked or opted out?
        self.new_campaign = W.VBox(
            [
                _step(
                    "smskit-campaign-step-audience",
                    titles[0],
                    W.HBox([self.upload, self.saved], layout=W.Layout(flex_flow="row wrap")),
                    self.region,
                    self.phone_column,
                    self.consent_column,
                    self.country_column,
                    self.import_button,
                    self.import_report,
                    self.contacts_box,
                ),
                _step(
                    "smskit-campaign-step-compose",
                    titles[1],
                    self.template,
                    self.smart_encoding,
                    self.preview_html,
                ),
                _step(
                    "smskit-campaign-step-sender",
                    titles[2],
                    self.sender_kind,
                    self.sender_address,
                    self.purpose,
                    self.send_at,
                    self.advice,
                ),
                _step(
                    "smskit-campaign-step-preflight",
                    titles[3],
                    self.preflight_button,
                    self.preflight_html,
                ),
                _step(
                    "smskit-campaign-step-send",
                    titles[4],
                    self.confirm,
                    self.dry_run_html,
                    W.HBox(
                        [self.test_number, self.test_button], layout=W.Layout(flex_flow="row wrap")
                    ),
                    W.HBox(
                        [
                            self.send_button,
                            self.pause_button,
                            self.resume_button,
                            self.cancel_button,
                        ],
                        layout=W.Layout(flex_flow="row wrap"),
                    ),
                    self.progress_bar,
                    self.progress_html,
                    self.send_notice,
                    W.HBox([self.results_button]),
                ),
            ]
        )
        self.tabs = _tag("tabs", W.Tab(children=[self.new_campaign, self.campaigns]))
        super().__init__(
            [self.header, self.lesson, self.status, self.worker_warning, self.tabs], **kwargs
        )
        self.add_class("smskit-campaign")
        self.upload.observe(self._on_upload_change, names="value")
        self.saved.on_click(self._on_saved_click)
        self.import_button.on_click(self._on_import_button_click)
        self.template.observe(self._on_template_change, names="value")
        self.smart_encoding.observe(self._on_template_change, names="value")
        self.purpose.observe(self._on_purpose_change, names="value")
        self.sender_address.observe(self._on_sender_address_change, names="value")
        self.preflight_button.on_click(self._on_preflight_button_click)
        self.test_button.on_click(self._on_test_button_click)
        self.send_button.on_click(self._on_send_button_click)
        self.pause_button.on_click(self._on_pause_button_click)
        self.resume_button.on_click(self._on_resume_button_click)
        self.cancel_button.on_click(self._on_cancel_button_click)
        self.results_button.on_click(self._on_results_button_click)
        self.tabs.observe(self._on_tabs_change, names="selected_index")
        self.observe(self._on_progress_change, names="progress")
        self._refresh()
        on_language_change(self._refresh)
        self._open()

    # -- provider ------------------------------------------------------------------------------

    @property
    def provider(self) -> Any:
        """Where a test message goes: the provider given, else the one the worker sends through."""
        if self._provider is None:
            from smskit.deployment import default_provider

            self._provider = default_provider()
        return self._provider

    # -- 1 Audience ----------------------------------------------------------------------------

    @shows_errors
    def _on_upload_change(self, _change: dict[str, Any]) -> None:
        files = list(self.upload.value)
        if not files:
            return
        item = files[0]
        self._path = save_upload(item["name"], bytes(item["content"]))
        found = file_columns(self._path)
        self.phone_column.options = list(found.columns)
        self.phone_column.value = found.phone or (found.columns[0] if found.columns else None)
        # Every option a (label, value) pair: ipywidgets reads a mixed list as one odd option.
        columns = [(column, column) for column in found.columns]
        self.consent_column.options = [(t("(no consent column)"), NONE), *columns]
        self.consent_column.value = found.consent or NONE
        self.country_column.options = [(t("(find it in the file)"), AUTO), *columns]
        self.country_column.value = AUTO
        if found.phone is None:
            self.status.show(
                t(
                    "No column looks like phone numbers: "
                    "choose the phone column, then press Import."
                ),
                "error",
            )
        else:
            self.status.show(t("Check the columns, then press Import."))

    @shows_errors
    def _on_import_button_click(self, _button: W.Button) -> None:
        if self._path is None:
            raise ValueError(t("Upload a CSV or XLSX file first"))
        consent = self.consent_column.value
        self._imported = import_contacts(
            self._path,
            self.region.value.strip() or None,
            phone_column=self.phone_column.value,
            consent_columns=[consent] if consent and consent != NONE else [],
            region_column=None if self.country_column.value == AUTO else self.country_column.value,
        )
        self.audience = recipients_from_import(self._imported)
        saved = save_imported(self.store, self._imported)  # "Use saved contacts" finds them again
        self.import_report.value = R.import_report_html(self._imported.report, len(self.audience))
        self.status.show(
            t(
                "{n} recipients loaded; {saved} contacts saved for later.",
                n=len(self.audience),
                saved=saved,
            ),
            "ok",
        )

    def load_senders(self) -> None:
        """Offer the account's SMS numbers (bought in Provider Setup) and Messaging Services."""
        numbers = [n.phone_number for n in self.provider.my_numbers() if n.sms]
        services = [s.sid for s in self.provider.messaging_services()]
        self.sender_address.options = list(dict.fromkeys([*numbers, *services, TEST_SENDER]))
        if self.sender_address.value == TEST_SENDER and numbers:
            self.sender_address.value = numbers[0]

    def _on_sender_address_change(self, change: dict[str, Any]) -> None:
        self.sender_kind.value = kind_for_address(change["new"], self.sender_kind.value)

    @shows_errors
    def _on_saved_click(self, _button: W.Button) -> None:
        self._imported = None
        self.audience = recipients_from_store(self.store)
        self.import_report.value = ""
        self.status.show(t("{n} saved contacts loaded.", n=len(self.audience)), "ok")

    @traitlets.observe("audience")
    def _on_audience_change(self, _change: dict[str, Any]) -> None:
        self._compose()

    # -- 2 Compose and 3 Sender ----------------------------------------------------------------

    def _on_template_change(self, _change: dict[str, Any]) -> None:
        self._compose()

    def _on_purpose_change(self, _change: dict[str, Any]) -> None:
        self._compose()

    @shows_errors
    def _compose(self) -> None:
        if not self.template.value.strip():
            self.preview_html.value = ""
            return
        self.preview = compose_preview(
            self.template.value, self.audience, smart_encoding=self.smart_encoding.value
        )
        self.preview_html.value = R.preview_html(self.preview)
        countries = [r.number.region for r in self.audience[:5000] if r.number is not None]
        segments = max(1, round(self.preview.segments / max(len(self.audience), 1)))
        advice = sender_advice(countries, len(self.audience), segments, self.purpose.value)
        self.advice.value = R.advice_html(advice)

    # -- 4 Preflight ---------------------------------------------------------------------------

    def _campaign(self) -> Campaign:
        when = self.send_at.value.strip()
        at = datetime.fromisoformat(when).replace(tzinfo=UTC) if when else None
        sender = Sender(self.sender_kind.value, self.sender_address.value.strip())
        name = t("Campaign of {date}", date=datetime.now(UTC).strftime("%Y-%m-%d %H:%M"))
        return Campaign(
            name,
            self.template.value,
            sender,
            send_at=at,
            smart_encoding=self.smart_encoding.value,
            default_region=self.region.value.strip() or "US",
            purpose=self.purpose.value,
        )

    @shows_errors
    def _on_preflight_button_click(self, _button: W.Button) -> None:
        if not self.audience:
            raise ValueError(t("Load an audience first (step 1)"))
        campaign = self._campaign()
        if self._imported is not None:
            import_consent(self.ledger, consent_rows(self._imported), campaign.consent_scope)
        self.plan = plan(
            campaign,
            self.audience,
            consent=self.ledger,
            unreachable=unreachable_numbers(self.store),
            prices=self.prices,
            history=self.store,  # earlier sends: frequency caps (2 broadcasts per 7 days)
        )
        previous, self.campaign_id = self.campaign_id, save_plan(self.store, self.plan)
        if previous and previous != self.campaign_id:
            delete_draft(self.store, previous)  # superseded here; a confirmed one is never deleted
        self.inspector.scope.value = campaign.consent_scope
        self.preflight_html.value = R.preflight_html(self.plan)
        self.confirm.value = f"<b>{R.confirm_text(self.plan.totals)}</b>"
        # A dry run comes first, every time a plan is made: nothing is sent.
        rate = campaign.sender.throughput
        self.dry_run_html.value = R.dry_run_html(
            dry_run(self.store, self.campaign_id, rate, record_run=True)
        )
        with self._lock:  # not while the ticker reads the campaign watched until now
            self._stop_watching()
            self.progress = None
        self.progress_bar.value = 0
        self.progress_html.value = self.send_notice.value = ""
        for control in (self.pause_button, self.resume_button, self.cancel_button):
            control.disabled = True
        self.results_button.disabled = True
        self.send_button.disabled = self.plan.totals.sendable == 0
        self.campaigns.reload()
        self.status.show(t("Preflight done. Check the numbers, then send."), "ok")

    # -- labels --------------------------------------------------------------------------------

    def _refresh(self) -> None:
        names = [
            t("1. Audience"),
            t("2. Compose"),
            t("3. Sender"),
            t("4. Preflight"),
            t("5. Confirm and send"),
        ]
        for title, name in zip(self._titles, names, strict=True):
            title.value = f"<h3 class='smskit-campaign-step-title'>{R.e(name)}</h3>"
        self.tabs.titles = (t("New campaign"), t("Campaigns"))
        self.upload.description = t("Upload CSV/XLSX")
        self.saved.description = t("Use saved contacts")
        self.contacts_box.titles = (t("Saved contacts: find, edit, export"),)
        self.region.description = t("Default country")
        self.phone_column.description = t("Phone column")
        self.consent_column.description = t("Consent column")
        self.country_column.description = t("Country column")
        self.import_button.description = t("Import")
        self.template.placeholder = t("Hi {first_name|there}, ... Reply STOP to opt out.")
        self.smart_encoding.description = t("Smart encoding (swap curly quotes etc. for GSM-7)")
        self.sender_kind.description = t("Sender type")
        self.sender_address.description = t("Number, ID or service")
        chosen = self.purpose.value
        self.purpose.options = [
            (t("Marketing"), "marketing"),
            (t("Transactional"), "transactional"),
        ]
        self.purpose.value = chosen or "marketing"
        self.send_at.description = t("Send at (UTC)")
        self.preflight_button.description = t("Run preflight")
        self.test_number.description = t("My number")
        self.test_button.description = t("Send a test to myself")
        self.send_button.description = t("Send")
        self.pause_button.description = t("Pause")
        self.resume_button.description = t("Send the rest")
        self.cancel_button.description = t("Cancel")
        self.results_button.description = t("See the results under Campaigns")
        self.worker_warning.value = (
            CR.worker_warning_html(len(self.workers)) if self._checked else ""
        )
        if self.plan is not None:
            self.preflight_html.value = R.preflight_html(self.plan)
            self.confirm.value = f"<b>{R.confirm_text(self.plan.totals)}</b>"
        if self.preview is not None:
            self.preview_html.value = R.preview_html(self.preview)
        if self.progress is not None:
            self.progress_html.value = R.progress_html(self.progress)
        if self.progress is not None and self.send_notice.value:
            self.send_notice.value = CR.send_notice_html(
                self.progress.campaign_status, self.progress.campaign_id
            )
