"""``smskit simulator``: prints its URL and test credentials, serves, stops on SIGTERM."""

from __future__ import annotations

import json
import signal
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
