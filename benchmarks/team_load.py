"""Team load: N staff open their dashboards at the same moment on one JupyterHub (default 30).

Run: ``.venv/bin/python benchmarks/team_load.py [--users N] [--dashboard start.ipynb]``

One Hub (deploy/jupyterhub_config.py, as ``make team`` runs it: try-out sign-in, SQLite, the
worker, webhook app, simulator and idle culler as services) serves both rounds of the same run:

1. the peer: one staff member signs in alone and opens the dashboard;
2. N staff members (viewers, each with their own server) sign in at the same moment, each in their
   own Chromium context, and open the same dashboard.

For each person: the time from pressing "Sign in" to the first rendered widget
(``.jupyter-widgets`` on the page: the server spawned, Voilà ran the notebook in a new kernel, the
browser drew it), and the time of a second page load once their server runs (a new kernel only).
Then the resident memory (RSS, MB) of the Hub with its proxy and services, and of the users'
servers with their kernels, and every error (a page that did not render within 10 minutes, an
HTTP 5xx in the Hub's log). Printed: medians and 95th percentiles, the ratio of the N-person median
to the peer's, memory per person, errors (target: none). Exit 1 if any error.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil
from playwright.async_api import Error as PlaywrightError

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = os.environ.get("SMSKIT_CHROMIUM", "/usr/bin/chromium")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PASSWORD = "team-load-benchmark"
TIMEOUT_MS = 600_000


def _ports(count: int = 5) -> int:
    while True:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            base = int(s.getsockname()[1])
        try:
            for port in range(base + 1, base + count):
                with socket.socket() as s:
                    s.bind(("127.0.0.1", port))
            return base
        except OSError:
            continue


def _rss_mb(processes: list[psutil.Process]) -> float:
    total = 0
    for p in processes:
        with contextlib.suppress(psutil.Error):
            total += p.memory_info().rss
    return total / 2**20


def _tree(pid: int) -> list[psutil.Process]:
    try:
        root = psutil.Process(pid)
        return [root, *root.children(recursive=True)]
    except psutil.Error:
        return []


def memory(hub_pid: int) -> tuple[float, float, int]:
    """(Hub + proxy + services MB, users' servers + kernels MB, number of user servers)."""
    everything = _tree(hub_pid)
    users: list[psutil.Process] = []
    servers = 0
    for p in everything:
        try:
            if any("jupyterhub-singleuser" in part for part in p.cmdline()):
                servers += 1
                users += [p, *p.children(recursive=True)]
        except psutil.Error:
            pass
    user_pids = {p.pid for p in users}
    hub = [p for p in everything if p.pid not in user_pids]
    return _rss_mb(hub), _rss_mb(users), servers


async def open_as(browser, base: str, user: str, dashboard: str) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    """Sign in and wait for the first widget; then load ``dashboard`` again. Both in seconds."""
    context = await browser.new_context(viewport={"width": 1200, "height": 900})
    page = await context.new_page()
    # Under load the Hub answers the sign-in itself only after seconds (it starts the spawn
    # first): a slow answer is part of the figure, not an error; only 10 minutes are.
    page.set_default_timeout(TIMEOUT_MS)
    try:
        await page.goto(f"{base}/hub/login", timeout=TIMEOUT_MS)
        await page.fill("input[name=username]", user)
        await page.fill("input[name=password]", PASSWORD)
        started = time.monotonic()
        await page.click("input[type=submit], button[type=submit]")
        await page.wait_for_url(
            re.compile(f"/(user/{user}|hub/spawn-pending/{user})"), timeout=TIMEOUT_MS
        )
        # The Hub's waiting page follows the spawn over an event stream, and Chromium opens at
        # most 6 connections per host across its contexts: with 30 people waiting, most streams
        # would queue. So each person reloads their dashboard until their server answers, as a
        # person pressing F5 would (once a second).
        render = f"{base}/user/{user}/voila/render/{dashboard}"
        while "/voila/render/" not in page.url:
            await asyncio.sleep(1)
            try:
                await page.goto(render, timeout=TIMEOUT_MS)
            except PlaywrightError as error:
                # The waiting page redirected by itself at the same moment: not a failure.
                if "interrupted by another navigation" not in str(error):
                    raise
                await page.wait_for_load_state()
            if time.monotonic() - started > TIMEOUT_MS / 1000:
                raise TimeoutError(f"{user}: the server did not start")
        await page.wait_for_selector(".jupyter-widgets", timeout=TIMEOUT_MS)
        first = time.monotonic() - started
        started = time.monotonic()
        await page.goto(f"{base}/user/{user}/voila/render/{dashboard}", timeout=TIMEOUT_MS)
        await page.wait_for_selector(".jupyter-widgets", timeout=TIMEOUT_MS)
        return first, time.monotonic() - started
    finally:
        await context.close()


async def round_of(
    base: str, users: list[str], dashboard: str
) -> tuple[list[tuple[float, float]], list[str]]:
    from playwright.async_api import async_playwright

    async with async_playwright() as pw:
        # One Chromium per 5 people, as people have their own browsers (and connection limits).
        browsers = [
            await pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            for _ in range(0, len(users), 5)
        ]
        results = await asyncio.gather(
            *(open_as(browsers[i // 5], base, u, dashboard) for i, u in enumerate(users)),
            return_exceptions=True,
        )
        for browser in browsers:
            await browser.close()
    times = [r for r in results if isinstance(r, tuple)]
    errors = [
        f"{u}: {type(r).__name__}: {str(r)[:120]}"
        for u, r in zip(users, results, strict=True)
        if not isinstance(r, tuple)
    ]
    return times, errors


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, round(0.95 * len(ordered)) - 1)]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=30)
    parser.add_argument("--dashboard", default="start.ipynb")
    args = parser.parse_args()
    proxy = ROOT / "node_modules" / ".bin" / "configurable-http-proxy"
    if not proxy.exists() or not Path(CHROMIUM).exists():
        print(f"team_load: needs {proxy} (npm ci) and Chromium at {CHROMIUM}; skipped")
        return 0
    names = ["peer", *(f"staff{i:02d}" for i in range(1, args.users + 1))]
    team_dir = Path(tempfile.mkdtemp(prefix="smskit-team-load-"))
    port = _ports()
    env = {
        **os.environ,
        "SMSKIT_TEAM_DIR": str(team_dir),
        "SMSKIT_TEAM_PORT": str(port),
        "SMSKIT_TEAM_PASSWORD": PASSWORD,
        "SMSKIT_TEAM_USERS": ",".join(f"{n}:viewer" for n in names),
        "SMSKIT_DATABASE_URL": f"sqlite:///{team_dir / 'home' / 'smskit.db'}",
        "SMSKIT_LANG": "en",
        "MPLBACKEND": "Agg",
    }
    env.pop("SMSKIT_TEAM_DATABASE_URL", None)
    log_path = team_dir / "hub.log"
    with log_path.open("w") as log:
        hub = subprocess.Popen(
            [
                str(Path(sys.executable).parent / "jupyterhub"),
                "-f",
                str(ROOT / "deploy" / "jupyterhub_config.py"),
            ],
            cwd=team_dir,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        import httpx

        deadline = time.monotonic() + 120
        while True:
            try:
                if httpx.get(f"{base}/hub/login", timeout=5).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if hub.poll() is not None or time.monotonic() > deadline:
                print(log_path.read_text()[-3000:])
                return 1
            time.sleep(0.5)
        time.sleep(5)  # the services settle
        idle_hub, _, _ = memory(hub.pid)
        peer, peer_errors = asyncio.run(round_of(base, names[:1], args.dashboard))
        hub_1, users_1, servers_1 = memory(hub.pid)
        crowd, crowd_errors = asyncio.run(round_of(base, names[1:], args.dashboard))
        hub_n, users_n, servers_n = memory(hub.pid)
        server_errors = len(re.findall(r"\] 5\d\d (GET|POST|PUT|DELETE) ", log_path.read_text()))
    finally:
        os.killpg(hub.pid, signal.SIGTERM)
        try:
            hub.wait(timeout=120)
        except subprocess.TimeoutExpired:
            os.killpg(hub.pid, signal.SIGKILL)
    print(
        f"team_load: {args.users} staff open {args.dashboard} at once, one JupyterHub, "
        f"{os.cpu_count()} CPUs (shared), SQLite"
    )
    print(f"{'':28}{'peer (1)':>12}{f'crowd ({args.users})':>14}")
    if peer and crowd:
        first_1 = statistics.median(t[0] for t in peer)
        first_n = [t[0] for t in crowd]
        again_1 = statistics.median(t[1] for t in peer)
        again_n = [t[1] for t in crowd]
        print(f"{'first widget, median (s)':28}{first_1:12.1f}{statistics.median(first_n):14.1f}")
        print(f"{'first widget, p95 (s)':28}{first_1:12.1f}{_p95(first_n):14.1f}")
        print(f"{'first widget, max (s)':28}{first_1:12.1f}{max(first_n):14.1f}")
        print(f"{'page again, median (s)':28}{again_1:12.1f}{statistics.median(again_n):14.1f}")
        print(
            f"ratio crowd/peer, median time to first widget: "
            f"{statistics.median(first_n) / first_1:.1f}x"
        )
    print(f"{'Hub+proxy+services (MB)':28}{hub_1:12.0f}{hub_n:14.0f}   (idle {idle_hub:.0f})")
    print(f"{'user servers+kernels (MB)':28}{users_1:12.0f}{users_n:14.0f}")
    print(f"{'servers running':28}{servers_1:12d}{servers_n:14d}")
    if servers_n:
        print(f"per person: {users_n / servers_n:.0f} MB (server and its open kernels)")
    errors = peer_errors + crowd_errors
    print(
        f"errors: {len(errors)} page(s) failed, {server_errors} HTTP 5xx in the Hub's log "
        "(target: none)"
    )
    for line in errors[:10]:
        print("  " + line)
    return 1 if errors or server_errors else 0


if __name__ == "__main__":
    sys.exit(main())
