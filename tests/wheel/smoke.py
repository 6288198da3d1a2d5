"""What a new user does first, against the installed wheel: run from a folder outside the checkout.

``python smoke.py <checkout>``: analyze a message, import a contact file, create the store, send one
message through the simulator and read its status, serve the dashboards and render Start in
Chromium. Each step prints one line; any failure exits non-zero.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

CHECKOUT = Path(sys.argv[1]).resolve()
HERE = Path.cwd()


def step(text: str) -> None:
    print(f"wheel smoke: {text}", flush=True)


def installed_outside_checkout() -> None:
    import smskit_widgets

    import smskit

    for package in (smskit, smskit_widgets):
        where = Path(package.__file__ or "").resolve()
        assert CHECKOUT not in where.parents, f"{package.__name__} imported from the checkout"
        assert "site-packages" in where.parts, where
    step(f"smskit imported from {Path(smskit.__file__ or '').parent}")


def analyze_a_message() -> None:
    from smskit import analyze

    result = analyze("Halo Budi, promo 50% hari ini! Balas STOP utk berhenti")
    assert (result.encoding, result.segment_count) == ("GSM-7", 1), result.encoding
    assert analyze("€" * 80).segment_count == 1
    assert analyze("Terima kasih 🙏").encoding == "UCS-2"
    step("analyze: GSM-7 1 segment; UCS-2 for an emoji")


def import_contacts() -> None:
    from smskit import import_contacts

    imported = import_contacts(HERE / "contacts_basic.csv", default_region="US")
    report = imported.report
    assert report.rows == 10 and report.imported > 0, report
    assert imported.contacts["phone_e164"].str.startswith("+").all()
    step(f"contacts: {report.imported} of {report.rows} rows imported")


def create_the_store() -> None:
    from smskit import Store
    from smskit.store.database import MIGRATIONS

    store = Store.open(f"sqlite:///{HERE / 'home' / 'smskit.db'}")
    newest = max(p.name[1:5] for p in (MIGRATIONS / "versions").glob("v*.py"))
    assert store.revision() == newest, (store.revision(), newest)
    step(f"store: created at migration {store.revision()}")


def send_through_the_simulator() -> None:
    from smskit.providers.twilio import TwilioProvider
    from smskit.simulator import start

    with start(step_delay=0.05) as handle:
        provider = TwilioProvider.for_simulator(handle)
        sent = provider.send("+14155550100", "Hello from the wheel", from_="+15005550006")
        deadline = time.monotonic() + 20
        status = sent.status
        while status != "delivered" and time.monotonic() < deadline:
            time.sleep(0.1)
            status = provider.fetch(sent.sid).status
    assert status == "delivered", status
    step(f"simulator: {sent.sid[:6]}… sent and {status}")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def serve_and_render_start() -> None:
    from playwright.sync_api import expect, sync_playwright

    port = free_port()
    smskit_command = Path(sys.executable).parent / "smskit"
    log = (HERE / "serve.log").open("w")
    server = subprocess.Popen(
        [str(smskit_command), "serve", f"--port={port}"],
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
        env={**os.environ, "SMSKIT_SIMULATOR_IDLE": "60"},
    )
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{base}/voila/static/voila.js", timeout=2):
                    break
            except OSError:
                assert server.poll() is None, (HERE / "serve.log").read_text()
                assert time.monotonic() < deadline, "smskit serve did not start in 60 s"
                time.sleep(0.5)
        with sync_playwright() as pw:
            browser = pw.chromium.launch(
                executable_path="/usr/bin/chromium",
                args=[
                    "--headless",
                    "--no-sandbox",
                    "--disable-gpu",
                    "--disable-background-networking",
                    "--disable-component-update",
                    "--disable-sync",
                    "--no-first-run",
                ],
            )
            page = browser.new_page(viewport={"width": 1366, "height": 900})
            page.goto(f"{base}/", timeout=60_000)
            expect(page.locator(".smskit-title")).to_contain_text("Start here", timeout=90_000)
            assert "Traceback" not in page.content()
            browser.close()
        step("dashboards: `smskit serve` renders Start in Chromium")
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=20)
        log.close()


if __name__ == "__main__":
    installed_outside_checkout()
    analyze_a_message()
    import_contacts()
    create_the_store()
    send_through_the_simulator()
    serve_and_render_start()
    step("all steps passed")
