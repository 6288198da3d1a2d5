"""Campaign Sender in a real browser, served by ``smskit serve`` (Voilà plus a sending worker, on
the built-in simulator): upload, map, compose, preflight, confirm; the worker sends while the page
watches; results in the Campaigns tab. A campaign keeps going after its page is closed, and a new
page follows it to "finished". The Indonesian page shows the new words translated. Screenshots are
saved."""

from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import Page, expect

from .conftest import screenshot
from .layout import layout_problems

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "campaign_contacts.csv"
LONG = 90_000


def _tab(page: Page, title: str):  # type: ignore[no-untyped-def]
    return page.locator(".smskit-campaign-tabs .lm-TabBar-tab", has_text=re.compile(f"^{title}$"))


def _prepare(page: Page, contacts: Path, sendable: int) -> None:
    """Steps 1 to 4 in the New campaign tab, up to the confirmation question."""
    _tab(page, "New campaign").click()
    with page.expect_file_chooser() as chooser:
        page.locator(".smskit-campaign-upload").click()
    chooser.value.set_files(str(contacts))
    status = page.locator(".smskit-campaign-step-audience .smskit-feedback-audience")
    expect(status).to_contain_text("Check the columns", timeout=30_000)
    page.locator(".smskit-campaign-phone-column select").select_option("Mobile")
    page.locator(".smskit-campaign-consent-column select").select_option("SMS consent")
    page.locator(".smskit-campaign-import-button").click()
    expect(status).to_contain_text("recipients loaded", timeout=30_000)
    page.locator(".smskit-campaign-template textarea").fill(
        "Hi {name}, the {city|nearest} store has your order."
    )
    expect(page.locator(".smskit-campaign-preview")).to_contain_text("Hi Ana", timeout=30_000)
    page.locator(".smskit-campaign-purpose button", has_text="Transactional").click()
    page.locator(".smskit-campaign-preflight-button").click()
    expect(page.locator(".smskit-campaign-confirm")).to_contain_text(
        f"Send {sendable} messages", timeout=60_000
    )
    expect(page.locator(".smskit-campaign-dry-run")).to_contain_text("Dry run")


def test_staff_member_sends_a_campaign_end_to_end(open_dashboard) -> None:  # type: ignore[no-untyped-def]
    page = open_dashboard("campaign.ipynb", ".smskit-campaign")
    expect(page.locator(".smskit-title")).to_contain_text("Campaign Sender", timeout=30_000)
    expect(page.locator(".smskit-campaign-no-worker")).to_have_count(0, timeout=30_000)

    # Step 4 before step 1: the error sits beside the Preflight button, not at the page's top.
    page.locator(".smskit-campaign-preflight-button").click()
    beside = page.locator(".smskit-campaign-step-preflight .smskit-feedback-preflight")
    expect(beside).to_contain_text("Load an audience first (step 1)", timeout=30_000)
    expect(page.locator(".smskit-campaign-status")).to_be_empty()
    # Times in the user's time zone, named (chosen beside the Send at picker).
    page.locator(".smskit-campaign-time-zone select").select_option("Asia/Jakarta")
    expect(page.locator(".smskit-campaign-send-at input")).to_have_attribute(
        "type", "datetime-local"
    )

    # 1 Audience, 2 Compose, 3 Sender, 4 Preflight: the question states the numbers.
    _prepare(page, FIXTURE, 3)
    expect(beside).to_contain_text("Preflight done")  # the old error is gone
    expect(page.locator(".smskit-campaign-schedule")).to_contain_text("Asia/Jakarta")
    expect(page.locator(".smskit-campaign-import")).to_contain_text("invalid number")
    expect(page.locator(".smskit-campaign-distribution")).to_contain_text("GSM-7: 4")
    expect(page.locator(".smskit-campaign-confirm")).to_contain_text(
        "Send 3 messages, about 3 segments, estimated $0.02?"
    )
    expect(page.locator(".smskit-campaign-preflight")).to_contain_text("1 blocked")
    # Every step filled in (import report, preview, preflight table): nothing cut or overlaid.
    problems = layout_problems(page, "campaign-prepared")

    # 5 Send: the page confirms, the worker beside Voilà sends, the page watches.
    page.locator(".smskit-campaign-send-button").click()
    expect(page.locator(".smskit-feedback-send")).to_contain_text("you may close this page")
    notice = page.locator(".smskit-campaign-send-notice")
    expect(notice).to_have_attribute("data-status", "finished", timeout=LONG)
    expect(notice).to_contain_text("Campaign status: finished")
    expect(
        page.locator(".smskit-campaign-step-send .smskit-campaign-progress-head")
    ).to_contain_text("(100%)")

    # Results, in the Campaigns tab.
    page.locator(".smskit-campaign-results-button").click()
    campaign_id = notice.get_attribute("data-campaign")
    row = page.locator(f".smskit-campaigns-table tr[data-campaign='{campaign_id}']")
    expect(row).to_have_attribute("data-status", "finished", timeout=30_000)
    expect(row.locator(".smskit-campaigns-sent")).to_have_text("3 / 3")
    expect(page.locator(".smskit-campaigns-detail-head")).to_contain_text("finished")
    table = page.locator(".smskit-campaigns .smskit-campaign-results-table")
    expect(table).to_contain_text("+14152010001", timeout=60_000)
    expect(table).to_contain_text("blocked")
    # Names, the phone once, and the reason on one line.
    ana = table.locator("tr", has_text="+14152010001")
    expect(ana).to_contain_text("Ana")
    assert ana.inner_text().count("+14152010001") == 1
    expect(table.locator("tr", has_text="Dewi")).to_contain_text("The recipient opted out")
    expect(page.locator(".smskit-campaigns .smskit-campaign-csv")).to_have_attribute(
        "download", re.compile(r"^campaign-of-\d{4}-\d{2}-\d{2}\.csv$")
    )
    expect(page.locator(".smskit-campaigns .smskit-campaign-csv")).to_be_visible()
    screenshot(page, "campaign_sender")
    problems += layout_problems(page, "campaign-results")
    assert not problems, "\n".join(problems)


