"""A class opens one dashboard at the same moment: how long until every student sees it.

Run: ``.venv/bin/python benchmarks/class_load.py [--students N] [--dashboard encoding]``

A trainer says "open the Encoding Visualizer" and N students do, within a second. Two servers,
one after the other, each with its own ``SMSKIT_HOME``, the same N new visitors (one browser
context each, nothing cached, ``?lang=id``) navigating at once:

- **smskit serve** as ``make run`` starts it: one preheated kernel per dashboard, so one student
  gets it and the others get kernels started on request (``page_kernels.ready_pool_size``: not
  a wait for the pool's refill, as Voilà alone would have them do);
- **plain Voilà** (the peer): ``voila notebooks/``, every page starts its kernel on request.

For each: the median student's time from their navigation to their first widget, the last
student's, and the ratio to the peer. The browser and the servers share this machine's cores, as
a trainer's laptop serving a room would; absolute times depend on the load (printed).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time

from dashboard_load import (
    CHROMIUM,
    CHROMIUM_ARGS,
    FIRST_WIDGET_PROBE,
    TITLES_ID,
    Server,
    server,
    wait_until_settled,
)


def open_at_once(browser, srv: Server, dashboard: str, students: int) -> list[float]:  # type: ignore[no-untyped-def]
    """Each student's seconds from navigation start to first widget (Chromium's clock)."""
    contexts = [
        browser.new_context(viewport={"width": 1366, "height": 900}) for _ in range(students)
    ]
    pages = []
    for context in contexts:
        page = context.new_page()
        page.set_default_timeout(300_000)
        page.add_init_script(FIRST_WIDGET_PROBE)
        pages.append(page)
    url = f"{srv.url}/voila/render/{dashboard}.ipynb?lang=id"
    for page in pages:  # "commit": the navigation has started; the page loads on its own
        page.goto(url, wait_until="commit")
    times = []
    for page in pages:
        page.wait_for_function("window.__firstWidget !== undefined")
        times.append(float(page.evaluate("window.__firstWidget")) / 1000)
        try:
            title = page.locator(".smskit-title").first.inner_text(timeout=60_000)
        except Exception:
            said = page.inner_text("body")[:800]
            raise AssertionError(f"{srv.name}: no title; the page says {said!r}") from None
        if TITLES_ID[dashboard] not in title:
            raise AssertionError(f"{srv.name}: not in Indonesian: {title!r}")
    for context in contexts:
        context.close()
    return times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--students", type=int, default=4, help="visitors opening at once")
    parser.add_argument("--dashboard", default="encoding", choices=sorted(TITLES_ID))
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} at start")
    print(f"{args.students} students open {args.dashboard} at once (?lang=id, new visitors)\n")
    setups = [("smskit serve", "smskit"), ("plain Voilà", "plain")]
    results: dict[str, list[float]] = {}
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for label, name in setups:
            with server(name, cull_closed=120) as srv:
                started = time.monotonic()
                wait_until_settled(srv, srv.pool or None, 300)
                waited = time.monotonic() - started
                print(f"{label}: {srv.kernels()} kernels ready after {waited:.0f} s")
                results[label] = open_at_once(browser, srv, args.dashboard, args.students)
        browser.close()
    peer = results["plain Voilà"]
    print(f"\n{'server':24} {'median':>7} {'last':>7} {'ratio (last)':>13}")
    for label, times in results.items():
        last = max(times)
        print(f"{label:24} {statistics.median(times):7.2f} {last:7.2f} {max(peer) / last:12.1f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
