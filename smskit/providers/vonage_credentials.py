"""Vonage credentials: an API key, its API secret and the webhook signature secret, kept masked.

From the environment: ``VONAGE_API_KEY``, ``VONAGE_API_SECRET`` and (for signed webhooks)
``VONAGE_SIGNATURE_SECRET`` with ``VONAGE_SIGNATURE_METHOD`` (md5, sha1, sha256 or sha512: the HMAC
chosen in the Vonage dashboard's API settings; default sha256); else saved by Provider Setup in the
OS keyring or a 0600 file, as Twilio's are. Secrets are
:class:`smskit.providers.credentials.Secret` values, so they never show in a repr, a log or a page.

>>> creds = check_vonage_format("abcd1234", "A" * 16)
>>> creds
VonageCredentials(api_key='abcd1234', api_secret=Secret('********'), signature_secret=None)
>>> "AAAA" in repr(creds)
False
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from smskit.i18n.catalog import N_, LocalizedError, Text
from smskit.providers import Provider, ProviderError
from smskit.providers.credentials import (
    ConnectionVerdict,
    Secret,
    damaged,
    erase_private,
    keep_private,
    read_private,
)

__all__ = [
    "VonageCredentials",
    "check_vonage_connection",
    "check_vonage_format",
    "forget_vonage",
    "load_vonage",
    "save_vonage",
    "vonage_from_env",
]

# The Vonage dashboard shows an 8-character API key and a 16-character API secret; secrets made
# through the Account API are 8-25 letters and digits (vonage_account.Account.create_secret).
API_KEY = re.compile(r"[0-9A-Za-z]{8}")
API_SECRET = re.compile(r"[0-9A-Za-z]{8,25}")
SIGNATURE_SECRET = re.compile(r"[!-~]{16,128}")  # printable ASCII, no spaces
METHODS = ("md5", "sha1", "sha256", "sha512")
KEYRING_SERVICE = "smskit-vonage"
CREDENTIALS_FILE = "vonage-credentials.json"


@dataclass(frozen=True, slots=True, init=False)
class VonageCredentials:
    """An API key with its secret, and the signature secret that signs webhooks (optional)."""

    api_key: str
    api_secret: Secret
    signature_secret: Secret | None = None
    signature_method: str = "sha256"

    def __init__(
        self,
        api_key: str,
        api_secret: str | Secret,
        signature_secret: str | Secret | None = None,
        signature_method: str = "sha256",
    ) -> None:
        def wrap(value: str | Secret) -> Secret:
            return value if isinstance(value, Secret) else Secret(value)

        object.__setattr__(self, "api_key", api_key)
        object.__setattr__(self, "api_secret", wrap(api_secret))
        signature = None if signature_secret is None else wrap(signature_secret)
        object.__setattr__(self, "signature_secret", signature)
        object.__setattr__(self, "signature_method", signature_method)

    def __repr__(self) -> str:
        return (
            f"VonageCredentials(api_key={self.api_key!r}, api_secret={self.api_secret!r}, "
            f"signature_secret={self.signature_secret!r})"
        )

    __str__ = __repr__


def check_vonage_format(
    api_key: str,
    api_secret: str,
    signature_secret: str | None = None,
    signature_method: str = "sha256",
) -> VonageCredentials:
    """Check the shapes before any request; an error names the field, never its value.

    >>> check_vonage_format("abc", "A" * 16)
    Traceback (most recent call last):
    ...
    smskit.i18n.LocalizedError: API key: expected 8 letters or digits (got 3 characters).
    """
    key, secret = api_key.strip(), api_secret.strip()
    if not API_KEY.fullmatch(key):
        raise LocalizedError(
            "API key: expected 8 letters or digits (got {n} characters).", n=len(key)
        )
    if not API_SECRET.fullmatch(secret):
        raise LocalizedError(
            "API secret: expected 8 to 25 letters or digits (got {n} characters).", n=len(secret)
        )
    signature = signature_secret.strip() if signature_secret else None
    if signature is not None and not SIGNATURE_SECRET.fullmatch(signature):
        raise LocalizedError(
            "Signature secret: expected 16 to 128 printable characters without spaces "
            "(got {n} characters).",
            n=len(signature),
        )
    method = signature_method.strip().lower() or "sha256"
    if method not in METHODS:
        raise LocalizedError(
            "Signature method: use md5, sha1, sha256 or sha512 (got {method!r}).", method=method
        )
    return VonageCredentials(key, secret, signature, method)


def vonage_from_env(env: Mapping[str, str] | None = None) -> VonageCredentials | None:
    """Vonage credentials from the environment, None when none are set; half-set ones raise.

    >>> vonage_from_env({}) is None
    True
    >>> vonage_from_env({"VONAGE_API_KEY": "abcd1234"})
    Traceback (most recent call last):
    ...
    smskit.i18n.LocalizedError: VONAGE_API_SECRET is not set.
    """
    env = os.environ if env is None else env
    key, secret = env.get("VONAGE_API_KEY", ""), env.get("VONAGE_API_SECRET", "")
    if not key and not secret:
        return None
    if not (key and secret):
        missing = "VONAGE_API_SECRET" if key else "VONAGE_API_KEY"
        raise LocalizedError("{name} is not set.", name=missing)
    return check_vonage_format(
        key,
        secret,
        env.get("VONAGE_SIGNATURE_SECRET") or None,
        env.get("VONAGE_SIGNATURE_METHOD", "sha256"),
    )


def save_vonage(
    creds: VonageCredentials, where: str = "keyring", *, home: Path | None = None
) -> str:
    """Save Vonage credentials in the OS keyring (``"keyring"``) or a 0600 file (``"file"``).

    >>> import tempfile; folder = Path(tempfile.mkdtemp())
    >>> save_vonage(check_vonage_format("abcd1234", "S" * 16), "file", home=folder)
    'file'
    >>> load_vonage(home=folder, env={}).api_key
    'abcd1234'
    """
    signature = creds.signature_secret
    payload = {
        "api_key": creds.api_key,
        "api_secret": creds.api_secret.reveal(),
        "signature_secret": None if signature is None else signature.reveal(),
        "signature_method": creds.signature_method,
    }
    return keep_private(
        payload, where, service=KEYRING_SERVICE, filename=CREDENTIALS_FILE, home=home
    )


def load_vonage(
    *, home: Path | None = None, env: Mapping[str, str] | None = None
) -> VonageCredentials | None:
    """Vonage credentials from the environment, else the keyring, else the private file.

    >>> import tempfile
    >>> load_vonage(home=Path(tempfile.mkdtemp()), env={}) is None
    True
    """
    found = vonage_from_env(env)
    if found is not None:
        return found
    kept = read_private(service=KEYRING_SERVICE, filename=CREDENTIALS_FILE, home=home)
    if kept is None:
        return None
    payload, origin = kept
    try:
        data = json.loads(payload)
        return check_vonage_format(
            data["api_key"],
            data["api_secret"],
            data.get("signature_secret"),
            data.get("signature_method") or "sha256",
        )
    except (ValueError, KeyError, TypeError, AttributeError) as error:
        if isinstance(error, LocalizedError):
            raise
        raise damaged(origin) from None


def forget_vonage(*, home: Path | None = None) -> None:
    """Delete saved Vonage credentials from the keyring and the private file.

    >>> import tempfile; forget_vonage(home=Path(tempfile.mkdtemp()))
    """
    erase_private(service=KEYRING_SERVICE, filename=CREDENTIALS_FILE, home=home)


VONAGE_VERDICTS = {
    "ok": N_("Connected to Vonage: the API key and secret work."),
    "wrong_credentials": N_(
        "Wrong credentials: Vonage did not accept the API key and secret. Copy both again from "
        "the Vonage API Dashboard (API settings)."
    ),
    "no_network": N_("No network: Vonage could not be reached. Check the internet connection."),
    "error": N_("Vonage answered with an error (HTTP {status})."),
}


def check_vonage_connection(provider: Provider) -> ConnectionVerdict:
    """Ask for the balance once and give a verdict: ok, wrong credentials, no network or error.

    Vonage has no "trial" account type; a demo account's limit shows when it sends (status 29).

    >>> class Offline:
    ...     def account(self): raise ProviderError(status=None)
    >>> check_vonage_connection(Offline()).kind
    'no_network'
    """
    try:
        account = provider.account()
    except ProviderError as error:
        if error.status == 401 or error.code == 100_004:
            return ConnectionVerdict(
                "wrong_credentials", Text(VONAGE_VERDICTS["wrong_credentials"])
            )
        if error.status is None:
            return ConnectionVerdict("no_network", Text(VONAGE_VERDICTS["no_network"]))
        text = Text(VONAGE_VERDICTS["error"], status=error.status)
        return ConnectionVerdict("error", text, code=error.code)
    return ConnectionVerdict("ok", Text(VONAGE_VERDICTS["ok"]), account=account)
