"""A team on JupyterHub (deploy/jupyterhub_config.py), one Hub for the whole module.

Four example users in four groups (analyst, operator, approver, viewer), PostgreSQL with a login
per person, and the worker, webhook app and simulator as Hub services, as ``make team`` runs them.
Security first (no session: only the login page; staff servers: no contents, terminals or editor;
a viewer's own kernel refused by the database), then the four-eyes flow in a real browser: the
analyst plans above the threshold, the operator cannot send until the approver approves, the worker
sends, and the Campaigns view says who did each step.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Page, expect

from .conftest import IN_CI, ROOT, screenshot
from .test_campaign import _prepare, _tab

PASSWORD = "four-eyes-" + uuid.uuid4().hex[:8]
USERS = {"ana": "analyst", "olu": "operator", "ida": "approver", "vic": "viewer"}
PROXY = ROOT / "node_modules" / ".bin" / "configurable-http-proxy"
LONG = 120_000


def _need(condition: bool, message: str) -> None:
    if not condition:
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)


def _ports(count: int = 5) -> int:
    """A first port with ``count`` free ports after it (the Hub config uses PORT..PORT+4)."""
    for _ in range(50):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            base = int(s.getsockname()[1])
        if base + count > 65535:
            continue
        try:
            for port in range(base + 1, base + count):
                with socket.socket() as s:
                    s.bind(("127.0.0.1", port))
            return base
        except OSError:
            continue
    raise RuntimeError("no run of free ports")


def login(base: str, user: str) -> httpx.Client:
    """A signed-in HTTP session (the Hub's login form, with its _xsrf cookie)."""
    client = httpx.Client(base_url=base, timeout=120, follow_redirects=False)
    client.get("/hub/login")
    response = client.post(
        "/hub/login",
        data={"username": user, "password": PASSWORD, "_xsrf": client.cookies.get("_xsrf")},
    )
    assert response.status_code == 302, response.text[:300]
    return client


def wait_for_server(client: httpx.Client, user: str, timeout: float = 240) -> None:
    """Spawn (if needed) and wait until the person's server answers on its landing page."""
    deadline = time.monotonic() + timeout
    client.get("/hub/spawn")
    while time.monotonic() < deadline:
        r = client.get(f"/user/{user}/voila/static/voila.js", follow_redirects=True)
        if r.status_code == 200 and "/user/" in str(r.url):
            return
        time.sleep(1)
    raise AssertionError(f"{user}'s server did not start")


@pytest.fixture(scope="module")
def hub(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    pg = os.environ.get("SMSKIT_TEST_POSTGRES_URL")
    _need(bool(pg), "SMSKIT_TEST_POSTGRES_URL is not set: the team Hub tests need PostgreSQL")
    _need(PROXY.exists(), f"{PROXY} is missing: run `npm ci` (package.json)")
    import sqlalchemy as sa

    from smskit.store.team_guard import drop_team_roles

    from ..conftest import fresh_schema_url

    prefix = f"h{uuid.uuid4().hex[:8]}"
    team_dir = tmp_path_factory.mktemp("team")
    port = _ports()
    with fresh_schema_url(str(pg)) as url:
        env = {
            **os.environ,
            "SMSKIT_TEAM_DIR": str(team_dir),
            "SMSKIT_TEAM_PORT": str(port),
            "SMSKIT_TEAM_PASSWORD": PASSWORD,
            "SMSKIT_TEAM_USERS": ",".join(f"{u}:{r}" for u, r in USERS.items()),
            "SMSKIT_TEAM_ROLE_PREFIX": prefix,
            "SMSKIT_DATABASE_URL": url,
            "SMSKIT_APPROVAL_MIN_RECIPIENTS": "5",
            "SMSKIT_LANG": "en",
            "MPLBACKEND": "Agg",
        }
        log_path = team_dir / "hub.log"
        with log_path.open("w") as log:
            proc = subprocess.Popen(
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
            deadline = time.monotonic() + 120
            while True:
                try:
                    if httpx.get(f"{base}/hub/login", timeout=5).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"the Hub did not start:\n{log_path.read_text()[-3000:]}")
                time.sleep(0.5)
            # Start everyone's server at once (they take 10-30 s each on a busy machine).
            spawns = [
                threading.Thread(target=lambda u=u: wait_for_server(login(base, u), u))
                for u in USERS
            ]
            for thread in spawns:
                thread.start()
            for thread in spawns:
                thread.join()
            yield base
        finally:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
            drop_team_roles(sa.create_engine(url), prefix)


# --- security ----------------------------------------------------------------------------------


def test_services_answer_their_health_checks(hub: str) -> None:
    port = int(hub.rsplit(":", 1)[1])
    webhooks = f"http://127.0.0.1:{port + 3}"
    deadline = time.monotonic() + 60
    while True:  # the webhook app waits for the simulator's credentials first
        try:
            health = httpx.get(f"{webhooks}/health", timeout=5)
            break
        except httpx.HTTPError:
            assert time.monotonic() < deadline
            time.sleep(0.5)
    assert (health.status_code, health.text) == (200, "ok")
    # Public, but only for Twilio: an unsigned callback is refused.
    forged = httpx.post(f"{webhooks}/twilio/status", data={"MessageSid": "SM" + "0" * 32})
    assert forged.status_code == 403


def test_without_a_session_there_is_only_the_login_page(hub: str) -> None:
    anonymous = httpx.Client(base_url=hub, timeout=30, follow_redirects=True)
    for path in (
        "/",
        "/hub/home",
        "/user/vic/voila/render/start.ipynb",
        "/user/ana/lab",
    ):
        response = anonymous.get(path)
        assert response.url.path == "/hub/login", (path, response.url)
        assert 'name="password"' in response.text
    # APIs answer 403 (or a staff server's 404 for what it does not serve), never content.
    for path in (
        "/user/vic/api/contents",
        "/hub/api/users",
        "/user/ana/api/kernels",
        "/user/olu/lab",
        "/user/olu/api/terminals",
    ):
        response = anonymous.get(path, headers={"Accept": "application/json"})
        assert response.status_code in (401, 403, 404) or response.url.path == "/hub/login", path
        # (a 404 page may link to the landing page; never a notebook's or a listing's content)
        assert "nbformat" not in response.text and '"content"' not in response.text, path
        assert "smskit_widgets" not in response.text, path


@pytest.mark.parametrize("user", ["vic", "olu", "ida"])
def test_staff_reach_dashboards_but_no_contents_terminal_or_editor(hub: str, user: str) -> None:
    client = login(hub, user)
    landing = client.get("/hub/spawn", follow_redirects=True)
    assert landing.url.path == f"/user/{user}/voila/render/start.ipynb", landing.url
    for path in (
        "api/contents",
        "api/contents/campaign.ipynb",
        "files/campaign.ipynb",
        "api/sessions",
        "api/kernelspecs",
    ):
        assert client.get(f"/user/{user}/{path}").status_code == 403, path
    for path in (
        "lab",
        "tree",
        "notebooks/campaign.ipynb",
        "edit/campaign.ipynb",
        "terminals/1",
        "api/terminals",
    ):
        assert client.get(f"/user/{user}/{path}").status_code == 404, path
    xsrf = client.cookies.get("_xsrf", path=f"/user/{user}/") or ""
    started = client.post(f"/user/{user}/api/kernels", json={}, headers={"X-XSRFToken": xsrf})
    assert started.status_code == 403
    # Not someone else's server either.
    assert client.get("/user/ana/voila/render/start.ipynb").status_code in (302, 403, 404)


def test_an_analyst_may_use_jupyterlab(hub: str) -> None:
    client = login(hub, "ana")
    assert client.get("/user/ana/lab", follow_redirects=True).status_code == 200


def _server_environment(user: str) -> dict[str, str]:
    """The environment of ``user``'s single-user server: what their kernels inherit."""
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            raw = Path(f"/proc/{pid}/environ").read_bytes()
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
        except OSError:
            continue
        env = dict(item.split("=", 1) for item in raw.decode().split("\0") if "=" in item)
        if env.get("JUPYTERHUB_USER") == user and b"jupyterhub-singleuser" in cmdline:
            return env
    raise AssertionError(f"no server process for {user}")


def test_a_viewers_kernel_cannot_send_whatever_it_claims(hub: str) -> None:
    """Code a viewer runs in their own kernel: smskit's API, with every role claimed."""
    env = _server_environment("vic")
    assert "TWILIO_AUTH_TOKEN" not in env and "TWILIO_ACCOUNT_SID" not in env
    env["SMSKIT_TEAM_ROLES"] = "operator approver analyst"  # the kernel may set anything
    code = (
        "from smskit.store.database import Store\n"
        "from smskit.sending import control\n"
        "from smskit.campaign.planner import Campaign, Recipient, Sender, plan\n"
        "store = Store.open()\n"
        "for step in ('plan', 'send'):\n"
        "    try:\n"
        "        if step == 'plan':\n"
        "            from smskit.campaign.storage import save_plan\n"
        "            c = Campaign('x', 'Hi', Sender('long_code', '+15005550006'),"
        " purpose='transactional')\n"
        "            save_plan(store, plan(c, [Recipient.of('a', '+14152030000')]))\n"
        "        else:\n"
        "            store.engine.connect().exec_driver_sql(\n"
        "                \"UPDATE campaigns SET status = 'queued'\").close()\n"
        "            control.confirm(store, 'cmp_any')\n"
        "        print(step, 'DONE')\n"
        "    except Exception as error:\n"
        "        print(step, 'REFUSED', str(error).splitlines()[0])\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120, cwd=ROOT
    ).stdout
    assert re.search(r"plan REFUSED .*permission denied", out), out
    assert re.search(r"send REFUSED .*permission denied", out), out
    assert "DONE" not in out


# --- four eyes, in a real browser ----------------------------------------------------------------


def _sign_in(browser, hub: str, user: str) -> Page:  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(30_000)
    page.goto(f"{hub}/hub/login", timeout=LONG)
    page.fill("input[name=username]", user)
    page.fill("input[name=password]", PASSWORD)
    page.click("input[type=submit], button[type=submit]")
    # Signed in, the person lands on Start, served by Voilà in their own server.
    page.wait_for_url(re.compile(f"/user/{user}/voila/render/start.ipynb"), timeout=LONG)
    page.wait_for_selector(".jupyter-widgets", timeout=LONG)
    page.goto(f"{hub}/user/{user}/voila/render/campaign.ipynb", timeout=LONG)
    page.wait_for_selector(".smskit-campaign", timeout=LONG)
    return page


def _select(page: Page, campaign_id: str) -> None:
    _tab(page, "Campaigns").click()
    page.locator(".smskit-campaigns-refresh-button").click()
    option = page.locator(".smskit-campaigns-selector option", has_text=campaign_id[-6:])
    expect(option).to_have_count(1, timeout=30_000)
    page.locator(".smskit-campaigns-selector select").select_option(label=option.inner_text())
    expect(page.locator(".smskit-campaigns-detail-head")).to_have_attribute(
        "data-campaign", campaign_id, timeout=30_000
    )


def test_four_eyes_analyst_plans_operator_waits_approver_approves_worker_sends(
    hub: str,
    browser,
    tmp_path: Path,  # type: ignore[no-untyped-def]
) -> None:
    contacts = tmp_path / "six.csv"
    contacts.write_text(
        "Name,Mobile,City,SMS consent\n"
        + "".join(f"Ana{i},+1415203{i:04d},Springfield,yes\n" for i in range(6)),
        encoding="utf-8",
    )
    # The analyst plans 6 messages: above the threshold of 5.
    analyst = _sign_in(browser, hub, "ana")
    _prepare(analyst, contacts, 6)
    _tab(analyst, "Campaigns").click()
    analyst.locator(".smskit-campaigns-refresh-button").click()
    row = analyst.locator(".smskit-campaigns-table tr[data-status='draft']").first
    expect(row.locator(".smskit-campaigns-who")).to_have_text("planned by ana", timeout=30_000)
    campaign_id = row.get_attribute("data-campaign")
    assert campaign_id

    # The operator cannot send it yet: the server says it needs an approver.
    operator = _sign_in(browser, hub, "olu")
    _select(operator, campaign_id)
    expect(operator.locator(".smskit-approval")).to_have_attribute("data-approval", "needed")
    operator.locator(".smskit-campaigns-send-button").click()
    expect(operator.locator(".smskit-campaign-status")).to_contain_text(
        "needs an approver's approval", timeout=30_000
    )

    # The approver sees what will go out (counts, cost, samples) and approves.
    approver = _sign_in(browser, hub, "ida")
    _select(approver, campaign_id)
    box = approver.locator(".smskit-approval")
    expect(box).to_contain_text("6 messages")
    expect(box.locator(".smskit-approval-samples")).to_contain_text("Hi Ana0")
    approver.locator(".smskit-campaigns-approve-button").click()
    expect(approver.locator(".smskit-approval")).to_have_attribute(
        "data-approval", "approved", timeout=30_000
    )
    screenshot(approver, "team_approval")

    # Now the operator sends; the worker (a Hub service) sends every message.
    operator.locator(".smskit-campaigns-refresh-button").click()
    operator.locator(".smskit-campaigns-send-button").click()
    row = operator.locator(f".smskit-campaigns-table tr[data-campaign='{campaign_id}']")
    expect(row).to_have_attribute("data-status", "finished", timeout=LONG)
    expect(row.locator(".smskit-campaigns-sent")).to_have_text("6 / 6")
    expect(row.locator(".smskit-campaigns-who")).to_have_text(
        "planned by ana · approved by ida · sent by olu"
    )
    expect(operator.locator(".smskit-campaigns-detail-head .smskit-campaigns-who")).to_have_text(
        "planned by ana · approved by ida · sent by olu"
    )
    screenshot(operator, "team_campaigns_who")
    for page in (analyst, operator, approver):
        page.context.close()
