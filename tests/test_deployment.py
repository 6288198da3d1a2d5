"""smskit.deployment: what the Start page may show about where smskit runs (never a secret)."""

from __future__ import annotations

from pathlib import Path

import pytest

from smskit.deployment import describe_deployment, mask_account_sid, mask_database_url

SID = "AC" + "0123456789abcdef" * 2
TOKEN = "f" * 32


def test_no_credentials_means_the_simulator() -> None:
    d = describe_deployment({})
    assert d.mode == "simulator" and d.account is None


def test_a_sid_alone_is_not_a_real_account() -> None:
    assert describe_deployment({"TWILIO_ACCOUNT_SID": SID}).mode == "simulator"


@pytest.mark.parametrize("secret", ["TWILIO_AUTH_TOKEN", "TWILIO_API_KEY"])
def test_sid_and_secret_mean_a_real_account_shown_masked(secret: str) -> None:
    d = describe_deployment({"TWILIO_ACCOUNT_SID": SID, secret: TOKEN})
    assert d.mode == "twilio"
    assert d.account == "AC…cdef"
    assert SID not in repr(d) and TOKEN not in repr(d)


def test_default_database_is_sqlite_in_smskit_home(tmp_path: Path) -> None:
    d = describe_deployment({"SMSKIT_HOME": str(tmp_path)})
    assert d.home == tmp_path
    assert d.database_engine == "SQLite"
    assert d.database_url == f"sqlite:///{tmp_path / 'smskit.db'}"


def test_home_defaults_to_dot_smskit() -> None:
    assert describe_deployment({}).home == Path("~/.smskit").expanduser()


@pytest.mark.parametrize(
    "url",
    [
        "postgresql://smskit:pa%40ss@db.internal:5432/smskit",
        "postgresql+psycopg://smskit:s3cret@localhost/smskit",
        "postgres://smskit:s3cret@localhost/smskit",
    ],
)
def test_postgres_urls_never_show_the_password(url: str) -> None:
    d = describe_deployment({"SMSKIT_DATABASE_URL": url})
    assert d.database_engine == "PostgreSQL"
    assert "s3cret" not in d.database_url and "pa%40ss" not in d.database_url
    assert "pa@ss" not in d.database_url
    assert "***" in d.database_url


def test_unparseable_url_is_not_echoed() -> None:
    assert mask_database_url("::s3cret::") == "(unreadable database URL)"


def test_short_sid_is_fully_hidden() -> None:
    assert mask_account_sid("AC12") == "…"


def test_agrees_with_the_store_about_where_data_lives(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from smskit.store.connection import database_url, smskit_home

    monkeypatch.setenv("SMSKIT_HOME", str(tmp_path))
    monkeypatch.delenv("SMSKIT_DATABASE_URL", raising=False)
    d = describe_deployment()
    assert d.home == smskit_home()
    assert d.database_url == mask_database_url(database_url())


def test_credentials_saved_by_the_walkthrough_mean_a_real_account(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from smskit.providers import credentials

    for name in ("TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN", "TWILIO_API_KEY", "TWILIO_API_SECRET"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("SMSKIT_HOME", str(tmp_path))
    monkeypatch.setattr(credentials, "_keyring", lambda: None)  # no OS keyring in this test
    assert describe_deployment().mode == "simulator"
    credentials.save(credentials.Credentials(SID, TOKEN), "file", home=tmp_path)
    d = describe_deployment()
    assert (d.mode, d.account) == ("twilio", "AC…cdef")


def test_vonage_credentials_saved_by_provider_setup_mean_a_vonage_deployment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from smskit.providers import credentials
    from smskit.providers.vonage_credentials import check_vonage_format, save_vonage

    for name in ("TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN", "VONAGE_API_KEY", "VONAGE_API_SECRET"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("SMSKIT_HOME", str(tmp_path))
    monkeypatch.setattr(credentials, "_keyring", lambda: None)  # no OS keyring in this test
    save_vonage(check_vonage_format("abcd1234", "Vs3cretVs3cret00"), "file", home=tmp_path)
    d = describe_deployment()
    assert (d.mode, d.account) == ("vonage", "ab…34")
    assert "Vs3cret" not in repr(d)
    # The environment still wins over what was saved.
    monkeypatch.setenv("TWILIO_ACCOUNT_SID", SID)
    monkeypatch.setenv("TWILIO_AUTH_TOKEN", TOKEN)
    assert describe_deployment().mode == "twilio"
