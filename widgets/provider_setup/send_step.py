"""Provider Setup's step 5: send a test message and watch its status change live.

A mixin of :class:`smskit_widgets.provider_setup.dashboard.ProviderSetup` (kept apart so the
dashboard stays readable): a background thread polls ``provider.fetch`` until a final status, and
every change (of the message or, on Vonage, of one of its parts) goes to the ``message`` trait.
"""

from __future__ import annotations

import threading
import time
from typing import Any

import ipywidgets as W
from smskit_widgets.common.feedback import SENDING, reports_to
from smskit_widgets.common.i18n import Translator
from smskit_widgets.common.status import plain_error
from smskit_widgets.provider_setup import render as R

from smskit.providers import is_final_status

t = Translator("provider_setup")


class SendStep:
    """Send, watch, render: needs the dashboard's ``provider``, ``message``, ``history`` and the
    step-5 children (``to``, ``body``, ``from_number``, ``send_feedback``, ``timeline``)."""

    @reports_to("send_feedback", busy=SENDING)
    def _on_send_button_click(self, _button: W.Button) -> None:
        # The previous message's timeline goes first: a failed send must not show it as its own.
        self.history = []
        self.message = None
        if not self.from_number.value:
            self.send_feedback.show(t("Buy a number first: it sends the test message."), "error")
            return
        sent = self.provider.send(
            self.to.value.strip(), self.body.value, from_=self.from_number.value
        )
        self.history = []
        self.message = sent
        self._watcher = threading.Thread(target=self._watch, args=(sent.sid,), daemon=True)
        self._watcher.start()

    def _on_message_change(self, change: dict[str, Any]) -> None:
        record = change["new"]
        if record is not None and (not self.history or self.history[-1] != record.status):
            self.history.append(record.status)
        self.timeline.value = R.timeline_html(self.history, record)

    def _watch(self, sid: str) -> None:
        """Poll the message until it reaches a final status (runs in a background thread)."""
        deadline = time.monotonic() + self.watch_timeout
        try:
            while time.monotonic() < deadline:
                record = self.provider.fetch(sid)
                if self.message is None or self.message.sid != sid:
                    return  # a newer test message has its own watcher
                # Vonage: a part's receipt may change a part without changing the whole.
                if (record.status, record.parts) != (self.message.status, self.message.parts):
                    self.message = record
                if is_final_status(record.status):
                    return
                time.sleep(self.poll_interval)
        except Exception as error:  # a thread has no caller: show it beside the Send button
            if self.message is not None and self.message.sid == sid:
                self.send_feedback.show(plain_error(error), "error")

    def wait_until_final(self, timeout: float = 30.0) -> None:
        """Block until the status watcher has finished (for tests and scripts)."""
        if self._watcher is not None:
            self._watcher.join(timeout)
