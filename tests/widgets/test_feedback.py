"""The one pattern for errors beside the action: busy after 300 ms, plain words, stale cleared."""

from __future__ import annotations

from datetime import datetime

import ipywidgets as W
import pytest
from smskit_widgets.common.feedback import CHECKING, ActionFeedback, reports_to
from smskit_widgets.common.i18n import LANGUAGE
from smskit_widgets.common.status import UserError

from smskit.i18n.catalog import LocalizedError


class _Form(W.VBox):
    def __init__(self) -> None:
        self.feedback = ActionFeedback("demo")
        self.result = W.HTML("old answer")
        self.during = ""
        super().__init__([self.feedback, self.result])

    @reports_to("feedback", busy=CHECKING, clears=("result",))
    def act(self, what: str) -> None:
        self.during = self.feedback.value
        if what == "python":
            datetime.fromisoformat("tomorrow 9am")  # Python's own English message
        if what == "user":
            raise UserError("Load an audience first (step 1)")
        if what == "smskit":
            raise LocalizedError(
                "Unknown country code {code}: use a two-letter ISO 3166 code such as GB", code="XX"
            )
        if what == "crash":
            raise RuntimeError("boom")
        self.result.value = "new answer"


def test_busy_line_appears_only_after_300_ms_and_goes_when_done() -> None:
    form = _Form()
    form.act("ok")
    assert "Checking…" in form.during and "smskit-busy" in form.during
    assert "smskit-appear 0s linear 300ms" in form.during
    assert form.feedback.value == "" and form.result.value == "new answer"


def test_a_failure_is_said_in_plain_words_and_clears_the_stale_result() -> None:
    form = _Form()
    form.act("python")
    assert form.feedback.kind == "error" and form.result.value == ""
    assert "isoformat" not in form.feedback.value
    assert "Check what you typed" in form.feedback.value
    form.act("user")
    assert "Load an audience first (step 1)" in form.feedback.value
    form.act("crash")
    assert "Something went wrong: RuntimeError" in form.feedback.value
    assert "boom" not in form.feedback.value and "Traceback" not in form.feedback.value
    form.act("ok")  # the next success leaves no old error behind
    assert form.feedback.value == "" and form.result.value == "new answer"


def test_smskit_errors_follow_the_language() -> None:
    form = _Form()
    previous = LANGUAGE.lang
    try:
        LANGUAGE.lang = "id"
        form.act("smskit")
        assert form.feedback.kind == "error" and "XX" in form.feedback.value
        assert "Unknown country code" not in form.feedback.value
        form.act("python")
        assert "Periksa" in form.feedback.value
    finally:
        LANGUAGE.lang = previous


def test_the_user_zone_comes_from_the_page_address_then_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from smskit_widgets.common import timezone

    monkeypatch.setenv("SMSKIT_TIMEZONE", "Asia/Makassar")
    assert timezone.initial_zone("lang=id&tz=Asia/Jakarta") == "Asia/Jakarta"
    assert timezone.initial_zone("tz=Not/AZone") == "Asia/Makassar"
    previous = timezone.USER_ZONE.zone
    try:
        timezone.apply_query("tz=Europe/London")
        assert timezone.USER_ZONE.zone == "Europe/London"
    finally:
        timezone.USER_ZONE.zone = previous


def test_a_closed_widget_stops_following_the_zone() -> None:
    from smskit_widgets.common import timezone

    class _Clock(W.HTML):
        def _refresh(self) -> None:
            self.value = timezone.USER_ZONE.zone

    open_clock, closed_clock = _Clock(), _Clock()
    timezone.on_zone_change(open_clock._refresh)
    timezone.on_zone_change(closed_clock._refresh)
    closed_clock.close()  # a warm-up build thrown away
    previous = timezone.USER_ZONE.zone
    try:
        timezone.USER_ZONE.zone = "Asia/Jayapura"
        assert open_clock.value == "Asia/Jayapura" and closed_clock.value == ""
    finally:
        timezone.USER_ZONE.zone = previous
