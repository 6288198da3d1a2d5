"""Dashboard load: time to first widget in Chromium, server memory after many pages (issue 13).

Run: ``.venv/bin/python benchmarks/dashboard_load.py [--rounds R] [--warm] [--pages N]
[--only time|memory]``

Two servers run in the same run, each with its own ``SMSKIT_HOME``:

- **smskit serve**, as ``make run`` starts it: Voilà with preheated kernels (one per dashboard
  waits, having built its dashboard once), culling of closed and idle pages, the ``_xsrf`` cookie
  that lets a closing tab end its kernel;
- **plain Voilà** (the peer): ``voila notebooks/`` without preheating, as the dashboards were
  served before: each page starts its kernel and runs its notebook on request.

1. Time to first widget: for every dashboard, ``?lang=id``, from the navigation's start to the
   first ``.jupyter-widgets`` element visible, on Chromium's own clock (``performance.now()``),
   in Debian's Chromium. By default every page opens in a new browser context, as a new visitor
   meets it (nothing cached); ``--warm`` measures a returning visitor instead (one context per
   server, its HTTP cache filled by one page not counted). Before each page the server settles
   (its pool refilled, its CPU idle). The two servers alternate, ``--rounds`` times; the median
   is reported and its ratio to the peer's. Each page is checked to be in Indonesian (the
   language from the query string is honoured). Target: under 1.5 s for every dashboard.
   A second table shows where smskit serve's time goes: the HTML's last byte (the kernel has
   built the dashboard for this visitor), the load event (voila.js starts only then) and the
   first widget (the widget managers, the kernel's widget state, the first render).
2. Memory: the resident memory (RSS) of the server and every process under it (its kernels), at
   rest, then after ``--pages`` pages opened (first widget shown) and closed: half like a tab
   closing (``beforeunload``), half abruptly (the browser gone: no beacon, so only culling ends
   their kernels). Waits for culling (``--cull-closed`` seconds, the production default) before
   the last reading. Target: back within 300 MB of the start.

Absolute times depend on the machine's load (printed); the ratio is what the peer is for.
"""

from __future__ import annotations

import argparse
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
BIN = Path(sys.executable).parent
CHROMIUM = os.environ.get("SMSKIT_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# Each dashboard's title in Indonesian: the proof that ?lang=id reached the kernel.
TITLES_ID = {
    "start": "Mulai di sini",
    "encoding": "Visualisasi",
    "senders": "Perbandingan Pengirim",
    "consent": "Persetujuan",
    "campaign": "Pengirim Kampanye",
    "provider_setup": "Pengaturan",
    "lessons": "Pelajaran",
    "inbox": "Kotak Masuk",
}
TARGET_S = 1.5
MEMORY_TARGET_MB = 300.0
FIRST_WIDGET = ".jupyter-widgets"


@dataclass
class Server:
    name: str
    url: str
    process: subprocess.Popen[bytes]
    log: Path
    pool: int  # kernels waiting at rest: one preheated per notebook, or none

    def tree(self) -> list[psutil.Process]:
        try:
            root = psutil.Process(self.process.pid)
            return [root, *root.children(recursive=True)]
        except psutil.NoSuchProcess:
            return []

    def rss_mb(self) -> float:
        total = 0
        for proc in self.tree():
            with suppress(psutil.NoSuchProcess):
                total += proc.memory_info().rss
        return total / 2**20

    def kernels(self) -> int:
        count = 0
        for proc in self.tree():
            with suppress(psutil.NoSuchProcess):
                count += any("ipykernel_launcher" in part for part in proc.cmdline())
        return count


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def server(name: str, *, cull_closed: float) -> Iterator[Server]:
    """Start ``smskit serve`` (name "smskit") or plain Voilà (name "plain"); stop it after."""
    port = _free_port()
    home = Path(tempfile.mkdtemp(prefix=f"smskit-bench-{name}-"))
    env = {**os.environ, "SMSKIT_HOME": str(home), "SMSKIT_LANG": "en", "MPLBACKEND": "Agg"}
    if name == "smskit":
        command = [sys.executable, "-m", "smskit_widgets.serve", f"--port={port}", "--no-worker"]
        command.append(f"--cull-closed={cull_closed:g}")
    else:
        command = [
            str(BIN / "voila"),
            "--no-browser",
            f"--port={port}",
            "--Voila.ip=127.0.0.1",
            "--Voila.port_retries=0",
            "--show_tracebacks=False",
            str(NOTEBOOKS),
        ]
    log = home / "server.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                with urllib.request.urlopen(f"{url}/voila/static/voila.js", timeout=2):
                    break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"{name} did not start: {log.read_text()[-2000:]}") from None
                time.sleep(0.3)
        pool = len(list(NOTEBOOKS.glob("*.ipynb"))) if name == "smskit" else 0
        yield Server(name, url, process, log, pool)
    finally:
        try:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=20)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            os.killpg(process.pid, signal.SIGKILL)
        # Under plain Voilà a kernel starts the shared simulator in its own session (it outlives
        # kernels by design): end it, or every run leaves one behind.
        for proc in psutil.process_iter(["cmdline"]):
            if any(str(home) in part for part in proc.info["cmdline"] or ()):
                with suppress(psutil.Error):
                    proc.kill()


