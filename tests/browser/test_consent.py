"""Real browser: an inbound STOP in the double opt-in conversation makes the contact opted out."""

from __future__ import annotations

from playwright.sync_api import expect

from .conftest import screenshot


def test_typing_stop_as_a_reply_opts_the_contact_out(open_dashboard) -> None:  # type: ignore[no-untyped-def]
    page = open_dashboard("consent.ipynb", ".smskit-double-opt-in")
    state = page.locator(".smskit-consent-state-box .smskit-consent-state")
    expect(state).to_have_attribute("data-state", "unknown", timeout=30_000)
    page.locator(".smskit-consent-signup").click()
    expect(state).to_have_attribute("data-state", "pending", timeout=30_000)
    reply = page.locator(".smskit-consent-reply input")
    reply.fill("YES")
    page.locator(".smskit-consent-send").click()
    expect(state).to_have_attribute("data-state", "opted_in", timeout=30_000)
    reply.fill("STOP")
    page.locator(".smskit-consent-send").click()
    expect(state).to_have_attribute("data-state", "opted_out", timeout=30_000)
    expect(state).to_contain_text("Opted out")
    expect(page.locator(".smskit-conversation")).to_contain_text("unsubscribed")
    # The inspector below follows the same contact and shows the whole timeline.
    timeline = page.locator(".smskit-consent-timeline")
    expect(timeline).to_contain_text("Keyword reply", timeout=30_000)
    expect(timeline).to_contain_text("Web form")  # audit codes in words, not opt_in / web_form
    assert "web_form" not in timeline.inner_text() and "opt_in" not in timeline.inner_text()
    screenshot(page, "consent-stop-opted-out")


def test_keyword_tester_and_quiet_hours_render(open_dashboard) -> None:  # type: ignore[no-untyped-def]
    page = open_dashboard("consent.ipynb", ".smskit-keyword-tester")
    box = page.locator(".smskit-keyword-input input")
    box.fill("berhenti!")
    expect(page.locator(".smskit-keyword-result")).to_have_attribute(
        "data-kind", "opt_out", timeout=30_000
    )
    expect(page.locator(".smskit-keyword-hit")).to_contain_text("BERHENTI")
    expect(page.locator(".smskit-quiet-chart svg")).to_be_visible(timeout=30_000)
    expect(page.locator(".smskit-quiet-table .smskit-quiet-row")).to_have_count(9)
    # A number without +: said right under the field, without asking for a "default country".
    page.locator(".smskit-quiet-number input").fill("0812 3456 7890")
    page.locator(".smskit-quiet-add").click()
    beside = page.locator(".smskit-quiet-hours .smskit-feedback-quiet-add")
    expect(beside).to_contain_text("write it with + and the country code", timeout=30_000)
    expect(beside).not_to_contain_text("default country")
    field, said = page.locator(".smskit-quiet-number").bounding_box(), beside.bounding_box()
    assert field and said and 0 < said["y"] - field["y"] < 150
    page.locator(".smskit-quiet-number input").fill("+62 812 3456 7890")
    page.locator(".smskit-quiet-add").click()
    expect(page.locator(".smskit-quiet-table .smskit-quiet-row")).to_have_count(10)
    expect(beside).to_be_empty()


def test_preflight_explains_why_a_message_is_blocked(open_dashboard) -> None:  # type: ignore[no-untyped-def]
    page = open_dashboard("consent.ipynb", ".smskit-preflight")
    page.locator(".smskit-preflight-check").click()
    findings = page.locator(".smskit-preflight .smskit-findings")
    expect(findings).to_contain_text("No record that the recipient opted in", timeout=30_000)
    expect(page.locator(".smskit-preflight-next")).to_contain_text("Cannot be scheduled")
    screenshot(page, "consent-preflight")
