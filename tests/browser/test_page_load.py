"""How a dashboard page loads its JavaScript under ``smskit serve`` (issue 13: first widget fast).

benchmarks/dashboard_load.py measures the time; these tests pin the page structure it relies on:

- voila.js starts right after the page's configuration, ahead of the cells (so it loads while
  the preheated kernel builds the dashboard), and only once;
- only the two widget managers' extensions load (no other JupyterLab extension's remoteEntry);
- every script the page asks for after its ``load`` event was preloaded, and every preload is
  used: when Voilà or ipywidgets is upgraded, ``smskit_widgets.serve.LATE_SCRIPTS`` is stale and
  this fails with the scripts to put in it;
- the page asks nothing of any other host (Voilà's lab page links Font Awesome from a CDN in its
  head; a staff server with no way out would wait for it), and the button icons still render.
"""

from __future__ import annotations

import pytest
from smskit_widgets.serve import PAGE_EXTENSIONS, late_scripts

pytestmark = pytest.mark.browser

STRUCTURE = """() => {
  const main = [...document.querySelectorAll('script[src]')]
    .filter(s => s.src.endsWith('/voila.js'));
  const config = document.getElementById('jupyter-config-data');
  const firstCell = document.querySelector('div[cell-index]');
  const after = (a, b) => Boolean(a.compareDocumentPosition(b) & Node.DOCUMENT_POSITION_FOLLOWING);
  return {
    count: main.length,
    afterConfig: main.length > 0 && after(config, main[0]),
    beforeCells: main.length > 0 && after(main[0], firstCell),
  };
}"""

LATE = """() => {
  const load = performance.getEntriesByType('navigation')[0].loadEventStart;
  const scripts = performance.getEntriesByType('resource')
    .filter(r => r.initiatorType === 'script' && r.startTime > load).map(r => r.name);
  const preloads = [...document.querySelectorAll('link[rel=preload][as=script]')].map(l => l.href);
  const statuses = Object.fromEntries(performance.getEntriesByType('resource')
    .filter(r => preloads.includes(r.name)).map(r => [r.name, r.responseStatus]));
  return {load, scripts, preloads, statuses};
}"""

# A button icon as ipywidgets draws it (``<i class="fa fa-refresh">``): Font Awesome's glyph and
# font must come from Voilà's own stylesheet now that the CDN links are gone.
ICON = """() => {
  const icon = document.createElement('i');
  icon.className = 'fa fa-refresh';
  document.body.appendChild(icon);
  const style = getComputedStyle(icon, '::before');
  const found = {glyph: style.content.length > 2, font: style.fontFamily.includes('Font Awesome')};
  icon.remove();
  return found;
}"""


def test_voila_js_loads_ahead_of_the_cells_and_only_the_widget_managers(page, voila_url):  # type: ignore[no-untyped-def]
    warnings: list[str] = []
    requested: list[str] = []
    page.on("console", lambda msg: warnings.append(msg.text) if msg.type == "warning" else None)
    page.on("request", lambda request: requested.append(request.url))
    page.goto(f"{voila_url}/voila/render/encoding.ipynb?lang=id", timeout=90_000)
    page.wait_for_selector(".jupyter-widgets", state="visible", timeout=90_000)
    assert page.evaluate(STRUCTURE) == {"count": 1, "afterConfig": True, "beforeCells": True}
    assert page.evaluate(ICON) == {"glyph": True, "font": True}

    remote_entries = page.evaluate(
        "() => performance.getEntriesByType('resource').map(r => r.name)"
        ".filter(n => n.includes('/remoteEntry.'))"
    )
    prefix = "/voila/labextensions/"
    names = {url.split(prefix)[1].rsplit("/static/", 1)[0] for url in remote_entries}
    assert sorted(names) == sorted(PAGE_EXTENSIONS)

    late = page.evaluate(LATE)
    assert late["load"] > 0
    assert late["scripts"] == [], (
        "scripts requested after the page's load event were not preloaded; add them to "
        f"smskit_widgets.serve.LATE_SCRIPTS: {late['scripts']}"
    )
    assert len(late["preloads"]) == len(PAGE_EXTENSIONS) + len(late_scripts())
    assert set(late["statuses"]) == set(late["preloads"])
    assert set(late["statuses"].values()) == {200}, late["statuses"]
    # Chromium warns about a preload nothing asked for within a few seconds: a stale entry.
    page.wait_for_timeout(3500)
    unused = [w for w in warnings if "preload" in w and "not used" in w]
    assert unused == []
    elsewhere = [url for url in requested if not url.startswith((voila_url, "data:"))]
    assert len(requested) > 50
    assert elsewhere == []
