"""The guide's first three lessons as widgets: how SMS travels, four channels, why SMS matters.

``LessonsPage()`` is the whole lessons dashboard; each section is also usable on its own:
``JourneyLesson`` (§1), ``ChannelsLesson`` (§2, comparison and SMS-versus-MMS cost calculator) and
``WhySmsLesson`` (§3, the guide's figures as charts).
"""

from __future__ import annotations

from typing import Any

import ipywidgets as W
import traitlets
from smskit_widgets.common.html import heading
from smskit_widgets.common.i18n import Translator, on_language_change
from smskit_widgets.common.layout import DashboardHeader, Lesson
from smskit_widgets.common.status import StatusLine, shows_errors
from smskit_widgets.lessons import render

from smskit.guide.channels import ChannelCost, channels, sms_stats, sms_vs_mms
from smskit.guide.journey import JourneyState, advance, set_recipient_phone, start_journey

t = Translator("lessons")

# A realistic marketing text; the length slider cuts or repeats it.
SAMPLE = (
    "Hi Sam, your order #4821 has shipped and arrives Thursday. Track it at example.com/t/4821. "
    "This weekend only: 20% off everything in store with code WEEKEND20. Reply STOP to opt out. "
)


class JourneyLesson(W.VBox):
    """§1: phone → tower → SMSC → tower → phone, with a switch for the recipient's phone."""

    state = traitlets.Instance(JourneyState, help="Where the message is now")
    history = traitlets.Tuple(help="Every JourneyState since the message was sent")

    def __init__(self, **kwargs: object) -> None:
        self.lesson = Lesson("journey")
        auto = {"layout": W.Layout(width="auto")}  # labels differ in length between languages
        self.phone_off = W.ToggleButton(value=False, icon="power-off", **auto)
        self.next_hop = W.Button(icon="forward", button_style="primary", **auto)
        self.send_again = W.Button(icon="rotate-left", **auto)
        self.diagram = W.HTML()
        self.diagram.add_class("smskit-journey-diagram")
        self.status = StatusLine()
        for widget, css in (
            (self.phone_off, "smskit-phone-off"),
            (self.next_hop, "smskit-next-hop"),
            (self.send_again, "smskit-send-again"),
        ):
            widget.add_class(css)
        super().__init__(
            [
                self.lesson,
                W.HBox([self.next_hop, self.phone_off, self.send_again]),
                self.diagram,
                self.status,
            ],
            **kwargs,
        )
        self.add_class("smskit-journey-lesson")
        self.next_hop.on_click(self._on_next_hop_click)
        self.send_again.on_click(self._on_send_again_click)
        self.phone_off.observe(self._on_phone_off_change, names="value")
        self.observe(lambda _change: self._refresh(), names="state")
        self._restart()
        on_language_change(self._refresh)

    def _restart(self) -> None:
        first = start_journey(recipient_phone_on=not self.phone_off.value)
        self.history = (first,)
        self.state = first

    def _move_to(self, state: JourneyState) -> None:
        self.history = (*self.history, state)
        self.state = state

    @shows_errors
    def _on_next_hop_click(self, _button: W.Button) -> None:
        self._move_to(advance(self.state))

    @shows_errors
    def _on_send_again_click(self, _button: W.Button) -> None:
        self._restart()

    @shows_errors
    def _on_phone_off_change(self, change: dict[str, Any]) -> None:
        self.state = set_recipient_phone(self.state, not change["new"])

    def _refresh(self) -> None:
        self.phone_off.description = t("Recipient's phone is off")
        self.next_hop.description = t("Next hop")
        self.next_hop.disabled = self.state.finished
        self.send_again.description = t("Send again")
        self.diagram.value = render.journey_html(self.state, self.history)


class ChannelsLesson(W.VBox):
    """§2: SMS, MMS, RCS and iMessage side by side, and what a text costs as SMS or as one MMS."""

    cost = traitlets.Instance(ChannelCost, allow_none=True, help="SMS-versus-MMS cost of the text")

    def __init__(self, text: str = SAMPLE, **kwargs: object) -> None:
        self.lesson = Lesson("channels")
        self.comparison = W.HTML()
        self.comparison.add_class("smskit-channel-comparison")
        self.calculator_title = W.HTML()
        self.length = W.IntSlider(value=len(text), min=1, max=1600, step=1, continuous_update=False)
        self.length.add_class("smskit-length")
        self.editor = W.Textarea(value=text, layout=W.Layout(width="100%", height="110px"))
        self.editor.add_class("smskit-cost-editor")
        self.result = W.HTML()
        self.result.add_class("smskit-cost-result")
        self.status = StatusLine()
        super().__init__(
            [
                self.lesson,
                self.comparison,
                self.calculator_title,
                self.length,
                self.editor,
                self.result,
                self.status,
            ],
            **kwargs,
        )
        self.add_class("smskit-channels-lesson")
        self.length.observe(self._on_length_change, names="value")
        self.editor.observe(self._on_editor_change, names="value")
        self.observe(lambda _change: self._refresh(), names="cost")
        self._on_editor_change({"new": text})
        self._refresh()
        on_language_change(self._refresh)

    @shows_errors
    def _on_length_change(self, change: dict[str, Any]) -> None:
        n = int(change["new"])
        if n != len(self.editor.value):
            self.editor.value = (SAMPLE * (n // len(SAMPLE) + 1))[:n]

    @shows_errors
    def _on_editor_change(self, change: dict[str, Any]) -> None:
        self.status.clear()
        self.cost = sms_vs_mms(change["new"])
        if self.length.value != len(change["new"]):
            self.length.value = max(self.length.min, min(self.length.max, len(change["new"])))

    def _refresh(self) -> None:
        self.comparison.value = render.channels_table(channels())
        self.calculator_title.value = heading(t("SMS or MMS: what does this text cost?"), 4)
        self.length.description = t("Length")
        self.result.value = render.cost_html(self.cost) if self.cost else ""


class WhySmsLesson(W.VBox):
    """§3: the guide's reach and engagement figures as charts, each with its source and year."""

    def __init__(self, **kwargs: object) -> None:
        self.lesson = Lesson("why_sms")
        self.charts = W.HTML()
        self.charts.add_class("smskit-why-sms-charts")
        super().__init__([self.lesson, self.charts], **kwargs)
        self.add_class("smskit-why-sms-lesson")
        self._refresh()
        on_language_change(self._refresh)

    def _refresh(self) -> None:
        self.charts.value = render.reach_charts(sms_stats())


class LessonsPage(W.VBox):
    """The lessons dashboard: header, then §1, §2 and §3 of the guide."""

    def __init__(self, **kwargs: object) -> None:
        self.header = DashboardHeader("Lessons: how SMS works", t)
        self.journey = JourneyLesson()
        self.channels = ChannelsLesson()
        self.why_sms = WhySmsLesson()
        super().__init__([self.header, self.journey, self.channels, self.why_sms], **kwargs)
        self.add_class("smskit-lessons")
