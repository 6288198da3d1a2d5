"""The Encoding Visualizer: type a message and see how it is encoded, split and billed, live.

Every number comes from smskit (``analyze``, ``back_to_gsm7``, ``send_cost``); this module only
turns widget values into arguments and renders the results (``widgets/encoding/render.py``).
"""

from __future__ import annotations

from decimal import Decimal

import ipywidgets as W
import traitlets
from smskit_widgets.common.feedback import ActionFeedback, reports_to
from smskit_widgets.common.html import heading
from smskit_widgets.common.i18n import Translator, on_language_change
from smskit_widgets.common.layout import DashboardHeader, Lesson
from smskit_widgets.common.status import StatusLine, shows_errors
from smskit_widgets.encoding import render

from smskit.encoding.advice import (
    GsmAdvice,
    Replacement,
    SendCost,
    advise,
    apply_replacement,
    back_to_gsm7,
    send_cost,
)
from smskit.encoding.segments import Analysis, analyze

t = Translator("encoding")

_APPOINTMENT = (
    "Hi Anna, your appointment at City Dental is confirmed for Monday 3 June at 10:30. "
    "Reply C to cancel or call 0800 123 456. See you soon, Dr Smith & all the team!"
)
# Example messages (issue 2 §3): label msgid -> text. Tests check each claim in its label.
EXAMPLES: tuple[tuple[str, str], ...] = (
    ("Exactly 160 characters (1 segment)", _APPOINTMENT),
    ("161 characters (2 segments)", _APPOINTMENT[:-1] + "s!"),
    ("One emoji", "Happy birthday Anna! Enjoy 20% off your next order with code BDAY20 🎉"),
    (
        "One curly quote",
        "Don’t miss our summer sale: everything 30% off until Sunday. Reply STOP to opt out.",
    ),
    (
        "€ sign at a segment boundary",
        "Hi Anna, your table for 4 at Luigi's is booked for Friday at 19:30. Show this text on "
        "arrival for a free dessert with any main course (worth up to just €8). "
        "Book again at luigis.example",
    ),
    (
        "Indonesian",
        "Halo Budi, pesanan Anda #12345 sudah dikirim dan akan tiba besok. "
        "Terima kasih telah berbelanja di Toko Kami!",
    ),
    (
        "Spanish",
        "¡Hola María! Tu pedido está en camino y llegará el miércoles. ¿Preguntas? Llámanos.",
    ),
    (
        "Turkish",
        "Sayın müşterimiz, siparişiniz yola çıktı. Teşekkür ederiz, iyi günler dileriz!",
    ),
    ("Chinese", "您好，您的订单已发货，预计明天送达。感谢您的惠顾！"),
)
SHIFT_OPTIONS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Off", ()),
    ("Turkish", ("turkish",)),
    ("Spanish", ("spanish",)),
    ("Portuguese", ("portuguese",)),
    ("Turkish, Spanish and Portuguese", ("turkish", "spanish", "portuguese")),
)
DEFAULT_PRICE = Decimal("0.0083")  # Twilio US SMS per segment (business-sms-facts.md, pricing)
CURRENCY = "USD"  # the currency of DEFAULT_PRICE