def wait_until_settled(srv: Server, kernels: int | None, timeout: float) -> None:
    """Until ``kernels`` kernels run and use no CPU (the pool filled), or ``timeout``."""
    deadline = time.monotonic() + timeout
    # psutil measures a process's CPU between two calls on the same Process object (the first
    # call says 0.0), so the objects are kept from one second to the next.
    seen: dict[int, psutil.Process] = {}
    quiet = 0
    while time.monotonic() < deadline:
        busy = 0.0
        for proc in srv.tree():
            proc = seen.setdefault(proc.pid, proc)
            with suppress(psutil.NoSuchProcess):
                busy += proc.cpu_percent(interval=None)
        quiet = quiet + 1 if busy < 15 and len(seen) > 0 else 0
        if (kernels is None or srv.kernels() == kernels) and quiet >= 3:
            return
        time.sleep(1)


# Chromium's own clock: performance.now() counts from the navigation's start. Polled once a frame
# (as Playwright's visibility wait does), so the probe adds no layout work per DOM change.
FIRST_WIDGET_PROBE = """
(() => {
  const poll = () => {
    const el = document.querySelector('.jupyter-widgets');
    const box = el && el.getBoundingClientRect();
    if (box && box.width > 0 && box.height > 0) window.__firstWidget = performance.now();
    else requestAnimationFrame(poll);
  };
  requestAnimationFrame(poll);
})();
"""


def first_widget(context, srv: Server, dashboard: str) -> tuple[float, object]:  # type: ignore[no-untyped-def]
    """Seconds from navigation start to the first visible widget (Chromium's clock); the page."""
    page = context.new_page()
    page.set_default_timeout(120_000)
    page.add_init_script(FIRST_WIDGET_PROBE)
    page.goto(f"{srv.url}/voila/render/{dashboard}.ipynb?lang=id", wait_until="commit")
    page.wait_for_selector(FIRST_WIDGET, state="visible")
    page.wait_for_function("window.__firstWidget !== undefined")
    elapsed = float(page.evaluate("window.__firstWidget")) / 1000
    title = page.locator(".smskit-title").first.inner_text()
    if TITLES_ID[dashboard] not in title:
        raise AssertionError(f"{srv.name} {dashboard}: not in Indonesian: {title!r}")
    return elapsed, page


# Where a page's time goes, on the same clock: the HTML's last byte (the kernel has built the
# dashboard) and the load event (every script voila.js needs first is in; it starts only then).
PHASES = """() => {
  const nav = performance.getEntriesByType('navigation')[0];
  return [nav.responseEnd / 1000, nav.loadEventStart / 1000];
}"""
Medians = dict[str, dict[str, tuple[float, float, float]]]


def measure_time(browser, servers: list[Server], rounds: int, warm: bool) -> Medians:  # type: ignore[no-untyped-def]
    """Median seconds to (HTML received, load event, first widget) per server and dashboard.

    Cold (the default): every page in a new browser context, as a new visitor meets it (empty
    HTTP cache). ``warm``: one context per server, its cache filled by one page not counted.
    Before every page the server is left to settle (its pool refilled, no CPU in use), so each
    page is measured on its own, not against the previous page's refill.
    """
    dashboards = sorted(TITLES_ID)
    viewport = {"width": 1366, "height": 900}
    shared = {s.name: browser.new_context(viewport=viewport) for s in servers} if warm else {}
    for srv in servers if warm else []:
        _, page = first_widget(shared[srv.name], srv, "start")
        page.close(run_before_unload=True)
    times: dict[str, dict[str, list[tuple[float, float, float]]]] = {
        s.name: {d: [] for d in dashboards} for s in servers
    }
    for round_ in range(rounds):
        for dashboard in dashboards:
            for srv in servers if round_ % 2 == 0 else servers[::-1]:
                # Plain Voilà never ends a closed page's kernel (no _xsrf cookie): count none there.
                wait_until_settled(srv, srv.pool or None, 60)
                context = shared.get(srv.name) or browser.new_context(viewport=viewport)
                elapsed, page = first_widget(context, srv, dashboard)
                html, load = page.evaluate(PHASES)
                times[srv.name][dashboard].append((html, load, elapsed))
                page.close(run_before_unload=True)
                if not warm:
                    context.close()
    for context in shared.values():
        context.close()
    return {
        name: {
            d: (
                statistics.median(t[0] for t in v),
                statistics.median(t[1] for t in v),
                statistics.median(t[2] for t in v),
            )
            for d, v in per.items()
        }
        for name, per in times.items()
    }


