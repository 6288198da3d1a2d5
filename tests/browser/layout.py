"""The layout audit as a helper: measure the page as it is now, at 1366 and 800 px.

``test_layout.py`` audits every dashboard as it opens; the end-to-end tests call
:func:`layout_problems` again once they have driven a dashboard to its later steps (results,
timelines, tables), where longer, generated text appears. See ``test_layout.py`` for what the
audit (``layout_audit.js``) counts as cut, squeezed, overflowing or overlapping.
"""

from __future__ import annotations

import os
from pathlib import Path

from .conftest import ROOT, SCREENSHOTS

WIDTHS = (1366, 800)
HEIGHT = 900
DOCS = ROOT / "docs" / "screenshots"
WRITE_DOCS = os.environ.get("SMSKIT_DOCS_SCREENSHOTS", "") == "1"
AUDIT = (Path(__file__).parent / "layout_audit.js").read_text(encoding="utf-8")
CONTENT_HEIGHT = "() => (document.querySelector('#rendered_cells') || document.body).scrollHeight"


def check_and_shoot(page, stem: str, width: int, *, docs: bool = False) -> list[str]:  # type: ignore[no-untyped-def]
    """Audit the page at ``width`` (the whole page, in a window as tall as its content)."""
    page.set_viewport_size({"width": width, "height": HEIGHT})
    page.wait_for_timeout(300)  # one layout pass for wrapped rows and grids
    if docs and WRITE_DOCS:
        DOCS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(DOCS / f"{stem}-{width}.png"))
    # The page scrolls inside Voilà's #rendered_cells: a window as tall as the content shows it all.
    full = min(int(page.evaluate(CONTENT_HEIGHT)) + 60, 12_000)
    page.set_viewport_size({"width": width, "height": max(full, HEIGHT)})
    page.wait_for_timeout(200)
    problems = [f"{width}px: {p}" for p in page.evaluate(AUDIT)]
    folder = SCREENSHOTS / "layout"
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / f"{stem}-{width}.png"))
    page.set_viewport_size({"width": 1366, "height": HEIGHT})
    return problems


def layout_problems(page, stem: str) -> list[str]:  # type: ignore[no-untyped-def]
    """Every cut label, squeezed input, overflow and overlap at both widths, as it is now."""
    return [p for width in WIDTHS for p in check_and_shoot(page, stem, width)]
