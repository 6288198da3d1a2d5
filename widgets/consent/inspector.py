"""A reusable consent inspector: look a number up and see its consent timeline (any Store).

The campaign sender reuses it: ``ConsentInspector(store, scope="Acme")``; set ``phone.value`` and
press *Look up* (or call ``inspect(phone)``). The audit trail downloads as formula-safe CSV.
"""

from __future__ import annotations

import base64
import html
import io

import ipywidgets as W
import traitlets
from smskit_widgets.common.html import heading
from smskit_widgets.common.i18n import Translator, on_language_change
from smskit_widgets.common.status import StatusLine, shows_errors
from smskit_widgets.consent import render

from smskit.consent.audit import write_audit_csv
from smskit.consent.events import ConsentStatus
from smskit.consent.ledger import ConsentLedger
from smskit.store.database import Store

t = Translator("consent")


class ConsentInspector(W.VBox):
    """Phone + scope -> the folded status and every event behind it."""

    consent = traitlets.Instance(
        ConsentStatus, allow_none=True, help="The consent status last looked up (None before)"
    )

    def __init__(
        self,
        store: Store | None = None,
        scope: str = "Acme",
        phone: str = "",
        ledger: ConsentLedger | None = None,
        **kwargs: object,
    ) -> None:
        self.ledger = ledger or ConsentLedger(store or Store.open())
        self.title = W.HTML()
        self.phone = W.Text(value=phone, placeholder="+14155550100")
        self.phone.add_class("smskit-inspector-phone")
        self.scope = W.Text(value=scope, style={"description_width": "initial"})
        self.scope.add_class("smskit-inspector-scope")
        self.look_up = W.Button(icon="search", button_style="primary")
        self.look_up.add_class("smskit-inspector-lookup")
        self.timeline = W.HTML()
        self.timeline.add_class("smskit-inspector-timeline")
        self.download = W.HTML()
        self.download.add_class("smskit-inspector-download")
        self.status = StatusLine()
        super().__init__(
            [
                self.title,
                W.HBox([self.phone, self.scope, self.look_up]),
                self.timeline,
                self.download,
                self.status,
            ],
            **kwargs,
        )
        self.add_class("smskit-consent-inspector")
        self.look_up.on_click(self._on_look_up_click)
        self.observe(lambda _change: self._refresh(), names="consent")
        self._refresh()
        on_language_change(self._refresh)
        if phone:
            self.inspect(phone)

    @property
    def store(self) -> Store:
        """The store the inspector reads (shared with the ledger)."""
        return self.ledger.store

    def inspect(self, phone: str) -> None:
        """Look ``phone`` up in the current scope (the same as typing it and pressing Look up)."""
        self.phone.value = phone
        self._on_look_up_click(self.look_up)

    @shows_errors
    def _on_look_up_click(self, _button: W.Button) -> None:
        self.status.clear()
        self.consent = None
        self.consent = self.ledger.status(self.phone.value, self.scope.value.strip())

    def _refresh(self) -> None:
        self.title.value = heading(t("Consent inspector"), 4)
        self.phone.description = t("Number")
        self.scope.description = t("Sender or brand")
        self.look_up.description = t("Look up")
        if self.consent is None:
            self.timeline.value = ""
            self.download.value = ""
            return
        self.timeline.value = render.timeline_html(self.consent)
        buffer = io.StringIO()
        write_audit_csv([self.consent], buffer)
        payload = base64.b64encode(buffer.getvalue().encode("utf-8")).decode("ascii")
        self.download.value = (
            f"<a class='smskit-audit-csv' download='consent-{html.escape(self.consent.phone)}.csv' "
            f"href='data:text/csv;base64,{payload}'>{html.escape(t('Download audit trail (CSV)'))}"
            "</a>"
        )
