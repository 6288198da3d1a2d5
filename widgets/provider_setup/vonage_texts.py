"""Provider Setup's words for a Vonage account (their own catalogue, provider_vonage.po)."""

from __future__ import annotations

from smskit_widgets.common.i18n import Translator

t = Translator("provider_vonage")


def mode_label() -> str:
    """The third choice of step 1."""
    return t("My Vonage account")


def simulator_label() -> str:
    """The second choice of step 1: the built-in simulator through Vonage's APIs."""
    return t("Vonage (simulator)")


def simulator_note() -> str:
    """What the Vonage-flavoured simulator is."""
    return t(
        "The built-in simulator answering Vonage's APIs through the official Vonage SDK: no "
        "account, no cost. A long message comes back as several parts, each with its own "
        "delivery receipt."
    )


def parts_label() -> str:
    """Heading of the per-part receipts of a long Vonage message."""
    return t("Parts (one delivery receipt each)")


def part_label(number: int) -> str:
    """One part of a long Vonage message."""
    return t("Part {n}", n=number)


def partially_delivered() -> str:
    """Some parts of a long message delivered, the others not yet."""
    return t("partially delivered")


def balance_label() -> str:
    """The account balance beside the connection verdict."""
    return t("Balance")


def monthly_cost(amount: str | None) -> str:
    """What a Vonage number costs per month (None: Vonage did not say)."""
    if amount is None:
        return t("Vonage did not report the monthly price: check vonage.com/pricing first.")
    return t("It costs {amount} per month, billed by Vonage.", amount=amount)


def buy_question(number: str) -> str:
    """The purchase confirmation's question."""
    return t("Buy {number} on your Vonage account?", number=number)


def note() -> str:
    """What to paste, and where it can be kept."""
    return t(
        "Paste the API key and API secret from the Vonage API Dashboard (API settings). Under "
        "Remember, choose whether to save them; VONAGE_API_KEY and VONAGE_API_SECRET in the "
        "environment come first. Saving a Vonage account replaces a saved Twilio account."
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


def found_saved(key: str) -> str:
    """Credentials saved earlier by this page (keyring or private file)."""
    return t("Saved credentials found for {key}: leave the API secret empty to use them.", key=key)


def running_on_vonage(account: str) -> str:
    """The Start page's line for a deployment that sends through Vonage."""
    return t("Real Vonage account {account}: messages are really sent and billed.", account=account)