def test_a_campaign_goes_on_after_its_page_is_closed(open_dashboard, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    # 30 recipients on a 1 message/s long code: about 30 s of sending, longer than a page load.
    contacts = tmp_path / "thirty.csv"
    contacts.write_text(
        "Name,Mobile,City,SMS consent\n"
        + "".join(f"Ana{i},+1415202{i:04d},Springfield,yes\n" for i in range(30)),
        encoding="utf-8",
    )
    page = open_dashboard("campaign.ipynb", ".smskit-campaign")
    _prepare(page, contacts, 30)
    page.locator(".smskit-campaign-send-button").click()
    notice = page.locator(".smskit-campaign-send-notice")
    expect(notice).to_have_attribute("data-campaign", re.compile(r"^cmp_"), timeout=30_000)
    campaign_id = notice.get_attribute("data-campaign")
    expect(notice).not_to_have_attribute("data-status", "finished")
    context = page.context
    page.close()  # the page, and its kernel, go away; the worker does not

    later = context.new_page()
    later.goto(page.url, timeout=LONG)
    later.wait_for_selector(".smskit-campaign", timeout=LONG)
    _tab(later, "Campaigns").click()
    row = later.locator(f".smskit-campaigns-table tr[data-campaign='{campaign_id}']")
    expect(row).to_be_visible(timeout=30_000)
    expect(row).to_have_attribute("data-status", "finished", timeout=LONG)
    expect(row.locator(".smskit-campaigns-status")).to_contain_text("finished")
    expect(row.locator(".smskit-campaigns-sent")).to_have_text("30 / 30")
    option = later.locator(".smskit-campaigns-selector option", has_text=campaign_id[-6:])
    later.locator(".smskit-campaigns-selector select").select_option(label=option.inner_text())
    expect(later.locator(".smskit-campaigns-detail-head")).to_have_attribute(
        "data-status", "finished", timeout=30_000
    )
    expect(later.locator(".smskit-campaigns .smskit-campaign-progress-head")).to_contain_text(
        "(100%)"
    )
    screenshot(later, "campaign_sender_campaigns")


def test_the_campaigns_view_in_indonesian(open_dashboard) -> None:  # type: ignore[no-untyped-def]
    page = open_dashboard("campaign.ipynb?lang=id", ".smskit-campaign")
    expect(_tab(page, "Kampanye baru")).to_be_visible(timeout=30_000)
    expect(page.locator(".smskit-campaign-step-send")).to_contain_text("Kirim sisanya")
    _tab(page, "Kampanye").click()
    view = page.locator(".smskit-campaigns")
    expect(view).to_contain_text("Semua kampanye")
    expect(view.locator(".smskit-campaigns-refresh-button")).to_contain_text("Muat ulang")
    # The earlier tests of this session left campaigns behind; a first run shows the empty text.
    expect(view).to_contain_text(re.compile("Biaya sejauh ini|Belum ada kampanye"))
    screenshot(page, "campaign_sender_campaigns_id")
