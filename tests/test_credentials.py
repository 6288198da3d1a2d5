"""Credentials: format checks before any request, masked everywhere, saved only where asked."""

from __future__ import annotations

import copy
import dataclasses
import logging
import os
import pickle
import stat
import traceback
from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest
from keyring.backend import KeyringBackend
from keyring.backends import fail

from smskit.i18n.catalog import LocalizedError
from smskit.providers import AccountInfo, ProviderError
from smskit.providers.credentials import (
    CREDENTIALS_FILE,
    Credentials,
    Secret,
    check_connection,
    check_format,
    forget,
    from_env,
    load,
    save,
)

SID = "AC" + "0123456789abcdef" * 2
TOKEN = "fedcba9876543210" * 2
KEY = "SK" + "13579bdf" * 4
KEY_SECRET = "Zq8" + "x" * 29


class MemoryKeyring(KeyringBackend):
    """A working keyring backend held in memory (the OS keyring's API, without the OS)."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.store: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.store.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.store[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.store.pop((service, username), None)


@pytest.fixture(scope="module")
def simulator() -> Iterator[object]:
    """A real simulator on loopback (smskit.simulator, issue 5)."""
    from smskit import simulator as sim

    handle = sim.start()
    yield handle
    handle.stop()


@pytest.fixture
def no_keyring() -> Iterator[None]:
    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    yield
    keyring.set_keyring(previous)


@pytest.fixture
def memory_keyring() -> Iterator[MemoryKeyring]:
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


# -- format ----------------------------------------------------------------------------------------


def test_valid_auth_token_credentials_pass() -> None:
    creds = check_format(SID, TOKEN)
    assert creds.account_sid == SID
    assert creds.secret.reveal() == TOKEN
    assert not creds.uses_api_key


def test_valid_api_key_credentials_pass() -> None:
    creds = check_format(SID, KEY_SECRET, KEY)
    assert creds.api_key_sid == KEY and creds.uses_api_key


@pytest.mark.parametrize(
    ("sid", "secret", "key", "field"),
    [
        ("AC" + "0" * 31, TOKEN, None, "Account SID"),  # 31 hex digits
        ("AB" + "0" * 32, TOKEN, None, "Account SID"),  # wrong prefix
        ("AC" + "g" * 32, TOKEN, None, "Account SID"),  # not hex
        (SID, TOKEN[:-1], None, "Auth Token"),
        (SID, "z" * 32, None, "Auth Token"),  # letters beyond f
        (SID, KEY_SECRET, "SK123", "API key SID"),
        (SID, "!" * 32, KEY, "API key secret"),
    ],
)
def test_bad_format_names_the_field_but_not_the_value(
    sid: str, secret: str, key: str | None, field: str
) -> None:
    with pytest.raises(LocalizedError) as caught:
        check_format(sid, secret, key)
    assert str(caught.value).startswith(field)
    assert secret not in str(caught.value)


def test_bad_format_error_is_translated() -> None:
    with pytest.raises(LocalizedError) as caught:
        check_format(SID, "short")
    assert caught.value.render("id") != caught.value.render("en")


# -- masking ---------------------------------------------------------------------------------------


def test_secret_never_shows_in_repr_str_format_or_containers() -> None:
    creds = check_format(SID, TOKEN)
    shown = " ".join(
        [repr(creds), str(creds), f"{creds}", f"{creds.secret}", str([creds]), str({"c": creds})]
    )
    assert TOKEN not in shown
    assert SID in shown  # the account SID is not a secret and helps support


def test_secret_refuses_pickling() -> None:
    with pytest.raises(TypeError):
        pickle.dumps(Secret(TOKEN))
    with pytest.raises(TypeError):
        pickle.dumps(check_format(SID, TOKEN))


def test_asdict_and_copies_keep_the_secret_masked() -> None:
    creds = check_format(SID, TOKEN)
    assert TOKEN not in str(dataclasses.asdict(creds))
    assert TOKEN not in repr(copy.deepcopy(creds))
    with pytest.raises(AttributeError):
        creds.secret._value = "x"  # type: ignore[attr-defined]


def test_secrets_compare_by_value() -> None:
    assert Secret(TOKEN) == Secret(TOKEN)
    assert Secret(TOKEN) != Secret(TOKEN[::-1])


# -- environment -----------------------------------------------------------------------------------


def test_from_env_with_auth_token() -> None:
    creds = from_env({"TWILIO_ACCOUNT_SID": SID, "TWILIO_AUTH_TOKEN": TOKEN})
    assert creds is not None and creds.secret.reveal() == TOKEN


def test_from_env_prefers_api_key_when_given() -> None:
    env = {
        "TWILIO_ACCOUNT_SID": SID,
        "TWILIO_AUTH_TOKEN": TOKEN,
        "TWILIO_API_KEY": KEY,
        "TWILIO_API_SECRET": KEY_SECRET,
    }
    creds = from_env(env)
    assert creds is not None and creds.api_key_sid == KEY


def test_from_env_half_set_is_a_clear_error() -> None:
    with pytest.raises(LocalizedError, match="TWILIO_AUTH_TOKEN"):
        from_env({"TWILIO_ACCOUNT_SID": SID})
    with pytest.raises(LocalizedError, match="TWILIO_ACCOUNT_SID"):
        from_env({"TWILIO_API_KEY": KEY, "TWILIO_API_SECRET": KEY_SECRET})


def test_from_env_nothing_set_is_none() -> None:
    assert from_env({}) is None


# -- saving ----------------------------------------------------------------------------------------


def test_file_is_0600_even_if_it_existed_wider(tmp_path: Path, no_keyring: None) -> None:
    path = tmp_path / CREDENTIALS_FILE
    path.write_text("{}")
    path.chmod(0o644)
    save(check_format(SID, TOKEN), "file", home=tmp_path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    loaded = load(home=tmp_path, env={})
    assert loaded is not None and loaded.secret.reveal() == TOKEN


def test_no_keyring_backend_is_a_clear_error_and_load_falls_back(
    tmp_path: Path, no_keyring: None
) -> None:
    with pytest.raises(LocalizedError, match="No system keyring"):
        save(check_format(SID, TOKEN), "keyring", home=tmp_path)
    assert load(home=tmp_path, env={}) is None


def test_keyring_round_trip_and_forget(tmp_path: Path, memory_keyring: MemoryKeyring) -> None:
    assert save(check_format(SID, KEY_SECRET, KEY), "keyring", home=tmp_path) == "keyring"
    assert not (tmp_path / CREDENTIALS_FILE).exists()  # nothing written to disk
    loaded = load(home=tmp_path, env={})
    assert loaded is not None and loaded.api_key_sid == KEY
    forget(home=tmp_path)
    assert memory_keyring.store == {}
    assert load(home=tmp_path, env={}) is None


def test_environment_wins_over_saved(tmp_path: Path, no_keyring: None) -> None:
    save(check_format(SID, TOKEN), "file", home=tmp_path)
    other = "AC" + "f" * 32
    loaded = load(home=tmp_path, env={"TWILIO_ACCOUNT_SID": other, "TWILIO_AUTH_TOKEN": TOKEN})
    assert loaded is not None and loaded.account_sid == other


def test_damaged_file_is_reported_without_its_content(tmp_path: Path, no_keyring: None) -> None:
    (tmp_path / CREDENTIALS_FILE).write_text(f'{{"secret": "{TOKEN}"')
    with pytest.raises(LocalizedError) as caught:
        load(home=tmp_path, env={})
    assert "damaged" in str(caught.value) and TOKEN not in str(caught.value)


# -- connection test -------------------------------------------------------------------------------


class FixedAccount:
    def __init__(self, result: AccountInfo | ProviderError) -> None:
        self.result = result

    def account(self) -> AccountInfo:
        if isinstance(self.result, ProviderError):
            raise self.result
        return self.result


@pytest.mark.parametrize(
    ("result", "kind", "ok"),
    [
        (AccountInfo(SID, "Shop", "Full", "active"), "ok", True),
        (AccountInfo(SID, "Shop", "Trial", "active"), "trial", True),
        (ProviderError(status=401, code=20003), "wrong_credentials", False),
        (ProviderError(status=None), "no_network", False),
        (ProviderError(status=500, code=20500), "error", False),
    ],
)
def test_connection_verdicts(result: AccountInfo | ProviderError, kind: str, ok: bool) -> None:
    verdict = check_connection(FixedAccount(result))  # type: ignore[arg-type]
    assert (verdict.kind, verdict.ok) == (kind, ok)
    assert verdict.message.render("id") != verdict.message.render("en")


def test_trial_verdict_explains_verified_numbers_and_prefix() -> None:
    verdict = check_connection(FixedAccount(AccountInfo(SID, "S", "Trial", "active")))  # type: ignore[arg-type]
    text = str(verdict.message)
    assert "21608" in text and "Sent from your Twilio trial account" in text


# -- against the simulator: real HTTP through the twilio client ------------------------------


def test_wrong_token_against_simulator_is_20003_and_never_leaks(
    simulator: object, caplog: pytest.LogCaptureFixture
) -> None:
    from smskit.providers.twilio import TwilioProvider

    wrong = "0" * 32
    provider = TwilioProvider.from_credentials(
        Credentials(simulator.account_sid, wrong),  # type: ignore[attr-defined]
        base_url=simulator.url,  # type: ignore[attr-defined]
    )
    caplog.set_level(logging.DEBUG)
    verdict = check_connection(provider)
    assert verdict.kind == "wrong_credentials" and verdict.code == 20003
    with pytest.raises(ProviderError) as caught:
        provider.list_messages(limit=1)
    assert caught.value.code == 20003
    text = "".join(traceback.format_exception(caught.value)) + repr(caught.value) + repr(provider)
    logged = "\n".join(r.getMessage() for r in caplog.records)
    for secret in (wrong, simulator.auth_token):  # type: ignore[attr-defined]
        assert secret not in text
        assert secret not in logged


def test_right_credentials_against_simulator_connect(simulator: object) -> None:
    from smskit.providers.twilio import TwilioProvider

    creds = check_format(simulator.account_sid, simulator.auth_token)  # type: ignore[attr-defined]
    provider = TwilioProvider.from_credentials(creds, base_url=simulator.url)  # type: ignore[attr-defined]
    verdict = check_connection(provider)
    assert (verdict.kind, verdict.ok) == ("ok", True)


def test_nothing_listening_is_no_network() -> None:
    import socket

    from smskit.providers.retry import Backoff
    from smskit.providers.twilio import TwilioProvider

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # closed again on exit: connection refused
    provider = TwilioProvider.for_url(
        f"http://127.0.0.1:{port}", SID, TOKEN, backoff=Backoff(base=0.001, max_attempts=2)
    )
    assert check_connection(provider).kind == "no_network"


def test_home_is_isolated_for_tests() -> None:
    assert "smskit-test-home" in os.environ["SMSKIT_HOME"]


def test_api_key_credentials_work_against_simulator(simulator: object) -> None:
    from smskit.providers.twilio import TwilioProvider

    creds = check_format(
        simulator.account_sid,  # type: ignore[attr-defined]
        simulator.api_key_secret,  # type: ignore[attr-defined]
        simulator.api_key_sid,  # type: ignore[attr-defined]
    )
    provider = TwilioProvider.from_credentials(creds, base_url=simulator.url)  # type: ignore[attr-defined]
    assert check_connection(provider).ok
    assert provider.account_sid == simulator.account_sid  # type: ignore[attr-defined]


def test_connect_saves_only_credentials_that_work(
    simulator: object, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, no_keyring: None
) -> None:
    from smskit.deployment import connect

    monkeypatch.setenv("SMSKIT_HOME", str(tmp_path))
    url = simulator.url  # type: ignore[attr-defined]
    sid = simulator.account_sid  # type: ignore[attr-defined]
    wrong = connect(check_format(sid, "0" * 32), base_url=url, remember="file")
    assert wrong.verdict.kind == "wrong_credentials" and wrong.saved_to is None
    assert not (tmp_path / CREDENTIALS_FILE).exists()
    right = connect(check_format(sid, simulator.auth_token), base_url=url, remember="file")  # type: ignore[attr-defined]
    assert right.verdict.ok and right.saved_to == "file"
    assert stat.S_IMODE((tmp_path / CREDENTIALS_FILE).stat().st_mode) == 0o600
    assert load(env={}) == check_format(sid, simulator.auth_token)  # type: ignore[attr-defined]


# -- Vonage: saved the same way, and one saved account at a time ----------------------------------


VONAGE_KEY, VONAGE_SECRET = "abcd1234", "Vs3cretVs3cret00"
NO_VONAGE_ENV = ("VONAGE_API_KEY", "VONAGE_API_SECRET", "VONAGE_SIGNATURE_SECRET")


def test_vonage_file_is_0600_and_keeps_the_signature_secret(
    tmp_path: Path, no_keyring: None
) -> None:
    from smskit.providers.vonage_credentials import (
        CREDENTIALS_FILE as VONAGE_FILE,
    )
    from smskit.providers.vonage_credentials import check_vonage_format, load_vonage, save_vonage

    signature = "sig-" + "q" * 28
    creds = check_vonage_format(VONAGE_KEY, VONAGE_SECRET, signature, "sha512")
    assert save_vonage(creds, "file", home=tmp_path) == "file"
    assert stat.S_IMODE((tmp_path / VONAGE_FILE).stat().st_mode) == 0o600
    assert not (tmp_path / CREDENTIALS_FILE).exists()  # not in Twilio's file
    loaded = load_vonage(home=tmp_path, env={})
    assert loaded is not None and loaded.api_secret.reveal() == VONAGE_SECRET
    assert loaded.signature_secret is not None and loaded.signature_secret.reveal() == signature
    assert loaded.signature_method == "sha512"
    assert VONAGE_SECRET not in repr(loaded) and signature not in str(loaded)


def test_vonage_keyring_entry_is_its_own_and_forget_removes_only_it(
    tmp_path: Path, memory_keyring: MemoryKeyring
) -> None:
    from smskit.providers.vonage_credentials import (
        check_vonage_format,
        forget_vonage,
        load_vonage,
        save_vonage,
    )

    save(check_format(SID, TOKEN), "keyring", home=tmp_path)
    save_vonage(check_vonage_format(VONAGE_KEY, VONAGE_SECRET), "keyring", home=tmp_path)
    assert len(memory_keyring.store) == 2
    loaded = load_vonage(home=tmp_path, env={})
    assert loaded is not None and loaded.api_key == VONAGE_KEY
    forget_vonage(home=tmp_path)
    assert load_vonage(home=tmp_path, env={}) is None
    twilio = load(home=tmp_path, env={})
    assert twilio is not None and twilio.account_sid == SID


def test_damaged_vonage_file_names_the_file_never_the_content(
    tmp_path: Path, no_keyring: None
) -> None:
    from smskit.providers.vonage_credentials import CREDENTIALS_FILE as VONAGE_FILE
    from smskit.providers.vonage_credentials import load_vonage

    (tmp_path / VONAGE_FILE).write_text(f'{{"api_secret": "{VONAGE_SECRET}"}}')
    with pytest.raises(LocalizedError) as caught:
        load_vonage(home=tmp_path, env={})
    assert VONAGE_FILE in str(caught.value) and VONAGE_SECRET not in str(caught.value)
    (tmp_path / VONAGE_FILE).write_text('["not", "an", "object"]')
    with pytest.raises(LocalizedError, match="damaged"):
        load_vonage(home=tmp_path, env={})


def test_vonage_environment_wins_over_saved(tmp_path: Path, no_keyring: None) -> None:
    from smskit.providers.vonage_credentials import check_vonage_format, load_vonage, save_vonage

    save_vonage(check_vonage_format(VONAGE_KEY, VONAGE_SECRET), "file", home=tmp_path)
    env = {"VONAGE_API_KEY": "zzzz9999", "VONAGE_API_SECRET": VONAGE_SECRET}
    loaded = load_vonage(home=tmp_path, env=env)
    assert loaded is not None and loaded.api_key == "zzzz9999"


def test_connect_vonage_saves_only_working_credentials_in_place_of_twilio(
    simulator: object, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, no_keyring: None
) -> None:
    from smskit.deployment import connect, connect_vonage, default_provider
    from smskit.providers.twilio import TwilioProvider
    from smskit.providers.vonage import VonageProvider
    from smskit.providers.vonage_credentials import check_vonage_format, load_vonage

    for name in (*NO_VONAGE_ENV, "TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN", "TWILIO_API_KEY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("SMSKIT_HOME", str(tmp_path))
    url = simulator.url  # type: ignore[attr-defined]
    key, secret = simulator.vonage_api_key, simulator.vonage_api_secret  # type: ignore[attr-defined]
    sid, token = simulator.account_sid, simulator.auth_token  # type: ignore[attr-defined]
    assert connect(check_format(sid, token), base_url=url, remember="file").saved_to == "file"
    assert isinstance(default_provider(), TwilioProvider)

    wrong = connect_vonage(
        check_vonage_format(key, "Wrong0secret000"), base_url=url, remember="file"
    )
    assert wrong.verdict.kind == "wrong_credentials" and wrong.saved_to is None
    assert load_vonage(env={}) is None and load(env={}) is not None  # nothing changed

    right = connect_vonage(check_vonage_format(key, secret), base_url=url, remember="file")
    assert right.verdict.ok and right.saved_to == "file"
    saved = load_vonage(env={})
    assert saved is not None and saved.api_key == key
    assert load(env={}) is None  # one saved account: Twilio's was forgotten
    assert isinstance(default_provider(), VonageProvider)

    # And back: saving Twilio again forgets Vonage's.
    connect(check_format(sid, token), base_url=url, remember="file")
    assert load_vonage(env={}) is None
    assert isinstance(default_provider(), TwilioProvider)
