"""The lessons dashboard, headless: journey diagram, channel table, cost calculator, charts."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from smskit_widgets.common.i18n import LANGUAGE
from smskit_widgets.lessons import render as R
from smskit_widgets.lessons.dashboard import (
    ChannelsLesson,
    JourneyLesson,
    LessonsPage,
    WhySmsLesson,
)

from smskit.guide.channels import channels, sms_stats, sms_vs_mms
from smskit.guide.journey import journey


@pytest.fixture
def indonesian() -> Iterator[None]:
    LANGUAGE.lang = "id"
    yield
    LANGUAGE.lang = "en"


# --- §1 journey ---------------------------------------------------------------------


def test_journey_starts_queued_on_the_senders_phone() -> None:
    w = JourneyLesson()
    assert (w.state.hop, w.state.status) == ("sender", "queued")
    assert "smskit-journey-svg" in w.diagram.value


def test_next_hop_walks_to_delivered_and_then_stops() -> None:
    w = JourneyLesson()
    for _ in range(4):
        w.next_hop.click()
    assert w.state.status == "delivered"
    assert w.next_hop.disabled
    assert [s.status for s in w.history] == ["queued", "queued", "sent", "sent", "delivered"]
    assert "smskit-status-delivered" in w.diagram.value


def test_phone_off_holds_the_message_at_the_smsc_until_it_is_back() -> None:
    w = JourneyLesson()
    w.phone_off.value = True
    for _ in range(3):
        w.next_hop.click()
    assert (w.state.hop, w.state.held_at_smsc, w.state.status) == ("smsc", True, "sent")
    assert "stored" in w.diagram.value and ">OFF<" in w.diagram.value
    w.phone_off.value = False
    w.next_hop.click()
    w.next_hop.click()
    assert w.state.status == "delivered"


def test_phone_never_back_ends_undelivered() -> None:
    w = JourneyLesson()
    w.phone_off.value = True
    for _ in range(10):
        w.next_hop.click()
    assert (w.state.status, w.state.error_code) == ("undelivered", 30003)
    assert "smskit-status-undelivered" in w.diagram.value


def test_send_again_restarts_with_the_phone_as_switched() -> None:
    w = JourneyLesson()
    w.next_hop.click()
    w.phone_off.value = True
    w.send_again.click()
    assert w.state.hop == "sender" and not w.state.recipient_phone_on
    assert len(w.history) == 1


def test_journey_follows_the_language_switch(indonesian: None) -> None:
    w = JourneyLesson()
    assert w.next_hop.description == "Lompatan berikutnya"
    assert "Ponsel pengirim" in w.diagram.value
    LANGUAGE.lang = "en"
    assert w.next_hop.description == "Next hop"


def test_journey_svg_marks_where_the_message_is() -> None:
    states = journey(recipient_phone_on=False)
    svg = R.journey_svg(states[-1])
    assert svg.startswith("<svg") and svg.endswith("</svg>")
    assert "undelivered" in svg


def test_status_strip_collapses_repeats() -> None:
    strip = R.status_strip(journey())
    assert re.findall(r"smskit-status-chip smskit-status-(\w+)", strip) == [
        "queued",
        "sent",
        "delivered",
    ]


# --- §2 channels and cost -------------------------------------------------------------------------


def test_comparison_table_has_the_four_channels_and_the_limits() -> None:
    table = R.channels_table(channels())
    for name in ("SMS", "MMS", "RCS", "iMessage", "160", "1,600", "$0.0083", "$0.022"):
        assert name in table
    assert "Sources" in table and "respond.io" in table


def test_calculator_follows_the_editor() -> None:
    w = ChannelsLesson(text="short")
    assert w.cost is not None and (w.cost.sms_segments, w.cost.cheaper) == (1, "sms")
    w.editor.value = "a" * 307
    assert (w.cost.sms_segments, w.cost.cheaper) == (3, "mms")
    assert "One MMS is cheaper than 3 SMS segments." in w.result.value
    assert w.length.value == 307


def test_length_slider_writes_a_text_of_that_length() -> None:
    w = ChannelsLesson()
    w.length.value = 459
    assert len(w.editor.value) == 459
    assert w.cost == sms_vs_mms(w.editor.value)


def test_cost_html_shows_both_prices_and_the_source() -> None:
    page = R.cost_html(sms_vs_mms("a" * 161))
    assert "$0.0166" in page and "$0.022" in page
    assert "SMS is cheaper" in page
    assert "twilio" in page.lower()


def test_over_1600_characters_is_flagged() -> None:
    assert "1,600" in R.cost_html(sms_vs_mms("a" * 1601))


def test_channels_in_indonesian(indonesian: None) -> None:
    w = ChannelsLesson(text="a" * 400)
    assert "Batas karakter" in w.comparison.value
    assert "Satu MMS lebih murah" in w.result.value


# --- §3 charts ----------------------------------------------------------------------


def test_four_charts_each_with_source_and_year() -> None:
    html = R.reach_charts(sms_stats())
    figures = re.findall(r"<figure.*?</figure>", html, flags=re.S)
    assert len(figures) == 4
    for figure in figures:
        assert "<svg" in figure
        assert "The guide&#x27;s figures (" in figure and "respond.io" in figure
    assert "2017–2018" in html  # the US volume chart spans two years


def test_chart_labels_follow_the_language(indonesian: None) -> None:
    w = WhySmsLesson()
    assert "Pengguna SMS (miliar)" in w.charts.value
    assert "Angka dari panduan" in w.charts.value


def test_lessons_page_has_header_and_three_sections() -> None:
    page = LessonsPage()
    assert page.children == (page.header, page.journey, page.channels, page.why_sms)
    assert "start.ipynb" in page.header.back.value
