"""Real browser: "/" lands on Start; every dashboard in notebooks/ opens from it and links back."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from .conftest import ROOT, screenshot

DASHBOARDS = sorted(p.name for p in (ROOT / "notebooks").glob("*.ipynb") if p.name != "start.ipynb")
# What Voilà shows instead of a traceback when a cell fails (show_tracebacks=False), or with one.
ERROR_TEXT = re.compile(r"There was an error when executing cell|Traceback \(most recent call")


def _no_error(page) -> None:  # type: ignore[no-untyped-def]
    body = page.locator("body").inner_text()
    assert not ERROR_TEXT.search(body), body[:2000]
    assert page.locator("[data-mime-type='application/vnd.jupyter.stderr']").count() == 0


def test_root_lands_on_the_start_dashboard(page, voila_url: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{voila_url}/", timeout=90_000)
    expect(page).to_have_url(re.compile(r"/voila/render/start\.ipynb$"), timeout=30_000)
    expect(page.locator(".smskit-title")).to_contain_text("Start here", timeout=90_000)
    expect(page.locator(".smskit-card").first).to_be_visible(timeout=30_000)
    expect(page.locator(".smskit-environment")).to_contain_text("simulator", timeout=30_000)
    expect(page.locator(".smskit-guide-map tbody tr")).to_have_count(8)
    _no_error(page)
    screenshot(page, "start")


def test_every_dashboard_in_notebooks_has_a_card() -> None:
    from smskit_widgets.start.render import DASHBOARDS as CARDS

    assert set(DASHBOARDS) <= {card.notebook for card in CARDS}


@pytest.mark.parametrize("notebook", DASHBOARDS)
def test_click_through_from_start_and_back(open_dashboard, notebook: str) -> None:  # type: ignore[no-untyped-def]
    page = open_dashboard("start.ipynb", ".smskit-cards")
    link = page.locator(f".smskit-card a.smskit-dashboard-link[data-notebook='{notebook}']")
    expect(link).to_be_visible(timeout=30_000)
    link.click()
    expect(page).to_have_url(re.compile(rf"/voila/render/{re.escape(notebook)}\?lang=en$"))
    back = page.locator("a.smskit-back-link")
    expect(back).to_be_visible(timeout=90_000)
    page.wait_for_selector(".jupyter-widgets", timeout=90_000)
    _no_error(page)
    screenshot(page, f"from-start-{Path(notebook).stem}")
    back.click()
    expect(page).to_have_url(re.compile(r"/voila/render/start\.ipynb\?lang=en$"))
    expect(page.locator(".smskit-title")).to_contain_text("Start here", timeout=90_000)
