"""Twilio credentials: read, check, keep safe, and test the connection with a clear verdict.

Secrets are wrapped in :class:`Secret`, whose ``repr``/``str`` are a mask, so a credential can be
printed, logged or shown in a notebook without leaking. Sources, in order: environment variables
(``TWILIO_ACCOUNT_SID`` with ``TWILIO_AUTH_TOKEN``, or ``TWILIO_API_KEY`` with
``TWILIO_API_SECRET``), a masked field in the dashboard, the OS keyring, or a 0600 file under
``SMSKIT_HOME``.

>>> creds = Credentials("AC" + "0" * 32, "f" * 32)
>>> creds
Credentials(account_sid='AC00000000000000000000000000000000', secret=Secret('********'))
>>> "f" * 32 in repr(creds) + str(creds)
False
"""

from __future__ import annotations

import contextlib
import hmac
import json
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NoReturn

from smskit.i18n.catalog import N_, LocalizedError, Text
from smskit.providers import AccountInfo, Provider, ProviderError

__all__ = [
    "ConnectionVerdict",
    "Credentials",
    "Secret",
    "check_connection",
    "check_format",
    "damaged",
    "erase_private",
    "forget",
    "from_env",
    "keep_private",
    "load",
    "read_private",
    "save",
]

# Formats from Twilio's docs: Account SIDs are "AC" + 32 hex digits, API key SIDs "SK" + 32 hex;
# Auth Tokens are 32 hex digits; API key secrets are 32 characters.
ACCOUNT_SID = re.compile(r"AC[0-9a-fA-F]{32}")
API_KEY_SID = re.compile(r"SK[0-9a-fA-F]{32}")
AUTH_TOKEN = re.compile(r"[0-9a-fA-F]{32}")
API_SECRET = re.compile(r"[0-9A-Za-z_-]{32}")  # Twilio shows letters and digits; allow URL-safe
KEYRING_SERVICE = "smskit-twilio"
CREDENTIALS_FILE = "twilio-credentials.json"


class Secret:
    """A secret string that never shows itself: ``repr``, ``str`` and ``format`` give a mask.

    Not a dataclass on purpose: ``dataclasses.asdict`` would unpack one. Copies are the same
    object, and pickling is refused, so the value cannot leak through a copy or a cache.

    >>> s = Secret("hunter2")
    >>> (repr(s), f"{s}", s.reveal())
    ("Secret('********')", '********', 'hunter2')
    """

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        object.__setattr__(self, "_value", value)

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError("a Secret cannot be changed")

    def reveal(self) -> str:
        """The real value: pass it straight to the twilio client, never to print or log.

        >>> Secret("x").reveal()
        'x'
        """
        value: str = object.__getattribute__(self, "_value")
        return value

    def __repr__(self) -> str:
        return "Secret('********')"

    def __str__(self) -> str:
        return "********"

    def __format__(self, spec: str) -> str:
        return "********"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Secret):
            return NotImplemented
        return hmac.compare_digest(self.reveal().encode(), other.reveal().encode())

    def __hash__(self) -> int:
        return hash(("Secret", len(self.reveal())))

    def __copy__(self) -> Secret:
        return self

    def __deepcopy__(self, memo: dict[int, object]) -> Secret:
        return self

    def __reduce_ex__(self, protocol: object) -> NoReturn:
        raise TypeError("a Secret is not pickled")


@dataclass(frozen=True, slots=True, init=False)
class Credentials:
    """An account SID with its Auth Token, or with an API key SID and secret.

    >>> Credentials("AC" + "1" * 32, "s" * 32, api_key_sid="SK" + "2" * 32).uses_api_key
    True
    """

    account_sid: str
    secret: Secret
    api_key_sid: str | None = None

    def __init__(self, account_sid: str, secret: str | Secret, api_key_sid: str | None = None):
        object.__setattr__(self, "account_sid", account_sid)
        object.__setattr__(self, "secret", secret if isinstance(secret, Secret) else Secret(secret))
        object.__setattr__(self, "api_key_sid", api_key_sid)

    def __repr__(self) -> str:
        key = f", api_key_sid={self.api_key_sid!r}" if self.api_key_sid else ""
        return f"Credentials(account_sid={self.account_sid!r}, secret={self.secret!r}{key})"

    __str__ = __repr__

    @property
    def uses_api_key(self) -> bool:
        """True when authenticating with an API key instead of the Auth Token."""
        return self.api_key_sid is not None