def measure_memory(browser, srv: Server, pages: int, wait: float) -> tuple[float, ...]:  # type: ignore[no-untyped-def]
    """RSS at rest, with pages opened, right after closing, and after culling; kernels left."""
    wait_until_settled(srv, None, 90)
    at_rest, kernels_at_rest = srv.rss_mb(), srv.kernels()
    dashboards = sorted(TITLES_ID)
    peak = at_rest
    for i in range(pages):
        context = browser.new_context(viewport={"width": 1366, "height": 900})
        _, page = first_widget(context, srv, dashboards[i % len(dashboards)])
        peak = max(peak, srv.rss_mb())
        if i % 2 == 0:
            page.close(run_before_unload=True)  # a tab closed: Voilà's beacon ends the kernel
            time.sleep(0.5)
        context.close()  # odd pages: the browser is gone, no beacon
    time.sleep(3)
    closed = srv.rss_mb()
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline and srv.kernels() > kernels_at_rest:
        time.sleep(5)
    wait_until_settled(srv, None, 30)
    return at_rest, peak, closed, srv.rss_mb(), float(srv.kernels() - kernels_at_rest)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=2, help="page loads per dashboard and server")
    parser.add_argument("--pages", type=int, default=20, help="pages opened and closed (memory)")
    parser.add_argument(
        "--warm", action="store_true", help="a returning visitor (HTTP cache filled), not a new one"
    )
    parser.add_argument(
        "--cull-closed", type=float, default=120.0, help="smskit serve's closed-page timeout"
    )
    parser.add_argument("--only", choices=("time", "memory"), help="run one part only")
    args = parser.parse_args()
    if not Path(CHROMIUM).exists():
        print(f"Chromium not found at {CHROMIUM}", file=sys.stderr)
        return 2
    from playwright.sync_api import sync_playwright

    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} at start")
    ok = True
    with (
        sync_playwright() as pw,
        server("smskit", cull_closed=args.cull_closed) as ours,
        server("plain", cull_closed=args.cull_closed) as plain,
    ):
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        wait_until_settled(ours, ours.pool, 180)  # one preheated kernel per dashboard
        if args.only in (None, "time"):
            medians = measure_time(browser, [ours, plain], args.rounds, args.warm)
            visitor = "returning visitor (warm HTTP cache)" if args.warm else "new visitor (cold)"
            print(
                f"\nNavigation start to first widget, ?lang=id, {visitor}, "
                f"median of {args.rounds} (seconds)"
            )
            print(f"{'dashboard':16} {'smskit serve':>13} {'plain Voilà':>12} {'ratio':>7}")
            for dashboard in sorted(TITLES_ID):
                a, b = medians["smskit"][dashboard][2], medians["plain"][dashboard][2]
                print(f"{dashboard:16} {a:13.2f} {b:12.2f} {b / a:6.1f}x")
            print("\nWhere smskit serve's time goes (medians, seconds from navigation start)")
            print(f"{'dashboard':16} {'HTML in':>8} {'load event':>11} {'first widget':>13}")
            for dashboard in sorted(TITLES_ID):
                html, load, first = medians["smskit"][dashboard]
                print(f"{dashboard:16} {html:8.2f} {load:11.2f} {first:13.2f}")
            worst = max(m[2] for m in medians["smskit"].values())
            met = worst < TARGET_S
            ok &= met
            print(
                f"slowest dashboard: {worst:.2f} s; target < {TARGET_S} s: "
                f"{'met' if met else 'NOT met'} (load average now {os.getloadavg()[0]:.1f})"
            )
        if args.only in (None, "memory"):
            wait = args.cull_closed + 2 * 30 + 20
            print(f"\nMemory (RSS of server and kernels, MB), {args.pages} pages opened and closed")
            print(f"{'server':13} {'at rest':>8} {'peak':>8} {'closed':>8} {'culled':>8}  kernels")
            results = {}
            for srv in (ours, plain):
                results[srv.name] = measure_memory(
                    browser, srv, args.pages, wait if srv is ours else 10
                )
                rest, peak, closed, culled, left = results[srv.name]
                label = "smskit serve" if srv is ours else "plain Voilà"
                print(
                    f"{label:13} {rest:8.0f} {peak:8.0f} {closed:8.0f} {culled:8.0f}  {left:+.0f}"
                )
            grew = results["smskit"][3] - results["smskit"][0]
            peer_grew = results["plain"][3] - results["plain"][0]
            met = grew < MEMORY_TARGET_MB
            ok &= met
            print(
                f"smskit serve grew {grew:.0f} MB, plain Voilà {peer_grew:.0f} MB; "
                f"target < {MEMORY_TARGET_MB:.0f} MB: {'met' if met else 'NOT met'}"
            )
        browser.close()
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
