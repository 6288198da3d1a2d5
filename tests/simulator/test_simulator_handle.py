"""``start()`` and ``shared()``: the handles' life cycle, secrets kept out of repr, one simulator
per SMSKIT_HOME."""

from __future__ import annotations

import socket
import stat
import time
from pathlib import Path

import httpx
import pytest

import smskit.simulator
from smskit.simulator import SimulatorHandle


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_repr_shows_url_and_sid_but_no_secret(sim: SimulatorHandle) -> None:
    text = repr(sim) + str(sim)
    assert sim.url in text and sim.account_sid in text
    assert sim.auth_token not in text and sim.api_key_secret not in text


def test_each_start_has_fresh_credentials() -> None:
    with smskit.simulator.start() as one, smskit.simulator.start() as two:
        assert one.auth_token != two.auth_token and one.account_sid != two.account_sid
        assert len(one.auth_token) == 32 and one.api_key_sid.startswith("SK")


def test_stop_is_clean_and_frees_the_port() -> None:
    port = _free_port()
    handle = smskit.simulator.start(port)
    assert handle.url == f"http://127.0.0.1:{port}"
    assert (
        httpx.get(
            f"{handle.url}/_simulator/health", auth=(handle.account_sid, handle.auth_token)
        ).status_code
        == 200
    )
    handle.stop()
    assert not handle.running and "stopped" in repr(handle)
    handle.stop()  # twice is harmless
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"{handle.url}/_simulator/health")
    with smskit.simulator.start(port):  # the port is free again
        pass


def test_stop_with_messages_still_in_flight() -> None:
    with smskit.simulator.start(step_delay=30) as handle:
        httpx.post(
            f"{handle.url}/2010-04-01/Accounts/{handle.account_sid}/Messages.json",
            data={"To": "+14155550100", "From": "+15005550006", "Body": "x"},
            auth=(handle.account_sid, handle.auth_token),
        )
        started = time.monotonic()
    assert time.monotonic() - started < 5  # pending lifecycles are cancelled, not awaited


def test_unknown_knob_is_refused_by_name(sim: SimulatorHandle) -> None:
    with pytest.raises(ValueError, match="step_dealy"):
        sim.configure(step_dealy=0)
    with pytest.raises(ValueError, match="fault_drop"):
        smskit.simulator.start(fault_drop=1.5)


def test_messages_filters(sim: SimulatorHandle) -> None:
    sim.inject_inbound("+14155550123", "+15005550006", "hello")
    sim.inject_inbound("+14155550124", "+15005550006", "HELP")
    assert [m.body for m in sim.messages(direction="inbound")] == ["hello", "HELP"]  # oldest first
    assert [m.to for m in sim.messages(direction="outbound-reply")] == ["+14155550124"]
    assert sim.messages(from_="+14155550123")[0].status == "received"
    with pytest.raises(KeyError):
        sim.message("SM" + "0" * 32)


def test_shared_reuses_one_process_per_home(tmp_path: Path) -> None:
    first = smskit.simulator.shared(home=tmp_path)
    try:
        assert first.auth_token not in repr(first)
        state = tmp_path / "simulator.json"
        assert stat.S_IMODE(state.stat().st_mode) == 0o600
        second = smskit.simulator.shared(home=tmp_path)
        assert (second.pid, second.url, second.auth_token) == (
            first.pid,
            first.url,
            first.auth_token,
        )
        # both handles see the same messages and numbers
        first.inject_inbound("+14155550123", "+15005550006", "hi there")
        assert [m.body for m in second.messages()] == ["hi there"]
        assert second.configure(step_delay=0.0).step_delay == 0.0
    finally:
        first.stop()
    deadline = time.monotonic() + 10
    while first.running and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not first.running
    third = smskit.simulator.shared(home=tmp_path)  # a dead one is replaced
    try:
        assert third.pid != first.pid and third.running
    finally:
        third.stop()


def test_shared_simulator_stops_when_idle(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SMSKIT_SIMULATOR_IDLE", "1")
    handle = smskit.simulator.shared(home=tmp_path)
    try:
        deadline = time.monotonic() + 15
        while (tmp_path / "simulator.json").exists() and time.monotonic() < deadline:
            time.sleep(0.2)
        assert not (tmp_path / "simulator.json").exists()
    finally:
        handle.stop()


def test_idle_setting_must_be_a_number(monkeypatch: pytest.MonkeyPatch) -> None:
    from smskit.simulator.shared import idle_timeout

    monkeypatch.setenv("SMSKIT_SIMULATOR_IDLE", "soon")
    with pytest.raises(ValueError, match="SMSKIT_SIMULATOR_IDLE"):
        idle_timeout()