class EncodingVisualizer(W.VBox):
    """Live encoding, segments, septets, Smart Encoding, shift tables, advice and cost."""

    result = traitlets.Instance(Analysis, allow_none=True, help="The analysis of the current text")
    advice = traitlets.Instance(GsmAdvice, allow_none=True, help="Back-to-GSM-7 suggestions for it")
    cost = traitlets.Instance(SendCost, allow_none=True, help="What sending it to everyone costs")

    def __init__(self, text: str = "", **kwargs: object) -> None:
        self.header = DashboardHeader("Encoding Visualizer", t)
        self.lesson = Lesson("encoding")
        self.lesson_box = W.Accordion(children=[self.lesson], selected_index=None)
        self.examples = W.Dropdown(
            layout=W.Layout(width="480px"), style={"description_width": "initial"}
        )
        self.examples.add_class("smskit-examples")
        self.editor = W.Textarea(
            value=text, rows=5, continuous_update=True, layout=W.Layout(width="100%")
        )
        self.editor.add_class("smskit-editor")
        self.smart = W.Checkbox(value=False, indent=False, layout=W.Layout(width="auto"))
        self.smart.add_class("smskit-smart-toggle")
        self.shift = W.Dropdown(
            layout=W.Layout(width="420px"), style={"description_width": "initial"}
        )
        self.shift.add_class("smskit-shift")
        self.readout = W.HTML()
        self.characters = W.HTML()
        self.characters.add_class("smskit-characters")
        self.bars = W.HTML()
        self.septets = W.HTML()
        self.septets_box = W.Accordion(children=[self.septets], selected_index=None)
        self.substitutions = W.HTML()
        self.advice_title = W.HTML()
        self.advice_summary = W.HTML()
        self.advice_rows = W.VBox()
        self.advice_rows.add_class("smskit-advice")
        self.apply_all = W.Button(icon="magic", layout=W.Layout(width="auto"))
        self.apply_all.add_class("smskit-apply-all")
        # Plain (unbounded) inputs: a negative number is refused in words beside the field,
        # never silently turned into 0.
        self.recipients = W.IntText(
            value=1000, layout=W.Layout(width="300px"), style={"description_width": "initial"}
        )
        self.recipients.add_class("smskit-recipients")
        self.price = W.FloatText(
            value=float(DEFAULT_PRICE),
            step=0.0001,
            layout=W.Layout(width="300px"),
            style={"description_width": "initial"},
        )
        self.price.add_class("smskit-price")
        self.cost_view = W.HTML()
        self.cost_feedback = ActionFeedback("cost")
        self.status = StatusLine()
        super().__init__(
            [
                self.header,
                self.lesson_box,
                self.examples,
                self.editor,
                W.HBox([self.smart, self.shift]),
                self.readout,
                self.characters,
                self.bars,
                self.substitutions,
                self.septets_box,
                self.advice_title,
                self.advice_summary,
                self.advice_rows,
                self.apply_all,
                W.HBox([self.recipients, self.price]),
                self.cost_feedback,
                self.cost_view,
                self.status,
            ],
            **kwargs,
        )
        self.add_class("smskit-encoding-visualizer")
        self._relabel()
        self.examples.observe(self._on_examples_change, names="value")
        self.editor.observe(self._on_editor_change, names="value")
        self.smart.observe(self._on_smart_change, names="value")
        self.shift.observe(self._on_shift_change, names="value")
        self.recipients.observe(self._on_recipients_change, names="value")
        self.price.observe(self._on_price_change, names="value")
        self.apply_all.on_click(self._on_apply_all_click)
        on_language_change(self._on_language_change)
        self._refresh()

    # --- labels (re-rendered when the language changes) ---

    def _relabel(self) -> None:
        current_example = self.examples.value
        self.examples.options = [(t("Pick an example message…"), "")] + [
            (t(label), text) for label, text in EXAMPLES
        ]
        self.examples.value = current_example if current_example in dict(EXAMPLES).values() else ""
        self.examples.description = t("Examples")
        self.editor.placeholder = t("Type or paste a message")
        self.smart.description = t("Smart Encoding (replace look-alike characters, as Twilio does)")
        current_shift = self.shift.value or ()
        self.shift.options = [(t(label), value) for label, value in SHIFT_OPTIONS]
        self.shift.value = current_shift
        self.shift.description = t("National shift table")
        self.lesson_box.set_title(0, t("Why 160, 153, 70 and 67?"))
        self.septets_box.set_title(0, t("Septet / hex view of each segment (with the UDH)"))
        self.apply_all.description = t("Apply all suggestions")
        self.recipients.description = t("Recipients")
        self.price.description = t("Price per segment ({currency})", currency=CURRENCY)

    @shows_errors
    def _on_language_change(self) -> None:
        self._relabel()
        self._refresh()

    # --- handlers: widget values -> one smskit call -> render ---

    @shows_errors
    def _on_examples_change(self, change: dict[str, object]) -> None:
        if change["new"]:
            self.editor.value = change["new"]

    @shows_errors
    def _on_editor_change(self, _change: dict[str, object]) -> None:
        self._refresh()

    @shows_errors
    def _on_smart_change(self, _change: dict[str, object]) -> None:
        self._refresh()

    @shows_errors
    def _on_shift_change(self, _change: dict[str, object]) -> None:
        self._refresh()

    def _on_recipients_change(self, _change: dict[str, object]) -> None:
        self._refresh_cost()

    def _on_price_change(self, _change: dict[str, object]) -> None:
        self._refresh_cost()

    @shows_errors
    def _on_apply_all_click(self, _button: W.Button) -> None:
        if self.advice is not None and self.advice.replacements:
            self.editor.value = self.advice.suggested_text

    def _apply_one(self, replacement: Replacement) -> None:
        # No GSM-7 equivalent (an emoji): the click removes the character.
        self.editor.value = apply_replacement(
            self.editor.value, replacement.character, replacement.replacement or ""
        )

    # --- the one refresh ---

    @shows_errors
    def _refresh(self) -> None:
        self.status.clear()
        self.result = analyze(
            self.editor.value, smart_encoding=self.smart.value, shift_tables=self.shift.value or ()
        )
        # Advice is about the plain message: a shift table needs handset support, so without it.
        if self.result.shift is None:
            self.advice = advise(self.result)
        else:
            self.advice = back_to_gsm7(self.editor.value, smart_encoding=self.smart.value)
        view = render.render_all(self.result, t)
        self.readout.value = view.readout
        self.characters.value = view.characters
        self.bars.value = view.bars
        self.septets.value = view.septets
        self.substitutions.value = view.substitutions
        self._render_advice(self.advice)
        self._refresh_cost()

    @reports_to("cost_feedback", clears=("cost_view",))
    def _refresh_cost(self) -> None:
        if self.result is None:
            return
        self.cost = None
        segments = self.result.segment_count if self.result.text else 0
        self.cost = send_cost(segments, int(self.recipients.value), Decimal(str(self.price.value)))
        self.cost_view.value = render.render_cost(self.cost, t, CURRENCY)

    def _render_advice(self, advice: GsmAdvice) -> None:
        self.advice_title.value = heading(t("Back to GSM-7"), 4, "margin:8px 0 2px")
        self.advice_summary.value = render.render_advice_summary(advice, t)
        rows = []
        for replacement in advice.replacements:
            label = W.HTML(render.render_replacement(replacement, t))
            if replacement.replacement is None:
                button = W.Button(
                    description=t("Remove"), icon="trash", layout=W.Layout(width="auto")
                )
                button.add_class("smskit-remove-character")
            else:
                button = W.Button(
                    description=t("Apply"), icon="check", layout=W.Layout(width="auto")
                )
                button.add_class("smskit-apply-replacement")
            button.on_click(lambda _b, r=replacement: self._on_replacement_click(r))
            rows.append(W.HBox([label, button]))
        self.advice_rows.children = rows
        self.apply_all.layout.display = (
            "" if any(r.replacement for r in advice.replacements) else "none"
        )

    @shows_errors
    def _on_replacement_click(self, replacement: Replacement) -> None:
        self._apply_one(replacement)
