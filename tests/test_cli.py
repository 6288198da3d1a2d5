"""``smskit simulator``: prints its URL and test credentials, serves, stops on SIGTERM."""

from __future__ import annotations

import json
import signal
import socket
import subprocess
import sys
from pathlib import Path

import httpx

from smskit.cli.main import COMMANDS, build_parser


def _run(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "smskit.cli.main", "simulator", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_simulator_prints_url_and_credentials_that_work() -> None:
    process = _run("--step-delay", "0")
    try:
        assert process.stdout is not None
        lines = [process.stdout.readline() for _ in range(4)]
        url = lines[0].split(" at ")[1].strip()
        sid = lines[1].split(":", 1)[1].strip()
        token = lines[2].split(":", 1)[1].strip()
        assert url.startswith("http://127.0.0.1:") and sid.startswith("AC") and len(token) == 32
        health = httpx.get(f"{url}/_simulator/health", auth=(sid, token), timeout=5)
        assert health.json() == {"status": "ok", "account_sid": sid}
    finally:
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=15) == 0


def test_json_output_and_credentials_file(tmp_path: Path) -> None:
    state = tmp_path / "sim.json"
    process = _run("--json", "--credentials-file", str(state))
    try:
        assert process.stdout is not None
        info = json.loads(process.stdout.readline())
        assert info["pid"] == process.pid
        assert json.loads(state.read_text()) == info
        assert oct(state.stat().st_mode & 0o777) == "0o600"
        assert (
            httpx.get(
                f"{info['url']}/_simulator/health",
                auth=(info["api_key_sid"], info["api_key_secret"]),
            ).status_code
            == 200
        )
    finally:
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=15) == 0
    assert not state.exists()  # removed on a clean stop


def test_parser_is_extensible() -> None:
    assert "simulator" in COMMANDS
    args = build_parser().parse_args(["simulator", "--port", "8123", "--no-rate-limits"])
    assert (args.port, args.no_rate_limits) == (8123, True)


def test_console_script_is_declared() -> None:
    text = (Path(__file__).parent.parent / "pyproject.toml").read_text()
    assert 'smskit = "smskit.cli:main"' in text


def test_idle_timeout_stops_the_simulator(tmp_path: Path) -> None:
    state = tmp_path / "sim.json"
    process = _run("--json", "--idle-timeout", "1", "--credentials-file", str(state))
    assert process.stdout is not None
    json.loads(process.stdout.readline())
    assert process.wait(timeout=15) == 0  # no request for 1 s: it stops by itself
    assert not state.exists()


def test_serve_is_a_command_that_finds_the_dashboards_by_name() -> None:
    args = build_parser().parse_args(["serve", "--port", "8123"])
    assert (args.command, args.port) == ("serve", 8123)
    # smskit never imports the dashboards itself: `serve` looks them up at run time.
    source = (Path(__file__).parent.parent / "smskit" / "cli" / "main.py").read_text()
    assert 'import_module("smskit_widgets.serve")' in source


def _saved_campaign(folder: Path) -> tuple[str, str]:
    from smskit.campaign.planner import Campaign, Recipient, Sender, plan
    from smskit.campaign.storage import save_plan
    from smskit.store.database import Store

    url = f"sqlite:///{folder / 'smskit.db'}"
    camp = Campaign("Cli", "Hi", Sender("long_code", "+15005550006"), purpose="transactional")
    return save_plan(Store.open(url), plan(camp, [Recipient.of("a", "+14155550100")])), url


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "smskit.cli", *args], capture_output=True, text=True, timeout=120
    )


def test_an_unreachable_twilio_is_one_plain_line_and_the_campaign_stays_resumable(
    tmp_path: Path,
) -> None:
    campaign_id, url = _saved_campaign(tmp_path)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # closed again: nothing listens there
    stale = tmp_path / "sim.json"
    stale.write_text(
        json.dumps(
            {
                "url": f"http://127.0.0.1:{port}",
                "account_sid": "AC" + "0" * 32,
                "auth_token": "s3cret" * 6,
            }
        )
    )
    result = _cli("send", campaign_id, "--database", url, "--simulator-file", str(stale))
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.stderr, result.stderr
    assert "could not be reached" in lines[0] and "resume" in lines[0]
    assert "s3cret" not in result.stderr + result.stdout
    listed = _cli("campaigns", "--database", url)
    assert campaign_id in listed.stdout and "finished" not in listed.stdout


def test_stale_simulator_credentials_are_one_plain_line(tmp_path: Path) -> None:
    from smskit.simulator import start

    campaign_id, url = _saved_campaign(tmp_path)
    with start(step_delay=0) as sim:
        stale = tmp_path / "sim.json"
        stale.write_text(
            json.dumps({"url": sim.url, "account_sid": sim.account_sid, "auth_token": "f" * 32})
        )
        result = _cli("send", campaign_id, "--database", url, "--simulator-file", str(stale))
    assert result.returncode == 1
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert "Traceback" not in result.stderr and "20003" in result.stderr


def test_campaigns_command_lists_and_controls(tmp_path: Path) -> None:
    campaign_id, url = _saved_campaign(tmp_path)
    assert "draft" in _cli("campaigns", "--database", url).stdout
    assert _cli("campaigns", "confirm", campaign_id, "--database", url).returncode == 0
    paused = _cli("campaigns", "pause", campaign_id, "--database", url)
    assert paused.returncode == 0 and "paused" in paused.stdout
    again = _cli("campaigns", "pause", campaign_id, "--database", url)
    assert again.returncode == 1 and "cannot pause" in again.stderr
    canceled = _cli("campaigns", "cancel", campaign_id, "--database", url)
    assert canceled.returncode == 0 and "1 message(s) not sent" in canceled.stdout
    missing = _cli("campaigns", "resume", "nope", "--database", url)
    assert missing.returncode == 1 and missing.stderr.count("\n") == 1