def check_format(account_sid: str, secret: str, api_key_sid: str | None = None) -> Credentials:
    """Check the credentials' shape before any request; errors name the field, never the value.

    >>> check_format(" AC" + "a" * 32 + " ", "0" * 32).account_sid[:4]
    'ACaa'
    >>> check_format("AC123", "0" * 32)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    smskit.i18n.LocalizedError: Account SID: expected 'AC' followed by ... (got 5 characters).
    """
    sid = account_sid.strip()
    token = secret.strip()
    key = api_key_sid.strip() if api_key_sid else None
    if not ACCOUNT_SID.fullmatch(sid):
        raise LocalizedError(
            "Account SID: expected 'AC' followed by 32 hexadecimal digits (got {n} characters).",
            n=len(sid),
        )
    if key:
        if not API_KEY_SID.fullmatch(key):
            raise LocalizedError(
                "API key SID: expected 'SK' followed by 32 hexadecimal digits "
                "(got {n} characters).",
                n=len(key),
            )
        if not API_SECRET.fullmatch(token):
            raise LocalizedError(
                "API key secret: expected 32 letters, digits, '-' or '_' (got {n} characters).",
                n=len(token),
            )
        return Credentials(sid, token, key)
    if not AUTH_TOKEN.fullmatch(token):
        raise LocalizedError(
            "Auth Token: expected 32 hexadecimal digits (got {n} characters).", n=len(token)
        )
    return Credentials(sid, token)


def from_env(env: Mapping[str, str] | None = None) -> Credentials | None:
    """Credentials from the environment, or None when none are set; malformed ones raise.

    >>> from_env({}) is None
    True
    >>> env = {"TWILIO_ACCOUNT_SID": "AC" + "b" * 32, "TWILIO_AUTH_TOKEN": "c" * 32}
    >>> from_env(env).uses_api_key
    False
    """
    env = os.environ if env is None else env
    sid = env.get("TWILIO_ACCOUNT_SID", "")
    key, key_secret = env.get("TWILIO_API_KEY", ""), env.get("TWILIO_API_SECRET", "")
    if key and key_secret:
        if not sid:
            raise LocalizedError("TWILIO_API_KEY is set: TWILIO_ACCOUNT_SID is needed with it.")
        return check_format(sid, key_secret, key)
    token = env.get("TWILIO_AUTH_TOKEN", "")
    if sid and token:
        return check_format(sid, token)
    if sid or token:
        missing = "TWILIO_AUTH_TOKEN" if sid else "TWILIO_ACCOUNT_SID"
        raise LocalizedError("{name} is not set.", name=missing)
    return None


def _home() -> Path:
    return Path(os.environ.get("SMSKIT_HOME") or Path.home() / ".smskit")


def _keyring() -> Any:
    """The usable keyring backend, or None ("no backend": headless servers, containers)."""
    try:
        import keyring
        from keyring.backends import fail

        backend = keyring.get_keyring()
    except Exception:  # a broken keyring configuration is the same as none for us
        return None
    if isinstance(backend, fail.Keyring) or getattr(backend, "priority", 0) <= 0:
        return None
    return keyring


def save(creds: Credentials, where: str = "keyring", *, home: Path | None = None) -> str:
    """Save credentials in the OS keyring (``"keyring"``) or a 0600 file (``"file"``); return where.

    >>> import tempfile; folder = Path(tempfile.mkdtemp())
    >>> save(Credentials("AC" + "d" * 32, "e" * 32), "file", home=folder)
    'file'
    >>> oct((folder / CREDENTIALS_FILE).stat().st_mode & 0o777)
    '0o600'
    """
    payload = {
        "account_sid": creds.account_sid,
        "api_key_sid": creds.api_key_sid,
        "secret": creds.secret.reveal(),
    }
    return keep_private(
        payload, where, service=KEYRING_SERVICE, filename=CREDENTIALS_FILE, home=home
    )


def _parse(payload: str, origin: str) -> Credentials:
    try:
        data = json.loads(payload)
        return check_format(data["account_sid"], data["secret"], data.get("api_key_sid"))
    except (ValueError, KeyError, TypeError) as error:
        if isinstance(error, LocalizedError):
            raise
        raise damaged(origin) from None


def load(*, home: Path | None = None, env: Mapping[str, str] | None = None) -> Credentials | None:
    """Credentials from the environment, else the keyring, else the private file; None if nowhere.

    >>> env = {"TWILIO_ACCOUNT_SID": "AC" + "1" * 32, "TWILIO_AUTH_TOKEN": "2" * 32}
    >>> load(env=env).account_sid[-4:]  # the environment wins
    '1111'
    """
    found = from_env(env)
    if found is not None:
        return found
    kept = read_private(service=KEYRING_SERVICE, filename=CREDENTIALS_FILE, home=home)
    return None if kept is None else _parse(*kept)


def forget(*, home: Path | None = None) -> None:
    """Delete saved credentials from the keyring and the private file (environment is untouched).

    >>> import tempfile; forget(home=Path(tempfile.mkdtemp()))
    """
    erase_private(service=KEYRING_SERVICE, filename=CREDENTIALS_FILE, home=home)


# -- where saved credentials live (shared with smskit.providers.vonage_credentials) ----------------


