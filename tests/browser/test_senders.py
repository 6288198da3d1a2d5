"""Sender Comparison in a real browser: the questionnaire answered two ways gives two answers."""

from __future__ import annotations

from playwright.sync_api import expect

from .conftest import screenshot


def test_questionnaire_needs_replies_versus_one_way_otp_to_gb(open_dashboard) -> None:  # type: ignore[no-untyped-def]
    page = open_dashboard("senders.ipynb", ".smskit-sender-comparison")
    expect(page.locator(".smskit-title")).to_contain_text("Sender Comparison", timeout=30_000)
    expect(page.locator("#smskit-sender-table")).to_contain_text("Toll-free number")
    answer = page.locator(".smskit-recommendation")

    # One-way OTP to the UK: the brand name as sender.
    page.locator(".smskit-q-use-case select").select_option(label="One-time passwords (OTP/2FA)")
    page.locator(".smskit-q-countries input").fill("GB")
    page.locator(".smskit-q-countries input").press("Enter")
    page.locator(".smskit-q-weeks input").fill("2")
    page.locator(".smskit-q-weeks input").press("Enter")
    expect(answer).to_have_attribute("data-best", "alphanumeric", timeout=30_000)
    expect(page.locator(".smskit-recommendation-headline")).to_contain_text(
        "Alphanumeric sender ID"
    )
    no_replies = '.smskit-option-alphanumeric .smskit-reason-for[data-rule="alpha_no_replies"]'
    expect(page.locator(no_replies)).to_have_count(1)
    one_way_reasons = page.locator(".smskit-option-alphanumeric .smskit-reason").all_inner_texts()
    assert any("No replies needed" in text for text in one_way_reasons)
    page.locator(".smskit-answer").scroll_into_view_if_needed()
    screenshot(page, "senders_one_way_otp")

    # Customers must reply: alphanumeric is ruled out, with the reason shown.
    page.locator(".smskit-q-use-case select").select_option(label="Customer care")
    page.locator(".smskit-q-replies input").check()
    expect(answer).to_have_attribute("data-best", "long_code", timeout=30_000)
    ruled_out = page.locator(
        '.smskit-option-alphanumeric .smskit-reason-against[data-rule="alpha_no_replies"]'
    )
    expect(ruled_out).to_contain_text("one-way", timeout=30_000)
    expect(page.locator('.smskit-option-alphanumeric[data-eligible="false"]')).to_have_count(1)
    replies_reasons = page.locator(".smskit-option-alphanumeric .smskit-reason").all_inner_texts()
    assert replies_reasons != one_way_reasons
    expect(page.locator(".smskit-option-long_code .smskit-reason-for")).to_contain_text(["Two-way"])
    page.locator(".smskit-answer").scroll_into_view_if_needed()
    screenshot(page, "senders_needs_replies")


def test_country_filter_and_charts(open_dashboard) -> None:  # type: ignore[no-untyped-def]
    page = open_dashboard("senders.ipynb", ".smskit-sender-comparison")
    page.locator(".smskit-country select").select_option(label="United Kingdom (GB)")
    expect(page.locator(".smskit-cost-chart")).to_contain_text("United Kingdom, GB", timeout=30_000)
    expect(page.locator(".smskit-speed-chart svg")).to_have_count(1)
    expect(page.locator('.smskit-alpha-table tr[data-country="US"]')).to_contain_text(
        "not supported"
    )
    page.locator(".smskit-q-countries input").fill("GB, XX")
    page.locator(".smskit-q-countries input").press("Enter")
    expect(page.locator(".smskit-feedback-questions")).to_contain_text("Unknown country code XX")


def test_errors_beside_the_questionnaire_and_a_way_forward(open_dashboard) -> None:  # type: ignore[no-untyped-def]
    page = open_dashboard("senders.ipynb", ".smskit-sender-comparison")
    answer = page.locator(".smskit-recommendation")
    # The questionnaire starts on the table's country, and follows it.
    expect(page.locator(".smskit-q-countries input")).to_have_value("US")
    page.locator(".smskit-country select").select_option(label="Indonesia (ID)")
    expect(page.locator(".smskit-q-countries input")).to_have_value("ID")
    expect(page.locator("#smskit-sender-table")).to_contain_text("after registration")
    # One name per country: CLDR's "Türkiye", never "Turkey" beside it.
    options = page.locator(".smskit-country select option").all_inner_texts()
    assert sum("(TR)" in o for o in options) == 1 and not any("Turkey" in o for o in options)
    expect(answer).to_have_count(1)

    # A country name instead of a code: the error sits right under the questions (not at the
    # page's foot), and the previous recommendation is gone.
    field = page.locator(".smskit-q-countries input")
    field.fill("Indonesia")
    field.press("Enter")
    feedback = page.locator(".smskit-senders-recommender .smskit-feedback-questions")
    expect(feedback).to_contain_text("Unknown country code INDONESIA")
    expect(answer).to_have_count(0)
    box_field, box_error = field.bounding_box(), feedback.bounding_box()
    assert box_field and box_error and 0 < box_error["y"] - box_field["y"] < 400

    # An Indonesian bank's OTP at 50 segments/s: nothing fits, but the page says what to relax.
    field.fill("ID")
    field.press("Enter")
    page.locator(".smskit-q-peak input").fill("50")
    page.locator(".smskit-q-peak input").press("Enter")
    expect(answer).to_have_attribute("data-best", "none")
    expect(feedback).to_be_empty()
    way = page.locator('.smskit-way-forward[data-relax="peak_mps"]').first
    expect(way).to_contain_text("Accept a peak speed of 10 segments per second")
    expect(way).to_contain_text("fits")
    screenshot(page, "senders_way_forward")
