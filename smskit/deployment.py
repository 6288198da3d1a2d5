"""Where smskit runs: on the built-in simulator or a real Twilio account, and where its data lives.

:func:`connect` and :func:`connect_simulator` open a provider and test it with a clear verdict.

The Start dashboard shows this so that a trainer knows nothing real will be sent, and an analyst
knows which database a campaign will be written to. Nothing secret is ever returned: the Auth Token
is only checked for presence, the Account SID is shortened, and a database password is masked.

>>> d = describe_deployment({"SMSKIT_HOME": "/tmp/h"})
>>> d.mode, d.database_engine, d.database_url
('simulator', 'SQLite', 'sqlite:////tmp/h/smskit.db')
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from smskit.providers import Provider
from smskit.providers.credentials import ConnectionVerdict, Credentials, check_connection, save

__all__ = [
    "Connection",
    "Deployment",
    "connect",
    "connect_simulator",
    "connect_vonage",
    "connect_vonage_simulator",
    "describe_deployment",
    "mask_account_sid",
    "mask_database_url",
]

DEFAULT_HOME = Path("~/.smskit")
DATABASE_FILE = "smskit.db"


@dataclass(frozen=True, slots=True)
class Deployment:
    """How this smskit is set up; every field is safe to show on screen."""

    mode: Literal["simulator", "twilio", "vonage"]
    account: str | None
    home: Path
    database_engine: Literal["SQLite", "PostgreSQL", "other"]
    database_url: str


def mask_account_sid(sid: str) -> str:
    """Shorten an Account SID to its prefix and last four characters, enough to recognise it.

    >>> mask_account_sid("AC" + "0123456789abcdef" * 2)
    'AC…cdef'
    """
    sid = sid.strip()
    return f"{sid[:2]}…{sid[-4:]}" if len(sid) > 8 else "…"


def mask_database_url(url: str) -> str:
    """The database URL with any password replaced by ``***`` (SQLAlchemy's own URL parser).

    >>> mask_database_url("postgresql+psycopg://smskit:s3cret@db.example:5432/smskit")
    'postgresql+psycopg://smskit:***@db.example:5432/smskit'
    >>> mask_database_url("not a url")
    '(unreadable database URL)'
    """
    from sqlalchemy.engine import make_url  # imported lazily: SQLAlchemy is heavy for this one call
    from sqlalchemy.exc import ArgumentError

    try:
        return make_url(url).render_as_string(hide_password=True)
    except (ArgumentError, ValueError):
        # Never echo an unparseable URL: it may hold a password in a form the parser missed.
        return "(unreadable database URL)"


def _engine(url: str) -> Literal["SQLite", "PostgreSQL", "other"]:
    scheme = url.split(":", 1)[0].split("+", 1)[0].lower()
    if scheme == "sqlite":
        return "SQLite"
    if scheme in ("postgresql", "postgres"):
        return "PostgreSQL"
    return "other"


def _saved_account() -> tuple[str, str]:
    """The provider and account of credentials saved by Provider Setup (keyring or 0600 file):
    ``("twilio", sid)``, ``("vonage", api key)`` or ``("", "")``."""
    # Lazily: they may consult the OS keyring.
    from smskit.providers import credentials
    from smskit.providers.vonage_credentials import load_vonage

    with contextlib.suppress(ValueError):  # damaged credentials: not a usable real account
        twilio = credentials.load(env={})
        if twilio is not None:
            return "twilio", twilio.account_sid
    with contextlib.suppress(ValueError):
        vonage = load_vonage(env={})
        if vonage is not None:
            return "vonage", vonage.api_key
    return "", ""


def describe_deployment(environ: Mapping[str, str] | None = None) -> Deployment:
    """Read ``SMSKIT_HOME``, ``SMSKIT_DATABASE_URL`` and ``TWILIO_ACCOUNT_SID`` (no secrets out).

    With no ``environ`` given, credentials saved by the setup walkthrough count as well.

    >>> sid = "AC" + "f" * 32
    >>> d = describe_deployment({"TWILIO_ACCOUNT_SID": sid, "TWILIO_AUTH_TOKEN": "x",
    ...     "SMSKIT_DATABASE_URL": "postgresql://u:pw@h/db"})
    >>> d.mode, d.account, d.database_engine, "pw" in d.database_url
    ('twilio', 'AC…ffff', 'PostgreSQL', False)
    >>> describe_deployment({"VONAGE_API_KEY": "abcd1234", "VONAGE_API_SECRET": "x"}).account
    'ab…34'
    """
    env = os.environ if environ is None else environ
    # Same defaults as smskit.store.connection (``~/.smskit``, ``smskit.db``); tests check they
    # agree.
    home = Path(env.get("SMSKIT_HOME") or DEFAULT_HOME).expanduser()
    url = env.get("SMSKIT_DATABASE_URL", "").strip() or f"sqlite:///{home / DATABASE_FILE}"
    sid = env.get("TWILIO_ACCOUNT_SID", "").strip()
    # A real account needs both halves of a credential: the SID plus an Auth Token or an API key.
    has_secret = bool(env.get("TWILIO_AUTH_TOKEN") or env.get("TWILIO_API_KEY"))
    real = bool(sid) and has_secret
    vonage_key = env.get("VONAGE_API_KEY", "").strip()
    vonage = bool(vonage_key and env.get("VONAGE_API_SECRET"))
    if not (real or vonage) and environ is None:  # the environment wins, as in default_provider
        saved, account = _saved_account()
        real, sid = saved == "twilio", account
        vonage, vonage_key = saved == "vonage", account
    if not real and vonage:
        # The API key is not a secret, but shortened like a SID: enough to recognise it.
        masked = f"{vonage_key[:2]}…{vonage_key[-2:]}" if len(vonage_key) >= 6 else "…"
        return Deployment("vonage", masked, home, _engine(url), mask_database_url(url))
    return Deployment(
        mode="twilio" if real else "simulator",
        account=mask_account_sid(sid) if real else None,
        home=home,
        database_engine=_engine(url),
        database_url=mask_database_url(url),
    )


@dataclass(frozen=True, slots=True)
class Connection:
    """A provider and its verdict; ``saved_to``: where the credentials were saved, if anywhere."""

    provider: Provider
    verdict: ConnectionVerdict
    saved_to: str | None = None


def connect(
    creds: Credentials, *, base_url: str | None = None, remember: str | None = None
) -> Connection:
    """Test ``creds`` against Twilio (or ``base_url``); save them (``"keyring"``/``"file"``) only if
    they work.

    >>> import socket
    >>> with socket.socket() as s:
    ...     _ = s.bind(("127.0.0.1", 0)); port = s.getsockname()[1]
    >>> creds = Credentials("AC" + "a" * 32, "b" * 32)
    >>> connect(creds, base_url=f"http://127.0.0.1:{port}").verdict.kind
    'no_network'
    """
    from smskit.providers.twilio import TwilioProvider

    provider = TwilioProvider.from_credentials(creds, base_url=base_url)
    verdict = check_connection(provider)
    saved = None
    if verdict.ok and remember:
        from smskit.providers.vonage_credentials import forget_vonage

        saved = save(creds, remember)
        forget_vonage()  # one saved account: the one campaigns go through
    return Connection(provider, verdict, saved)


def connect_vonage(
    creds: Any, *, base_url: str | None = None, remember: str | None = None
) -> Connection:
    """Test Vonage credentials (:class:`smskit.providers.vonage_credentials.VonageCredentials`)
    against Vonage's cloud or ``base_url`` (the simulator speaks Vonage too); save them
    (``"keyring"``/``"file"``) only if they work, in place of a saved Twilio account.

    >>> from smskit.simulator import start
    >>> from smskit.providers.vonage_credentials import VonageCredentials
    >>> with start() as sim:
    ...     good = VonageCredentials(sim.vonage_api_key, sim.vonage_api_secret)
    ...     bad = VonageCredentials(sim.vonage_api_key, "Wrong0000secret")
    ...     connect_vonage(good, base_url=sim.url).verdict.kind, connect_vonage(
    ...         bad, base_url=sim.url).verdict.kind
    ('ok', 'wrong_credentials')
    """
    from smskit.providers.credentials import forget
    from smskit.providers.vonage import VonageProvider
    from smskit.providers.vonage_credentials import check_vonage_connection, save_vonage

    provider = VonageProvider.from_credentials(creds, base_url=base_url)
    verdict = check_vonage_connection(provider)
    saved = None
    if verdict.ok and remember:
        saved = save_vonage(creds, remember)
        forget()  # one saved account: the one campaigns go through
    return Connection(provider, verdict, saved)


def connect_simulator(handle: Any = None) -> Connection:
    """Connect to a simulator handle, by default the shared built-in one (``simulator.shared()``).

    >>> from smskit.simulator import start
    >>> with start() as handle:
    ...     connect_simulator(handle).verdict.kind
    'ok'
    """
    from smskit.providers.twilio import TwilioProvider

    if handle is None:
        from smskit import simulator  # the service layer: deployment sits above it

        handle = simulator.shared()
    provider = TwilioProvider.for_simulator(handle)
    return Connection(provider, check_connection(provider))


def connect_vonage_simulator(handle: Any = None) -> Connection:
    """The simulator's account through Vonage's APIs: the real ``vonage`` SDK over HTTP to the
    simulator (by default the shared built-in one), so a trainer can practise the Vonage flavour.

    >>> from smskit.simulator import start
    >>> with start() as handle:
    ...     connection = connect_vonage_simulator(handle)
    ...     connection.verdict.kind, connection.verdict.account.balance > 0
    ('ok', True)
    """
    from smskit.providers.vonage import VonageProvider
    from smskit.providers.vonage_credentials import check_vonage_connection

    if handle is None:
        from smskit import simulator

        handle = simulator.shared()
    provider = VonageProvider.for_simulator(handle)
    return Connection(provider, check_vonage_connection(provider))


def default_provider() -> Provider:
    """Where campaigns go: a real Twilio account when one is set up, else the shared simulator.

    Credentials come from the environment (``TWILIO_*``, or ``VONAGE_API_KEY`` and
    ``VONAGE_API_SECRET`` for Vonage when no Twilio account is set), else from Provider Setup
    (keyring or file, which keeps one account: Twilio's or Vonage's); with none, every kernel and
    worker of this ``SMSKIT_HOME`` shares one simulator.
    """
    from smskit import simulator
    from smskit.providers import credentials
    from smskit.providers.twilio import TwilioProvider
    from smskit.providers.vonage_credentials import load_vonage, vonage_from_env

    vonage = vonage_from_env()
    if vonage is None or os.environ.get("TWILIO_ACCOUNT_SID"):
        creds = credentials.load()  # the environment first, then the keyring or the file
        if creds is not None:
            return TwilioProvider.from_credentials(creds)
        vonage = load_vonage()
    if vonage is not None:
        from smskit.providers.vonage import VonageProvider  # the vonage SDK only when needed

        return VonageProvider.from_credentials(vonage)
    return TwilioProvider.for_simulator(simulator.shared())