def keep_private(
    payload: Mapping[str, object], where: str, *, service: str, filename: str, home: Path | None
) -> str:
    """Keep a JSON ``payload`` in the OS keyring under ``service`` or in a 0600 file; return where.

    >>> import tempfile; folder = Path(tempfile.mkdtemp())
    >>> keep_private({"k": 1}, "file", service="smskit-x", filename="x.json", home=folder)
    'file'
    >>> read_private(service="smskit-x", filename="x.json", home=folder)
    ('{"k": 1}', 'x.json')
    """
    text = json.dumps(payload)
    if where == "keyring":
        ring = _keyring()
        if ring is None:
            raise LocalizedError(
                "No system keyring is available on this computer; save to a private file instead."
            )
        ring.set_password(service, "default", text)
        return "keyring"
    if where != "file":
        raise LocalizedError("Unknown place '{where}': use keyring or file.", where=where)
    path = (home or _home()) / filename
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)  # as SMSKIT_HOME: private
    # Create with 0600 from the start (no window where another user could read it), then enforce
    # the mode in case the file existed with wider permissions.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.fchmod(fd, 0o600)
        os.write(fd, text.encode())
    finally:
        os.close(fd)
    return "file"


def read_private(*, service: str, filename: str, home: Path | None) -> tuple[str, str] | None:
    """What :func:`keep_private` kept, keyring first, as ``(payload, origin)``; None if nothing.

    >>> import tempfile
    >>> read_private(service="smskit-x", filename="x.json", home=Path(tempfile.mkdtemp())) is None
    True
    """
    ring = _keyring()
    if ring is not None:
        try:
            stored = ring.get_password(service, "default")
        except Exception:
            stored = None
        if stored:
            return stored, "the keyring"
    path = (home or _home()) / filename
    if path.exists():
        return path.read_text(encoding="utf-8"), path.name
    return None


def erase_private(*, service: str, filename: str, home: Path | None) -> None:
    """Delete what :func:`keep_private` kept, from the keyring and the file.

    >>> import tempfile
    >>> erase_private(service="smskit-x", filename="x.json", home=Path(tempfile.mkdtemp()))
    """
    ring = _keyring()
    if ring is not None:
        with contextlib.suppress(Exception):  # nothing saved there: nothing to forget
            ring.delete_password(service, "default")
    ((home or _home()) / filename).unlink(missing_ok=True)


def damaged(origin: str) -> LocalizedError:
    """The error for saved credentials that can't be read; it names where, never the content.

    >>> str(damaged("x.json"))
    'The saved credentials in x.json are damaged.'
    """
    return LocalizedError("The saved credentials in {origin} are damaged.", origin=origin)


VERDICTS = {
    "ok": N_("Connected: the credentials work."),
    "trial": N_(
        "Connected to a trial account: it can only send to verified numbers (Twilio error 21608), "
        'and every message starts with "Sent from your Twilio trial account".'
    ),
    "wrong_credentials": N_(
        "Wrong credentials: Twilio did not accept the Account SID and Auth Token (error 20003). "
        "Copy both again from the Twilio Console."
    ),
    "no_network": N_("No network: Twilio could not be reached. Check the internet connection."),
    "error": N_("Twilio answered with an error (HTTP {status}, code {code})."),
}


@dataclass(frozen=True, slots=True)
class ConnectionVerdict:
    """The outcome of :func:`check_connection`: ``kind`` is ok, trial, wrong_credentials, no_network
    or error; ``message`` says it in plain words.

    >>> ConnectionVerdict("trial", Text(VERDICTS["trial"])).ok
    True
    """

    kind: str
    message: Text
    account: AccountInfo | None = None
    code: int | None = None

    @property
    def ok(self) -> bool:
        """True when requests can be made (a trial account works, with limits)."""
        return self.kind in {"ok", "trial"}


def check_connection(provider: Provider) -> ConnectionVerdict:
    """Fetch the account once and give a verdict: ok, trial, wrong credentials, no network, error.

    >>> class Offline:
    ...     def account(self): raise ProviderError(status=None)
    >>> check_connection(Offline()).kind
    'no_network'
    """
    try:
        account = provider.account()
    except ProviderError as error:
        if error.status != 404:
            return _failed(error)
        # A Twilio-compatible server without the Accounts resource (the local simulator): an
        # authenticated list call proves the credentials just as well.
        try:
            provider.list_messages(limit=1)
        except ProviderError as listing_error:
            return _failed(listing_error)
        return ConnectionVerdict("ok", Text(VERDICTS["ok"]))
    kind = "trial" if account.is_trial else "ok"
    return ConnectionVerdict(kind, Text(VERDICTS[kind]), account=account)


def _failed(error: ProviderError) -> ConnectionVerdict:
    if error.status == 401 or error.code == 20003:  # Twilio: HTTP 401 with code 20003
        return ConnectionVerdict(
            "wrong_credentials", Text(VERDICTS["wrong_credentials"]), code=20003
        )
    if error.status is None:
        return ConnectionVerdict("no_network", Text(VERDICTS["no_network"]))
    text = Text(VERDICTS["error"], status=error.status, code=error.code)
    return ConnectionVerdict("error", text, code=error.code)
