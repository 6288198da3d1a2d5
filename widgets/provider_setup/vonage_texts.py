"""Provider Setup's words for a Vonage account (their own catalogue, provider_vonage.po)."""

from __future__ import annotations

from smskit_widgets.common.i18n import Translator

t = Translator("provider_vonage")


def mode_label() -> str:
    """The third choice of step 1."""
    return t("My Vonage account")


def note() -> str:
    """What to paste, and why nothing is saved."""
    return t(
        "Paste the API key and API secret from the Vonage API Dashboard (API settings). They "
        "are not saved here: keep them in VONAGE_API_KEY and VONAGE_API_SECRET."
    )


def key_label() -> str:
    """The API key field."""
    return t("API key")


def secret_label() -> str:
    """The API secret field."""
    return t("API secret")


def found_in_environment(key: str) -> str:
    """Credentials set in the environment."""
    return t("Credentials found in the environment for {key}: leave the secret empty.", key=key)


def running_on_vonage(account: str) -> str:
    """The Start page's line for a deployment that sends through Vonage."""
    return t("Real Vonage account {account}: messages are really sent and billed.", account=account)
