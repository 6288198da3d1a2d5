"""Real-browser tests: a Voilà server on a free loopback port, driven by Debian's Chromium.

In CI (``CI=true``) a missing Chromium is a failure, never a skip; elsewhere the tests skip with a
clear message. Screenshots go to ``screenshots/`` (git-ignored).
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "screenshots"
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
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


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/browser" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextlib.contextmanager
def serve_dashboards(**env_overrides: str) -> Iterator[str]:
    """Run ``smskit serve`` as ``make run`` does, with a new SMSKIT_HOME; yield its URL.

    ``env_overrides`` set environment variables for the server and its kernels, e.g. SMSKIT_LANG.
    """
    port = _free_port()
    home = tempfile.mkdtemp(prefix="smskit-browser-home-")
    log_path = Path(home) / "voila.log"
    env = {
        **os.environ,
        "SMSKIT_HOME": home,
        "SMSKIT_LANG": "en",
        "MPLBACKEND": "Agg",
        **env_overrides,
    }
    with log_path.open("w") as log:
        proc = subprocess.Popen(
            # The same launcher as `make run`: Voilà on loopback, "/" landing on start.ipynb.
            [str(Path(sys.executable).parent / "smskit"), "serve", f"--port={port}"],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:  # voila.js is static: probing it starts no kernel
            try:
                with urllib.request.urlopen(f"{base}/voila/static/voila.js", timeout=2):
                    break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    tail = log_path.read_text()[-3000:]
                    raise RuntimeError(f"Voilà did not start; see {log_path}:\n{tail}") from None
                time.sleep(0.3)
        yield base
    finally:
        try:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(timeout=15)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            os.killpg(proc.pid, signal.SIGKILL)


@pytest.fixture(scope="session")
def voila_url() -> Iterator[str]:
    """The dashboards served in English on a free loopback port, for the whole test session."""
    with serve_dashboards() as base:
        yield base


@pytest.fixture(scope="session")
def browser():  # type: ignore[no-untyped-def]
    if not Path(CHROMIUM).exists():
        message = f"Chromium not found at {CHROMIUM}: apt-get install chromium"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(30_000)
    yield page
    context.close()


@pytest.fixture
def open_dashboard(page, voila_url):  # type: ignore[no-untyped-def]
    """``open_dashboard("encoding.ipynb")`` loads a dashboard and waits until its widgets render."""

    def _open(notebook: str, ready_selector: str = ".jupyter-widgets"):  # type: ignore[no-untyped-def]
        page.goto(f"{voila_url}/voila/render/{notebook}", timeout=90_000)
        page.wait_for_selector(ready_selector, timeout=90_000)
        return page

    return _open


def screenshot(page, name: str) -> Path:  # type: ignore[no-untyped-def]
    """Save a full-page screenshot under ``screenshots/`` and return its path."""
    SCREENSHOTS.mkdir(exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
