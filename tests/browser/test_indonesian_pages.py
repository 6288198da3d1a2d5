"""Real browser, ``?lang=id``: every dashboard opens in Indonesian, with no English left on it.

Each dashboard opens from its URL in Indonesian (the switch shows it, the back link keeps the
language) and is driven just enough to show the parts that were English
(reasons, day names, status words, the Smart Encoding list, country names); then its rendered
text is searched for English words and raw identifiers that must never reach staff. The
notebook's own markdown (bilingual titles, nbval's checked cells) is outside the widget and not
searched.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from .conftest import ROOT, screenshot
from .layout import layout_problems

# Words and identifiers that only an untranslated page shows (whole words, case-sensitive).
ENGLISH = [
    "segment(s)",
    "segments/s",
    "recipient(s)",
    "Outside the allowed hours",
    "is a landline",
    "The recipient opted out",
    "United States",
    "United Kingdom",
    "Thu",
    "Mon",
    "opt_in",
    "web_form",
    "long_code",
    "messaging_service",
    "Reply YES",
    "queued",
    "delivered",
    "Notable rules",
    "Time to launch",
    "Pricing API",
    "single turkish",
    "Visualisasi Encoding",
    "Something went wrong",
    "Checking…",
    "Recommended",
    "not supported",
    "Hai {first_name|there}",
]
PATTERN = re.compile(
    "|".join(
        rf"(?<![\w]){re.escape(w)}(?![\w])" if w[0].isalnum() else re.escape(w) for w in ENGLISH
    )
)


def _english_in(page: Page, root: str) -> list[str]:
    # Text in <code> is quoted on purpose: a lesson names the API value `queued` and explains it.
    text = page.locator(root).first.evaluate(
        """el => { const c = el.cloneNode(true);
                   c.querySelectorAll('code').forEach(x => x.remove());
                   document.body.appendChild(c); const s = c.innerText; c.remove(); return s; }"""
    )
    placeholders = page.locator(f"{root} [placeholder]").evaluate_all(
        "els => els.map(e => e.getAttribute('placeholder'))"
    )
    return sorted(set(PATTERN.findall(text + "\n" + "\n".join(placeholders))))


def _encoding(page: Page) -> None:
    page.locator(".smskit-shift select").select_option(index=1)  # Turkish
    page.locator(".smskit-editor textarea").fill("Şule’nin siparişi 🎉")
    expect(page.locator(".smskit-readout")).to_contain_text("segmen", timeout=30_000)


def _senders(page: Page) -> None:
    expect(page.locator(".smskit-alpha-table")).to_contain_text("Indonesia", timeout=30_000)
    page.locator(".smskit-q-countries input").fill("US, GB")
    page.locator(".smskit-q-countries input").press("Enter")
    expect(page.locator(".smskit-recommendation")).to_contain_text("Amerika Serikat")


def _consent(page: Page) -> None:
    expect(page.locator(".smskit-quiet-table .smskit-quiet-row").first).to_be_visible(
        timeout=30_000
    )
    page.locator(".smskit-consent-signup").click()
    expect(page.locator(".smskit-consent-timeline")).to_contain_text("Formulir", timeout=30_000)


def _nothing(page: Page) -> None:
    return None


PAGES = [
    ("start.ipynb", ".smskit-start", _nothing),
    ("lessons.ipynb", ".smskit-lessons", _nothing),
    ("encoding.ipynb", ".smskit-encoding-visualizer", _encoding),
    ("senders.ipynb", ".smskit-sender-comparison", _senders),
    ("consent.ipynb", ".smskit-consent-dashboard", _consent),
    ("provider_setup.ipynb", ".smskit-provider-setup", _nothing),
    ("campaign.ipynb", ".smskit-campaign", _nothing),
    ("inbox.ipynb", ".smskit-inbox", _nothing),
]


def test_every_dashboard_is_checked() -> None:
    notebooks = sorted(p.name for p in (ROOT / "notebooks").glob("*.ipynb"))
    assert sorted(p[0] for p in PAGES) == notebooks


@pytest.mark.parametrize(("notebook", "root", "drive"), PAGES, ids=[p[0] for p in PAGES])
def test_no_english_words_on_the_indonesian_page(open_dashboard, notebook, root, drive) -> None:  # type: ignore[no-untyped-def]
    page = open_dashboard(f"{notebook}?lang=id", root)
    expect(page.locator(".smskit-title")).not_to_be_empty(timeout=30_000)
    switch = page.locator(".smskit-language-switch button", has_text="Bahasa Indonesia")
    expect(switch).to_have_class(re.compile(r"mod-active"), timeout=30_000)
    if notebook != "start.ipynb":
        back = page.locator("a.smskit-back-link")
        expect(back).to_contain_text("Mulai")
        expect(back).to_have_attribute("href", "./start.ipynb?lang=id")
    screenshot(page, f"id-{notebook.removesuffix('.ipynb')}")
    drive(page)
    found = _english_in(page, root)
    assert not found, f"{notebook}?lang=id still shows English: {found}"
    # Driven, the page shows its longer, generated Indonesian text: it must still fit.
    problems = layout_problems(page, f"{notebook.removesuffix('.ipynb')}-id-driven")
    assert not problems, f"{notebook}?lang=id, driven:\n" + "\n".join(problems)


def test_the_word_list_catches_english() -> None:
    # The detector itself: it finds what it should, and not inside Indonesian words.
    assert PATTERN.findall("2 segment(s) · Thu 09:00 · Amerika Serikat") == ["segment(s)", "Thu"]
    assert not PATTERN.findall("Kamis · Senin · tidak didukung")
